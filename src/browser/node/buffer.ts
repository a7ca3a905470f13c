/**
 * node:buffer in a browser: the `buffer` package (Node's Buffer API for
 * browsers), with what src/core/msgobject.ts takes from Node's own Buffer:
 * the string helpers on Buffer.prototype that accept any Uint8Array as
 * `this` (utf8Slice, latin1Slice, ucs2Slice, utf8Write, ucs2Write), done
 * with TextEncoder/TextDecoder, and `constants`.
 */
import { Buffer, kMaxLength, SlowBuffer } from 'buffer';

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8');
const utf16 = new TextDecoder('utf-16le');

/** TextDecoder refuses views of shared memory: those are copied first. */
function readable(b: Uint8Array, start: number, end: number): Uint8Array {
  return b.buffer instanceof SharedArrayBuffer ? b.slice(start, end) : b.subarray(start, end);
}

const helpers = {
  utf8Slice(this: Uint8Array, start = 0, end = this.length): string {
    return utf8.decode(readable(this, start, end));
  },
  latin1Slice(this: Uint8Array, start = 0, end = this.length): string {
    let s = '';
    for (let i = start; i < end; i += 8192) s += String.fromCharCode(...this.subarray(i, Math.min(end, i + 8192)));
    return s;
  },
  ucs2Slice(this: Uint8Array, start = 0, end = this.length): string {
    return utf16.decode(readable(this, start, start + ((end - start) & ~1)));
  },
  utf8Write(this: Uint8Array, s: string, offset = 0, maxBytes = this.length - offset): number {
    const room = Math.min(maxBytes, this.length - offset);
    if (this.buffer instanceof SharedArrayBuffer) {
      const bytes = encoder.encode(s);
      const n = Math.min(room, bytes.length);
      this.set(bytes.subarray(0, n), offset);
      return n;
    }
    return encoder.encodeInto(s, this.subarray(offset, offset + room)).written;
  },
  ucs2Write(this: Uint8Array, s: string, offset = 0, maxBytes = this.length - offset): number {
    const units = Math.min(s.length, Math.floor(Math.min(maxBytes, this.length - offset) / 2));
    for (let i = 0; i < units; i++) {
      const c = s.charCodeAt(i);
      this[offset + 2 * i] = c & 0xff;
      this[offset + 2 * i + 1] = c >>> 8;
    }
    return 2 * units;
  },
};
const proto = Buffer.prototype as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(helpers)) if (typeof proto[name] !== 'function') proto[name] = fn;

/** V8's limit on a string's length (2^29 - 24 characters). */
const MAX_STRING_LENGTH = 2 ** 29 - 24;
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH };
/** Absent, as in a Node.js built without ICU: msgobject.ts decodes huge strings in pieces then. */
export const transcode = undefined;
export { Buffer, kMaxLength, SlowBuffer };
export default { Buffer, kMaxLength, SlowBuffer, constants, transcode };
