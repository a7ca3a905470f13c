/**
 * Entry point of a rank's Web Worker, the browser twin of
 * src/transport/threads/rank-main.ts: make the worker look like a process
 * running the user's program (process, Buffer and Node's timers as globals,
 * argv, env, console, stdin for rank 0, files through the page), then import
 * the program the page compiled. The transport starts when the program
 * imports `mpi4ts` (src/transport/select.ts finds the bootstrap record in
 * workerData). The rank's output goes to the page in whole lines; its end
 * is a message, since a Web Worker has no exit event (web-threads.ts).
 */
import { process } from './node/process.js';
import { Buffer } from './node/buffer.js';
import * as timers from './node/timers.js';
import { format, inspect } from './node/util.js';
import { becomeRank } from './node/worker_threads.js';
import { setFsHooks } from './node/fs.js';
import { setCompiled } from './loader.js';
import { BOOTSTRAP_KEY, type RankBootstrap } from '../core/bootstrap.js';
import { LineBuffer, outputPrefix } from '../transport/threads/lines.js';
import { SourceMap, mapStack } from './stack.js';
import type { RankStartMessage, RankToPage } from './protocol.js';

interface WorkerScope {
  postMessage(m: unknown, transfer?: unknown[]): void;
  addEventListener(type: string, listener: (e: { data?: unknown; error?: unknown; reason?: unknown; message?: string; preventDefault(): void }) => void): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}
const scope = globalThis as unknown as WorkerScope & Record<string, unknown>;
const post = (m: RankToPage, transfer?: unknown[]): void => scope.postMessage(m, transfer);

// Node's globals, before any of the runtime or the program runs (both are imported later).
const nativeSetTimeout = globalThis.setTimeout.bind(globalThis);
Object.assign(scope, {
  process, Buffer, global: globalThis,
  setTimeout: timers.setTimeout, setInterval: timers.setInterval, clearTimeout: timers.clearTimeout,
  clearInterval: timers.clearInterval, setImmediate: timers.setImmediate, clearImmediate: timers.clearImmediate,
});

/** Standard output or error of the rank: whole lines to the page, each prefixed under --tag-output. */
class RankSink {
  readonly isTTY = false;
  readonly columns = 80;
  readonly #lines: LineBuffer;
  readonly #decoder = new TextDecoder();

  constructor(readonly fd: 1 | 2) {
    const stream = fd === 1 ? 'stdout' : 'stderr';
    this.#lines = new LineBuffer('', (text) => post({ type: 'output', stream, text }));
  }

  setPrefix(prefix: string): void { this.#lines.setPrefix(prefix); }

  write(chunk: string | Uint8Array, encoding?: unknown, callback?: () => void): boolean {
    this.#lines.write(typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk.buffer instanceof SharedArrayBuffer ? chunk.slice() : chunk));
    const done = typeof encoding === 'function' ? encoding as () => void : callback;
    if (done) queueMicrotask(done);
    return true;
  }

  /** Write any unterminated last line (at exit). */
  flushPartial(): void { this.#lines.flushPartial(); }

  // What programs ask of a stream beyond write.
  on(): this { return this; }
  once(): this { return this; }
  off(): this { return this; }
  end(chunk?: string | Uint8Array): void { if (chunk !== undefined) this.write(chunk); }
  getColorDepth(): number { return 1; }
  hasColors(): boolean { return false; }
}

const stdout = new RankSink(1);
const stderr = new RankSink(2);
process.stdout = stdout;
process.stderr = stderr;

// console as Node's: util.format of the arguments, a line to stdout or stderr.
const counts = new Map<string, number>();
const timersByLabel = new Map<string, number>();
let indent = '';
const line = (sink: RankSink, args: unknown[]): void => {
  const text = format(...args);
  sink.write(`${indent ? text.replace(/^/gm, indent) : text}\n`);
};
Object.assign(console, {
  log: (...a: unknown[]) => line(stdout, a),
  info: (...a: unknown[]) => line(stdout, a),
  debug: (...a: unknown[]) => line(stdout, a),
  error: (...a: unknown[]) => line(stderr, a),
  warn: (...a: unknown[]) => line(stderr, a),
  dir: (v: unknown, o?: object) => stdout.write(`${inspect(v, { customInspect: false, ...o })}\n`),
  trace: (...a: unknown[]) => {
    const stack = (new Error().stack ?? '').split('\n').slice(2).join('\n');
    stderr.write(`Trace${a.length ? `: ${format(...a)}` : ''}\n${stack}\n`);
  },
  assert: (ok: unknown, ...a: unknown[]) => { if (!ok) line(stderr, [`Assertion failed${a.length ? ':' : ''}`, ...a]); },
  count: (label = 'default') => {
    const n = (counts.get(label) ?? 0) + 1;
    counts.set(label, n);
    line(stdout, [`${label}: ${n}`]);
  },
  countReset: (label = 'default') => { counts.delete(label); },
  time: (label = 'default') => { timersByLabel.set(label, performance.now()); },
  timeLog: (label = 'default', ...a: unknown[]) => {
    const t = timersByLabel.get(label);
    if (t !== undefined) line(stdout, [`${label}: ${(performance.now() - t).toFixed(3)}ms`, ...a]);
  },
  timeEnd: (label = 'default') => {
    const t = timersByLabel.get(label);
    timersByLabel.delete(label);
    if (t !== undefined) line(stdout, [`${label}: ${(performance.now() - t).toFixed(3)}ms`]);
  },
  group: (...a: unknown[]) => {
    if (a.length) line(stdout, a);
    indent += '  ';
  },
  groupEnd: () => { indent = indent.slice(2); },
  table: (...a: unknown[]) => line(stdout, a),
});

const forever = new Int32Array(new SharedArrayBuffer(4));
let ended = false;

/** Tell the page how the rank ended, then wait to be terminated (the page does it at once). */
function end(m: RankToPage): never {
  if (!ended) {
    ended = true;
    stdout.flushPartial();
    stderr.flushPartial();
    post(m);
  }
  for (;;) Atomics.wait(forever, 0, 0);
}

process.hooks = { exit: (code) => end({ type: 'exit', code }) };

function fail(e: unknown): never {
  if (ended) return end({ type: 'exit', code: 1 });
  if (e instanceof Error) return end({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  return end({ type: 'error', value: typeof e === 'string' ? e : inspect(e) });
}

// An error no one catches ends the rank, as in Node (an uncaught exception, an unhandled rejection).
scope.addEventListener('error', (e) => {
  e.preventDefault();
  fail(e.error ?? new Error(e.message));
});
scope.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  fail(e.reason);
});

/**
 * The normal end of a rank, as Node's: when nothing keeps it alive (no
 * timer, immediate or awaited transfer) after the program's top level has
 * run, 'beforeExit' (which may start more work), then 'exit' (the engine's
 * MPI_Finalize, src/transport/threads/engine.ts) and the end.
 */
let programDone = false;
let checkPending = false;
function checkEnd(): void {
  if (!programDone || ended || checkPending) return;
  checkPending = true;
  // A macrotask later: promise reactions that start new work run first.
  nativeSetTimeout(() => {
    checkPending = false;
    if (ended || timers.activeHandles() > 0) return;
    process.emit('beforeExit', process.exitCode ?? 0);
    nativeSetTimeout(() => {
      if (ended || timers.activeHandles() > 0) return;
      const code = process.exitCode ?? 0;
      try {
        process.runExit(code);
      } catch (e) {
        fail(e);
      }
      end({ type: 'exit', code });
    }, 0);
  }, 0);
}
timers.onHandlesChange(checkEnd);

function stdinReader(text: string): (max: number) => Uint8Array {
  let bytes = new TextEncoder().encode(text);
  return (max) => {
    const chunk = bytes.subarray(0, max);
    bytes = bytes.subarray(chunk.length);
    return chunk;
  };
}

scope.onmessage = (e) => {
  const m = e.data as RankStartMessage;
  if (m?.type !== 'start') return;
  scope.onmessage = null;
  void start(m);
};

async function start(m: RankStartMessage): Promise<void> {
  const boot: RankBootstrap = m.boot;
  becomeRank({ [BOOTSTRAP_KEY]: boot }, m.threadId);
  process.env = { ...m.env };
  process.argv = [process.execPath, boot.script, ...boot.argv];
  const prefix = outputPrefix(boot);
  stdout.setPrefix(prefix);
  stderr.setPrefix(prefix);
  const readStdin = stdinReader(boot.ownsStdin ? m.stdin : '');
  setFsHooks({ readStdin, write: (fd, text) => (fd === 1 ? stdout : stderr).write(text) });
  process.stdin = stdinStream(readStdin);
  for (const [file, url] of Object.entries(m.compiled)) setCompiled(file, url);
  mapStacks(new Map(Object.entries(m.maps).map(([url, { map, shifts }]) => [url, new SourceMap(map, '/', shifts)])));
  if (boot.entry !== undefined) setCompiled(boot.script, boot.entry);
  try {
    await import(boot.entry ?? boot.script);
  } catch (e) {
    fail(e);
  }
  programDone = true;
  checkEnd();
}

/**
 * Every stack of this rank names the program's sources and lines (as Node
 * does with the compiled modules' source maps), not the compiled module's
 * blob: URL: V8's own format, each frame mapped (stack.ts).
 */
function mapStacks(maps: ReadonlyMap<string, SourceMap>): void {
  if (maps.size === 0) return;
  (Error as unknown as { prepareStackTrace: (e: unknown, frames: readonly object[]) => string }).prepareStackTrace = (error, frames) => {
    const e = error as { name?: unknown; message?: unknown } | null;
    const name = e?.name === undefined ? 'Error' : String(e.name);
    const message = e?.message === undefined ? '' : String(e.message);
    const header = name === '' ? message : message === '' ? name : `${name}: ${message}`;
    return mapStack(header + frames.map((f) => `\n    at ${String(f)}`).join(''), maps);
  };
}

/** process.stdin as far as programs read it asynchronously: data events and async iteration over the bytes. */
function stdinStream(read: (max: number) => Uint8Array): object {
  const chunks = (): Uint8Array[] => {
    const all: Uint8Array[] = [];
    for (let b = read(65536); b.length > 0; b = read(65536)) all.push(b);
    return all;
  };
  let encoding: string | null = null;
  const value = (b: Uint8Array): unknown => (encoding ? new TextDecoder().decode(b) : Buffer.from(b));
  return {
    fd: 0,
    isTTY: false,
    setEncoding(enc: string) { encoding = enc; return this; },
    on(event: string, listener: (x?: unknown) => void) {
      const release = timers.keepAlive();
      queueMicrotask(() => {
        try {
          if (event === 'data') for (const b of chunks()) listener(value(b));
          if (event === 'end' || event === 'close') listener();
        } finally {
          release();
        }
      });
      return this;
    },
    async *[Symbol.asyncIterator]() {
      for (const b of chunks()) yield value(b);
    },
  };
}
