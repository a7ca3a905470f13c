/**
 * `mpi4ts info` (issue 18): the attributes of cloudmesh's `cms sysinfo`
 * that Node.js can know, the seed's system vector (-v) and totals (-t),
 * --json, and python -m mpi4py's --mpi-std-version, --mpi-lib-version and
 * --mpi-vendor for each transport and library; launched as a user does.
 *   node --import tsx --test test/unit/info.test.ts
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';
import { binarySize, cpuTopology, systemTotals, systemVector } from '../../src/core/sysinfo.ts';

const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function info(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Outside a SLURM job, whatever the test runs in: N is then 1.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_')));
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mpi4ts.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The attributes `cms sysinfo` prints that Node.js can know (python* become node, node.version, npm). */
const SYSINFO = [
  'cpu', 'cpu_cores', 'cpu_count', 'cpu_threads', 'frequency', 'mem.available', 'mem.free', 'mem.percent', 'mem.total', 'mem.used',
  'node', 'node.version', 'npm', 'platform.version', 'sys.platform', 'uname.machine', 'uname.node', 'uname.processor',
  'uname.release', 'uname.system', 'uname.version', 'user',
];

describe('sysinfo: the machine', () => {
  test('sockets, cores and threads from /proc/cpuinfo: S(N, p, c, t) and its totals', () => {
    // 2 sockets x 4 cores x 2 threads, as /proc/cpuinfo lists the 16 logical CPUs.
    const blocks: string[] = [];
    for (let socket = 0; socket < 2; socket++) {
      for (let thread = 0; thread < 2; thread++) {
        for (let core = 0; core < 4; core++) blocks.push(`processor\t: ${blocks.length}\nphysical id\t: ${socket}\ncore id\t\t: ${core}\ncpu cores\t: 4\n`);
      }
    }
    const topology = cpuTopology(blocks.join('\n'), 16);
    assert.deepEqual(topology, { sockets: 2, cores: 8, threads: 16 });
    const v = systemVector(topology, 3);
    assert.deepEqual(v, { N: 3, p: 2, c: 4, t: 2 });
    assert.deepEqual(systemTotals(v), [3, 6, 24, 48]);
    // Where the file says nothing (macOS, some containers): one socket, a core per logical CPU.
    assert.deepEqual(cpuTopology(null, 6), { sockets: 1, cores: 6, threads: 6 });
    assert.deepEqual(systemVector(cpuTopology(null, 6), 1), { N: 1, p: 1, c: 6, t: 1 });
  });

  test('sizes as humanize.naturalsize(binary=True) writes them', () => {
    assert.equal(binarySize(512), '512 Bytes');
    assert.equal(binarySize(99_000), '96.7 KiB');
    assert.equal(binarySize(16 * 2 ** 30), '16.0 GiB');
    assert.equal(binarySize(101_397_709), '96.7 MiB');
  });
});

describe('mpi4ts info', { timeout: 120_000 }, () => {
  test('the table: Attribute, Value, every sysinfo attribute, mpi4ts\'s version, the transports', () => {
    const r = info('info');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Attribute +Value$/);
    const width = lines[0]!.indexOf('Value');
    const rows = new Map(lines.slice(1).map((l) => [l.slice(0, width).trim(), l.slice(width)]));
    for (const name of SYSINFO) assert.ok(rows.has(name), `${name} in\n${r.stdout}`);
    for (const l of lines.slice(1)) assert.equal(l[width - 1], ' ', `values in one column: ${l}`);
    assert.equal(rows.get('mpi4ts'), version);
    assert.equal(rows.get('node.version'), process.versions.node);
    assert.equal(rows.get('sys.platform'), process.platform);
    assert.match(rows.get('mem.total')!, /^\d+\.\d (KiB|MiB|GiB|TiB)$/);
    assert.match(rows.get('mem.percent')!, /^\d+\.\d %$/);
    assert.match(rows.get('transport.threads')!, /^available: /);
    assert.ok(rows.has('transport.native'));
    assert.ok(Number(rows.get('cpu_threads')) >= Number(rows.get('cpu_cores')));
  });

  test('--json: the same attributes, counts as numbers', () => {
    const r = info('info', '--json');
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const name of [...SYSINFO, 'mpi4ts', 'transport.threads', 'transport.native']) assert.ok(name in o, name);
    assert.equal(typeof o['cpu_count'], 'number');
    assert.equal(o['mpi4ts'], version);
  });

  test('-v, -t: the vector S(N, p, c, t) and the totals, consistent with the table; with --json as numbers', () => {
    const table = JSON.parse(info('info', '--json').stdout) as Record<string, number>;
    const r = info('info', '-v', '-t');
    assert.equal(r.status, 0, r.stderr);
    const m = /^S\(N, p, c, t\) = S\((\d+), (\d+), (\d+), (\d+)\)\nS\^T\(N, N\*p, N\*p\*c, N\*p\*c\*t\) = S\^T\((\d+), (\d+), (\d+), (\d+)\)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const [N, p, c, t, TN, Tp, Tc, Tt] = m.slice(1).map(Number) as [number, number, number, number, number, number, number, number];
    assert.equal(N, 1, 'outside SLURM one node');
    assert.deepEqual([TN, Tp, Tc, Tt], [N, N * p, N * p * c, N * p * c * t]);
    assert.equal(p * c * t, table['cpu_threads']);
    assert.equal(p * c, table['cpu_cores']);

    assert.equal(info('info', '-v').stdout, `S(N, p, c, t) = S(${N}, ${p}, ${c}, ${t})\n`);
    assert.equal(info('info', '--totals').stdout, `S^T(N, N*p, N*p*c, N*p*c*t) = S^T(${TN}, ${Tp}, ${Tc}, ${Tt})\n`);
    assert.deepEqual(JSON.parse(info('info', '-v', '-t', '--json').stdout), {
      vector: { N, p, c, t }, totals: { N: TN, 'N*p': Tp, 'N*p*c': Tc, 'N*p*c*t': Tt },
    });
    assert.deepEqual(JSON.parse(info('info', '-t', '--json').stdout), { totals: { N: TN, 'N*p': Tp, 'N*p*c': Tc, 'N*p*c*t': Tt } });
  });

  test('--mpi-std-version, --mpi-lib-version, --mpi-vendor (python -m mpi4py\'s): the embedded runtime', () => {
    for (const argv of [['--mpi-std-version'], ['info', '--mpi-std-version'], ['info', '--transport', 'threads', '--mpi-std-version']]) {
      const r = info(...argv);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'MPI 4.0\n', argv.join(' '));
    }
    assert.equal(info('--mpi-vendor').stdout, `mpi4ts ${version}\n`);
    assert.match(info('--mpi-lib-version').stdout, new RegExp(`^mpi4ts \\(transport threads, Node\\.js ${process.version.replaceAll('.', '\\.')}, ${process.platform}-${process.arch}\\)\\n$`));
    assert.deepEqual(JSON.parse(info('info', '--mpi-vendor', '--mpi-std-version', '--json').stdout), { mpi_std_version: 'MPI 4.0', mpi_vendor: `mpi4ts ${version}` });
  });

  for (const lib of builtLibraries()) {
    test(`--mpi-std-version, --mpi-lib-version, --mpi-vendor: --transport native --mpi ${lib}`, () => {
      const r = info('info', '--transport', 'native', '--mpi', lib, '--mpi-std-version', '--mpi-vendor', '--mpi-lib-version');
      assert.equal(r.status, 0, r.stderr);
      const [std, ...rest] = r.stdout.trimEnd().split('\n');
      const vendor = rest.at(-1)!;
      const name = lib === 'openmpi' ? 'Open MPI' : 'MPICH';
      // mpi4ts's API is MPI 4.0; Open MPI 4.1 implements MPI 3.1 and says so, as mpi4py shows a header/runtime difference.
      assert.match(std!, lib === 'openmpi' ? /^MPI 4\.0 \(runtime: MPI 3\.1\)$/ : /^MPI 4\.0( \(runtime: MPI \d\.\d\))?$/);
      assert.match(vendor, new RegExp(`^${name} \\d+\\.\\d+\\.\\d+$`));
      assert.match(rest.slice(0, -1).join('\n'), new RegExp(`^${lib === 'openmpi' ? 'Open MPI v' : 'MPICH Version:'}[^]*; mpi4ts \\(transport native, `));
    });
  }

  test('a transport or library that is not there: exit status 1, saying why', () => {
    let r = info('info', '--transport', 'native', '--mpi', 'nosuchmpi', '--mpi-vendor');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^mpi4ts info: nosuchmpi: the native transport has no addon for 'nosuchmpi' \(built: /);
    assert.equal(r.stdout, '');
    r = info('info', '--transport', 'carrier-pigeon', '--mpi-std-version');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--transport carrier-pigeon: the transports are 'threads' and 'native'/);
  });
});
