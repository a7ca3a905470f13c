/**
 * examples/lib/plot.ts for the playground (the site's examples/lib/plot.ts;
 * scripts/playground.mjs puts it in place of the repository's): the same
 * `savePlot(file, options)`, drawn as SVG by hand and saved under the same
 * name with .svg for .png (pi_vs_log2_N.png -> pi_vs_log2_N.svg), which
 * the page shows. The repository's version renders with Vega and
 * rasterises with resvg, a native addon: neither runs in a browser's rank.
 *
 * The look follows matplotlib's defaults, as the original: a 640x480
 * figure, white background, a box around the axes, 5% margins around the
 * data, the first colour of the default cycle (#1f77b4), 1.5 px lines,
 * error bars without caps, DejaVu Sans 10 px.
 */
import * as fs from 'node:fs';

export interface PlotOptions {
  x: readonly number[];
  y: readonly number[];
  /** Symmetric error bars: y - yerr to y + yerr (plt.errorbar's `yerr`). */
  yerr?: readonly number[];
  xlabel?: string;
  ylabel?: string;
  /** Figure size in pixels (default 640 x 480, matplotlib's default figure). */
  width?: number;
  height?: number;
}

const BLUE = '#1f77b4'; // matplotlib's 'C0'
const FONT = "'DejaVu Sans', Verdana, sans-serif";

/** matplotlib pads the data limits by 5% on each side. */
function margin(lo: number, hi: number): [number, number] {
  const d = hi - lo || Math.abs(lo) || 1;
  return [lo - 0.05 * d, hi + 0.05 * d];
}

/** Ticks at 1, 2 or 5 times a power of ten, about six in the domain, with their labels. */
function ticks(lo: number, hi: number): { value: number; label: string }[] {
  const raw = (hi - lo) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out: { value: number; label: string }[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) {
    const value = k * step;
    out.push({ value, label: (k === 0 ? 0 : value).toFixed(decimals).replace('-', '\u2212') });
  }
  return out;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The chart as SVG text. */
export async function plotSVG(o: PlotOptions): Promise<string> {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  // matplotlib's default axes occupy 12.5%-90% of the width and 11%-88% of the height.
  const left = Math.round(0.125 * width);
  const right = width - Math.round(0.1 * width);
  const top = Math.round(0.12 * height);
  const bottom = height - Math.round(0.11 * height);
  const lo = o.y.map((y, i) => y - (o.yerr?.[i] ?? 0));
  const hi = o.y.map((y, i) => y + (o.yerr?.[i] ?? 0));
  const [x0, x1] = margin(Math.min(...o.x), Math.max(...o.x));
  const [y0, y1] = margin(Math.min(...lo), Math.max(...hi));
  const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const sy = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  const f = (n: number): string => n.toFixed(2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  for (const t of ticks(x0, x1)) {
    const x = f(sx(t.value));
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 3.5}" stroke="black" stroke-width="0.8"/>`,
      `<text x="${x}" y="${bottom + 15}" text-anchor="middle">${t.label}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    const y = f(sy(t.value));
    parts.push(`<line x1="${left - 3.5}" y1="${y}" x2="${left}" y2="${y}" stroke="black" stroke-width="0.8"/>`,
      `<text x="${left - 7}" y="${y}" text-anchor="end" dominant-baseline="central">${t.label}</text>`);
  }
  if (o.xlabel) parts.push(`<text x="${f((left + right) / 2)}" y="${bottom + 31}" text-anchor="middle">${esc(o.xlabel)}</text>`);
  if (o.ylabel) parts.push(`<text transform="translate(${left - 48} ${f((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(o.ylabel)}</text>`);
  if (o.yerr) {
    o.x.forEach((x, i) => parts.push(`<line x1="${f(sx(x))}" y1="${f(sy(lo[i]!))}" x2="${f(sx(x))}" y2="${f(sy(hi[i]!))}" stroke="${BLUE}" stroke-width="1.5"/>`));
  }
  parts.push(`<path d="${o.x.map((x, i) => `${i === 0 ? 'M' : 'L'}${f(sx(x))},${f(sy(o.y[i]!))}`).join('')}" fill="none" stroke="${BLUE}" stroke-width="1.5" stroke-linejoin="round"/>`,
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="black" stroke-width="0.8"/>`,
    '</svg>');
  return `${parts.join('\n')}\n`;
}

/** Draw a line plot with optional error bars and save it as SVG (`x.png` becomes `x.svg`): plt.errorbar / plt.plot + plt.savefig. */
export async function savePlot(file: string, o: PlotOptions): Promise<void> {
  fs.writeFileSync(file.replace(/\.png$/i, '.svg'), await plotSVG(o));
}
