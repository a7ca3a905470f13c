/** Argument checks shared by the public classes (done once, at the boundary). */

/** A short description of a value for error messages: `'abc'`, `null`, `Float64Array`, `1.5`. */
export function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return String(x);
}

/** `x` as an integer, or a TypeError naming the routine, the argument and the value. */
export function checkInt(routine: string, arg: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new TypeError(`${routine}: ${arg} must be an integer, got ${describe(x)}`);
  }
  return x;
}

/**
 * `x` as an options object (`{ dest, tag }`, `{ source, tag, status }`):
 * only a plain object with known keys, so that a buffer passed where a rank
 * belongs (mpi4py's `recv(buf, source)` order) or a misspelt key is an error
 * instead of a receive from ANY_SOURCE that may wait forever.
 */
export function options<T>(routine: string, arg: string, x: object, keys: readonly string[]): T {
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${routine}: ${arg} must be an integer or an options object { ${keys.join(', ')} }, got ${describe(x)}`);
  }
  for (const k of Object.keys(x)) {
    if (!keys.includes(k)) throw new TypeError(`${routine}: unknown option '${k}' (expected ${keys.join(', ')})`);
  }
  return x as T;
}
