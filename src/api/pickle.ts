/**
 * `MPI.Pickle` and `MPI.pickle` (mpi4py's msgpickle): how object messages
 * (`send`, `recv`, `bcast`, ...) turn values into bytes and back. By
 * default that is mpi4ts's object codec (core/msgobject.ts: structured-clone
 * semantics); `MPI.pickle.__init__(dumps, loads)` installs other functions,
 * JSON say, for this rank's object messages from then on (every rank sets
 * its own, as every mpi4py process does).
 */
import { encodeObject, decodeObject, builtinCodec, setMessageCodec } from '../core/msgobject.js';
import { buffer } from '../core/memory.js';
import { describe } from './args.js';

/** Turns a value into bytes; called with `(obj, protocol)` when PROTOCOL is not null, else `(obj)`. */
export type DumpsFunction = (obj: any, protocol?: number) => ArrayBufferView | ArrayBuffer;
/** Turns bytes (a Uint8Array) back into a value. */
export type LoadsFunction = (data: Uint8Array) => any;

/** The protocol of mpi4ts's codec (it has one; a custom dumps gets PROTOCOL as given). */
const CODEC_PROTOCOL = 1;
/** mpi4py's default out-of-band threshold: 0.25 MiB. */
const DEFAULT_THRESHOLD = 1024 ** 2 / 4;

function defaultDumps(obj: unknown): Uint8Array {
  return encodeObject(obj).slice();
}

function defaultLoads(data: Uint8Array): unknown {
  return decodeObject(data, false);
}

/** `data` as a Uint8Array over its bytes (a typed array, DataView or ArrayBuffer). */
function bytesOf(routine: string, what: string, data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`${routine}: ${what} must be a typed array, DataView or ArrayBuffer, got ${describe(data)}`);
}

/** Serialisation of objects for object messages: mpi4py's `MPI.Pickle`. */
export class Pickle {
  #dumps: DumpsFunction = defaultDumps;
  #loads: LoadsFunction = defaultLoads as LoadsFunction;
  #protocol: number | null = CODEC_PROTOCOL;
  #threshold = DEFAULT_THRESHOLD;

  /** A pickle with `dumps`/`loads` (null: mpi4ts's codec), `protocol` and out-of-band `threshold`. */
  constructor(dumps: DumpsFunction | null = null, loads: LoadsFunction | null = null, protocol: number | null = null, threshold: number | null = null) {
    this.__init__(dumps, loads, protocol, threshold);
  }

  /**
   * Set dumps, loads, protocol and threshold again (mpi4py's
   * `pickle.__init__(...)`; no arguments: the defaults). On `MPI.pickle`
   * this changes how this rank's object messages are encoded from now on.
   */
  __init__(dumps: DumpsFunction | null = null, loads: LoadsFunction | null = null, protocol: number | null = null, threshold: number | null = null): void {
    if (dumps !== null && dumps !== undefined && typeof dumps !== 'function') throw new TypeError(`Pickle: dumps must be a function or null, got ${describe(dumps)}`);
    if (loads !== null && loads !== undefined && typeof loads !== 'function') throw new TypeError(`Pickle: loads must be a function or null, got ${describe(loads)}`);
    checkNumber('protocol', protocol);
    checkNumber('threshold', threshold);
    this.#dumps = dumps ?? defaultDumps;
    this.#loads = loads ?? (defaultLoads as LoadsFunction);
    this.#protocol = protocol ?? (this.#dumps === defaultDumps ? CODEC_PROTOCOL : null);
    this.#threshold = threshold ?? DEFAULT_THRESHOLD;
    if (this === messagePickle) {
      const builtin = this.#dumps === defaultDumps && this.#loads === (defaultLoads as LoadsFunction);
      setMessageCodec(builtin ? builtinCodec : { dumps: (v) => this.dumps(v), loads: (b, owned) => this.loads(owned ? b : b.slice()) });
    }
  }

  /** The bytes of `obj` (mpi4py's `Pickle.dumps`). */
  dumps(obj: unknown): Uint8Array {
    const out = this.#protocol === null ? this.#dumps(obj) : this.#dumps(obj, this.#protocol);
    return bytesOf('Pickle.dumps', 'the result of dumps', out);
  }

  /** The object of `data` (mpi4py's `Pickle.loads`). */
  loads(data: ArrayBufferView | ArrayBuffer): unknown {
    return this.#loads(bytesOf('Pickle.loads', 'data', data));
  }

  /**
   * `[bytes, buffers]` (mpi4py's `Pickle.dumps_oob`). mpi4ts's codec keeps
   * typed arrays in band (they are copied once either way), so `buffers`
   * is empty.
   */
  dumps_oob(obj: unknown): [Uint8Array, buffer[]] {
    return [this.dumps(obj), []];
  }

  /** The object of `data` and out-of-band `buffers` from dumps_oob (mpi4py's `Pickle.loads_oob`). */
  loads_oob(data: ArrayBufferView | ArrayBuffer, buffers: Iterable<ArrayBufferView | ArrayBuffer>): unknown {
    for (const b of buffers) bytesOf('Pickle.loads_oob', 'a buffer', b);
    return this.loads(data);
  }

  /** The protocol passed to dumps (null: dumps is called without one). */
  get PROTOCOL(): number | null { return this.#protocol; }
  /** Set the protocol (null: the default); mpi4ts has one encoding, so the value is only recorded. */
  set PROTOCOL(protocol: number | null) {
    checkNumber('PROTOCOL', protocol);
    this.#protocol = protocol ?? (this.#dumps === defaultDumps ? CODEC_PROTOCOL : null);
  }

  /** The size from which dumps_oob would send a buffer out of band (mpi4py's default 0.25 MiB). */
  get THRESHOLD(): number { return this.#threshold; }
  /** Set the out-of-band threshold in bytes (null: the default). */
  set THRESHOLD(threshold: number | null) {
    checkNumber('THRESHOLD', threshold);
    this.#threshold = threshold ?? DEFAULT_THRESHOLD;
  }
}

function checkNumber(what: string, x: unknown): void {
  if (x !== null && x !== undefined && (typeof x !== 'number' || !Number.isInteger(x))) throw new TypeError(`Pickle: ${what} must be an integer or null, got ${describe(x)}`);
}

/** Set below: the instance whose dumps/loads object messages use (not yet during its own construction). */
let messagePickle: Pickle | null = null;

/** The Pickle object messages use on this rank (mpi4py's `MPI.pickle`). */
export const pickle: Pickle = new Pickle();
messagePickle = pickle;
