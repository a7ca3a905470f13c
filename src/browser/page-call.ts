/**
 * Synchronous calls from a rank to the page, for what only the page has
 * (the job's files, an SVG decoder): the rank posts the call with a
 * growable SharedArrayBuffer and waits on it (Atomics.wait: a rank is a
 * worker); the page works it out, grows the buffer to the answer's size,
 * writes it and wakes the rank. Layout of the buffer: int32 state
 * (0 waiting, 1 answered, 2 failed), int32 byte length, then the answer's
 * bytes (for a failure, the error as JSON: message and code).
 */
import type { PageCall, RankToPage } from './protocol.js';

const STATE = 0;
const LENGTH = 1;
const HEADER = 8;
const WAITING = 0;
const ANSWERED = 1;
const FAILED = 2;
/** Largest answer (a growable SharedArrayBuffer's maximum): a file read at once, a PNG. */
const MAX_BYTES = 1024 * 2 ** 20;

type GrowableSAB = SharedArrayBuffer & { grow(bytes: number): void; readonly byteLength: number };
type SABConstructor = new (bytes: number, options: { maxByteLength: number }) => GrowableSAB;

/** One buffer per rank, reused call after call (a rank makes one call at a time). */
let reply: GrowableSAB | null = null;

/** The rank's side: the page's answer to `call`; the page's error is thrown with its code (ENOENT...). */
export function callPage(call: PageCall): Uint8Array {
  reply ??= new (SharedArrayBuffer as unknown as SABConstructor)(HEADER, { maxByteLength: MAX_BYTES });
  const words = new Int32Array(reply, 0, 2);
  Atomics.store(words, STATE, WAITING);
  const m: RankToPage = { type: 'call', call, reply };
  (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);
  while (Atomics.load(words, STATE) === WAITING) Atomics.wait(words, STATE, WAITING);
  const bytes = new Uint8Array(reply, HEADER, Atomics.load(words, LENGTH)).slice();
  if (Atomics.load(words, STATE) === FAILED) {
    const { message, code } = JSON.parse(new TextDecoder().decode(bytes)) as { message: string; code?: string };
    throw Object.assign(new Error(message), code === undefined ? {} : { code });
  }
  return bytes;
}

/** The page's side: answer with what `work` gives (or its error), and wake the rank. */
export async function answerCall(m: Extract<RankToPage, { type: 'call' }>, work: (call: PageCall) => Uint8Array | Promise<Uint8Array>): Promise<void> {
  const buffer = m.reply as GrowableSAB;
  const words = new Int32Array(buffer, 0, 2);
  const answer = (state: number, bytes: Uint8Array): void => {
    if (buffer.byteLength < HEADER + bytes.length) buffer.grow(HEADER + bytes.length);
    new Uint8Array(buffer, HEADER, bytes.length).set(bytes);
    Atomics.store(words, LENGTH, bytes.length);
    Atomics.store(words, STATE, state);
    Atomics.notify(words, STATE);
  };
  try {
    answer(ANSWERED, await work(m.call));
  } catch (e) {
    const error = { message: e instanceof Error ? e.message : String(e), code: (e as { code?: unknown }).code };
    answer(FAILED, new TextEncoder().encode(JSON.stringify(error)));
  }
}
