/**
 * `mpi4ts run` on the embedded runtime (the launcher contract of
 * ../launcher.ts): the ranks are worker threads of this process, started
 * and watched by a ThreadsJob (host.ts).
 */
import * as os from 'node:os';
import type { Launcher, LaunchedJob, LaunchRequest, PlacementOption } from '../launcher.js';
import { ThreadsJob } from './host.js';
import { nodeThreads } from './node-threads.js';

export const launcher: Launcher = {
  name: 'threads',
  accepts: [],
  refuse(option: PlacementOption): string {
    return `--${option} applies to --transport native (the embedded runtime runs on this host)`;
  },
  start(r: LaunchRequest): LaunchedJob {
    const job = new ThreadsJob({
      np: r.np, script: r.script, entry: r.entry, args: r.args, tagOutput: r.tagOutput, universeSize: r.usize,
      timeoutSeconds: r.timeout, maxMemoryMb: r.maxMemory, check: r.check, traceFolder: r.traceFolder, platform: nodeThreads,
    });
    const result = job.run();
    return {
      result,
      // Every rank stops and the launcher says where each was (exit 128 + the signal's number).
      interrupt: ({ signal, why }) => void job.interrupt(why, 128 + (os.constants.signals[signal] ?? 0)),
    };
  },
};
