/**
 * File views (MPI-IO): how a displacement, an etype and a filetype map the
 * data a process reads or writes onto bytes of the file. Transport-independent.
 *
 * A view tiles the file from byte `disp` with copies of the filetype, one
 * every `filetype.extent` bytes; the bytes the filetype's blocks cover, in
 * type-map order, make the process's data stream, counted in etypes.
 * `fileRuns` turns a range of that stream into runs of file bytes, merging
 * neighbours, so a contiguous view is one run whatever its length.
 */
import { layoutOf, type TypeDesc } from './datatype.js';
import { ERR_ARG, ERR_TYPE, MpiFailure } from './errorcodes.js';

/** A file view as the data path needs it. */
export interface FileView {
  readonly disp: number;
  readonly etype: TypeDesc;
  readonly filetype: TypeDesc;
}

/** Runs of file bytes: `offsets[i]` (absolute in the file) and `lengths[i]`, in data-stream order. */
export interface FileRuns {
  readonly offsets: number[];
  readonly lengths: number[];
}

interface Tiling {
  offsets: Float64Array;
  lengths: Float64Array;
  /** Data bytes before each block (prefix sums of lengths); prefix[n] = size. */
  prefix: Float64Array;
  /** True when one tile is one block filling its extent: the view is contiguous. */
  dense: boolean;
}

const tilings = new WeakMap<TypeDesc, Tiling>();

function tilingOf(t: TypeDesc): Tiling {
  let g = tilings.get(t);
  if (g === undefined) {
    const { offsets, lengths } = layoutOf(t);
    const prefix = new Float64Array(offsets.length + 1);
    for (let i = 0; i < offsets.length; i++) prefix[i + 1] = prefix[i]! + lengths[i]!;
    g = { offsets, lengths, prefix, dense: offsets.length === 1 && lengths[0] === t.extent };
    tilings.set(t, g);
  }
  return g;
}

/**
 * Check that `etype` and `filetype` can make a view (MPI-IO's rules): both
 * carry data, the filetype's data is a whole number of etypes, its blocks
 * lie at non-negative, non-decreasing offsets within a positive extent.
 */
export function checkView(etype: TypeDesc, filetype: TypeDesc): void {
  if (etype.size === 0) throw new MpiFailure(ERR_TYPE, `etype ${etype.name} holds no data`);
  if (filetype.size === 0) throw new MpiFailure(ERR_TYPE, `filetype ${filetype.name} holds no data`);
  if (filetype.size % etype.size !== 0) {
    throw new MpiFailure(ERR_TYPE, `filetype ${filetype.name} (${filetype.size} bytes of data) is not a whole number of etype ${etype.name} (${etype.size} bytes)`);
  }
  if (filetype.extent <= 0) throw new MpiFailure(ERR_TYPE, `filetype ${filetype.name} has extent ${filetype.extent}`);
  const { offsets, lengths } = tilingOf(filetype);
  let end = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i]! < end) {
      throw new MpiFailure(ERR_TYPE, `filetype ${filetype.name}: its blocks must lie at non-negative, increasing offsets (block at ${offsets[i]} after byte ${end})`);
    }
    end = offsets[i]! + lengths[i]!;
  }
  if (offsets.length > 0 && end - offsets[0]! > filetype.extent) {
    throw new MpiFailure(ERR_TYPE, `filetype ${filetype.name}: its data spans ${end - offsets[0]!} bytes, more than its extent ${filetype.extent} (tiles would overlap)`);
  }
}

/** The file runs of data-stream bytes [start, start + n) of `view`. */
export function fileRuns(view: FileView, start: number, n: number): FileRuns {
  const offsets: number[] = [];
  const lengths: number[] = [];
  if (n <= 0) return { offsets, lengths };
  const ft = view.filetype;
  const g = tilingOf(ft);
  if (g.dense) {
    offsets.push(view.disp + g.offsets[0]! + start);
    lengths.push(n);
    return { offsets, lengths };
  }
  const size = ft.size;
  const nblocks = g.offsets.length;
  let tile = Math.floor(start / size);
  let within = start - tile * size;
  // The block holding data byte `within` of a tile (binary search of the prefix sums).
  let lo = 0;
  let hi = nblocks - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.prefix[mid]! <= within) lo = mid;
    else hi = mid - 1;
  }
  let k = lo;
  let left = n;
  while (left > 0) {
    const into = within - g.prefix[k]!;
    const off = view.disp + tile * ft.extent + g.offsets[k]! + into;
    const len = Math.min(g.lengths[k]! - into, left);
    const last = offsets.length - 1;
    if (last >= 0 && offsets[last]! + lengths[last]! === off) lengths[last]! += len;
    else {
      offsets.push(off);
      lengths.push(len);
    }
    left -= len;
    within += len;
    if (within === g.prefix[k + 1]) {
      k++;
      if (k === nblocks) {
        k = 0;
        tile++;
        within = 0;
      }
    }
  }
  return { offsets, lengths };
}

/**
 * The mean length of the runs a view with `filetype` makes: Infinity when
 * its tiles leave no holes (the view is contiguous), otherwise the
 * filetype's data bytes per block.
 */
export function meanRun(filetype: TypeDesc): number {
  const g = tilingOf(filetype);
  if (g.dense || (filetype.size === filetype.extent && g.offsets[0] === 0)) return Infinity;
  return filetype.size / g.offsets.length;
}

/** Where each run's data starts in the data stream: `starts[i]` is the bytes of runs before run `i`. */
export function runStarts(runs: FileRuns): Float64Array {
  const starts = new Float64Array(runs.lengths.length);
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    starts[i] = at;
    at += runs.lengths[i]!;
  }
  return starts;
}

/** The first run that ends after file byte `pos` (runs lie at increasing offsets, as fileRuns gives them); the count when none. */
export function firstRunAfter(runs: FileRuns, pos: number): number {
  const { offsets, lengths } = runs;
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! + lengths[mid]! <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * File domains of a two-phase collective access (ROMIO's): the bytes
 * [lo, hi) that the ranks' accesses span cut into `n` consecutive domains,
 * one per aggregator, their inner bounds on multiples of `align` bytes of
 * the file (whole pages) where the domains are that long; `bounds[d]` to
 * `bounds[d + 1]` is domain `d`.
 */
export function fileDomains(lo: number, hi: number, n: number, align: number): number[] {
  let base = lo;
  let len = Math.ceil((hi - lo) / n);
  if (len >= align) {
    base = Math.floor(lo / align) * align;
    len = Math.ceil((hi - base) / n / align) * align;
  }
  const bounds: number[] = [lo];
  for (let d = 1; d <= n; d++) bounds.push(Math.min(hi, Math.max(lo, base + d * len)));
  return bounds;
}

/** Absolute byte of the file where etype `offset` of the view's data stream lies: `MPI_File_get_byte_offset`. */
export function byteOffset(view: FileView, offset: number): number {
  if (offset < 0) throw new MpiFailure(ERR_ARG, `offset ${offset} is negative`);
  return fileRuns(view, offset * view.etype.size, 1).offsets[0]!;
}

/**
 * The view offset (in etypes) of the end of a file of `fileSize` bytes: the
 * data-stream position that the first byte at or after the end maps to,
 * rounded up to a whole etype (ROMIO's eof offset; SEEK_END counts from it).
 */
export function endOffset(view: FileView, fileSize: number): number {
  const ft = view.filetype;
  const esize = view.etype.size;
  const past = fileSize - view.disp;
  if (past <= 0) return 0;
  const g = tilingOf(ft);
  const tiles = Math.floor(past / ft.extent);
  const rest = past - tiles * ft.extent;
  let bytes = tiles * ft.size;
  for (let i = 0; i < g.offsets.length; i++) {
    const o = g.offsets[i]!;
    if (o >= rest) break;
    bytes += Math.min(g.lengths[i]!, rest - o);
  }
  return Math.ceil(bytes / esize);
}
