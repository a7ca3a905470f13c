/**
 * The native transport across two hosts (issue #5): two test hosts made on
 * this machine as network namespaces (iproute2 `ip netns`, joined by a veth
 * pair, each with its own host name through a UTS namespace), and a 4-rank
 * program run across them from a host file, with
 * `mpi4ts --transport native --hostfile F`, through Open MPI's launcher and
 * through MPICH's Hydra. Both launch the second host's daemon through a
 * launch agent that enters its namespace (Open MPI: plm_rsh_agent; Hydra:
 * -launcher-exec), given here in the libraries' environment variables.
 * Where namespaces cannot be made (no root, no CAP_NET_ADMIN), the test
 * says so and skips.
 *
 * Repro by hand: see the commands in `setup()` and the environment in each test.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, lines, repoRoot, type RunResult } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';

const PREFIX = `mpi4ts${process.pid}`;
const NS = [`${PREFIX}-h1`, `${PREFIX}-h2`];
const ADDR = ['10.77.0.1', '10.77.0.2'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-twohost-'));

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** Make the two hosts; returns why not, or null. */
function setup(): string | null {
  const probe = sh('ip', ['netns', 'add', NS[0]!]);
  if (!probe.ok) return `network namespaces are not permitted here (ip netns add: ${probe.out || 'failed'})`;
  const steps: [string, string[]][] = [
    ['ip', ['netns', 'add', NS[1]!]],
    ['ip', ['link', 'add', `${PREFIX}a`, 'type', 'veth', 'peer', 'name', `${PREFIX}b`]],
    ['ip', ['link', 'set', `${PREFIX}a`, 'netns', NS[0]!]],
    ['ip', ['link', 'set', `${PREFIX}b`, 'netns', NS[1]!]],
    ['ip', ['-n', NS[0]!, 'addr', 'add', `${ADDR[0]}/24`, 'dev', `${PREFIX}a`]],
    ['ip', ['-n', NS[1]!, 'addr', 'add', `${ADDR[1]}/24`, 'dev', `${PREFIX}b`]],
    ['ip', ['-n', NS[0]!, 'link', 'set', `${PREFIX}a`, 'up']],
    ['ip', ['-n', NS[1]!, 'link', 'set', `${PREFIX}b`, 'up']],
    ['ip', ['-n', NS[0]!, 'link', 'set', 'lo', 'up']],
    ['ip', ['-n', NS[1]!, 'link', 'set', 'lo', 'up']],
  ];
  for (const [cmd, args] of steps) {
    const r = sh(cmd, args);
    if (!r.ok) return `could not build the test network (${cmd} ${args.join(' ')}: ${r.out})`;
  }
  // `ip netns exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts: the host names resolve inside only.
  for (const ns of NS) {
    fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    fs.writeFileSync(`/etc/netns/${ns}/hosts`, `127.0.0.1 localhost\n${ADDR[0]} h1\n${ADDR[1]} h2\n`);
  }
  // The launch agent: `agent [options] host command...` runs the command on that host.
  fs.writeFileSync(path.join(dir, 'agent.sh'), `#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in -*) shift;; *) break;; esac; done
host=$1; shift
exec ip netns exec "${PREFIX}-$host" unshare --uts sh -c 'hostname "$0"; exec sh -c "$*"' "$host" "$@"
`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'hosts'), 'h1 slots=2\nh2 slots=2\n');
  return null;
}

function teardown(): void {
  for (const ns of NS) {
    sh('ip', ['netns', 'del', ns]); // deletes the veth pair with it
    fs.rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Run `mpi4ts` on host h1 (its namespace and host name), killing the whole group at the timeout. */
function onH1(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', NS[0]!, 'unshare', '--uts', 'sh', '-c', 'hostname h1; exec "$@"', 'sh',
      process.execPath, cli, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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

const skipAll = process.getuid?.() !== 0 ? 'needs root for ip netns (CAP_NET_ADMIN)' : false;
let why: string | null = null;

describe('native transport on two hosts (network namespaces)', { skip: skipAll }, () => {
  before(() => { why = setup(); });
  after(() => teardown());

  const CASES = [
    {
      library: 'openmpi',
      // Open MPI reads --mca settings from OMPI_MCA_* variables: the agent, and TCP over the test network only.
      env: {
        OMPI_MCA_plm_rsh_agent: path.join(dir, 'agent.sh'), OMPI_MCA_btl: 'self,tcp',
        OMPI_MCA_btl_tcp_if_include: '10.77.0.0/24', OMPI_MCA_oob_tcp_if_include: '10.77.0.0/24',
      },
    },
    {
      library: 'mpich',
      // Hydra's -launcher, -launcher-exec and -iface as environment variables.
      env: { HYDRA_LAUNCHER: 'ssh', HYDRA_LAUNCHER_EXEC: path.join(dir, 'agent.sh'), HYDRA_IFACE: `${PREFIX}a` },
    },
  ];

  for (const c of CASES) {
    test(`${c.library}: 4 ranks from a host file (h1 slots=2, h2 slots=2)`, { timeout: 180_000 }, async (t) => {
      if (why !== null) return t.skip(why);
      if (!builtLibraries().includes(c.library)) return t.skip(`native addon not built for ${c.library}`);
      const r = await onH1(['--transport', 'native', '--mpi', c.library, '--hostfile', path.join(dir, 'hosts'), '-n', '4', '--verbose',
        'test/fixtures/native/hello.ts'], c.env);
      const how = `exit ${r.code}${r.signal ? ` (killed: ${r.signal})` : ''}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;
      assert.equal(r.code, 0, how);
      const out = lines(r.stdout);
      const hosts = [0, 1, 2, 3].map((rank) => out.find((l) => l.startsWith(`HOST ${rank} `))?.split(' ')[2]);
      assert.deepEqual(hosts, ['h1', 'h1', 'h2', 'h2'], how);
      for (let rank = 0; rank < 4; rank++) {
        assert.ok(out.includes(`RING ${rank} ${(rank + 3) % 4},${((rank + 3) % 4) * 10}`), how);
        assert.ok(out.includes(`SUM ${rank} 10`), how);
      }
    });
  }
});
