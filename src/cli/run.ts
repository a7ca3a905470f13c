/** `mpi4ts run`: start a job on the embedded runtime and report how it ended. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { ThreadsJob } from '../transport/threads/host.js';

export interface RunOptions {
  np: number;
  tagOutput?: boolean;
  usize?: number;
}

/** Run `script` with `args` on `np` ranks; resolves with the exit status. */
export async function runScript(script: string, args: readonly string[], opts: RunOptions): Promise<number> {
  const abs = path.resolve(script);
  if (!fs.existsSync(abs)) {
    process.stderr.write(`mpi4ts: script not found: ${script}\n`);
    return 2;
  }
  const job = new ThreadsJob({
    np: opts.np, script: abs, args, tagOutput: opts.tagOutput, universeSize: opts.usize,
  });
  const result = await job.run();
  if (result.failure) process.stderr.write(`mpi4ts: ${result.failure}\n`);
  return result.code;
}
