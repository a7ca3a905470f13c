/**
 * `mpi4ts sweep --plot out.png --x <param>`: the collected CSV of a sweep
 * drawn as a PNG, time against the parameter, one line per rank count.
 * Drawn here, pixel by pixel with a 5x7 bitmap font, and written with
 * node:zlib, so that the package needs no plotting library at run time.
 */
import * as fs from 'node:fs';
import { deflateSync } from 'node:zlib';

/** 5x7 glyphs, the 7 rows of 5 pixels one after another ('#' set). Upper case draws as lower case. */
const FONT: Record<string, string> = {
  '0': '.###.#...##..###.#.###..##...#.###.', '1': '..#...##....#....#....#....#...###.', '2': '.###.#...#....#...#...#...#...#####',
  '3': '#####...#...#.....#.....##...#.###.', '4': '...#...##..#.#.#..#.#####...#....#.', '5': '######....####.....#....##...#.###.',
  '6': '..##..#...#....####.#...##...#.###.', '7': '#####....#...#...#...#....#....#...', '8': '.###.#...##...#.###.#...##...#.###.',
  '9': '.###.#...##...#.####....#...#..##..', '.': '..........................##...##..', '-': '...............#####...............',
  '=': '..........#####.....#####..........', '(': '...#...#...#....#....#.....#.....#.', ')': '.#.....#.....#....#....#...#...#...',
  '[': '.###..#....#....#....#....#....###.', ']': '.###....#....#....#....#....#..###.', '_': '..............................#####',
  ' ': '...................................', ',': '.....................##....#...#...', ':': '......##...##........##...##.......',
  '/': '.........#...#...#...#...#.........', '+': '.......#....#..#####..#....#.......', 'a': '...........###.....#.#####...#.####',
  'b': '#....#....#.##.##..##...##...#####.', 'c': '...........###.#....#....#...#.###.', 'd': '....#....#.##.##..###...##...#.####',
  'e': '...........###.#...#######.....###.', 'f': '..##..#..#.#...###...#....#....#...', 'g': '......#####...##...#.####....#.###.',
  'h': '#....#....#.##.##..##...##...##...#', 'i': '..#........##....#....#....#...###.', 'j': '...#........##....#....#.#..#..##..',
  'k': '#....#....#..#.#.#..##...#.#..#..#.', 'l': '.##....#....#....#....#....#...###.', 'm': '..........##.#.#.#.##.#.##...##...#',
  'n': '..........#.##.##..##...##...##...#', 'o': '...........###.#...##...##...#.###.', 'p': '..........####.#...#####.#....#....',
  'q': '...........##.##..##.####....#....#', 'r': '..........#.##.##..##....#....#....', 's': '...........###.#.....###.....#####.',
  't': '.#....#...###...#....#....#..#..##.', 'u': '..........#...##...##...##..##.##.#', 'v': '..........#...##...##...#.#.#...#..',
  'w': '..........#...##...##.#.##.#.#.#.#.', 'x': '..........#...#.#.#...#...#.#.#...#', 'y': '..........#...##...#.####....#.###.',
  'z': '..........#####...#...#...#...#####',
};

/** matplotlib's default colour cycle. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

class Canvas {
  readonly px: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.px = new Uint8Array(width * height * 4).fill(255);
  }

  set(x: number, y: number, rgb: [number, number, number]): void {
    x = Math.round(x); y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.px[i] = rgb[0]; this.px[i + 1] = rgb[1]; this.px[i + 2] = rgb[2]; this.px[i + 3] = 255;
  }

  /** A line `thick` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number], thick = 1): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1) * 2;
    const r = (thick - 1) / 2;
    for (let k = 0; k <= n; k++) {
      const x = x0 + ((x1 - x0) * k) / n;
      const y = y0 + ((y1 - y0) * k) / n;
      for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) this.set(x + dx, y + dy, rgb);
    }
  }

  /** Text at (x, y) = its top left, each font pixel `scale` pixels. */
  text(s: string, x: number, y: number, rgb: [number, number, number], scale = 2): void {
    for (const ch of s.toLowerCase()) {
      const g = FONT[ch] ?? FONT[' ']!;
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (g[row * 5 + col] !== '#') continue;
          for (let a = 0; a < scale; a++) for (let b = 0; b < scale; b++) this.set(x + col * scale + a, y + row * scale + b, rgb);
        }
      }
      x += 6 * scale;
    }
  }

  /** The image as PNG: 8-bit RGBA, no filter, zlib-deflated. */
  png(): Buffer {
    const raw = Buffer.alloc((this.width * 4 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 4 + 1)] = 0;
      Buffer.from(this.px.buffer, y * this.width * 4, this.width * 4).copy(raw, y * (this.width * 4 + 1) + 1);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0); ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; ihdr[9] = 6; // 8 bits, RGBA
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

const textWidth = (s: string, scale = 2): number => s.length * 6 * scale;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const hex = (c: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];

/** Tick values: about five round numbers covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number): string => (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/** One line of the plot: its rank count and its points (x, time). */
export interface PlotSeries { np: number; points: [number, number][] }

/**
 * The series of a collected sweep CSV: for each rank count, the time of the
 * first timer of each job against the value of parameter `x` (a number).
 */
export function seriesOf(csv: string, x: string): PlotSeries[] {
  const [header, ...rows] = csv.trim().split('\n');
  const cols = (header ?? '').split(',');
  const [inp, ix, it] = [cols.indexOf('np'), cols.indexOf(x), cols.indexOf('time')];
  if (ix < 0) throw new RangeError(`--x ${x}: not a parameter of this sweep (columns: ${cols.slice(0, cols.indexOf('timer')).join(', ') || 'none'})`);
  const byNp = new Map<number, Map<number, number>>();
  for (const row of rows) {
    const f = row.split(',');
    const [np, xv, t] = [Number(f[inp]), Number(f[ix]), Number(f[it])];
    if (!Number.isFinite(xv) || !Number.isFinite(t)) continue;
    const m = byNp.get(np) ?? new Map<number, number>();
    if (!m.has(xv)) m.set(xv, t);
    byNp.set(np, m);
  }
  return [...byNp].sort(([a], [b]) => a - b).map(([np, m]) => ({ np, points: [...m].sort(([a], [b]) => a - b) }));
}

/** The plot as PNG bytes: time against `xlabel`, a coloured line and legend entry per rank count. */
export function plotPNG(series: readonly PlotSeries[], xlabel: string, width = 640, height = 480): Buffer {
  const c = new Canvas(width, height);
  const black: [number, number, number] = [0, 0, 0];
  const [left, right, top, bottom] = [90, width - 110, 30, height - 60];
  const all = series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [x0, x1] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const ymax = ys.length > 0 ? Math.max(...ys) * 1.05 || 1 : 1;
  const xpad = (x1 - x0) * 0.05 || 1;
  const X = (x: number): number => left + ((x - (x0 - xpad)) / (x1 - x0 + 2 * xpad)) * (right - left);
  const Y = (y: number): number => bottom - (y / ymax) * (bottom - top);
  // The frame, ticks and their labels.
  c.line(left, top, right, top, black); c.line(left, bottom, right, bottom, black);
  c.line(left, top, left, bottom, black); c.line(right, top, right, bottom, black);
  for (const t of ticks(x0 - xpad, x1 + xpad)) {
    c.line(X(t), bottom, X(t), bottom + 4, black);
    const s = label(t);
    c.text(s, X(t) - textWidth(s, 1) / 2, bottom + 8, black, 1);
  }
  for (const t of ticks(0, ymax)) {
    c.line(left - 4, Y(t), left, Y(t), black);
    const s = label(t);
    c.text(s, left - 8 - textWidth(s, 1), Y(t) - 3, black, 1);
  }
  c.text(xlabel, (left + right) / 2 - textWidth(xlabel) / 2, bottom + 26, black);
  c.text('time (s)', 8, top - 22, black);
  series.forEach((s, k) => {
    const colour = hex(COLOURS[k % COLOURS.length]!);
    s.points.forEach(([x, y], i) => {
      if (i > 0) c.line(X(s.points[i - 1]![0]), Y(s.points[i - 1]![1]), X(x), Y(y), colour, 2);
      for (let dx = -3; dx <= 3; dx++) for (let dy = -3; dy <= 3; dy++) c.set(X(x) + dx, Y(y) + dy, colour);
    });
    c.line(right + 10, top + 12 + k * 22, right + 30, top + 12 + k * 22, colour, 3);
    c.text(`n=${s.np}`, right + 36, top + 5 + k * 22, black);
  });
  return c.png();
}

/** Write the plot of a collected sweep CSV to `file`. */
export function savePlot(file: string, csv: string, x: string): void {
  fs.writeFileSync(file, plotPNG(seriesOf(csv, x), x));
}
