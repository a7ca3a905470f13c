/**
 * What a rank's Web Worker and the page say to each other besides the
 * engine's RankToLauncher messages (src/transport/threads/engine.ts): the
 * start of the rank, its output and files, and its end (a Web Worker has no
 * exit event: the rank says how it ended, then waits to be terminated).
 */
import type { RankBootstrap } from '../core/bootstrap.js';

/** The page's first and only message to a rank. */
export interface RankStartMessage {
  readonly type: 'start';
  readonly boot: RankBootstrap;
  readonly env: Readonly<Record<string, string>>;
  /**
   * The URL to import for each script a rank may start or import by path:
   * the program's compiled files (/main.ts) and the runtime's entries
   * (futures-server.js, futures-main.js), by absolute path.
   */
  readonly compiled: Readonly<Record<string, string>>;
  /** Standard input (rank 0 of the first world only; empty for the others). */
  readonly stdin: string;
  readonly threadId: number;
}

export type RankToPage =
  /** Whole lines (each ends with \n) of the rank's standard output or error, prefixed under --tag-output. */
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  /**
   * A call the page answers while the rank waits (page-call.ts): the page
   * writes the answer into `reply` and wakes the rank.
   */
  | { readonly type: 'call'; readonly call: PageCall; readonly reply: SharedArrayBuffer }
  /** The rank ended: its exit code. */
  | { readonly type: 'exit'; readonly code: number }
  /** The rank ended with an uncaught error (or a value thrown that is not an Error: `value`). */
  | { readonly type: 'error'; readonly name?: string; readonly message?: string; readonly stack?: string; readonly value?: string };

/** The types of RankToPage, told apart from the engine's messages. */
export const PAGE_MESSAGES: ReadonlySet<string> = new Set(['output', 'call', 'exit', 'error']);

/** What a rank asks the page synchronously. */
export type PageCall =
  /** Draw SVG as PNG (a worker has no SVG decoder): answered with the PNG's bytes (raster.ts). */
  | { readonly kind: 'rasterize'; readonly svg: string; readonly background: string | null }
  /** A file-system call on the job's files, which the page keeps (page-fs.ts); `data`: bytes to write. */
  | { readonly kind: 'fs'; readonly op: string; readonly args: readonly unknown[]; readonly data?: Uint8Array };
