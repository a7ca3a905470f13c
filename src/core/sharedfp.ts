/**
 * The shared file pointer of an MPI file, and the lock that serialises
 * atomic-mode accesses: one for every process that opened the file, on
 * either transport. Transport-independent.
 *
 * As ROMIO does, the pointer lives in a small hidden file beside the data
 * file (`.<name>.mpi4ts-shfp.<id>`, made by the group's first rank at Open,
 * removed at Close): 8 bytes, the pointer in etypes as a little-endian
 * double. A process updates it under a lock, a second hidden file created
 * with O_EXCL (`<pointer file>.lock`), so ranks that are worker threads of
 * one process and ranks that are processes on a system MPI library (even on
 * hosts sharing the file system) see one pointer, and no rank has to answer
 * messages for another's Read_shared to progress. A file opened by one
 * process keeps its pointer in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ERR_IO, MpiFailure } from './errorcodes.js';

/** How long a lock may stay taken before the waiter gives up (a rank that died holding it). */
const LOCK_TIMEOUT_MS = 60_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class SharedPointer {
  #value = 0;
  readonly #file: string | null;
  readonly #lock: string | null;
  readonly #word = new Float64Array(1);
  readonly #bytes = new Uint8Array(this.#word.buffer);

  /** A pointer in memory (`file` null) or in the hidden file `file`. */
  constructor(file: string | null) {
    this.#file = file;
    this.#lock = file === null ? null : `${file}.lock`;
  }

  /**
   * Create the hidden pointer file for the data file `dataPath` (set to 0)
   * and return its name: beside the data file, or in the temporary folder
   * when that folder cannot be written.
   */
  static create(dataPath: string): string {
    const id = randomBytes(6).toString('hex');
    const name = `.${path.basename(dataPath)}.mpi4ts-shfp.${id}`;
    for (const dir of [path.dirname(path.resolve(dataPath)), os.tmpdir()]) {
      const file = path.join(dir, name);
      try {
        fs.writeFileSync(file, new Uint8Array(8), { flag: 'wx', mode: 0o600 });
        return file;
      } catch {
        // Try the next folder.
      }
    }
    throw new MpiFailure(ERR_IO, `cannot create the shared file pointer's file ${name} beside ${dataPath} or in ${os.tmpdir()}`);
  }

  /** Run `fn` holding the lock (nothing to lock for a pointer in memory). */
  locked<T>(fn: () => T): T {
    if (this.#lock === null) return fn();
    const started = Date.now();
    let wait = 0.05;
    for (;;) {
      try {
        fs.closeSync(fs.openSync(this.#lock, 'wx'));
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new MpiFailure(ERR_IO, `cannot take the shared file pointer's lock ${this.#lock}: ${(e as Error).message}`);
        }
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS) {
        throw new MpiFailure(ERR_IO, `the shared file pointer's lock ${this.#lock} was held for over ${LOCK_TIMEOUT_MS / 1000} s (did a rank end holding it?)`);
      }
      // The holder does one small read and write: back off from 50 µs to 5 ms.
      Atomics.wait(sleeper, 0, 0, wait);
      wait = Math.min(wait * 2, 5);
    }
    try {
      return fn();
    } finally {
      fs.rmSync(this.#lock, { force: true });
    }
  }

  /** The pointer (read under the caller's lock). */
  #read(): number {
    if (this.#file === null) return this.#value;
    const fd = fs.openSync(this.#file, 'r');
    try {
      fs.readSync(fd, this.#bytes, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
    return this.#word[0]!;
  }

  #write(v: number): void {
    if (this.#file === null) {
      this.#value = v;
      return;
    }
    this.#word[0] = v;
    const fd = fs.openSync(this.#file, 'r+');
    try {
      fs.writeSync(fd, this.#bytes, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The current pointer. */
  get(): number { return this.locked(() => this.#read()); }

  /** Set the pointer. */
  set(v: number): void { this.locked(() => this.#write(v)); }

  /** Advance the pointer by `n` and return where it was; `access(at)` runs under the lock when given (atomic mode). */
  fetchAdd(n: number, access: ((at: number) => void) | null = null): number {
    return this.locked(() => {
      const at = this.#read();
      this.#write(at + n);
      access?.(at);
      return at;
    });
  }

  /** Remove the hidden files (the group's first rank, at Close). */
  remove(): void {
    if (this.#file === null) return;
    fs.rmSync(this.#file, { force: true });
    fs.rmSync(this.#lock!, { force: true });
  }
}
