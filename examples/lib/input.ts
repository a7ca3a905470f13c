/**
 * A synchronous `input(prompt)`, like Python's built-in, for SPMD examples.
 *
 * Under `mpi4ts` (as under `mpiexec`) rank 0 owns the process's standard
 * input; every other rank sees an empty stream, so only rank 0 should call
 * this. It blocks the rank, which is what the seed programs expect: nothing
 * else happens on rank 0 while it waits for the user.
 */
import * as fs from 'node:fs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Read one byte from fd 0; null at end of input. Rides out EAGAIN on non-blocking stdin. */
function readByte(buf: Uint8Array): number | null {
  for (;;) {
    try {
      return fs.readSync(0, buf, 0, 1, null) === 0 ? null : buf[0]!;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') { Atomics.wait(sleeper, 0, 0, 10); continue; }
      if (code === 'EOF') return null; // Windows console
      throw e;
    }
  }
}

/**
 * Write `prompt` (no newline), then read standard input up to and including
 * the next newline and return the line without it (and without a `\r`).
 * Throws at end of input with nothing read, as Python raises EOFError.
 *
 * The prompt is written straight to file descriptor 1: a rank's
 * `process.stdout` is line-buffered by the runtime, so a prompt without a
 * newline would only appear after the user had answered. Call `input` after
 * a complete line (as the seeds do), or the pending partial line will come
 * out after the prompt.
 */
export function input(prompt = ''): string {
  if (prompt) fs.writeSync(1, prompt);
  // One byte at a time: never read past the line, so later calls (or other
  // readers of stdin) get the rest.
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  for (;;) {
    const b = readByte(one);
    if (b === null) {
      if (bytes.length === 0) throw new Error('EOF when reading a line');
      break;
    }
    if (b === 0x0a) break;
    bytes.push(b);
  }
  let line = Buffer.from(bytes).toString('utf8');
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return line;
}

/** Python's `int(text)` for base 10: surrounding blanks, a sign and `_` between digits are allowed. */
export function pyInt(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) throw new Error(`invalid literal for int() with base 10: '${text}'`);
  const n = Number(t.replace(/_/g, ''));
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${t} is too large for this example (beyond ±2^53)`);
  return n;
}
