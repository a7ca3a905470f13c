/**
 * Standard output and error of a rank. Node's own worker stdio posts chunks to
 * the main thread asynchronously and stalls while the worker is blocked in a
 * synchronous call, so a rank that prints and then waits in `recv` would show
 * nothing. Ranks therefore write whole lines straight to the process's file
 * descriptors (which worker threads share), under a lock in shared memory so
 * that lines of different ranks never mix, however long they are.
 */
import { Writable } from 'node:stream';
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { H_OUTPUT_LOCK } from './proctable.js';
import { LineBuffer } from './lines.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `bytes` to `fd`, riding out EAGAIN on non-blocking pipes. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EPIPE') return; // the reader went away (e.g. `| head`): drop output
      else throw e;
    }
  }
}

/** A line-buffered, synchronous writable on a shared file descriptor. */
export class RankOutput extends Writable {
  readonly fd: number;
  readonly isTTY: boolean;
  readonly #table: Int32Array;
  readonly #lines: LineBuffer;

  constructor(fd: number, table: Int32Array, prefix: string) {
    super({ decodeStrings: false });
    this.fd = fd;
    this.isTTY = tty.isatty(fd);
    this.#table = table;
    this.#lines = new LineBuffer(prefix, (lines) => this.#emit(lines));
  }

  // process.stdout is this stream in a rank: asking it would recurse. A worker
  // thread has no terminal handle to ask, so take the shell's COLUMNS if exported.
  get columns(): number { return (this.isTTY && Number(process.env['COLUMNS'])) || 80; }
  getColorDepth(): number { return this.isTTY ? 8 : 1; }
  hasColors(): boolean { return this.isTTY; }

  override _write(chunk: unknown, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    this.#lines.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    done();
  }

  /** Write any unterminated last line (at exit). */
  flushPartial(): void {
    this.#lines.flushPartial();
  }

  #emit(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const t = this.#table;
    // A short critical section: spin a little, then sleep until the holder releases.
    while (Atomics.compareExchange(t, H_OUTPUT_LOCK, 0, 1) !== 0) Atomics.wait(t, H_OUTPUT_LOCK, 1, 5);
    try {
      writeAll(this.fd, bytes);
    } finally {
      Atomics.store(t, H_OUTPUT_LOCK, 0);
      Atomics.notify(t, H_OUTPUT_LOCK, 1);
    }
  }
}
