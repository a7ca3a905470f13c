/**
 * `MPI.buffer` (alias `MPI.memory`): mpi4py's buffer object, here a
 * `Uint8Array` subclass, so it goes wherever a buffer goes. It adds what
 * mpi4py's buffer has: `obj` (the memory it views), `nbytes`, `readonly`,
 * `format`, `itemsize`, `cast`, `tobytes`, `toreadonly` and `release`.
 *
 * Read-only is a mark on the buffer object (JavaScript typed arrays are
 * always writable): the buffer-spec normaliser (core/msgbuffer.ts) refuses
 * a read-only buffer where a call writes, and the buffer's own writing
 * methods (`set`, `fill`, `copyWithin`, `reverse`, `sort`) refuse too;
 * an index assignment `buf[i] = v` cannot be intercepted on a typed array.
 *
 * `release()` drops the reference to the memory (`obj` null, `nbytes` 0);
 * memory the buffer owns (`allocate`, `MPI.Alloc_mem`) is detached as well,
 * so the buffer is empty from then on and a call given it says so.
 */
import { describeValue } from './failures.js';

type Memory = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** Typed array classes for the `cast` format codes (mpi4py's struct codes; l/L are 64-bit as on LP64 Linux). */
const formats: Readonly<Record<string, new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView>> = {
  b: Int8Array, B: Uint8Array, c: Uint8Array, '?': Uint8Array,
  h: Int16Array, H: Uint16Array, i: Int32Array, I: Uint32Array,
  l: BigInt64Array, L: BigUint64Array, q: BigInt64Array, Q: BigUint64Array,
  f: Float32Array, d: Float64Array,
};

function isMemory(x: unknown): x is Memory {
  return ArrayBuffer.isView(x) || x instanceof ArrayBuffer || x instanceof SharedArrayBuffer;
}

/*
 * `x instanceof buffer` costs some 100 ns (the class redefines its name and
 * species, which takes V8 off its instanceof fast path), and every receive
 * asks isReadonly: so it is one load until a read-only buffer exists, then a
 * brand check (`#readonly in x`, set up in the class body).
 */
/** Whether a read-only MPI.buffer was ever made in this thread. */
let anyReadonly = false;
/** Whether `x` is an MPI.buffer marked read-only, by its private field. */
let readonlyBrand: (x: unknown) => boolean = () => false;

/** Whether `x` is an MPI.buffer marked read-only (a receive buffer must not be). */
export function isReadonly(x: unknown): boolean {
  return anyReadonly && readonlyBrand(x);
}

/** mpi4py's `MPI.buffer`: a Uint8Array over the bytes of some memory, with mpi4py's buffer members. */
// eslint-disable-next-line @typescript-eslint/naming-convention
export class buffer extends Uint8Array {
  static {
    // Bundlers may rename the class: keep mpi4py's name for messages and describeValue().
    Object.defineProperty(this, 'name', { value: 'buffer' });
    readonlyBrand = (x) => typeof x === 'object' && x !== null && #readonly in x && (x as buffer).#readonly;
  }

  #obj: Memory | null;
  #readonly = false;
  #owned = false;

  /** Methods such as `slice`, `map` and `filter` make plain Uint8Arrays (copies are not views of `obj`). */
  static get [Symbol.species](): Uint8ArrayConstructor { return Uint8Array; }

  /**
   * A buffer over the memory of `obj` (a typed array, DataView or
   * ArrayBuffer; shared, not copied), or an empty one without `obj`
   * (mpi4py's `buffer(obj)` / `buffer()`).
   */
  constructor(obj?: Memory) {
    if (obj === undefined) super(0);
    else if (ArrayBuffer.isView(obj)) super(obj.buffer as ArrayBuffer, obj.byteOffset, obj.byteLength);
    else if (obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) super(obj as ArrayBuffer);
    else throw new TypeError(`buffer: obj must be a typed array, DataView or ArrayBuffer, got ${describeValue(obj)}`);
    this.#obj = obj ?? null;
    if (obj !== undefined && #readonly in obj) this.#readonly = obj.#readonly;
  }

  /** A new buffer of `nbytes` bytes, zeroed (JavaScript memory always is, so `clear` changes nothing). */
  static allocate(nbytes: number, clear = false): buffer {
    if (typeof nbytes !== 'number' || !Number.isInteger(nbytes)) throw new TypeError(`buffer.allocate: nbytes must be an integer, got ${describeValue(nbytes)}`);
    if (nbytes < 0) throw new RangeError(`buffer.allocate: nbytes must be >= 0, got ${nbytes}`);
    void clear;
    const b = new buffer(new ArrayBuffer(nbytes));
    b.#owned = true;
    return b;
  }

  /** A buffer over the memory of `obj`, read-only if asked (mpi4py's `buffer.frombuffer`). */
  static frombuffer(obj: Memory, readonly = false): buffer {
    if (!isMemory(obj)) throw new TypeError(`buffer.frombuffer: obj must be a typed array, DataView or ArrayBuffer, got ${describeValue(obj)}`);
    if (!readonly && isReadonly(obj)) throw new TypeError('buffer.frombuffer: obj is a read-only MPI.buffer, so the buffer must be read-only too (readonly true)');
    const b = new buffer(obj);
    b.#readonly = Boolean(readonly);
    if (b.#readonly) anyReadonly = true;
    return b;
  }

  /** The memory this buffer views (null for an empty or released buffer). */
  get obj(): Memory | null { return this.#obj; }

  /** The number of bytes (0 once released). */
  get nbytes(): number { return this.#obj === null ? 0 : this.byteLength; }

  /** Whether calls must not write this memory (false once released). */
  get readonly(): boolean { return this.#readonly; }

  /** The element format: always `'B'` (unsigned bytes). */
  get format(): string { return 'B'; }

  /** The element size in bytes: always 1. */
  get itemsize(): number { return 1; }

  /**
   * The same memory as elements of `format` (a struct code: 'b', 'B', 'h',
   * 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'f', 'd'), a typed array (mpi4py's
   * `memoryview.cast`). `shape` must multiply to the element count; the
   * typed array is flat, element `[i, j]` of shape `[m, n]` is `i * n + j`.
   */
  cast(format: string, shape?: readonly number[]): ArrayBufferView {
    const C = typeof format === 'string' ? formats[format] : undefined;
    if (C === undefined) throw new TypeError(`buffer.cast: format must be one of ${Object.keys(formats).join(' ')}, got ${describeValue(format)}`);
    const size = (C as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (this.byteLength % size !== 0) throw new TypeError(`buffer.cast: ${this.byteLength} bytes are not a whole number of '${format}' (${size} bytes)`);
    if (this.byteOffset % size !== 0) throw new TypeError(`buffer.cast: the memory at byte offset ${this.byteOffset} is not aligned for '${format}'`);
    const n = this.byteLength / size;
    if (shape !== undefined) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new TypeError(`buffer.cast: shape must be an array of sizes, got ${describeValue(shape)}`);
      const total = shape.reduce((a: number, d: number) => a * d, 1);
      if (total !== n) throw new TypeError(`buffer.cast: shape [${shape.join(', ')}] holds ${total} elements, the memory ${n}`);
    }
    return new C(this.buffer, this.byteOffset, n);
  }

  /** A copy of the bytes (mpi4py's `tobytes`; `order` is unused there too). */
  tobytes(order: string | null = null): Uint8Array {
    void order;
    return Uint8Array.prototype.slice.call(this);
  }

  /** A read-only buffer over the same memory. */
  toreadonly(): buffer {
    const b = new buffer(this);
    b.#obj = this.#obj;
    b.#readonly = true;
    anyReadonly = true;
    return b;
  }

  /**
   * Drop the reference to the memory: `obj` null, `nbytes` 0. Memory the
   * buffer allocated is detached, so the buffer is empty.
   */
  release(): void {
    if (this.#owned && this.#obj instanceof ArrayBuffer && this.#obj.byteLength > 0) structuredClone(this.#obj, { transfer: [this.#obj] });
    this.#obj = null;
    this.#readonly = false;
    this.#owned = false;
  }

  /** A buffer over bytes `begin` to `end` of this one (mpi4py's `buf[i:j]`), with the same `obj` and read-only mark. */
  override subarray(begin?: number, end?: number): buffer {
    const v = Uint8Array.prototype.subarray.call(this, begin, end);
    const b = new buffer(v);
    b.#obj = this.#obj;
    b.#readonly = this.#readonly;
    return b;
  }

  /** `Uint8Array.set`, refused on a read-only buffer. */
  override set(array: ArrayLike<number>, offset?: number): void {
    this.#writable('set');
    super.set(array, offset);
  }

  /** `Uint8Array.fill`, refused on a read-only buffer. */
  override fill(value: number, start?: number, end?: number): this {
    this.#writable('fill');
    return super.fill(value, start, end);
  }

  /** `Uint8Array.copyWithin`, refused on a read-only buffer. */
  override copyWithin(target: number, start: number, end?: number): this {
    this.#writable('copyWithin');
    return super.copyWithin(target, start, end);
  }

  /** `Uint8Array.reverse`, refused on a read-only buffer. */
  override reverse(): this {
    this.#writable('reverse');
    return super.reverse();
  }

  /** `Uint8Array.sort`, refused on a read-only buffer. */
  override sort(compare?: (a: number, b: number) => number): this {
    this.#writable('sort');
    return super.sort(compare);
  }

  #writable(method: string): void {
    if (this.#readonly) throw new TypeError(`buffer.${method}: the buffer is read-only`);
  }
}
