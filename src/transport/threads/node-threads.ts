/**
 * Ranks as worker threads of this Node.js process (the RankPlatform of
 * `mpi4ts run`): each runs rank-main, which makes the thread look like a
 * process running the user's script.
 */
import { Worker } from 'node:worker_threads';
import { BOOTSTRAP_KEY } from '../../core/bootstrap.js';
import { runtimeEntry } from '../../core/entries.js';
import { precompile } from '../../loader/entry.js';
import type { RankPlatform, RankThread } from './platform.js';

const RANK_MAIN = runtimeEntry('rank-main');

export const nodeThreads: RankPlatform = {
  startRank({ boot, transfer, env, maxMemoryMb }): RankThread {
    const worker = new Worker(RANK_MAIN, {
      workerData: { [BOOTSTRAP_KEY]: boot },
      transferList: [...transfer],
      env: { ...process.env, ...env },
      ...(maxMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } } : {}),
    });
    return {
      onMessage: (listener) => { worker.on('message', listener); },
      onError: (listener) => { worker.on('error', listener); },
      onExit: (listener) => { worker.on('exit', listener); },
      terminate: () => worker.terminate(),
    };
  },
  compile: precompile,
};
