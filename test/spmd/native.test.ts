/**
 * The native transport (issue #5): the same fixtures as the embedded
 * runtime's suites, run on Open MPI and on MPICH through their own mpiexec
 * (`mpi4ts --transport native --mpi <library>`); programs started by a
 * plain `mpiexec ... node app` pick the native transport by themselves; a
 * TypeScript rank and a C rank talk in one MPMD job; a failing rank ends
 * the job. A library whose addon is not built (see `mpi4ts info`) is
 * skipped with the reason.
 *
 * Repro of one run:
 *   node bin/mpi4ts.js --transport native --mpi mpich -n 3 test/fixtures/p2p/obj.ts
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture, type FixtureRun } from '../fixtures/p2p/_harness.ts';
import { mpirun, lines, repoRoot, type RunResult } from '../helpers/spmd.ts';
import { builtLibraries, nativeAvailability } from '../../src/transport/native/addon.ts';

const LIBRARIES = [
  { name: 'openmpi', mpiexec: 'mpiexec.openmpi', mpicc: 'mpicc.openmpi', extra: ['--allow-run-as-root', '--oversubscribe'] },
  { name: 'mpich', mpiexec: 'mpiexec.mpich', mpicc: 'mpicc.mpich', extra: [] as string[] },
] as const;

/** Fixtures and rank counts: every check of each must pass on every rank. */
const FIXTURES: [string, number][] = [
  ['p2p/obj.ts', 2],
  ['p2p/obj.ts', 4],
  ['p2p/buf.ts', 3],
  ['p2p/request.ts', 2],
  ['p2p/errors.ts', 3],
  ['p2p/large.ts', 2],
  ['p2p/env.ts', 3],
  ['cco/obj.ts', 3],
  ['cco/buf.ts', 4],
  ['cco/comm.ts', 4],
  ['cco/inter.ts', 4],
  ['topo/topo.ts', 4],
];

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function skipReason(lib: (typeof LIBRARIES)[number]): string | false {
  if (!builtLibraries().includes(lib.name)) return `native addon not built for ${lib.name}: ${nativeAvailability()[1]}`;
  if (!onPath(lib.mpiexec)) return `${lib.mpiexec} not on the PATH`;
  return false;
}

/** Compile test/fixtures/native/`name`.c with the library's mpicc into `dir`; the executable's path. */
function compileC(lib: (typeof LIBRARIES)[number], name: string, dir: string): string {
  const exe = path.join(dir, name);
  const cc = spawnSync(lib.mpicc, ['-O2', '-o', exe, path.join(repoRoot, `test/fixtures/native/${name}.c`)], { encoding: 'utf8' });
  assert.equal(cc.status, 0, `${lib.mpicc} failed: ${cc.stderr}`);
  return exe;
}

/**
 * hello.ts's first line on the native transport: MPI.Get_library_version()
 * is the library's own version line, then mpi4ts's (issue 14: it tells the
 * truth per transport).
 */
function nativeHello(rank: number, size: number): RegExp {
  const own = `mpi4ts (transport native, Node.js ${process.version}, ${os.platform()}-${os.arch()})`.replace(/[.()]/g, '\\$&');
  return new RegExp(`^HELLO ${rank} ${size} (Open MPI v\\d|MPICH Version:).*; ${own}$`);
}

function explain(run: FixtureRun | RunResult): string {
  const r = 'result' in run ? run.result : run;
  return `exit ${r.code}${r.signal ? ` (killed by ${r.signal}: hang?)` : ''}\n--- stderr ---\n${r.stderr.split('\n').slice(0, 30).join('\n')}`;
}

/** Run a command (not through the CLI), killing its whole process group at the timeout. */
function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

test('mpi4ts info reports the native transport and why when it is unavailable', async () => {
  const r = await runCommand(process.execPath, ['bin/mpi4ts.js', 'info']);
  assert.equal(r.code, 0, explain(r));
  const row = lines(r.stdout).find((l) => l.startsWith('transport.native'));
  assert.ok(row, r.stdout);
  const [available, detail] = nativeAvailability();
  assert.match(row, available ? /available: .*addon built for/ : /unavailable: /);
  assert.ok(row.includes(detail));
});

test('the addon build is skipped, with the reason recorded, where no MPI library is installed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-nompi-'));
  try {
    fs.copyFileSync(path.join(repoRoot, 'native', 'build.mjs'), path.join(dir, 'build.mjs'));
    fs.copyFileSync(path.join(repoRoot, 'native', 'mpi4ts_native.c'), path.join(dir, 'mpi4ts_native.c'));
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs')], { env: { PATH: '/nonexistent', HOME: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const status = JSON.parse(fs.readFileSync(path.join(dir, 'build-status.json'), 'utf8')) as { skipped: string | null; built: object };
    assert.match(status.skipped ?? '', /no MPI library found/);
    assert.deepEqual(status.built, {});
    assert.ok(!fs.existsSync(path.join(dir, 'build-openmpi')) && !fs.existsSync(path.join(dir, 'build-mpich')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const lib of LIBRARIES) {
  const skip = skipReason(lib);
  describe(`native transport on ${lib.name}`, { skip }, () => {
    for (const [fixture, np] of FIXTURES) {
      test(`${fixture} at ${np} ranks: every check passes on every rank`, { timeout: 240_000 }, async () => {
        const run = await runFixture(fixture, np, { launcherArgs: ['--transport', 'native', '--mpi', lib.name], timeoutMs: 200_000 });
        const fails = [...run.fail].map(([name, f]) => `${name}: ${f.map(([r, m]) => `rank ${r}: ${m}`).join('; ')}`);
        assert.deepEqual(fails, [], explain(run));
        assert.ok(run.ok.size > 0, `no check ran\n${explain(run)}`);
        for (const [name, ranks] of run.ok) assert.equal(ranks.size, np, `${name} completed on ranks ${[...ranks]}\n${explain(run)}`);
        assert.equal(run.result.code, 0, explain(run));
        assert.equal(run.done.size, np, `not every rank finished\n${explain(run)}`);
      });
    }

    test('a plain `mpiexec -n 3 node app.ts` selects the native transport', async () => {
      const r = await runCommand(lib.mpiexec, [...lib.extra, '-n', '3', process.execPath, '--import', 'tsx', 'test/fixtures/native/hello.ts']);
      assert.equal(r.code, 0, explain(r));
      const out = lines(r.stdout);
      for (let rank = 0; rank < 3; rank++) {
        assert.ok(out.some((l) => nativeHello(rank, 3).test(l)), r.stdout);
        assert.ok(out.includes(`RING ${rank} ${(rank + 2) % 3},${((rank + 2) % 3) * 10}`), r.stdout);
        assert.ok(out.includes(`SUM ${rank} 6`), r.stdout);
      }
    });

    test('MPI4TS_TRANSPORT=native without a launcher: a singleton world of one, universe size included', async () => {
      // MPICH's singleton asked a PMI server for the universe size by running
      // `mpiexec -pmi_args`, which no mpiexec here accepts: init hung.
      const r = await runCommand(process.execPath, ['--import', 'tsx', 'test/fixtures/native/hello.ts'],
        { MPI4TS_TRANSPORT: 'native', MPI4TS_MPI: lib.name }, 30_000);
      assert.equal(r.signal, null, `the singleton hung\n${explain(r)}`);
      assert.equal(r.code, 0, explain(r));
      const out = lines(r.stdout);
      assert.ok(out.some((l) => nativeHello(0, 1).test(l)), r.stdout);
      assert.ok(out.includes('RING 0 0,0') && out.includes('SUM 0 1'), r.stdout);
    });

    test('MPI4TS_TRANSPORT=threads under mpiexec: each process is a world of its own', async () => {
      const r = await runCommand(lib.mpiexec, [...lib.extra, '-n', '2', process.execPath, '--import', 'tsx', 'test/fixtures/native/hello.ts'],
        { MPI4TS_TRANSPORT: 'threads' });
      assert.equal(r.code, 0, explain(r));
      const hellos = lines(r.stdout).filter((l) => l.startsWith('HELLO'));
      assert.deepEqual(hellos, Array(2).fill(`HELLO 0 1 mpi4ts (transport threads, Node.js ${process.version}, ${os.platform()}-${os.arch()})`));
    });

    test('a rank that throws ends the job with its error, not a hang', async () => {
      const r = await mpirun(3, 'test/fixtures/native/fail.ts', { launcherArgs: ['--transport', 'native', '--mpi', lib.name], timeoutMs: 60_000 });
      assert.equal(r.signal, null, `the job hung\n${explain(r)}`);
      assert.notEqual(r.code, 0, explain(r));
      assert.match(r.stderr, /rank 1 failed: Error: native boom on rank 1/);
      assert.doesNotMatch(r.stdout, /UNREACHABLE/);
    });

    test('non-blocking collectives progress while a rank is blocked in a receive (cco/progress.ts)', async () => {
      for (const mode of ['ibarrier', 'Ibarrier', 'ibcast', 'Iallreduce']) {
        const r = await mpirun(3, 'test/fixtures/cco/progress.ts', { args: [mode], launcherArgs: ['--transport', 'native', '--mpi', lib.name], timeoutMs: 60_000 });
        assert.equal(r.code, 0, `${mode}: ${explain(r)}`);
        assert.deepEqual(lines(r.stdout).filter((l) => l.startsWith('done')).sort(), ['done 0', 'done 1', 'done 2'], mode);
      }
    });

    test('Spawn: the library starts the children (Bcast, Merge, Split and Dup of it and of the intercommunicator, Disconnect across), or its refusal reaches every parent as ERR_SPAWN', { timeout: 180_000 }, async () => {
      const launcherArgs = ['--transport', 'native', '--mpi', lib.name, '--usize', '3'];
      const probe = await mpirun(2, 'test/fixtures/spawn/probe.ts', { launcherArgs, timeoutMs: 60_000 });
      assert.equal(probe.signal, null, `the job hung\n${explain(probe)}`);
      assert.equal(probe.code, 0, explain(probe));
      const out = lines(probe.stdout).sort();
      if (out.some((l) => l.includes(' spawn refused '))) {
        // E.g. MPICH 4.0 built with ch4:ucx: MPI_Open_port is not supported by that device.
        for (const [rank, l] of out.entries()) {
          assert.match(l, new RegExp(`^rank ${rank} spawn refused ERR_SPAWN Spawn: cannot start processes: the MPI library refused: MPI_Comm_spawn_multiple: `));
        }
        return;
      }
      assert.deepEqual(out, ['rank 0 spawn ok', 'rank 1 spawn ok'], explain(probe));
      const r = await mpirun(1, 'test/fixtures/spawn/family.ts', { launcherArgs, args: ['2'], timeoutMs: 60_000 });
      assert.equal(r.code, 0, explain(r));
      const got = lines(r.stdout);
      for (const l of ['parent 0 sizes {"inter":true,"size":1,"rank":0,"remote":2}', 'child 1 world {"size":2,"rank":1,"appnum":0}',
        'child 0 N 100', 'parent 0 allgather ["child0","child1"]', 'child 1 merge {"size":3,"rank":2,"sum":3,"split":{"size":2,"rank":0,"sum":2},"dup":2}',
        'child 1 inter {"dup":{"remote":1,"sum":0},"split":{"size":1,"remote":1,"sum":0}}', 'child 0 inter {"dup":{"remote":1,"sum":0},"split":null}', 'parent 0 disconnected true']) {
        assert.ok(got.includes(l), `missing ${l}\n${r.stdout}`);
      }
    });

    test('a C parent spawns mpi4ts children: messages and the library\'s collectives cross, our own algorithms are refused, Disconnect ends both', async (t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mpi4ts-spawnc-${lib.name}-`));
      try {
        const exe = compileC(lib, 'spawn_parent', dir);
        // Children used to MPI_Comm_dup the parent intercommunicator at start-up, which no C parent joins: they hung.
        const r = await runCommand(lib.mpiexec, [...lib.extra, '-n', '1', exe, process.execPath, 'test/fixtures/native/spawn_child.ts', '2'], {}, 90_000);
        assert.equal(r.signal, null, `the job hung\n${explain(r)}\n${r.stdout}`);
        assert.equal(r.code, 0, `${explain(r)}\n${r.stdout}`);
        const out = lines(r.stdout);
        const refused = out.find((l) => l.startsWith('C parent spawn refused: '));
        if (refused !== undefined) {
          // E.g. MPICH 4.0 built with ch4:ucx: MPI_Open_port is not supported by that device.
          t.skip(`${lib.name} cannot spawn here: ${refused}`);
          return;
        }
        for (const l of ['C parent spawned 2', 'C parent got 2 4 9 from child 0 tag 6', 'C parent reduce 3 30', 'C parent allreduce 1 2',
          'child 1 got 0.5 1.5 2.5 from 0 tag 5']) {
          assert.ok(out.includes(l), `missing ${l}\n${r.stdout}`);
        }
        for (const rank of [0, 1]) {
          for (const l of ['bcast 7 11 13 17', 'allreduce 100 200', 'world allreduce 1', 'disconnected']) {
            assert.ok(out.includes(`child ${rank} ${l}`), `missing child ${rank} ${l}\n${r.stdout}`);
          }
          assert.ok(out.some((l) => l.startsWith(`child ${rank} allgather refused true: allgather: the parent is not an mpi4ts program`)), r.stdout);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    describe('MPMD job with a C program (test/fixtures/native/interop.c)', () => {
      let exe = '';
      let dir = '';
      before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), `mpi4ts-interop-${lib.name}-`));
        exe = compileC(lib, 'interop', dir);
      });

      after(() => fs.rmSync(dir, { recursive: true, force: true }));

      test('typed arrays both ways, eager and 1 MiB, between a TypeScript rank and a C rank', async () => {
        const r = await runCommand(lib.mpiexec, [...lib.extra, '-n', '1', process.execPath, '--import', 'tsx', 'test/fixtures/native/interop.ts',
          ':', '-n', '1', exe]);
        assert.equal(r.code, 0, explain(r));
        const out = lines(r.stdout);
        assert.ok(out.includes('C got 3 doubles 1.5 2 3 from 0 tag 1'), r.stdout);
        assert.ok(out.includes('TS got ints 2 4 9 from 1 tag 2 count 3'), r.stdout);
        // sum of i % 100 over 2^18 values
        const expected = Array.from({ length: 1 << 18 }, (_, i) => i % 100).reduce((a, b) => a + b, 0);
        assert.ok(out.includes(`C got 262144 floats summing to ${expected}`), r.stdout);
        assert.ok(out.includes('TS got floats 262144 262143 ... 1'), r.stdout);
      });

      test('Barrier, Bcast and Allreduce with the C rank (the library\'s own collectives)', async () => {
        const r = await runCommand(lib.mpiexec, [...lib.extra, '-n', '1', process.execPath, '--import', 'tsx', 'test/fixtures/native/interop.ts', 'coll',
          ':', '-n', '1', exe, 'coll'], {}, 60_000);
        assert.equal(r.code, 0, explain(r));
        const out = lines(r.stdout);
        assert.ok(out.includes('C bcast 42 7'), r.stdout);
        assert.ok(out.includes('C allreduce 11 22'), r.stdout);
        assert.ok(out.includes('TS allreduce 11 22'), r.stdout);
      });

    });
  });
}
