/** `mpi4ts run`: start a job on the transport's launcher (src/transport/launcher.ts) and report how it ended. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectLauncher, TRANSPORT_NAMES } from '../transport/select.js';
import { PLACEMENT_OPTIONS, type Launcher, type LaunchRequest } from '../transport/launcher.js';
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
  const launcher = await selectLauncher(transport);
  if (launcher === null) {
    process.stderr.write(`mpi4ts: --transport ${transport}: expected ${TRANSPORT_NAMES.map((n) => `'${n}'`).join(' or ')}\n`);
    return 2;
  }
  const refused = PLACEMENT_OPTIONS.find((k) => opts[k] !== undefined && !launcher.accepts.includes(k));
  if (refused !== undefined) {
    process.stderr.write(`mpi4ts: ${launcher.refuse(refused)}\n`);
    return 2;
  }
  const { host, hostfile, rankfile, ppn, oversubscribe, mpi } = opts;
  const request = {
    np: opts.np, script: abs, entry, args, tagOutput: opts.tagOutput, usize: opts.usize, timeout: opts.timeout,
    maxMemory: opts.maxMemory, check: opts.check, verbose: opts.verbose, placement: { host, hostfile, rankfile, ppn, oversubscribe, mpi },
  };
  return withTrace(opts.trace, { transport: launcher.name, np: opts.np }, (traceFolder) => runJob(launcher, { ...request, traceFolder }));
}

/** Start the job and wait for its end; a signal or a lost parent interrupts it. */
async function runJob(launcher: Launcher, request: LaunchRequest): Promise<number> {
  const job = launcher.start(request);
  // Ctrl-C or a kill: the job stops (exit 128 + signal number).
  const onSignal = (signal: NodeJS.Signals): void => job.interrupt({ signal, why: `interrupted by ${signal}`, delivered: true });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  // A parent (npx, a shell) killed without passing the signal on: as SIGHUP
  // (looked for once the ranks are starting, off their way).
  const unwatch = watchAncestors((lost) => job.interrupt({ signal: 'SIGHUP', why: `interrupted: ${describeLost(lost)} (handled as SIGHUP)`, delivered: false }));
  try {
    const result = await job.result;
    if (result.failure) process.stderr.write(`mpi4ts: ${result.failure}\n`);
    return result.code;
  } finally {
    unwatch();
    for (const s of signals) process.off(s, onSignal);
  }
}
