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
