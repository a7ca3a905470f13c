/**
 * `pyplot.imsave(file, C)` for the examples: a 2-D array of numbers saved as
 * a PNG, one pixel per element, coloured with matplotlib's default colour map
 * (viridis). PNG encoding is pngjs's; the colours are d3-scale-chromatic's
 * viridis, the same 256 colours as matplotlib's.
 */
import * as fs from 'node:fs';
import { PNG } from 'pngjs';
import { interpolateViridis } from 'd3-scale-chromatic';

/** 256 RGB colours of a colour map: matplotlib's `Colormap(N=256)` lookup table. */
export function lut(interpolate: (t: number) => string = interpolateViridis): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let k = 0; k < 256; k++) {
    // The sample in the middle of bin k: d3's ramp picks colour floor(t * 256) = k.
    const c = interpolate((k + 0.5) / 256);
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c) ?? /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(c);
    if (!m) throw new Error(`unexpected colour ${c}`);
    const hex = c.startsWith('#');
    for (let j = 0; j < 3; j++) table[3 * k + j] = hex ? parseInt(m[j + 1]!, 16) : Number(m[j + 1]);
  }
  return table;
}

export interface ImsaveOptions {
  /** Lower end of the colour scale (default: the smallest value, as matplotlib). */
  vmin?: number;
  /** Upper end of the colour scale (default: the largest value). */
  vmax?: number;
  /** A colour map t in [0, 1] -> CSS colour (default viridis). */
  cmap?: (t: number) => string;
}

/**
 * Encode `data` (h rows of w values, row-major, row 0 at the top as in
 * imsave's default origin='upper') as an RGBA PNG.
 */
export function imagePNG(data: ArrayLike<number>, w: number, h: number, opts: ImsaveOptions = {}): Buffer {
  if (data.length !== w * h) throw new RangeError(`imsave: ${data.length} values do not make a ${h} x ${w} image`);
  let lo = opts.vmin ?? Infinity;
  let hi = opts.vmax ?? -Infinity;
  if (opts.vmin === undefined || opts.vmax === undefined) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (opts.vmin === undefined && v < lo) lo = v;
      if (opts.vmax === undefined && v > hi) hi = v;
    }
  }
  const colours = lut(opts.cmap);
  const png = new PNG({ width: w, height: h });
  const scale = hi > lo ? 256 / (hi - lo) : 0;
  for (let i = 0; i < data.length; i++) {
    // matplotlib: normalise to [0, 1], then bin k = floor(x * N), the top value in bin N - 1.
    const k = Math.min(255, Math.max(0, Math.floor((data[i]! - lo) * scale)));
    png.data[4 * i] = colours[3 * k]!;
    png.data[4 * i + 1] = colours[3 * k + 1]!;
    png.data[4 * i + 2] = colours[3 * k + 2]!;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** `pyplot.imsave(file, C)`: save h x w values as a colour-mapped PNG. */
export function imsave(file: string, data: ArrayLike<number>, w: number, h: number, opts: ImsaveOptions = {}): void {
  fs.writeFileSync(file, imagePNG(data, w, h, opts));
}
