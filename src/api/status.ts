import type { Envelope } from '../transport/spi.js';
import { ANY_SOURCE, ANY_TAG, UNDEFINED } from './constants.js';
import { SUCCESS } from '../core/errorcodes.js';
import { BYTE, Datatype } from './datatype.js';

/**
 * Information about a received message: `MPI_Status`. The fields live in an
 * Int32Array laid out as Open MPI's `MPI_Status` (MPI_SOURCE, MPI_TAG,
 * MPI_ERROR, cancelled, byte count low and high words), which `tomemory()`
 * returns, so writes through that view change the status (mpi4py's
 * `Status.tomemory()`).
 */
export class Status {
  #mem = new Int32Array(6);

  /** Copy of another status (mpi4py `Status(status)`), or an empty one. */
  constructor(other?: Status) {
    if (other !== undefined && other !== null) {
      if (!(other instanceof Status)) throw new TypeError(`Status: expected an MPI.Status to copy, got ${typeof other}`);
      this.#mem.set(other.#mem);
    } else {
      this.#mem[0] = ANY_SOURCE;
      this.#mem[1] = ANY_TAG;
      this.#mem[2] = SUCCESS;
    }
  }

  /** Same fields (mpi4py's `==` on statuses): source, tag, error, cancelled and count. */
  equals(other: unknown): boolean {
    if (!(other instanceof Status)) return false;
    const a = this.#mem;
    const b = other.#mem;
    return a.every((v, i) => v === b[i]);
  }

  /** @internal Fill from a transport envelope. */
  static fill(st: Status | null | undefined, env: Envelope): void {
    if (!st) return;
    const m = st.#mem;
    m[0] = env.source;
    m[1] = env.tag;
    m[2] = env.error;
    m[3] = env.cancelled ? 1 : 0;
    st.#setBytes(env.count);
  }

  get #bytes(): number { return (this.#mem[4]! >>> 0) + this.#mem[5]! * 0x1_0000_0000; }
  #setBytes(n: number): void {
    this.#mem[4] = n % 0x1_0000_0000;
    this.#mem[5] = Math.floor(n / 0x1_0000_0000);
  }

  /** Rank of the sender in the communicator. */
  get source(): number { return this.#mem[0]!; }
  /** Set the source, as Set_source. */
  set source(v: number) { this.#mem[0] = v; }
  /** Tag of the message. */
  get tag(): number { return this.#mem[1]!; }
  /** Set the tag, as Set_tag. */
  set tag(v: number) { this.#mem[1] = v; }
  /** Error class of the operation (SUCCESS when it went well). */
  get error(): number { return this.#mem[2]!; }
  /** Set the error class, as Set_error. */
  set error(v: number) { this.#mem[2] = v; }

  /** The status fields as a writable Int32Array view (mpi4py `Status.tomemory()`). */
  tomemory(): Int32Array { return this.#mem; }

  /** Rank of the sender: `status.MPI_SOURCE`. */
  Get_source(): number { return this.source; }
  /** Set the rank of the sender: `status.MPI_SOURCE`. */
  Set_source(source: number): void { this.source = source; }
  /** Tag: `status.MPI_TAG`. */
  Get_tag(): number { return this.tag; }
  /** Set the tag: `status.MPI_TAG`. */
  Set_tag(tag: number): void { this.tag = tag; }
  /** Error class: `status.MPI_ERROR`. */
  Get_error(): number { return this.error; }
  /** Set the error class: `status.MPI_ERROR`. */
  Set_error(error: number): void { this.error = error; }

  /** Number of elements of `datatype` received: `MPI_Get_count` (UNDEFINED if not a whole number). */
  Get_count(datatype: Datatype = BYTE): number {
    if (!(datatype instanceof Datatype)) throw new TypeError(`Get_count: datatype must be an MPI.Datatype, got ${datatype === null ? 'null' : typeof datatype}`);
    const size = datatype.Get_size();
    if (size === 0) return this.#bytes === 0 ? 0 : UNDEFINED;
    return this.#bytes % size === 0 ? this.#bytes / size : UNDEFINED;
  }
  /**
   * Number of basic elements received: `MPI_Get_elements`. For a derived
   * datatype, the primitive elements (a vector of 3 blocks of 2 INT counts 6
   * per element), partial elements included; UNDEFINED when the message ends
   * inside a basic element.
   */
  Get_elements(datatype: Datatype): number {
    if (!(datatype instanceof Datatype)) throw new TypeError(`Get_elements: datatype must be an MPI.Datatype, got ${datatype === null ? 'null' : typeof datatype}`);
    return datatype.basicElements(this.#bytes);
  }
  /**
   * Make the status describe `count` basic elements of `datatype` (so that
   * Get_elements(datatype) gives `count`): `MPI_Status_set_elements`.
   */
  Set_elements(datatype: Datatype, count: number): void {
    if (!(datatype instanceof Datatype)) throw new TypeError(`Set_elements: datatype must be an MPI.Datatype, got ${datatype === null ? 'null' : typeof datatype}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Set_elements: count must be a non-negative integer, got ${count}`);
    this.#setBytes(datatype.bytesOfElements(count));
  }
  /** Size of the message in bytes (mpi4py's `status.count`); settable, as `Set_elements(BYTE, n)`. */
  get count(): number { return this.#bytes; }
  /** Set the size in bytes, as Set_elements(BYTE, n). */
  set count(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Status.count must be a non-negative integer, got ${n}`);
    this.#setBytes(n);
  }
  /** Whether the operation was cancelled: `MPI_Test_cancelled`. */
  Is_cancelled(): boolean { return this.#mem[3] !== 0; }
  /** As Is_cancelled (mpi4py property `cancelled`). */
  get cancelled(): boolean { return this.Is_cancelled(); }
  /** As Set_cancelled. */
  set cancelled(flag: boolean) { this.Set_cancelled(flag); }
  /** Mark the status cancelled or not: `MPI_Status_set_cancelled`. */
  Set_cancelled(flag: boolean): void { this.#mem[3] = flag ? 1 : 0; }
}
