/**
 * Launch real multi-rank programs through the CLI, the way a user runs them,
 * and collect what they print.
 */
import { spawn } from 'node:child_process';
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
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Output lines, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
}
