/**
 * Ranks as Web Workers of a page (the RankPlatform of mpi4ts/browser): each
 * runs rank.ts as a module worker. A Web Worker has no exit event: the rank
 * posts how it ended (protocol.ts), and this side terminates it and reports
 * the exit to the ThreadsJob as a Node worker's would be. Output and files
 * go straight to the page's callbacks.
 */
import type { RankPlatform, RankThread } from '../transport/threads/platform.js';
import type { RankToLauncher } from '../transport/threads/engine.js';
import { PAGE_MESSAGES, type RankStartMessage, type RankToPage } from './protocol.js';
import { drawPNG } from './raster.js';
import { answerCall } from './page-call.js';
import type { PageFiles } from './page-fs.js';
import { mapStack, type SourceMap } from './stack.js';
import type { CompiledProgram } from './compile.js';

/** The page's Worker, as far as used here (the project's types have no DOM). */
interface WebWorker {
  postMessage(m: unknown, transfer?: unknown[]): void;
  terminate(): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; filename?: string; lineno?: number; preventDefault(): void }) => void) | null;
}
type WorkerConstructor = new (url: string | URL, options: { type: 'module'; name?: string }) => WebWorker;

export interface WebThreadsOptions {
  /** URL of the rank entry (dist/browser/rank.js). */
  readonly rankURL: URL;
  /** The URL of each script a rank may start or import by path (protocol.ts), kept up to date as Spawn compiles more. */
  readonly compiled: ReadonlyMap<string, string>;
  /** The source maps of the compiled scripts, by URL: a rank's error names the sources' lines. */
  readonly maps: ReadonlyMap<string, SourceMap>;
  /** The compiled scripts by URL (their maps go to each rank, which maps its own stacks). */
  readonly programs: ReadonlyMap<string, CompiledProgram>;
  /** What rank 0 of the first world reads from standard input. */
  readonly stdin: string;
  /** RunOptions.env: what every rank sees in process.env besides the job's own variables. */
  readonly env: Readonly<Record<string, string>>;
  readonly onOutput: (text: string, stream: 'stdout' | 'stderr', rank: number) => void;
  /** The job's files (they report what ranks write to the page's onFile). */
  readonly files: PageFiles;
  /** The URL of the compiled JavaScript of a script a rank spawns (host.ts RankPlatform.compile). */
  readonly compile: (script: string) => Promise<string | undefined>;
}

export function webThreads(o: WebThreadsOptions): RankPlatform {
  const WorkerClass = (globalThis as unknown as { Worker: WorkerConstructor }).Worker;
  let threads = 0;
  return {
    startRank({ boot, transfer, env }): RankThread {
      const rank = boot.worldRank;
      const worker = new WorkerClass(o.rankURL, { type: 'module', name: `mpi4ts rank ${boot.outputTag ?? rank}` });
      const messageListeners: ((m: RankToLauncher) => void)[] = [];
      const errorListeners: ((e: unknown) => void)[] = [];
      const exitListeners: ((code: number) => void)[] = [];
      let exited = false;
      const exit = (code: number): void => {
        if (exited) return;
        exited = true;
        worker.onmessage = null;
        worker.terminate();
        for (const l of exitListeners) l(code);
      };
      const error = (e: unknown): void => {
        for (const l of errorListeners) l(e);
        exit(1);
      };
      worker.onmessage = (e) => {
        const m = e.data as RankToPage | RankToLauncher;
        if (!PAGE_MESSAGES.has(m.type)) {
          for (const l of messageListeners) l(m as RankToLauncher);
          return;
        }
        const p = m as RankToPage;
        if (p.type === 'output') o.onOutput(p.text, p.stream, rank);
        else if (p.type === 'call') {
          void answerCall(p, (c) => (c.kind === 'fs' ? o.files.handle(c.op, c.args, c.data, rank) : drawPNG(c.svg, c.background)));
        }
        else if (p.type === 'exit') exit(p.code);
        else error(rebuildError(p, o.maps));
      };
      // The rank's script itself failed to load or run (a missing bundle, a syntax error).
      worker.onerror = (e) => {
        e.preventDefault();
        error(new Error(`${e.message ?? 'the rank could not start'}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}`));
      };
      const start: RankStartMessage = {
        type: 'start', boot, env: { ...o.env, ...env }, compiled: Object.fromEntries(o.compiled),
        maps: Object.fromEntries([...o.programs].map(([url, p]) => [url, { map: p.map, shifts: p.shifts }])), stdin: boot.ownsStdin ? o.stdin : '', threadId: ++threads,
      };
      worker.postMessage(start, [...transfer]);
      return {
        onMessage: (l) => { messageListeners.push(l); },
        onError: (l) => { errorListeners.push(l); },
        onExit: (l) => { exitListeners.push(l); },
        // Like a Node worker's terminate: the thread ends at once and reports exit code 1.
        terminate: async () => { exit(1); },
      };
    },
    compile: o.compile,
  };
}

/** The rank's uncaught error as an Error whose stack is the rank's (host.ts prints the stack, as for a Node rank). */
function rebuildError(p: Extract<RankToPage, { type: 'error' }>, maps: ReadonlyMap<string, SourceMap>): unknown {
  if (p.value !== undefined) return p.value;
  const e = new Error(p.message);
  e.name = p.name ?? 'Error';
  e.stack = mapStack(p.stack ?? `${e.name}: ${p.message}`, maps);
  return e;
}
