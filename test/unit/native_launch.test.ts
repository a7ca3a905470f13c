/**
 * `mpi4ts --transport native`: translation of the launcher's options into
 * Open MPI's and MPICH/Hydra's mpiexec commands (src/transport/native/launch.ts),
 * host and rank files, and which library a launcher's environment names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planLaunch, parseHostfile, parseRankfile, shellQuote, type MpiFlavour, type NativeLaunchOptions } from '../../src/transport/native/launch.ts';
import { launcherLibrary } from '../../src/transport/native/addon.ts';

const PROGRAM = ['/usr/bin/node', '/pkg/dist/transport/native/rank-entry.js', '/work/app.ts', 'x'];
const ENV = { MPI4TS_TRANSPORT: 'native' };

function plan(flavour: MpiFlavour, opts: NativeLaunchOptions, files: Record<string, string> = {}, root = false) {
  return planLaunch({
    flavour, mpiexec: flavour === 'openmpi' ? 'mpiexec.openmpi' : 'mpiexec.mpich', opts, program: PROGRAM, env: ENV,
    readFile: (f) => {
      if (!(f in files)) throw new Error(`no file ${f}`);
      return files[f]!;
    },
    tmpdir: '/tmp/x', hostname: 'node0', root,
  });
}

describe('Open MPI', () => {
  test('-n alone on this host: slots for every rank, environment with -x', () => {
    const p = plan('openmpi', { np: 4 });
    assert.deepEqual([p.command, ...p.args], ['mpiexec.openmpi', '--host', 'node0:4', '--oversubscribe', '-x', 'MPI4TS_TRANSPORT=native', '-n', '4', ...PROGRAM]);
  });

  test('without --usize the universe is max(N, cores), as on the embedded runtime; MPICH gets it as -usize', () => {
    const withCores = (flavour: MpiFlavour, np: number) => planLaunch({
      flavour, mpiexec: 'mpiexec', opts: { np }, program: PROGRAM, env: {}, readFile: () => '', tmpdir: '/tmp/x', hostname: 'node0', root: false, cores: 2,
    }).args;
    assert.deepEqual(withCores('openmpi', 1).slice(0, 2), ['--host', 'node0:2']);
    assert.deepEqual(withCores('openmpi', 3).slice(0, 2), ['--host', 'node0:3']);
    assert.deepEqual(withCores('mpich', 1).slice(0, 2), ['-usize', '2']);
  });

  test('more ranks than cores: Open MPI yields the core while it waits, unless the user chose', () => {
    const args = (np: number, usize?: number, yieldSet?: boolean) => planLaunch({
      flavour: 'openmpi', mpiexec: 'mpiexec', opts: { np, usize }, program: PROGRAM, env: {}, readFile: () => '',
      tmpdir: '/tmp/x', hostname: 'node0', root: false, cores: 2, yieldSet,
    }).args.join(' ');
    assert.doesNotMatch(args(2), /mpi_yield_when_idle/);
    assert.match(args(3), /--mca mpi_yield_when_idle 1/);
    assert.match(args(2, 4), /--mca mpi_yield_when_idle 1/, 'spawned processes may fill the universe');
    assert.doesNotMatch(args(3, undefined, true), /mpi_yield_when_idle/);
  });

  test('as root: --allow-run-as-root', () => {
    assert.equal(plan('openmpi', { np: 2 }, {}, true).args[0], '--allow-run-as-root');
  });

  test('--usize U on this host gives U slots (UNIVERSE_SIZE); U below N is refused, as on the embedded runtime', () => {
    assert.deepEqual(plan('openmpi', { np: 2, usize: 6 }).args.slice(0, 2), ['--host', 'node0:6']);
    assert.deepEqual(plan('openmpi', { np: 6, usize: 6 }).args.slice(0, 2), ['--host', 'node0:6']);
    assert.throws(() => plan('openmpi', { np: 8, usize: 6 }), /universe size must be an integer of at least the number of ranks \(8\), got 6/);
    assert.throws(() => plan('mpich', { np: 8, usize: 6 }), RangeError);
  });

  test('--host, --ppn, --oversubscribe, --tag-output', () => {
    const p = plan('openmpi', { np: 4, hosts: ['a', 'b'], ppn: 2, oversubscribe: true, tagOutput: true });
    assert.deepEqual(p.args, ['--host', 'a:2,b:2', '--map-by', 'ppr:2:node', '--oversubscribe',
      '-x', 'MPI4TS_TRANSPORT=native', '-x', 'MPI4TS_TAG_OUTPUT=1', '-n', '4', ...PROGRAM]);
  });

  test('--hostfile in MPICH syntax is rewritten with slots=', () => {
    const p = plan('openmpi', { np: 4, hostfile: 'hosts' }, { hosts: '# cluster\na:2\nb slots=3 max_slots=4\nc\n' });
    assert.deepEqual(p.args.slice(0, 2), ['--hostfile', '/tmp/x/hostfile.openmpi']);
    assert.deepEqual(p.files, [{ path: '/tmp/x/hostfile.openmpi', content: 'a slots=2\nb slots=3\nc\n' }]);
  });

  test('--rankfile is passed on', () => {
    const p = plan('openmpi', { np: 2, rankfile: 'rf' }, { rf: 'rank 0=a slot=0\nrank 1=b slot=1\n' });
    assert.deepEqual(p.args.slice(-PROGRAM.length - 4), ['--rankfile', 'rf', '-n', '2', ...PROGRAM]);
  });

  test('--usize with hosts is noted, not translated', () => {
    const p = plan('openmpi', { np: 2, hosts: ['a'], usize: 5 });
    assert.ok(!p.args.includes('5'));
    assert.match(p.notes.join('\n'), /universe size/);
  });
});

describe('MPICH (Hydra)', () => {
  test('-n alone: -genv for the environment, nothing else', () => {
    const p = plan('mpich', { np: 3 }, {}, true);
    assert.deepEqual([p.command, ...p.args], ['mpiexec.mpich', '-genv', 'MPI4TS_TRANSPORT', 'native', '-n', '3', ...PROGRAM]);
  });

  test('--host, --ppn, --usize, --tag-output; --oversubscribe needs nothing', () => {
    const p = plan('mpich', { np: 4, hosts: ['a', 'b'], ppn: 2, usize: 8, oversubscribe: true, tagOutput: true });
    assert.deepEqual(p.args, ['-hosts', 'a,b', '-ppn', '2', '-usize', '8',
      '-genv', 'MPI4TS_TRANSPORT', 'native', '-genv', 'MPI4TS_TAG_OUTPUT', '1', '-n', '4', ...PROGRAM]);
    assert.match(p.notes.join('\n'), /oversubscribe/);
  });

  test('--hostfile with slots= becomes a machinefile host:K', () => {
    const p = plan('mpich', { np: 4, hostfile: 'hosts' }, { hosts: 'a slots=2\nb:3\nc\n' });
    assert.deepEqual(p.args.slice(0, 2), ['-f', '/tmp/x/hostfile.mpich']);
    assert.deepEqual(p.files, [{ path: '/tmp/x/hostfile.mpich', content: 'a:2\nb:3\nc\n' }]);
  });

  test('--rankfile becomes one MPMD section per rank on its host', () => {
    const p = plan('mpich', { np: 3, rankfile: 'rf' }, { rf: 'rank 1=b slot=0\nrank 0=a slot=0\nrank 2=a slot=1\n' });
    const sections = p.args.slice(3).join(' ').split(' : ');
    assert.deepEqual(sections, ['a', 'b', 'a'].map((h) => `-n 1 -host ${h} ${PROGRAM.join(' ')}`));
    assert.match(p.notes.join('\n'), /bindings \(slot=\) are not carried over/);
  });

  test('a rankfile placing fewer ranks than -n is refused', () => {
    assert.throws(() => plan('mpich', { np: 3, rankfile: 'rf' }, { rf: 'rank 0=a\nrank 1=b\n' }), /places 2 ranks, -n asks for 3/);
  });
});

describe('option conflicts and files', () => {
  test('--host with --hostfile, --rankfile with hosts', () => {
    assert.throws(() => plan('mpich', { np: 2, hosts: ['a'], hostfile: 'h' }, { h: 'a\n' }), RangeError);
    assert.throws(() => plan('openmpi', { np: 2, hosts: ['a'], rankfile: 'r' }, { r: 'rank 0=a\n' }), RangeError);
  });

  test('an empty host file is refused', () => {
    assert.throws(() => plan('openmpi', { np: 2, hostfile: 'h' }, { h: '# nothing\n\n' }), /no hosts/);
  });

  test('parseHostfile reads both syntaxes', () => {
    assert.deepEqual(parseHostfile('a slots=4\nb:2 # comment\n\nc cpu=8\nd\n'), [
      { host: 'a', slots: 4 }, { host: 'b', slots: 2 }, { host: 'c', slots: 8 }, { host: 'd', slots: null },
    ]);
  });

  test('parseRankfile: hosts by rank; gaps and bad lines are errors', () => {
    assert.deepEqual(parseRankfile('rank 1=b slot=0:1\nrank 0=a slot=0\n'), ['a', 'b']);
    assert.throws(() => parseRankfile('rank 0=a\nrank 2=b\n'), /no line for rank 1/);
    assert.throws(() => parseRankfile('host a\n'), /cannot read line 'host a'/);
  });

  test('shellQuote quotes only what needs it', () => {
    assert.equal(shellQuote('--host'), '--host');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });
});

describe('launcher environment', () => {
  test('names the library whose mpiexec started the process', () => {
    assert.equal(launcherLibrary({ OMPI_COMM_WORLD_SIZE: '4' }), 'openmpi');
    assert.equal(launcherLibrary({ PMI_RANK: '0', PMI_SIZE: '4' }), 'mpich');
    assert.equal(launcherLibrary({ PMIX_RANK: '0' }), 'openmpi');
    assert.equal(launcherLibrary({}), null);
  });
});
