/**
 * mpi4ts under a real SLURM scheduler (issue #17): jobs started with srun,
 * salloc and sbatch on this machine's one-node cluster
 * (scripts/slurm/one-machine.sh start; .ci/run starts it before npm test).
 * Each test picks its MPI library itself, so .ci/run's native loop leaves
 * this file out. Every test skips, with the reason, when `sinfo` is not
 * there or the node is not idle.
 *
 * Run: scripts/slurm/one-machine.sh start && npm run build && node --import tsx --test test/spmd/slurm.test.ts
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { lines, repoRoot } from '../helpers/spmd.ts';

/** Why the tests cannot run here (no SLURM, or its node busy or down), or false. */
function slurmUnavailable(): string | false {
  const r = spawnSync('sinfo', ['-h', '-N', '-o', '%N %t'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `sinfo unavailable (${(r.error as NodeJS.ErrnoException).code}): no SLURM here; scripts/slurm/one-machine.sh start sets one up`;
  if (r.status !== 0) return `sinfo failed (exit ${r.status}): ${r.stderr.trim()}`;
  const nodes = lines(r.stdout.trim());
  if (nodes.length === 0) return 'sinfo lists no node';
  const busy = nodes.filter((l) => !/ idle$/.test(l));
  if (busy.length > 0) return `SLURM node not idle (sinfo: ${busy.join(', ')})`;
  return false;
}
const skip = slurmUnavailable();

const cli = path.join(repoRoot, 'bin', 'mpi4ts.js');
const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'slurm', name);
const host = os.hostname();

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

/** Run a SLURM command (srun, salloc, ...) and collect its output; killed with its process group after `timeoutMs`. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  const t0 = performance.now();
  // The tests choose transport and library; the caller's choice must not leak in.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['MPI4TS_TRANSPORT'];
  delete env['MPI4TS_MPI'];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: { ...env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    // SIGTERM first: srun and salloc then cancel their job; a SIGKILLed srun
    // leaves its job RUNNING in slurmctld, holding CPUs, until scancel.
    const kill = (sig: NodeJS.Signals): void => { try { process.kill(-child.pid!, sig); } catch { /* gone */ } };
    const timer = setTimeout(() => { kill('SIGTERM'); setTimeout(() => kill('SIGKILL'), 5_000).unref(); }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until job `id` has left the queue (bounded); its state's last sighting for the message. */
async function waitForJob(id: string, limitMs: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const q = spawnSync('squeue', ['-h', '-j', id, '-o', '%T'], { encoding: 'utf8' });
    const state = q.stdout.trim();
    if (q.status !== 0 || state === '') return;
    if (performance.now() - t0 > limitMs) assert.fail(`job ${id} still ${state} after ${limitMs / 1000} s`);
    await sleep(250);
  }
}

/**
 * Check the fixture world.ts's output: every rank of one world of `n` on
 * `library`, its Allreduce and its ring; each rank is SLURM task k (srun), or no task (threads of one launcher).
 */
function checkWorld(r: Run, n: number, library: string, tasks = true): void {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const out = lines(r.stdout).sort();
  const want: string[] = [];
  for (let k = 0; k < n; k++) {
    want.push(`hello ${k} of ${n} on ${library} task ${tasks ? k : '-'}`);
    want.push(`allreduce ${k} ${(n * (n + 1)) / 2}`);
    want.push(`ring ${k} ${Array.from({ length: k === 0 ? n : k }, (_, i) => i).join(',')}`);
  }
  assert.deepEqual(out, want.sort(), r.stderr);
}

const LIBRARIES = [
  { library: 'openmpi', plugin: 'pmix', env: {} },
  { library: 'mpich', plugin: 'pmi2', env: { MPI4TS_MPI: 'mpich' } },
] as const;

describe('srun: native ranks form one COMM_WORLD', { skip }, () => {
  for (const { library, plugin, env } of LIBRARIES) {
    for (const n of [1, 2, 4]) {
      test(`${library}: srun --mpi=${plugin} -n ${n} mpi4ts --rank world.ts (hello, Allreduce, ring)`, async () => {
        checkWorld(await run('srun', [`--mpi=${plugin}`, '-n', String(n), process.execPath, cli, '--rank', fixture('world.ts')], { env }), n, library);
      });
    }
    test(`${library}: a rank that throws ends the step (the other waits in recv)`, async () => {
      const r = await run('srun', [`--mpi=${plugin}`, '-n', '2', process.execPath, cli, '--rank', fixture('throws.ts')], { env, timeoutMs: 90_000 });
      assert.notEqual(r.code, 0, r.stdout);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /mpi4ts: rank 1 failed: Error: boom on rank 1/);
    });
    test(`${library}: srun --mpi=${plugin} -n 2 node hello.mjs (plain JavaScript, no entry point)`, async () => {
      const r = await run('srun', [`--mpi=${plugin}`, '-n', '2', process.execPath, fixture('hello.mjs')], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout).sort(), ['hello 0 of 2 sum 1', 'hello 1 of 2 sum 1']);
    });
  }
});

describe('srun: ranks that cannot find each other fail at once, naming the plugin', { skip }, () => {
  const cases = [
    { what: 'no PMI plugin (srun --mpi=none -n 2)', args: ['--mpi=none', '-n', '2'], env: {}, plugin: '--mpi=pmix' },
    { what: 'MPICH under --mpi=pmix', args: ['--mpi=pmix', '-n', '2'], env: { MPI4TS_MPI: 'mpich' }, plugin: '--mpi=pmi2' },
    { what: 'Open MPI under --mpi=pmi2', args: ['--mpi=pmi2', '-n', '2'], env: { MPI4TS_MPI: 'openmpi' }, plugin: '--mpi=pmix' },
  ];
  for (const c of cases) {
    test(c.what, async () => {
      const r = await run('srun', [...c.args, process.execPath, cli, '--rank', fixture('world.ts')], { env: c.env, timeoutMs: 90_000 });
      assert.notEqual(r.code, 0, r.stdout);
      assert.equal(r.stdout, '', 'no rank may run alone');
      assert.match(r.stderr, new RegExp(`mpi4ts: task 0 of 2 of SLURM step \\d+\\.\\d+ was started by srun .*run it with srun ${c.plugin}`));
      // A hang would run into the timeout; a world of one would print. Seconds, even on a loaded machine.
      assert.ok(r.ms < 45_000, `took ${r.ms} ms`);
    });
  }
  test('srun -n 2 of the launcher itself: refused, each copy would run its own job', async () => {
    const r = await run('srun', ['-n', '2', process.execPath, cli, '-n', '2', fixture('world.ts')], { timeoutMs: 90_000 });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /srun started 2 copies of the launcher .*srun --mpi=pmix -n N npx mpi4ts --rank app\.ts/);
  });
});

describe('salloc: the launcher uses the allocation', { skip }, () => {
  for (const { library } of LIBRARIES) {
    test(`salloc -n 3 mpi4ts --transport native --mpi ${library} -n 3 bench helloworld: the seed's three lines`, async () => {
      const r = await run('salloc', ['-n', '3', process.execPath, cli, '--transport', 'native', '--mpi', library, '-n', '3', 'bench', 'helloworld']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), [0, 1, 2].map((k) => `Hello, World! I am process ${k} of 3 on ${host}.`));
      assert.match(r.stderr, /salloc: Granted job allocation \d+/);
    });
  }
  test('salloc -n 4 mpi4ts world.ts (embedded, no -n) runs 4 ranks; mpi4ts info shows the allocation', async () => {
    const r = await run('salloc', ['-n', '4', 'bash', '-c', `"${process.execPath}" "${cli}" "${fixture('world.ts')}" && "${process.execPath}" "${cli}" info`]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    const world = out.filter((l) => /^(hello|allreduce|ring) /.test(l));
    checkWorld({ ...r, stdout: `${world.join('\n')}\n` }, 4, 'threads', false);
    assert.match(r.stdout, /^slurm\.job +\d+, partition debug$/m);
    assert.match(r.stdout, /^slurm\.ntasks +4$/m);
    assert.match(r.stdout, /^slurm\.ranks +4 \(mpi4ts without -n\)$/m);
  });
});

describe('sbatch: the example job scripts', { skip }, () => {
  test('examples/slurm/parallel_pi.sbatch: the same estimates on both runtimes', async () => {
    // The job writes its plots where it was submitted: a scratch folder that sees the examples.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-sbatch-'));
    let id: string | undefined;
    try {
      fs.symlinkSync(path.join(repoRoot, 'examples'), path.join(dir, 'examples'));
      const out = path.join(dir, 'pi.out');
      const r = await run('sbatch', ['--parsable', '-o', out, path.join(repoRoot, 'examples/slurm/parallel_pi.sbatch')], {
        cwd: dir, env: { MPI4TS: `${process.execPath} ${cli}`, MAX_LOG4: '6', SEED: '1' },
      });
      assert.equal(r.code, 0, r.stderr);
      id = r.stdout.trim().split(';')[0]!;
      await waitForJob(id, 300_000);
      const text = fs.readFileSync(out, 'utf8');
      const [, embedded, native] = text.split(/^== .*$/m);
      assert.match(text, /^== embedded runtime: 4 ranks as threads of one process$/m);
      assert.match(text, /^== native runtime: 4 tasks started by srun \(Open MPI, PMIx\)$/m);
      // The program's results; each rank's StopWatch.benchmark() (tables, # csv lines) may come anywhere among them.
      const results = (part: string | undefined): string[] => lines(part ?? '').filter((l) => /^(MPI size = |\d+ \d)/.test(l));
      const timers = (part: string | undefined): number => lines(part ?? '').filter((l) => /^# csv,Overall time,ok,[\d.]+,/.test(l)).length;
      assert.equal(results(embedded)[0], 'MPI size = 4', text);
      assert.deepEqual(results(embedded).map((l) => l.split(' ')[0]), ['MPI', '1024', '4096'], text);
      for (const l of results(embedded).slice(1)) assert.ok(Math.abs(Number(l.split(' ')[1]) - Math.PI) < 0.2, l);
      assert.deepEqual(results(native), results(embedded), 'the same seed and rank count give the same estimates');
      assert.equal(timers(embedded), 4, text);
      assert.equal(timers(native), 4, text);
      assert.ok(fs.existsSync(path.join(dir, 'pi_vs_log2_N.png')));
    } finally {
      if (id !== undefined) spawnSync('scancel', [id]); // a job that failed the test must not hold the node
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('scancel of a running job (srun tasks and an embedded launcher) leaves no process behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-scancel-'));
    const marker = `scancel-${process.pid}-${Date.now()}`;
    let id: string | undefined;
    try {
      const out = path.join(dir, 'job.out');
      const node = `"${process.execPath}"`;
      const script = `srun --mpi=pmix -n 2 ${node} "${cli}" --rank "${fixture('forever.ts')}" ${marker}-native &\n`
        + `${node} "${cli}" -n 2 "${fixture('forever.ts')}" ${marker}-threads &\nwait\n`;
      const r = await run('sbatch', ['--parsable', '-n', '2', '-o', out, '--wrap', script]);
      assert.equal(r.code, 0, r.stderr);
      id = r.stdout.trim().split(';')[0]!;
      const running = (): string[] => spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout
        .split('\n').filter((l) => l.includes(marker));
      const t0 = performance.now();
      for (;;) {
        const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
        if ((text.match(/^running \d of 2 /gm) ?? []).length === 4) break;
        if (performance.now() - t0 > 120_000) assert.fail(`the job did not start its 4 ranks within 120 s:\n${text}`);
        await sleep(250);
      }
      assert.ok(running().length >= 3, `ps finds the job's processes:\n${running().join('\n')}`);
      assert.equal(spawnSync('scancel', [id]).status, 0);
      await waitForJob(id, 60_000);
      // slurmd may take KillWait (2 s) past the job's end to SIGKILL stragglers.
      const t1 = performance.now();
      while (running().length > 0 && performance.now() - t1 < 10_000) await sleep(250);
      assert.deepEqual(running(), [], 'processes left after scancel');
    } finally {
      if (id !== undefined) spawnSync('scancel', [id]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
