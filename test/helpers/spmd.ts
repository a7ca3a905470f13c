/**
 * Launch real multi-rank programs through the CLI, the way a user runs them,
 * and collect what they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(repoRoot, 'bin', 'mpi4ts.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole launcher run, in milliseconds. */
  ms: number;
}

export interface RunOptions {
  /** Arguments for the script. */
  args?: string[];
  /** Extra options for the launcher, before the script (e.g. ['--tag-output']). */
  launcherArgs?: string[];
  /** Text fed to standard input (stdin is closed after it). */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the launcher after this many milliseconds (default 60 s): a hang fails the test. */
  timeoutMs?: number;
  cwd?: string;
}

/** Run `mpi4ts -n np script args...` and resolve when it exits (or is killed at the timeout). */
export function mpirun(np: number, script: string, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const argv = [cli, '-n', String(np), ...(opts.launcherArgs ?? []), path.resolve(repoRoot, script), ...(opts.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => killJob(child), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/**
 * Kill a launcher started with `detached: true` and everything in its
 * process group: on the native transport that is mpiexec, whose ranks then
 * end too (a SIGKILL of the launcher alone leaves mpiexec running, holding
 * the output pipes open, until the launcher's guardian ends it up to 1.5 s
 * later; see src/transport/native/guardian.ts).
 */
export function killJob(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Output lines, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
}

/** The tests run on the native transport (MPI4TS_TRANSPORT=native), not the embedded runtime. */
export const onNative = process.env['MPI4TS_TRANSPORT'] === 'native';

/** `skip` option for a test of a behaviour only the embedded runtime has: the reason on the native transport, else false. */
export function embeddedOnly(reason: string): string | false {
  return onNative ? `embedded runtime only: ${reason}` : false;
}

let spawnProbe: Promise<string | null> | undefined;

/**
 * Null if processes can be spawned here, else the MPI library's refusal
 * (on the native transport the library starts them, and some builds
 * cannot: MPICH 4.0's ch4:ucx device has no dynamic processes). Asked once
 * per test file with test/fixtures/spawn/probe.ts; the embedded runtime
 * always can. For `skip` options: `{ skip: await spawnRefused() ?? false }`.
 */
export function spawnRefused(): Promise<string | null> {
  if (!onNative) return Promise.resolve(null);
  spawnProbe ??= mpirun(2, 'test/fixtures/spawn/probe.ts', { launcherArgs: ['--usize', '3'], timeoutMs: 60_000 }).then((r) => {
    const out = lines(r.stdout);
    if (r.code === 0 && out.length === 2 && out.every((l) => l.endsWith(' spawn ok'))) return null;
    const refused = out.find((l) => l.includes(' spawn refused '));
    if (r.code === 0 && refused) return `the MPI library cannot spawn: ${refused.replace(/^rank \d+ spawn refused /, '')}`;
    throw new Error(`spawn probe failed (exit ${r.code}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  });
  return spawnProbe;
}
