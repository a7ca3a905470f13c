/**
 * Helpers of the bench programs: a barrier made of point-to-point messages
 * (collectives are not there yet) and Python's number formats, so that the
 * output reads exactly like mpi4py.bench's.
 */
import type { Comm } from '../../api/comm.js';

/** Tag of the barrier's messages; the benchmarks themselves use tag 0. */
export const BARRIER_TAG = 32001;

/** `comm.Barrier()` from Send/Recv: everyone reports to rank 0, then rank 0 releases everyone. */
export function barrier(comm: Comm): void {
  const size = comm.Get_size();
  if (size === 1) return;
  const token = new Uint8Array(0);
  if (comm.Get_rank() === 0) {
    for (let r = 1; r < size; r++) comm.Recv(token, r, BARRIER_TAG);
    for (let r = 1; r < size; r++) comm.Send(token, r, BARRIER_TAG);
  } else {
    comm.Send(token, 0, BARRIER_TAG);
    comm.Recv(token, 0, BARRIER_TAG);
  }
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's `e` exponent: sign and at least two digits (`1.5e-06`, not `1.5e-6`). */
function pyExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python `format(x, '.{p}e')`. */
export function fmtE(x: number, p: number): string {
  return special(x) ?? pyExponent(x.toExponential(p));
}

/** Python `format(x, '{w}.{p}f')`. */
export function fmtF(x: number, w: number, p: number): string {
  return (special(x) ?? x.toFixed(p)).padStart(w);
}

/** Python `format(n, '{w}d')`. */
export function fmtD(n: number, w: number): string {
  return String(n).padStart(w);
}

/** Python `'%g' % x` (precision 6 by default). */
export function fmtG(x: number, p = 6): string {
  const sp = special(x);
  if (sp !== null) return sp;
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const P = p === 0 ? 1 : p;
  const exp = Number(x.toExponential(P - 1).split('e')[1]);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= P) {
    const [m, e] = x.toExponential(P - 1).split('e');
    return pyExponent(`${strip(m!)}e${e}`);
  }
  return strip(x.toFixed(P - 1 - exp));
}

/** Python `statistics.mean`. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Python `statistics.stdev` (sample standard deviation; 0 for fewer than two samples, as mpi4py.bench uses it). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}
