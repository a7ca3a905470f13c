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

/**
 * Python's `repr()` of a value made of JSON-like parts: `None` for null and
 * undefined, `True`/`False`, integers as ints (JavaScript has one number
 * type: whole numbers print as Python ints, others as Python floats),
 * quoted strings, lists and dicts (`{'size': [1, 3, 8]}`).
 */
export function pyRepr(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'number') return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pyFloat(x);
  if (typeof x === 'bigint') return String(x);
  if (typeof x === 'string') return pyStrRepr(x);
  if (Array.isArray(x)) return `[${x.map(pyRepr).join(', ')}]`;
  if (x instanceof Set) return x.size === 0 ? 'set()' : `{${Array.from(x, pyRepr).join(', ')}}`;
  if (typeof x === 'object') {
    return `{${Object.entries(x).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(x);
}

/** Python's `str()`: a string as it is, anything else as `repr()` (what an f-string shows). */
export function pyStr(x: unknown): string {
  return typeof x === 'string' ? x : pyRepr(x);
}

/** Python's `repr()` of a string: single quotes unless the text has ' and no ". */
function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)
    .replaceAll(q, `\\${q}`);
  return `${q}${body}${q}`;
}

/** Python's `print(a, b, ...)`: the `str()` of each, separated by spaces. */
export function pyPrint(...items: unknown[]): void {
  console.log(items.map(pyStr).join(' '));
}

/**
 * NumPy's `str()` of a float64 array's elements: whole numbers as `0.`,
 * `16.`; others with the fewest digits that round-trip (at most 8 after the
 * point, NumPy's default precision), padded on the right to line up.
 * Scientific notation (tiny or huge values) is not covered.
 */
function npFloatItems(a: ArrayLike<number>): string[] {
  const items = Array.from(a, (v) => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v)) return `${v}.`;
    // shortest round-trip, limited to 8 fractional digits
    let s = String(v);
    if (/e/.test(s) || (s.split('.')[1] ?? '').length > 8) s = String(Number(v.toFixed(8)));
    return Number.isInteger(Number(s)) ? `${Number(s)}.` : s;
  });
  // NumPy pads the fractional part with spaces so the points line up.
  const frac = Math.max(...items.map((s) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0)));
  return items.map((s) => (s.includes('.') ? s + ' '.repeat(frac - (s.length - s.indexOf('.') - 1)) : s));
}

/** The element type NumPy would print: integers (`[0 1 2]`) or floats (`[0. 1. 2.]`). */
export type NpKind = 'int' | 'float';

/**
 * NumPy's `str()` of an array of any dimension stored flat (C order) with
 * the given shape: `[[0 0 0]\n [1 1 1]]`. Elements are right-aligned to the
 * widest. Arrays wider than NumPy's 75-character lines are not wrapped.
 * `kind` defaults to 'float' for Float32Array/Float64Array, 'int' otherwise.
 */
export function npStr(a: ArrayLike<number | bigint>, shape: readonly number[] = [a.length], kind?: NpKind): string {
  const k = kind ?? (a instanceof Float64Array || a instanceof Float32Array ? 'float' : 'int');
  const raw = k === 'float' ? npFloatItems(Array.from(a, Number)) : Array.from(a, (v) => String(v));
  const width = Math.max(0, ...raw.map((s) => s.length));
  const items = raw.map((s) => s.padStart(width));
  const dims = shape.length === 0 ? [items.length] : shape;
  const block = (dim: number, start: number): string => {
    const n = dims[dim]!;
    const step = dims.slice(dim + 1).reduce((p, d) => p * d, 1);
    if (dim === dims.length - 1) return `[${items.slice(start, start + n).join(' ')}]`;
    // Rows after the first start on a new line, indented by the depth; one
    // blank line more between blocks of each higher dimension.
    const sep = '\n'.repeat(dims.length - 1 - dim) + ' '.repeat(dim + 1);
    return `[${Array.from({ length: n }, (_, i) => block(dim + 1, start + i * step)).join(sep)}]`;
  };
  return block(0, 0);
}
