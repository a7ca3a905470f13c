/**
 * Print values the way the Python seeds show them: `str()` of a float or a
 * list, and NumPy's `str()` of a 1-D array (`[1 2 3 4 5]`).
 */

/** Python's `repr(float)`: shortest round-trip digits, `.0` on whole numbers, exponent below 1e-4 or from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax < 1e-4 || ax >= 1e16) {
    // JS gives e.g. "1.5e-7" or "1e+21"; Python gives "1.5e-07" and "1e+21".
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** Python's `str(list)` of numbers (floats shown as Python floats). */
export function pyList(xs: readonly number[]): string {
  return `[${xs.map(pyFloat).join(', ')}]`;
}

/** NumPy's `str()` of a 1-D integer array: `[0 0 0 0 0]`, elements right-aligned to the widest. */
export function npArray(a: ArrayLike<number | bigint>): string {
  const items = Array.from(a, (v) => String(v));
  const width = Math.max(0, ...items.map((s) => s.length));
  return `[${items.map((s) => s.padStart(width)).join(' ')}]`;
}
