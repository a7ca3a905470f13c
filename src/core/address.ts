/**
 * Addresses for `MPI.Get_address` and buffers at `MPI.BOTTOM`. JavaScript
 * memory has no machine addresses, so each ArrayBuffer that Get_address sees
 * gets a synthetic base: its own window of 2^36 bytes (64 GiB, more than any
 * ArrayBuffer here), so that addresses within one buffer differ by their
 * byte distance and different buffers never overlap. A buffer spec at BOTTOM
 * with absolute displacements is resolved back to the one ArrayBuffer whose
 * window holds them, bounds checked: no address ever reaches memory outside
 * a live buffer the program handed to Get_address.
 */

/** Bytes between the bases of two buffers. */
export const WINDOW = 2 ** 36;

const bases = new WeakMap<ArrayBufferLike, number>();
const buffers = new Map<number, WeakRef<ArrayBufferLike>>();
const forget = new FinalizationRegistry<number>((k) => {
  if (buffers.get(k)?.deref() === undefined) buffers.delete(k);
});
let nextWindow = 1;

/** The address of byte `offset` of `buffer` (registering the buffer on first use). */
export function addressOf(buffer: ArrayBufferLike, offset: number): number {
  let base = bases.get(buffer);
  if (base === undefined) {
    // 2^53 / 2^36: 131071 windows before wrapping around to ones whose buffers were collected.
    let k = nextWindow;
    while (buffers.get(k)?.deref() !== undefined) k = k * WINDOW >= Number.MAX_SAFE_INTEGER - WINDOW ? 1 : k + 1;
    nextWindow = k * WINDOW >= Number.MAX_SAFE_INTEGER - WINDOW ? 1 : k + 1;
    base = k * WINDOW;
    bases.set(buffer, base);
    buffers.set(k, new WeakRef(buffer));
    forget.register(buffer, k);
  }
  return base + offset;
}

/**
 * The ArrayBuffer holding addresses [lo, hi) and its base address, or null
 * when they are not within one buffer that addressOf registered.
 */
export function memoryAt(lo: number, hi: number): { buffer: ArrayBufferLike; base: number } | null {
  const k = Math.floor(lo / WINDOW);
  if (k < 1) return null;
  const buffer = buffers.get(k)?.deref();
  if (buffer === undefined) return null;
  const base = k * WINDOW;
  return hi - base <= buffer.byteLength ? { buffer, base } : null;
}
