/** node:crypto in a browser: random bytes and UUIDs from Web Crypto; hashes and ciphers are refused. */
import { Buffer } from './buffer.js';

export function randomBytes(size: number, callback?: (err: Error | null, buf: Buffer) => void): Buffer {
  const buf = Buffer.alloc(size);
  // getRandomValues fills at most 65536 bytes a call.
  for (let at = 0; at < size; at += 65536) globalThis.crypto.getRandomValues(buf.subarray(at, Math.min(size, at + 65536)));
  if (callback) queueMicrotask(() => callback(null, buf));
  return buf;
}
export function randomInt(min: number, max?: number): number {
  const [lo, hi] = max === undefined ? [0, min] : [min, max];
  const span = hi - lo;
  return lo + Math.floor((globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32) * span);
}
export function randomUUID(): string { return globalThis.crypto.randomUUID(); }
export function getRandomValues<T extends ArrayBufferView>(a: T): T { return globalThis.crypto.getRandomValues(a as never); }
export function createHash(name: string): never {
  throw new Error(`crypto.createHash('${name}') is not available in a browser (mpi4ts runs node:crypto's random functions only)`);
}
export const webcrypto = globalThis.crypto;
export default { randomBytes, randomInt, randomUUID, getRandomValues, createHash, webcrypto };
