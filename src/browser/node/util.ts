/**
 * node:util in a browser: Node's own inspect/format (node-inspect-extracted,
 * so console.log prints what it prints under Node), parseArgs
 * (@pkgjs/parseargs, Node's polyfill of it) and the small helpers programs
 * use. util.types.isProxy cannot be known in a page: it says false.
 */
import { inspect, format, formatWithOptions, stripVTControlCharacters } from 'node-inspect-extracted';
import { parseArgs } from '@pkgjs/parseargs';

const tag = (v: unknown): string => Object.prototype.toString.call(v).slice(8, -1);

export const types = {
  isProxy: (_: unknown): boolean => false,
  isTypedArray: (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView),
  isUint8Array: (v: unknown): boolean => v instanceof Uint8Array,
  isArrayBuffer: (v: unknown): boolean => v instanceof ArrayBuffer,
  isSharedArrayBuffer: (v: unknown): boolean => v instanceof SharedArrayBuffer,
  isAnyArrayBuffer: (v: unknown): boolean => v instanceof ArrayBuffer || v instanceof SharedArrayBuffer,
  isDate: (v: unknown): boolean => v instanceof Date,
  isRegExp: (v: unknown): boolean => v instanceof RegExp,
  isMap: (v: unknown): boolean => v instanceof Map,
  isSet: (v: unknown): boolean => v instanceof Set,
  isPromise: (v: unknown): boolean => v instanceof Promise,
  isNativeError: (v: unknown): boolean => v instanceof Error,
  isAsyncFunction: (v: unknown): boolean => tag(v) === 'AsyncFunction',
  isGeneratorFunction: (v: unknown): boolean => tag(v) === 'GeneratorFunction' || tag(v) === 'AsyncGeneratorFunction',
};

export function inherits(ctor: { prototype: object; super_?: unknown }, superCtor: { prototype: object }): void {
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  Object.setPrototypeOf(ctor, superCtor);
  ctor.super_ = superCtor;
}

export function promisify<T>(fn: (...a: unknown[]) => void): (...a: unknown[]) => Promise<T> {
  return (...args) => new Promise((resolve, reject) => {
    fn(...args, (err: unknown, value: T) => (err ? reject(err) : resolve(value)));
  });
}

export function deprecate<F>(fn: F): F { return fn; }

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return inspect(a, { depth: Infinity, sorted: true } as never) === inspect(b, { depth: Infinity, sorted: true } as never);
}

export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

export { inspect, format, formatWithOptions, stripVTControlCharacters, parseArgs };
export default {
  inspect, format, formatWithOptions, stripVTControlCharacters, parseArgs, types, inherits, promisify, deprecate, isDeepStrictEqual,
  TextEncoder, TextDecoder,
};
