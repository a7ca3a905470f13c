/**
 * The arithmetic of process topologies (MPI chapter "Process Topologies"),
 * free of communicators: balanced grid shapes (MPI_Dims_create), row-major
 * coordinates of a Cartesian grid, shifts along a dimension, neighbour lists
 * in MPI's order, sub-grid colours, graph adjacency. The API layer
 * (src/api/topo.ts) checks arguments and calls these with valid input.
 */

/** `MPI_PROC_NULL` (the same value as core/matching.ts). */
export const NO_PROC = -2;

/** Product of the entries (1 for none). */
export function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}

/** Divisors of n (n >= 1), ascending. */
export function divisors(n: number): number[] {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      lo.push(d);
      if (d * d !== n) hi.push(n / d);
    }
  }
  return lo.concat(hi.reverse());
}

/**
 * `k` factors of `m` (m >= 1), non-increasing, as balanced as possible: the
 * smallest spread between the largest and the smallest factor, and among
 * those the smallest largest factor. Exhaustive search over non-increasing
 * factorisations with a bound, which stays small for any int32 `m`.
 */
export function balancedFactors(m: number, k: number): number[] {
  if (k === 0) return [];
  if (k === 1) return [m];
  const divs = divisors(m);
  let best: number[] | null = null;
  let bestSpread = Infinity;
  const cur: number[] = [];
  // Choose factors from the largest down; `cap` is the previous factor.
  const search = (rest: number, slots: number, cap: number): void => {
    if (slots === 1) {
      if (rest > cap) return;
      const spread = cur[0]! - rest;
      if (spread < bestSpread) {
        bestSpread = spread;
        best = [...cur, rest];
      }
      return;
    }
    // The largest of the remaining factors is at least the slots-th root of rest.
    const low = Math.max(1, Math.ceil(Math.pow(rest, 1 / slots) - 1e-9));
    for (const d of divs) {
      if (d < low || rest % d !== 0) continue;
      if (d > cap) break;
      const top = cur.length === 0 ? d : cur[0]!;
      // The smallest factor is at most the (slots-1)-th root of rest / d.
      const smallest = Math.floor(Math.pow(rest / d, 1 / (slots - 1)) + 1e-9);
      // Larger d only lowers that bound: nothing further on this level can do better.
      if (top - smallest >= bestSpread) break;
      cur.push(d);
      search(rest / d, slots - 1, d);
      cur.pop();
    }
  };
  search(m, k, m);
  return best!;
}

/**
 * `MPI_Dims_create`: fill the zero entries of `dims` so that the product is
 * `nnodes`, balanced and non-increasing among the filled ones. Nonzero entries
 * are kept. Null when impossible (the fixed entries do not divide `nnodes`,
 * or there is nothing to fill and the product is not `nnodes`).
 * Input: integers, entries >= 0.
 */
export function computeDims(nnodes: number, dims: readonly number[]): number[] | null {
  if (nnodes < 1) return null;
  const fixed = product(dims.filter((d) => d > 0));
  const free = dims.filter((d) => d === 0).length;
  if (nnodes % fixed !== 0) return null;
  const m = nnodes / fixed;
  if (free === 0) return m === 1 ? [...dims] : null;
  const fill = balancedFactors(m, free);
  let i = 0;
  return dims.map((d) => (d === 0 ? fill[i++]! : d));
}

/** Row-major coordinates of `rank` in a grid of `dims` (the last dimension varies fastest). */
export function cartCoords(rank: number, dims: readonly number[]): number[] {
  const coords = new Array<number>(dims.length);
  let r = rank;
  for (let i = dims.length - 1; i >= 0; i--) {
    coords[i] = r % dims[i]!;
    r = Math.floor(r / dims[i]!);
  }
  return coords;
}

/** Coordinate `x` on a dimension of size `n`: wrapped when periodic, null when outside a non-periodic one. */
export function wrapCoord(x: number, n: number, periodic: boolean): number | null {
  if (periodic) return ((x % n) + n) % n;
  return x >= 0 && x < n ? x : null;
}

/**
 * Row-major rank of `coords` (wrapped on periodic dimensions), or null when a
 * coordinate is outside a non-periodic dimension.
 */
export function cartRank(coords: readonly number[], dims: readonly number[], periods: readonly boolean[]): number | null {
  let r = 0;
  for (let i = 0; i < dims.length; i++) {
    const c = wrapCoord(coords[i]!, dims[i]!, periods[i]!);
    if (c === null) return null;
    r = r * dims[i]! + c;
  }
  return r;
}

/**
 * `MPI_Cart_shift` for the process at `coords`: [source, dest], the ranks
 * `disp` steps back and forward along `direction`; NO_PROC past a
 * non-periodic edge.
 */
export function cartShift(coords: readonly number[], dims: readonly number[], periods: readonly boolean[],
  direction: number, disp: number): [number, number] {
  const at = (delta: number): number => {
    const c = [...coords];
    c[direction] = c[direction]! + delta;
    return cartRank(c, dims, periods) ?? NO_PROC;
  };
  return [at(-disp), at(disp)];
}

/**
 * Neighbours of the process at `coords` in MPI's order for neighbourhood
 * collectives: for each dimension, the one at -1, then the one at +1
 * (NO_PROC at a non-periodic edge). Sources and destinations are the same list.
 */
export function cartNeighbors(coords: readonly number[], dims: readonly number[], periods: readonly boolean[]): number[] {
  const out: number[] = [];
  for (let d = 0; d < dims.length; d++) out.push(...cartShift(coords, dims, periods, d, 1));
  return out;
}

/**
 * The order in which a Cartesian process posts its sends of a neighbourhood
 * collective: per dimension, the +1 block before the -1 block. Receives are
 * posted in slot order (-1 then +1), so when both neighbours of a dimension
 * are one process (a periodic dimension of 1 or 2), what goes out in the +1
 * direction lands in the receiver's -1 slot, as a halo exchange expects.
 */
export function cartSendOrder(ndims: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < ndims; d++) out.push(2 * d + 1, 2 * d);
  return out;
}

/**
 * `MPI_Cart_sub`: colour (the row-major index of the dropped coordinates) and
 * the kept dimensions for the process at `coords`. Processes with one colour
 * form one sub-grid; ordered by their rank in the grid, their new ranks are
 * row-major in the kept coordinates.
 */
export function cartSub(coords: readonly number[], dims: readonly number[], remain: readonly boolean[]): { color: number; keep: number[] } {
  let color = 0;
  const keep: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    if (remain[i]) keep.push(i);
    else color = color * dims[i]! + coords[i]!;
  }
  return { color, keep };
}

/**
 * A graph's `index` in MPI's form (index[i] = number of edges of nodes 0..i),
 * from either that form or the CSR form with a leading 0 (mpi4py accepts both:
 * a leading 0 with a last entry equal to the edge count is read as CSR).
 */
export function graphIndex(index: readonly number[], nedges: number): number[] {
  if (index.length > 1 && index[0] === 0 && index[index.length - 1] === nedges) return index.slice(1);
  return [...index];
}

/** Neighbours of `node` in a graph of MPI-form `index` and `edges`. */
export function graphNeighbors(index: readonly number[], edges: readonly number[], node: number): number[] {
  const lo = node === 0 ? 0 : index[node - 1]!;
  return edges.slice(lo, index[node]!);
}

/**
 * Whether a distributed graph is consistent: every edge a -> b appears as
 * often among a's destinations as among b's sources. `adj[r]` is [sources,
 * destinations] of rank r. Returns a description of the first mismatch, or null.
 */
export function distGraphMismatch(adj: readonly (readonly [readonly number[], readonly number[]])[]): string | null {
  const count = new Map<string, number>();
  const key = (a: number, b: number): string => `${a}>${b}`;
  adj.forEach(([, dsts], a) => { for (const b of dsts) count.set(key(a, b), (count.get(key(a, b)) ?? 0) + 1); });
  adj.forEach(([srcs], b) => { for (const a of srcs) count.set(key(a, b), (count.get(key(a, b)) ?? 0) - 1); });
  for (const [k, n] of count) {
    if (n === 0) continue;
    const [a, b] = k.split('>');
    return n > 0
      ? `rank ${a} lists ${b} as a destination ${n} more time(s) than rank ${b} lists ${a} as a source`
      : `rank ${b} lists ${a} as a source ${-n} more time(s) than rank ${a} lists ${b} as a destination`;
  }
  return null;
}
