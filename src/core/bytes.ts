/**
 * Byte copies between private and shared memory. V8 copies typed arrays over
 * SharedArrayBuffer memory with relaxed per-element moves, which is much
 * slower for Uint8Array than for Float64Array (measured here: 12 vs 22 GB/s
 * for 1 MiB), so large aligned copies go through 8-byte views. And sizes
 * and addresses of up to 2^53 in two Int32 words of shared memory.
 */

const SMALL = 64;

/**
 * A memmove between two typed arrays of this thread, bounds checked (the
 * embedded runtime's addon, native/sched `copyBytes`), set by the transport
 * that has it: from 256 bytes on it beats the 8-byte views below (1 KiB
 * into shared memory 50 ns against 114, 16 KiB 140 against 549, 1 MiB 34 us
 * against 43; `node bench/micro/native-kernels.mjs`).
 */
type NativeCopy = (dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number) => void;
let nativeCopy: NativeCopy | null = null;
const NATIVE_COPY_MIN = 256;

/** Copy large ranges with `copy` from now on (null: the JavaScript copies). */
export function useNativeCopy(copy: NativeCopy | null): void {
  nativeCopy = copy;
}

/** Copy `len` bytes from src[srcOff..] to dst[dstOff..] (offsets relative to the views). */
export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  if (len >= NATIVE_COPY_MIN && nativeCopy !== null) {
    nativeCopy(dst, dstOff, src, srcOff, len);
    return;
  }
  if (len <= SMALL) {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!;
    return;
  }
  const d = dst.byteOffset + dstOff;
  const s = src.byteOffset + srcOff;
  if (((d | s) & 7) === 0) {
    const words = len >>> 3;
    // Float64Array copies move bit patterns unchanged (NaN payloads included):
    // TypedArray.prototype.set between same-type arrays is a raw memory move.
    new Float64Array(dst.buffer, d, words).set(new Float64Array(src.buffer, s, words));
    const rest = len & 7;
    if (rest !== 0) {
      const done = words << 3;
      for (let i = 0; i < rest; i++) dst[dstOff + done + i] = src[srcOff + done + i]!;
    }
    return;
  }
  dst.set(src.subarray(srcOff, srcOff + len), dstOff);
}

/** Store `v` (up to 2^53) in words `at` (low) and `at + 1` (high): one Int32 cannot hold 2 GiB or more. */
export function putWide(w: Int32Array, at: number, v: number): void {
  w[at] = v % 2 ** 32;
  w[at + 1] = Math.floor(v / 2 ** 32);
}

/** What `putWide` stored. */
export function getWide(w: Int32Array, at: number): number {
  return (w[at]! >>> 0) + w[at + 1]! * 2 ** 32;
}
