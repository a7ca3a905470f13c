/** `mpi4ts run`: start a job on the embedded runtime and report how it ended. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ThreadsJob } from '../transport/threads/host.js';
import { runNative } from '../transport/native/launch.js';
import { watchAncestors, describeLost } from '../core/orphan.js';
import { precompile } from '../loader/entry.js';
import { runtimeEntry } from '../core/entries.js';
import { withTrace } from './trace.js';

export interface RunOptions {
  np: number;
  tagOutput?: boolean;
  usize?: number;
  /** mpi4py's `-m mpi4py.futures`: rank 0 runs the script, the other ranks are the pool of its executors. */
  futures?: boolean;
  /** End the job after this many seconds. */
  timeout?: number;
  /** JS heap limit per rank in MB. */
  maxMemory?: number;
  /** Collectives check that all ranks made the same call (MPI4TS_CHECK=1 in every rank). */
  check?: boolean;
  /** Record every MPI call and message into this Trace Event file (src/cli/trace.ts). */
  trace?: string;
}

/** Options of `mpi4ts run` as parsed: the embedded runtime's and, for `--transport native`, mpiexec's. */
export interface RunCommandOptions extends RunOptions {
  transport?: string;
  mpi?: string;
  host?: string;
  hostfile?: string;
  rankfile?: string;
  ppn?: number;
  oversubscribe?: boolean;
  verbose?: boolean;
}

/** Run `script` with `args` on `np` ranks; resolves with the exit status. */
export async function runScript(script: string, args: readonly string[], opts: RunCommandOptions): Promise<number> {
  let abs = path.resolve(script);
  if (!fs.existsSync(abs)) {
    process.stderr.write(`mpi4ts: script not found: ${script}\n`);
    return 2;
  }
  // TypeScript becomes JavaScript once, here: every rank imports that (a cache hit where it looks).
  let entry: string | undefined;
  try {
    entry = await precompile(abs);
  } catch (e) {
    process.stderr.write(`mpi4ts: cannot compile ${script}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (opts.futures) {
    // Every rank starts on the futures entry point, which runs the script on rank 0 and serves on the others
    // (it finds the script's compiled JavaScript in the cache).
    entry = undefined;
    args = [abs, ...args];
    abs = fileURLToPath(runtimeEntry('futures-main'));
  }
  const transport = opts.transport ?? process.env['MPI4TS_TRANSPORT'] ?? 'threads';
  if (transport === 'native') {
    // The ranks (mpiexec passes them this environment) import it without looking it up.
    if (entry !== undefined) process.env['MPI4TS_COMPILED'] = JSON.stringify({ [abs]: entry });
    return withTrace(opts.trace, { transport: 'native', np: opts.np }, (traceFolder) => runNative(abs, args, {
      np: opts.np, tagOutput: opts.tagOutput, usize: opts.usize, mpi: opts.mpi,
      hosts: opts.host?.split(',').filter(Boolean), hostfile: opts.hostfile, rankfile: opts.rankfile,
      ppn: opts.ppn, oversubscribe: opts.oversubscribe, verbose: opts.verbose,
      timeout: opts.timeout, maxMemory: opts.maxMemory, check: opts.check, traceFolder,
    }));
  }
  if (transport !== 'threads') {
    process.stderr.write(`mpi4ts: --transport ${transport}: expected 'threads' or 'native'\n`);
    return 2;
  }
  const native = (['host', 'hostfile', 'rankfile', 'ppn', 'oversubscribe', 'mpi'] as const).filter((k) => opts[k] !== undefined);
  if (native.length > 0) {
    process.stderr.write(`mpi4ts: --${native[0]} applies to --transport native (the embedded runtime runs on this host)\n`);
    return 2;
  }
  const scriptArgs = args;
  return withTrace(opts.trace, { transport: 'threads', np: opts.np }, (traceFolder) => runThreads(abs, entry, scriptArgs, opts, traceFolder));
}

/** The embedded runtime's job, interrupted by a signal or a lost parent. */
async function runThreads(abs: string, entry: string | undefined, args: readonly string[], opts: RunCommandOptions, traceFolder: string | undefined): Promise<number> {
  const job = new ThreadsJob({
    np: opts.np, script: abs, entry, args, tagOutput: opts.tagOutput, universeSize: opts.usize,
    timeoutSeconds: opts.timeout, maxMemoryMb: opts.maxMemory, check: opts.check, traceFolder,
  });
  // Ctrl-C or a kill: every rank stops and the launcher says where each was (exit 128 + signal number).
  const onSignal = (sig: NodeJS.Signals): void => {
    void job.interrupt(`interrupted by ${sig}`, sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  const running = job.run();
  // A parent (npx, a shell) killed without passing the signal on: as SIGHUP
  // (looked for once the ranks are starting, off their way).
  const unwatch = watchAncestors((lost) => void job.interrupt(`interrupted: ${describeLost(lost)} (handled as SIGHUP)`, 129));
  const result = await running;
  unwatch();
  for (const s of signals) process.off(s, onSignal);
  if (result.failure) process.stderr.write(`mpi4ts: ${result.failure}\n`);
  return result.code;
}
