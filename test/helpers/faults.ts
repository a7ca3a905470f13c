/**
 * For the fault tests: run the CLI on a fixture while timestamping what it
 * prints (to measure how fast the launcher reacts), send it signals, and check
 * that nothing of the job is left running afterwards.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * For the orphan tests (test/spmd/orphans.test.ts): a job whose launcher, or
 * the shell that started it, gets killed. A small Python program is the
 * test's child and a *subreaper* (prctl PR_SET_CHILD_SUBREAPER, out of
 * Node's reach): what the killed processes leave behind is re-parented to it
 * instead of init, so it can report their exit statuses (the launcher's 129
 * after it lost its shell, the guardian's) on its file descriptor 3.
 */
const SUBREAPER = `
import ctypes, json, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
out = os.fdopen(3, 'w', buffering=1)
child = subprocess.Popen(sys.argv[1:], preexec_fn=os.setpgrp)
out.write(json.dumps({'started': child.pid}) + '\\n')
while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        break
    out.write(json.dumps({'pid': pid, 'status': os.waitstatus_to_exitcode(status)}) + '\\n')
`;

/** Python for the subreaper, or null (the orphan tests then skip). */
export const python3 = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import ctypes, sys; sys.exit(sys.platform != "linux")'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}) ?? null;

export interface OrphanJob {
  /** In the environment of every process of the job (and on the ranks' command lines). */
  readonly runId: string;
  /** The process killed by the test: the launcher, or the shell that started it. */
  readonly target: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once `n` lines of stdout start with `READY`. */
  ready(n: number): Promise<void>;
  /** The launcher's pid (a child of the shell when started through one). */
  launcher(): number;
  /** Exit status of a process that ended under the subreaper (128 + n for signal n), once it has. */
  exited(pid: number): Promise<number>;
  /** Resolves when the subreaper has no process left (or rejects at the test's time limit). */
  closed: Promise<void>;
  /** `ps` lines of the processes of the job still there (the subreaper is not one). */
  left(): string[];
  /** SIGKILL to whatever is left of the job under the subreaper (after a failed assertion). */
  stop(): void;
}

/** A Node.js parent that dies of SIGINT, SIGTERM and SIGHUP without passing them on, as npx does. */
const NODE_PARENT = `const c = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: 'inherit' });
c.on('exit', (code, sig) => process.exit(code ?? 1));`;

/** What starts the launcher: nothing (the subreaper), `sh -c`, a Node process, or a Node process through `sh -c` (as npx does). */
export type OrphanParent = 'sh' | 'node' | 'node-sh' | null;

/**
 * Start `mpi4ts launcherArgs script args --run-id <id>` under the subreaper,
 * directly or through `opts.via`. `job.target` is the launcher or the
 * outermost of its parents, in a process group of its own; the subreaper is
 * the session leader (the launcher does not watch that one).
 */
export function startOrphanJob(launcherArgs: string[], script: string, args: string[], opts: { via: OrphanParent; setsid?: boolean; timeoutMs?: number }): OrphanJob {
  const runId = `orphan-${randomUUID()}`;
  // `env` puts the run id into the launcher's environment only: mpiexec, the
  // ranks, spawned processes and the guardian inherit it, the test does not.
  const launch = [...(opts.setsid ? ['setsid'] : []), 'env', `MPI4TS_TEST_RUN=${runId}`, process.execPath, cli, ...launcherArgs, path.resolve(repoRoot, script), ...args, '--run-id', runId];
  // `sh -c 'cmd'` would exec cmd and not stay; `; exit` keeps the shell waiting for it.
  const viaShell = ['sh', '-c', '"$@"; status=$?; exit $status', 'sh', ...launch];
  const argv = opts.via === 'sh' ? viaShell
    : opts.via === 'node' ? [process.execPath, '-e', NODE_PARENT, ...launch]
      : opts.via === 'node-sh' ? [process.execPath, '-e', NODE_PARENT, ...viaShell] : launch;
  const child = spawn(python3!, ['-c', SUBREAPER, ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  let readyLines = 0;
  let started = -1;
  const statuses = new Map<number, number>();
  const waiters: (() => void)[] = [];
  const notify = (): void => { for (const w of waiters.splice(0)) w(); };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    readyLines = stdout.split('\n').filter((l) => l.startsWith('READY')).length;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  let partial = '';
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (s: string) => {
    const ls = (partial + s).split('\n');
    partial = ls.pop()!;
    for (const l of ls) {
      const m = JSON.parse(l) as { started?: number; pid?: number; status?: number };
      if (m.started !== undefined) started = m.started;
      else statuses.set(m.pid!, m.status! < 0 ? 128 - m.status! : m.status!);
    }
    notify();
  });
  const limit = opts.timeoutMs ?? 120_000;
  const timer = setTimeout(() => killJob(child), limit);
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => { clearTimeout(timer); done = true; notify(); resolve(); });
  });
  let done = false;
  const until = (what: string, ok: () => boolean): Promise<void> => new Promise((resolve, reject) => {
    const check = (): void => {
      if (ok()) resolve();
      else if (done) reject(new Error(`${what}: the job ended first\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
      else waiters.push(check);
    };
    check();
  });
  const job: OrphanJob = {
    runId,
    get target() {
      if (started < 0) throw new Error('the subreaper has not started the job yet');
      return started;
    },
    stdout: () => stdout,
    stderr: () => stderr,
    ready: (n) => until(`waiting for ${n} READY lines`, () => started >= 0 && readyLines >= n),
    launcher: () => {
      // The first process at or below the target that is `node bin/mpi4ts.js ...` (the parents name it later in their arguments).
      const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
      for (let level = [job.target]; level.length > 0; level = table.filter(([, pp]) => level.includes(pp!)).map(([p]) => p!)) {
        for (const p of level) {
          try {
            if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[1] === cli) return p;
          } catch { /* gone */ }
        }
      }
      throw new Error(`no launcher (${cli}) at or below process ${job.target}`);
    },
    exited: (pid) => until(`waiting for process ${pid} to exit`, () => statuses.has(pid)).then(() => statuses.get(pid)!),
    closed,
    left: () => processesOf(runId).filter((l) => Number(l.trim().split(' ')[0]) !== child.pid),
    stop: () => {
      if (done) return;
      for (const l of job.left()) {
        try {
          process.kill(Number(l.trim().split(' ')[0]), 'SIGKILL');
        } catch { /* gone meanwhile */ }
      }
      killJob(child);
    },
  };
  return job;
}

/** Processes of the run: `ps` lines whose command line or environment holds `runId`. */
export function processesOf(runId: string): string[] {
  const out = execFileSync('ps', ['-e', 'e', '-ww', '-o', 'pid=,args='], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.split('\n').filter((l) => l.includes(runId)).map((l) => l.slice(0, 160));
}

/** The guardian of a native launcher (native/guardian.ts): its pid and the job's temporary directory, or null. */
export function guardianOf(launcher: number): { pid: number; tmpdir: string } | null {
  const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(launcher)], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter(Boolean);
  for (const k of kids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.indexOf('mpi4ts-guardian');
    if (at > 0) return { pid: Number(k), tmpdir: argv[at + 1]! };
  }
  return null;
}
