/**
 * node:v8 in a browser, as far as src/ uses it: the structured-clone
 * serializer of object messages (src/core/msgobject.ts's fallback format,
 * for cycles, shared references, Error, RegExp, class instances...) and
 * setFlagsFromString (a no-op: a page sets no V8 flags).
 *
 * The bytes are msgpackr's structured-clone MessagePack, not V8's wire
 * format: every rank of a browser job speaks the same one. What structured
 * clone refuses (functions, symbols, DOM objects) is refused first by the
 * browser's own structuredClone, with its DataCloneError.
 */
import { Packr } from 'msgpackr';

// Records (msgpackr's default) are defined inside each message, so any rank's Packr reads any other's.
const packr = new Packr({ structuredClone: true, moreTypes: true });

export class Serializer {
  #value: unknown = undefined;
  writeHeader(): void {}
  writeValue(value: unknown): boolean {
    structuredClone(value);
    this.#value = value;
    return true;
  }
  releaseBuffer(): Uint8Array {
    return packr.pack(this.#value);
  }
}

export class Deserializer {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    // Decoded values must never alias the message (it may be shared memory of a ring).
    this.#bytes = bytes.slice();
  }
  readHeader(): boolean { return true; }
  readValue(): unknown {
    return packr.unpack(this.#bytes);
  }
}

export function serialize(value: unknown): Uint8Array {
  const s = new Serializer();
  s.writeValue(value);
  return s.releaseBuffer();
}

export function deserialize(bytes: Uint8Array): unknown {
  return new Deserializer(bytes).readValue();
}

export function setFlagsFromString(): void {}

export function getHeapStatistics(): Record<string, number> {
  return { total_heap_size: 0, used_heap_size: 0, heap_size_limit: 0 };
}

export default { Serializer, Deserializer, serialize, deserialize, setFlagsFromString, getHeapStatistics };
