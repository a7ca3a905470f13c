/**
 * Where the ranks of a ThreadsJob (host.ts) run: worker threads of this
 * Node.js process (node-threads.ts) or the Web Workers of a page
 * (src/browser/web-threads.ts). The job's bookkeeping (failures, output,
 * deadlock watch, spawn) is the same on both; only starting a rank's thread,
 * hearing from it and compiling a spawned script differ.
 */
import type { RankBootstrap } from '../../core/bootstrap.js';
import type { RankToLauncher } from './engine.js';
import type { TransferListItem } from 'node:worker_threads';

/** What a rank's thread needs to start. */
export interface RankStart {
  readonly boot: RankBootstrap;
  /** Objects of `boot` to transfer rather than copy (its control port). */
  readonly transfer: readonly TransferListItem[];
  /** Variables the rank sees in process.env on top of the launcher's. */
  readonly env: Readonly<Record<string, string>>;
  /** JS heap limit in MB (`--max-memory`), where the platform can set one. */
  readonly maxMemoryMb?: number;
}

/** A rank's thread as the launcher sees it. */
export interface RankThread {
  onMessage(listener: (m: RankToLauncher) => void): void;
  /** An uncaught error of the rank; its exit follows. */
  onError(listener: (e: unknown) => void): void;
  /** Once, when the thread has ended: 0 for a normal end, else its exit code (1 after an error or terminate). */
  onExit(listener: (code: number) => void): void;
  /** Stop the thread; it then reports its exit. */
  terminate(): Promise<unknown>;
}

export interface RankPlatform {
  startRank(start: RankStart): RankThread;
  /** The compiled JavaScript's URL of a TypeScript script a rank spawns, or undefined to import the script itself. */
  compile(script: string): Promise<string | undefined>;
}
