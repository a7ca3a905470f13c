/**
 * The result of `map`/`starmap`: awaitable (all results, in input order or,
 * with `unordered`, as completed) and async-iterable (each result as soon as
 * it and, in order mode, those before it are in). A failure or timeout
 * cancels the calls not yet started, as mpi4py's result iterator does.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import cliProgress from 'cli-progress';
import { TimeoutError, type Future } from './future.js';

/** Options of `map` and `starmap` (mpi4py's keyword arguments). */
export interface MapOptions {
  /** Calls per message to a worker (default 1); larger chunks cut messaging for short calls. */
  chunksize?: number;
  /** Yield results as they complete instead of in input order. */
  unordered?: boolean;
  /** Seconds (as in mpi4py) to wait for all results, counted from the call; then TimeoutError. */
  timeout?: number | null;
  /** Show a progress bar while standard output is a terminal (true, or a label for it). */
  progress?: boolean | string;
}

interface Settings {
  readonly unordered: boolean;
  readonly timeout: number | null;
  readonly progress: boolean | string;
  readonly total: number;
}

/** Standard output written directly (the rank's own stdout holds partial lines until a newline). */
function terminalStream(): NodeJS.WritableStream & { isTTY: boolean; columns: number } {
  return {
    isTTY: true,
    get columns(): number { return Number(process.env['COLUMNS']) || 80; },
    write(chunk: string | Uint8Array): boolean {
      try { if (typeof chunk === 'string') fs.writeSync(1, chunk); else fs.writeSync(1, chunk); } catch { /* the terminal went away: drop the bar */ }
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY: boolean; columns: number };
}

/** What `map`/`starmap` return: `await` it for all results, or `for await` over them as they come. */
export class MapResult<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  readonly #routine: string;
  readonly #futures: Future<unknown>[];
  /** Calls per future when chunked (each future then holds an array), else null. */
  readonly #sizes: number[] | null;
  readonly #settings: Settings;
  readonly #deadline: number | null;
  #all: Promise<T[]> | null = null;
  #done = 0;
  /** Indices of settled futures, in completion order (for unordered results). */
  readonly #completed: number[] = [];
  #wake: (() => void) | null = null;

  /** @internal */
  constructor(routine: string, futures: Future<unknown>[], sizes: number[] | null, settings: Settings) {
    this.#routine = routine;
    this.#futures = futures;
    this.#sizes = sizes;
    this.#settings = settings;
    this.#deadline = settings.timeout === null ? null : performance.now() + settings.timeout * 1000;
    // A terminal on fd 1, unless the process knows better (an Open MPI rank's pty while the launcher writes to a pipe).
    const bar = settings.progress !== false && tty.isatty(1) && process.stdout.isTTY !== false && futures.length > 0
      ? new cliProgress.SingleBar({
        format: `${typeof settings.progress === 'string' ? `${settings.progress} ` : ''}{bar} {percentage}% | {value}/{total} | {duration_formatted}`,
        stream: terminalStream(), clearOnComplete: false, hideCursor: true, fps: 10,
      }, cliProgress.Presets.shades_classic)
      : null;
    bar?.start(settings.total, 0);
    futures.forEach((f, i) => {
      const settled = (): void => {
        this.#done++;
        this.#completed.push(i);
        bar?.increment(sizes ? sizes[i]! : 1);
        if (bar && this.#done === futures.length) bar.stop();
        const wake = this.#wake;
        this.#wake = null;
        wake?.();
      };
      f.then(settled, settled);
    });
  }

  /** Number of calls (items of the input). */
  get length(): number { return this.#settings.total; }

  then<R1 = T[], R2 = never>(
    onfulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#all ??= this.#collect();
    return this.#all.then(onfulfilled, onrejected);
  }

  /** Like Promise.prototype.catch on the array of results. */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T[] | R> {
    return this.then(undefined, onrejected);
  }

  /** Like Promise.prototype.finally on the array of results. */
  finally(onfinally?: (() => void) | null): Promise<T[]> {
    return this.then().finally(onfinally);
  }

  async #collect(): Promise<T[]> {
    const out: T[] = [];
    if (this.#settings.unordered) {
      for await (const v of this) out.push(v);
      return out;
    }
    // In order: the futures one after the other, without a generator step per value.
    let finished = false;
    try {
      for (const f of this.#futures) {
        const v = await this.#within(f);
        if (this.#sizes) for (const x of v as T[]) out.push(x);
        else out.push(v as T);
      }
      finished = true;
    } finally {
      if (!finished) for (const f of this.#futures) f.cancel();
    }
    return out;
  }

  /** Iterate the results in order as they arrive (`for await`). */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#iterate();
  }

  async *#iterate(): AsyncGenerator<T> {
    const futures = this.#futures;
    let finished = false;
    try {
      if (!this.#settings.unordered) {
        for (const f of futures) {
          const v = await this.#within(f);
          if (this.#sizes) yield* v as T[];
          else yield v as T;
        }
      } else {
        for (let k = 0; k < futures.length; k++) {
          while (this.#completed.length <= k) {
            await this.#within(new Promise<void>((resolve) => { this.#wake = resolve; }));
          }
          const v = await futures[this.#completed[k]!]!;
          if (this.#sizes) yield* v as T[];
          else yield v as T;
        }
      }
      finished = true;
    } finally {
      // An error, a timeout or a consumer that stopped early: withdraw what has not started.
      if (!finished) for (const f of futures) f.cancel();
    }
  }

  /** `p`, or TimeoutError once the map's deadline passes. */
  #within<V>(p: PromiseLike<V>): Promise<V> {
    if (this.#deadline === null) return Promise.resolve(p);
    const left = this.#deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      const fire = (): void => reject(new TimeoutError(
        `${this.#routine}: results not ready within the timeout of ${this.#settings.timeout} s ` +
        `(${this.#doneCalls()} of ${this.#settings.total} calls finished)`));
      if (left <= 0) fire();
      else timer = setTimeout(fire, left);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  #doneCalls(): number {
    if (!this.#sizes) return this.#done;
    return this.#completed.reduce((n, i) => n + this.#sizes![i]!, 0);
  }
}
