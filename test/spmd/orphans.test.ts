/**
 * Nothing outlives its launcher (issue #13). A job that never ends by itself
 * (test/fixtures/faults/orphan.ts: plain ranks, ranks with spawned
 * children, a futures pool, a `--futures` pool) is started, and then
 * - its launcher gets SIGKILL: on the native transport the guardian
 *   (src/transport/native/guardian.ts) ends mpiexec and every rank and
 *   removes the job's temporary directory; on the embedded runtime the ranks
 *   are threads of the launcher and go with it;
 * - the shell (`sh -c`) or the Node process that started the launcher, or a
 *   Node process that started it through `sh -c` (as npx does: the shell
 *   stays when npm dies of SIGHUP), gets SIGTERM, SIGHUP or SIGINT and
 *   exits: the launcher notices (src/core/orphan.ts) and ends the job as for
 *   SIGHUP, with exit status 129.
 * Each time, `ps` (command lines and environments) must show no process of
 * the job 3 s after the kill, guardian included.
 *
 * The file picks its transports itself (both MPI libraries where built), so
 * it does not run again under MPI4TS_TRANSPORT=native.
 *
 * Repro: node bin/mpi4ts.js --transport native --mpi openmpi -n 2 test/fixtures/faults/orphan.ts --case plain &
 *        sleep 3; kill -9 $!; sleep 2; ps -e e | grep orphan.ts
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOrphanJob, guardianOf, python3, type OrphanJob, type OrphanParent } from '../helpers/faults.ts';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';

const FIXTURE = 'test/fixtures/faults/orphan.ts';

/** Launcher options of each shape of job and how many READY lines it prints once every process is in its endless part. */
const SHAPES = {
  plain: { args: ['-n', '2'], ready: 2, spawns: false },
  spawn: { args: ['-n', '2', '--usize', '4'], ready: 4, spawns: true },
  pool: { args: ['-n', '1', '--usize', '3'], ready: 3, spawns: true },
  futures: { args: ['-n', '3', '--futures'], ready: 3, spawns: false },
} as const;
type Shape = keyof typeof SHAPES;

interface Transport { name: string; lib?: 'openmpi' | 'mpich'; args: string[] }
const TRANSPORTS: Transport[] = [
  { name: 'embedded', args: ['--transport', 'threads'] },
  { name: 'Open MPI', lib: 'openmpi', args: ['--transport', 'native', '--mpi', 'openmpi'] },
  { name: 'MPICH', lib: 'mpich', args: ['--transport', 'native', '--mpi', 'mpich'] },
];

/** What is killed: the launcher, its whole process group (launcher and mpiexec), or the parent that started it. */
type Kill =
  | { what: 'launcher'; signal: 'SIGKILL' }
  | { what: 'group'; signal: 'SIGKILL' }
  | { what: 'parent'; parent: Exclude<OrphanParent, null>; signal: 'SIGTERM' | 'SIGHUP' | 'SIGINT' };

const fileSkip = onNative ? 'this file picks its transports itself (it ran in npm test)'
  : python3 === null ? 'needs Linux and /usr/bin/python3 (the test harness is a subreaper, prctl)' : false;

const spawnProbes = new Map<string, Promise<string | null>>();
/** Null if `t` can spawn processes, else why not (MPICH 4.0's ch4:ucx build cannot). */
function spawnRefused(t: Transport): Promise<string | null> {
  let p = spawnProbes.get(t.name);
  if (p === undefined) {
    p = mpirun(2, 'test/fixtures/spawn/probe.ts', { launcherArgs: [...t.args, '--usize', '3'] }).then((r) => {
      const out = lines(r.stdout);
      if (r.code === 0 && out.length === 2 && out.every((l) => l.endsWith(' spawn ok'))) return null;
      const refused = out.find((l) => l.includes(' spawn refused '));
      return `${t.name} cannot spawn here: ${refused ? refused.replace(/^rank \d+ spawn refused /, '').split(' | ')[0] : `probe exit ${r.code}: ${r.stderr}`}`;
    });
    spawnProbes.set(t.name, p);
  }
  return p;
}

async function orphan(t: TestContext, transport: Transport, shape: Shape, kill: Kill): Promise<void> {
  if (transport.lib && !builtLibraries().includes(transport.lib)) return t.skip(`native addon not built for ${transport.lib}`);
  if (SHAPES[shape].spawns) {
    const refused = await spawnRefused(transport);
    if (refused !== null) return t.skip(refused);
  }
  const via = kill.what === 'parent' ? kill.parent : null;
  const job: OrphanJob = startOrphanJob([...transport.args, ...SHAPES[shape].args], FIXTURE, ['--case', shape], { via });
  const why = (): string => `\n--- stdout ---\n${job.stdout()}\n--- stderr ---\n${job.stderr()}`;
  try {
    await job.ready(SHAPES[shape].ready);
    const launcher = job.launcher();
    // Under `node -e ... sh -c`, the shell stays the launcher's parent and reaps it, then exits with its status.
    const reaper = via === 'node-sh' ? Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(launcher)], { encoding: 'utf8' })) : launcher;
    const guardian = transport.lib ? guardianOf(launcher) : null;
    if (transport.lib) {
      assert.ok(guardian, `the native launcher ${launcher} has a guardian`);
      assert.ok(fs.existsSync(guardian.tmpdir), `the job's temporary directory ${guardian.tmpdir} exists while it runs`);
    }
    const t0 = performance.now();
    if (kill.what === 'launcher') process.kill(launcher, kill.signal);
    else if (kill.what === 'group') process.kill(-launcher, kill.signal);
    else process.kill(job.target, kill.signal);
    let left = job.left();
    while (left.length > 0 && performance.now() - t0 < 3000) {
      await sleep(50);
      left = job.left();
    }
    const ms = Math.round(performance.now() - t0);
    assert.deepEqual(left, [], `3 s after ${kill.signal} to the ${kill.what}, these processes of the job are left${why()}`);
    t.diagnostic(`every process of the job gone ${ms} ms after ${kill.signal} to the ${kill.what}`);
    if (guardian) {
      assert.equal(fs.existsSync(guardian.tmpdir), false, `the temporary directory ${guardian.tmpdir} is removed`);
      assert.equal(await job.exited(guardian.pid), 0, 'the guardian exits 0');
    }
    if (kill.what === 'parent') {
      assert.equal(await job.exited(reaper), 129, `the launcher exits 129 (as for SIGHUP)${why()}`);
      // What the launcher wrote may still be in the pipe when its exit is seen: read it whole.
      await job.closed;
      assert.match(job.stderr(), new RegExp(`mpi4ts: interrupted: process ${job.target} \\(\\w+\\), which started the launcher, has ended \\(handled as SIGHUP\\)`));
      // The embedded launcher says where each rank was, as for its own signals.
      if (!transport.lib) assert.match(job.stderr(), /\(handled as SIGHUP\); where each rank was:\n {2}rank 0: /);
    }
    await job.closed;
  } finally {
    job.stop();
  }
}

for (const transport of TRANSPORTS) {
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    test(`${transport.name}, ${shape} job: SIGKILL to the launcher leaves nothing`, { skip: fileSkip }, (t) =>
      orphan(t, transport, shape, { what: 'launcher', signal: 'SIGKILL' }));
  }
  const parents: [Shape, Exclude<OrphanParent, null>, 'SIGTERM' | 'SIGHUP' | 'SIGINT'][] = [
    ['plain', 'sh', 'SIGTERM'], ['plain', 'node', 'SIGINT'], ['plain', 'node-sh', 'SIGHUP'],
    ['spawn', 'sh', 'SIGHUP'], ['pool', 'sh', 'SIGTERM'], ['futures', 'sh', 'SIGHUP'],
  ];
  for (const [shape, parent, signal] of parents) {
    const who = parent === 'node-sh' ? 'the Node process that started it through sh (as npx)' : `its parent (${parent})`;
    test(`${transport.name}, ${shape} job: ${signal} to ${who} ends it, exit 129`, { skip: fileSkip }, (t) =>
      orphan(t, transport, shape, { what: 'parent', parent, signal }));
  }
}

test('Open MPI, plain job: SIGKILL to the launcher and mpiexec together leaves nothing', { skip: fileSkip }, (t) =>
  orphan(t, TRANSPORTS[1]!, 'plain', { what: 'group', signal: 'SIGKILL' }));

test('embedded, plain job: a launcher in a session of its own (setsid) outlives its parent', { skip: fileSkip }, async (t) => {
  // `setsid` is how to start a job meant to outlive what started it: the launcher watches no ancestor then.
  const job = startOrphanJob(['--transport', 'threads', ...SHAPES.plain.args], FIXTURE, ['--case', 'plain'], { via: 'sh', setsid: true });
  try {
    await job.ready(SHAPES.plain.ready);
    const launcher = job.launcher();
    process.kill(job.target, 'SIGTERM');
    await sleep(1500);
    assert.ok(job.left().some((l) => l.trim().startsWith(`${launcher} `)), `the launcher ${launcher} still runs 1.5 s after its shell ended${'\n'}${job.stderr()}`);
    assert.doesNotMatch(job.stderr(), /interrupted/);
    process.kill(launcher, 'SIGTERM');
    assert.equal(await job.exited(launcher), 143, 'SIGTERM to the launcher ends it as usual');
    await job.closed;
    assert.deepEqual(job.left(), []);
  } finally {
    job.stop();
  }
});
