/**
 * Dynamic processes: Spawn, Spawn_multiple, Comm.Get_parent, Disconnect
 * and the universe, through real jobs of the fixtures in
 * test/fixtures/spawn/ (each says how to run it by hand). Run after
 * `npm run build`, on the embedded runtime or on the native transport:
 *   node --import tsx --test --test-concurrency=1 test/spmd/spawn.test.ts
 *   MPI4TS_TRANSPORT=native MPI4TS_MPI=openmpi node --import tsx --test --test-concurrency=1 test/spmd/spawn.test.ts
 * Where the MPI library cannot start processes (spawnRefused) the tests
 * that spawn are skipped with its error; test/spmd/native.test.ts checks
 * that such a refusal reaches every rank.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mpirun, lines, repoRoot, onNative, spawnRefused, type RunResult } from '../helpers/spmd.ts';

const spawning = { skip: (await spawnRefused()) ?? false };

/**
 * MPICH starts a singleton (a process without mpiexec) by running
 * `mpiexec -pmi_args ...`: where the `mpiexec` on the PATH is another
 * library's, MPI_Init never returns (pmodels/mpich#6335).
 */
function mpichSingletonBlocked(): string | false {
  if (!onNative || process.env['MPI4TS_MPI'] !== 'mpich') return false;
  const v = spawnSync('mpiexec', ['--version'], { encoding: 'utf8' });
  return /HYDRA/.test(`${v.stdout}${v.stderr}`) ? false : 'MPICH singleton init runs `mpiexec -pmi_args`, and the mpiexec on the PATH is not Hydra: MPI_Init would never return (pmodels/mpich#6335)';
}

function ok(r: RunResult): void {
  assert.equal(r.signal, null, `killed (hang?)\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
}

/** `<role> <rank> <key> <json>` lines as a map from `<role> <rank> <key>` to the value. */
function said(stdout: string): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const l of lines(stdout)) {
    const x = /^(parent|child) (\d+) (\S+) (.*)$/.exec(l);
    assert.ok(x, `unexpected line ${JSON.stringify(l)}`);
    const key = `${x[1]} ${x[2]} ${x[3]}`;
    assert.ok(!m.has(key), `printed twice: ${key}`);
    m.set(key, JSON.parse(x[4]!));
  }
  return m;
}

/** The seed worker's sum for N intervals over `size` workers, each summing its share, then added in rank order. */
function seedPi(N: number, size: number): number {
  const h = 1.0 / N;
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    let s = 0.0;
    for (let i = rank; i < N; i += size) {
      const x = h * (i + 0.5);
      s += 4.0 / (1.0 + x ** 2);
    }
    total += s * h;
  }
  return total;
}

/** family.ts's `merge` line for rank `rank` of a merged communicator of `n`: Split by parity with key -rank, then Dup. */
function mergedFacts(n: number, rank: number): unknown {
  const same = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === rank % 2).sort((a, b) => b - a);
  return {
    size: n, rank, sum: (n * (n - 1)) / 2,
    split: { size: same.length, rank: same.indexOf(rank), sum: same.reduce((a, b) => a + b, 0) },
    dup: n - 1,
  };
}

/** family.ts's `inter` line for merged rank `m`: Dup of the intercommunicator, and its Split by the parity of merged ranks. */
function interFacts(parents: number, children: number, m: number): unknown {
  const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
  const [mine, theirs] = m < parents ? [range(0, parents), range(parents, children)] : [range(parents, children), range(0, parents)];
  const same = (l: number[]): number[] => l.filter((r) => r % 2 === m % 2);
  const sum = (l: number[]): number => l.reduce((a, b) => a + b, 0);
  const split = same(theirs).length === 0 ? null : { size: same(mine).length, remote: same(theirs).length, sum: sum(same(theirs)) };
  return { dup: { remote: theirs.length, sum: sum(theirs) }, split };
}

/** What family.ts must print, for `parents` parents (root `root`) and `children` children. */
function checkFamily(out: Map<string, unknown>, parents: number, children: number, root: number): void {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  for (const p of range(parents)) {
    const at = (k: string): unknown => out.get(`parent ${p} ${k}`);
    assert.equal(at('parent-of-parent-is-null'), true, 'Get_parent in a process that was not spawned is COMM_NULL');
    assert.deepEqual(at('sizes'), { inter: true, size: parents, rank: p, remote: children }, `parent ${p}: local and remote sizes`);
    assert.equal(at('remote-group-size'), children);
    assert.deepEqual(at('Bcast-from-child-0'), [1.5, 2.5]);
    // mpi4py returns None at ROOT (issue 14): null on every parent.
    assert.deepEqual(at('bcast-returns-at-root'), null);
    assert.deepEqual(at('allgather'), range(children).map((c) => `child${c}`));
    assert.equal(at('p2p-reply'), `hello parent ${p} from child 0 (source ${p})`);
    const n = parents + children;
    assert.deepEqual(at('merge'), mergedFacts(n, p), 'Merge(high=false) puts the parents first');
    assert.deepEqual(at('inter'), interFacts(parents, children, p), 'Dup and Split of the parent/child intercommunicator');
    assert.equal(at('disconnected'), true);
  }
  const pi = out.get(`parent ${root} pi`) as number;
  assert.ok(Math.abs(pi - seedPi(100, children)) < 1e-12, `Reduce to ROOT: ${pi} vs ${seedPi(100, children)}`);
  assert.ok(Math.abs(pi - 3.1416) < 1e-4);
  assert.deepEqual(out.get(`parent ${root} gather`), range(children).map((c) => ({ child: c, square: c * c })), 'gather across at ROOT');
  assert.equal(out.get(`parent ${root} reduce`), (children * (children + 1)) / 2, 'reduce of objects at ROOT');
  for (const c of range(children)) {
    const at = (k: string): unknown => out.get(`child ${c} ${k}`);
    assert.equal(at('parent-is-null'), false);
    assert.deepEqual(at('world'), { size: children, rank: c, appnum: 0 }, "children's COMM_WORLD has size maxprocs");
    assert.deepEqual(at('sizes'), { inter: true, size: children, rank: c, remote: parents }, `child ${c}: local and remote sizes`);
    assert.equal(at('same-object'), true);
    assert.equal(at('N'), 100, 'Bcast with ROOT reaches every child');
    assert.deepEqual(at('bcast'), { n: 7, words: ['a', 'b'], nested: [1, [2, 3]] }, 'object bcast with ROOT');
    assert.deepEqual(at('allgather'), range(parents).map((p) => `parent${p}`));
    assert.deepEqual(at('merge'), mergedFacts(parents + children, parents + c));
    assert.deepEqual(at('inter'), interFacts(parents, children, parents + c));
    assert.deepEqual(at('disconnected'), { same: true, again: true }, 'after Disconnect, Get_parent gives COMM_NULL');
  }
  assert.deepEqual(out.get('child 0 p2p-from'), range(parents));
  assert.equal(out.size, parents * 10 + 3 + children * 10 + 1, 'no other lines');
}

test('COMM_SELF.Spawn of 3 children: sizes, Bcast/Reduce with ROOT, objects across, point-to-point, Merge, Disconnect', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/spawn/family.ts', { launcherArgs: ['--usize', '4'], args: ['3'], timeoutMs: 60_000 });
  ok(r);
  checkFamily(said(r.stdout), 1, 3, 0);
});

test('COMM_WORLD.Spawn from 2 parents with root 1 (only the root\'s arguments count)', spawning, async () => {
  const r = await mpirun(2, 'test/fixtures/spawn/family.ts', { launcherArgs: ['--usize', '5'], args: ['3', '1'], timeoutMs: 60_000 });
  ok(r);
  checkFamily(said(r.stdout), 2, 3, 1);
});

test('universe: ERR_SPAWN beyond it on every rank, spawns that fit, bad arguments', spawning, async () => {
  const r = await mpirun(2, 'test/fixtures/spawn/universe.ts', { launcherArgs: ['-usize', '3'], timeoutMs: 60_000 });
  ok(r);
  const out = said(r.stdout);
  for (const p of [0, 1]) {
    const at = (k: string): unknown => out.get(`parent ${p} ${k}`);
    assert.equal(at('universe'), 3, '-usize sets MPI.UNIVERSE_SIZE');
    assert.deepEqual(at('too-many'), {
      class: 'ERR_SPAWN',
      message: 'Spawn: cannot start 2 processes: the universe has room for 1 more (universe size 3, 2 processes alive); start the job with a larger --usize',
    });
    for (const round of [1, 2]) {
      assert.equal(at(`fits-${round}-remote-size`), 1);
      assert.equal(at(`fits-${round}`), 'no error', `spawn ${round} that fits`);
    }
    const missing = at('missing-script') as { class: string; message: string };
    assert.equal(missing.class, 'ERR_SPAWN');
    assert.match(missing.message, /^Spawn: cannot start 'no\/such\/script\.ts': no such file/);
    const node = at('node-without-script') as { class: string; message: string };
    assert.equal(node.class, 'ERR_SPAWN');
    assert.match(node.message, /Node\.js executable: the first of its args must be the script/);
    assert.deepEqual(at('maxprocs-not-integer'), { type: 'TypeError', message: "Spawn: maxprocs must be an integer, got 'two'" });
    assert.deepEqual(at('maxprocs-zero'), { class: 'ERR_ARG', message: 'Spawn: maxprocs must be at least 1, got 0' });
  }
});

test('universe: default is the larger of -n and the number of cores', async () => {
  const cores = os.availableParallelism();
  for (const np of [1, cores + 1]) {
    const r = await mpirun(np, 'test/fixtures/spawn/universe.ts', { args: ['attr'] });
    ok(r);
    const out = said(r.stdout);
    for (let p = 0; p < np; p++) assert.equal(out.get(`parent ${p} universe`), Math.max(np, cores), `-n ${np}`);
  }
  const bad = await mpirun(3, 'test/fixtures/spawn/universe.ts', { launcherArgs: ['--usize', '2'], args: ['attr'] });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /universe size must be .* at least the number of ranks \(3\), got 2/);
});

test('a process without the launcher cannot spawn: ERR_SPAWN saying why', { skip: mpichSingletonBlocked() }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/spawn/universe.ts', 'singleton'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = said(r.stdout);
  assert.equal(out.get('parent 0 universe'), 1);
  assert.deepEqual(out.get('parent 0 singleton'), {
    class: 'ERR_SPAWN',
    message: 'Spawn: cannot start processes: this process runs alone, without the launcher (start it with `mpi4ts -n 1 --usize N script`)',
  });
});

test('a child that throws ends the job with a non-zero exit naming it', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/spawn/throws.ts', { launcherArgs: ['--usize', '3'], timeoutMs: 60_000 });
  assert.equal(r.signal, null, `killed (hang?)\n${r.stderr}`);
  assert.equal(r.code, 1);
  assert.deepEqual(lines(r.stdout), ['parent spawned 2']);
  assert.match(r.stderr, /^mpi4ts: spawned process \(Spawn #1, throws\.ts\) rank 1 failed: Error: boom in child 1\n/);
});

test('Spawn_multiple with two commands: one COMM_WORLD, APPNUM per command, each command its own arguments; Spawn\'s keyword form', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/spawn/multiple.ts', { launcherArgs: ['--usize', '4'], timeoutMs: 60_000 });
  ok(r);
  const out = lines(r.stdout);
  assert.equal(out[0], 'remote 3 errcodes [[0,0],[0]]');  // one list per command, as mpi4py 4
  assert.ok(out[1]!.startsWith('multiple '));
  assert.deepEqual(JSON.parse(out[1]!.slice('multiple '.length)), [
    { script: 'multiple.ts', args: ['child', 'a b', '--flag'], rank: 0, size: 3, appnum: 0 },
    { script: 'multiple.ts', args: ['child', 'a b', '--flag'], rank: 1, size: 3, appnum: 0 },
    { script: 'echo.mjs', args: ['second'], rank: 2, size: 3, appnum: 1 },
  ]);
  assert.deepEqual(JSON.parse(out[2]!.replace(/^keyword /, '')), [0, 1].map((rank) => (
    { script: 'multiple.ts', args: ['child'], rank, size: 2, appnum: 0 })), 'Spawn(command, { args, maxprocs, root })');
  assert.equal(out.length, 3);
});

test('generations: children spawn grandchildren (root 1 of their world); values go down and come back up', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/spawn/nested.ts', { launcherArgs: ['--usize', '4'], timeoutMs: 60_000 });
  ok(r);
  const got = lines(r.stdout).sort();
  assert.deepEqual(got, [
    '0 0 {"value":10,"below":46,"universe":4,"size":1}',
    '1 0 {"value":11,"below":12,"universe":4,"size":2}',
    '1 1 {"value":11,"below":12,"universe":4,"size":2}',
    '2 0 {"value":12,"below":0,"universe":4,"size":1}',
  ]);
});

test('--tag-output: children are tagged [k,rank] for the k-th spawn, parents [rank]', spawning, async () => {
  const r = await mpirun(1, 'test/fixtures/spawn/family.ts', { launcherArgs: ['--usize', '3', '--tag-output'], args: ['2'], timeoutMs: 60_000 });
  ok(r);
  const tags = new Map<string, Set<string>>();
  for (const l of lines(r.stdout)) {
    const m = /^\[([\d,]+)\] (parent|child) (\d+) /.exec(l);
    assert.ok(m, `untagged line ${JSON.stringify(l)}`);
    const who = `${m[2]} ${m[3]}`;
    (tags.get(who) ?? tags.set(who, new Set()).get(who)!).add(m[1]!);
  }
  assert.deepEqual([...tags].map(([who, t]) => [who, [...t]]).sort(), [['child 0', ['1,0']], ['child 1', ['1,1']], ['parent 0', ['0']]]);
});
