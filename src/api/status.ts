import type { Envelope } from '../transport/spi.js';
import { ANY_SOURCE, ANY_TAG, UNDEFINED } from './constants.js';
import { SUCCESS } from '../core/errorcodes.js';
import { BYTE, Datatype } from './datatype.js';

/** Information about a received message: `MPI_Status`. */
export class Status {
  /** Rank of the sender in the communicator. */
  source: number = ANY_SOURCE;
  /** Tag of the message. */
  tag: number = ANY_TAG;
  /** Error class of the operation (SUCCESS when it went well). */
  error: number = SUCCESS;
  /** Size of the message in bytes. */
  #bytes = 0;
  #cancelled = false;

  /** Copy of another status (mpi4py `Status(status)`), or an empty one. */
  constructor(other?: Status) {
    if (other) {
      this.source = other.source;
      this.tag = other.tag;
      this.error = other.error;
      this.#bytes = other.#bytes;
      this.#cancelled = other.#cancelled;
    }
  }

  /** @internal Fill from a transport envelope. */
  static fill(st: Status | null | undefined, env: Envelope): void {
    if (!st) return;
    st.source = env.source;
    st.tag = env.tag;
    st.error = env.error;
    st.#bytes = env.count;
    st.#cancelled = env.cancelled;
  }

  /** Rank of the sender: `status.MPI_SOURCE`. */
  Get_source(): number { return this.source; }
  Set_source(source: number): void { this.source = source; }
  /** Tag: `status.MPI_TAG`. */
  Get_tag(): number { return this.tag; }
  Set_tag(tag: number): void { this.tag = tag; }
  /** Error class: `status.MPI_ERROR`. */
  Get_error(): number { return this.error; }
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
    this.#bytes = datatype.bytesOfElements(count);
  }
  /** Size of the message in bytes (mpi4py's `status.count`). */
  get count(): number { return this.#bytes; }
  /** Whether the operation was cancelled: `MPI_Test_cancelled`. */
  Is_cancelled(): boolean { return this.#cancelled; }
  get cancelled(): boolean { return this.#cancelled; }
  Set_cancelled(flag: boolean): void { this.#cancelled = flag; }
}
