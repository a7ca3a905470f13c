/**
 * For the fault tests: run the CLI on a fixture while timestamping what it
 * prints (to measure how fast the launcher reacts), send it signals, and check
 * that nothing of the job is left running afterwards.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { cli, repoRoot, killJob } from './spmd.ts';

export interface TimedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to the last line of stdout matching `mark`, and to exit. */
  markAt: number;
  exitAt: number;
  /** Unique argument given to the script, to find leftover processes. */
  runId: string;
}

export interface TimedOptions {
  launcherArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Stdout lines matching this are timed (default /^READY /). */
  mark?: RegExp;
  /** Once `signalAfterMarks` lines matched `mark`, send `signal` to the launcher. */
  signal?: NodeJS.Signals;
  signalAfterMarks?: number;
  /** Kill the launcher (SIGKILL) after this many ms: a hang fails the test. */
  timeoutMs?: number;
}

export function runTimed(np: number, script: string, args: string[], opts: TimedOptions = {}): Promise<TimedRun> {
  const runId = `run-${randomUUID()}`;
  const mark = opts.mark ?? /^READY /;
  const argv = [cli, '-n', String(np), ...(opts.launcherArgs ?? []), path.resolve(repoRoot, script), ...args, '--run-id', runId];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let markAt = -1;
    let marks = 0;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      partial += s;
      const ls = partial.split('\n');
      partial = ls.pop()!;
      for (const l of ls) {
        if (!mark.test(l)) continue;
        markAt = performance.now() - t0;
        marks++;
        if (opts.signal && marks === (opts.signalAfterMarks ?? np)) setTimeout(() => child.kill(opts.signal), 300);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.stdin.end();
    const timer = setTimeout(() => killJob(child), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, markAt, exitAt: performance.now() - t0, runId });
    });
  });
}

/** Processes whose command line mentions `runId` (none should outlive the launcher). */
export function leftovers(runId: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(runId) && !l.includes('ps -eo'));
}
