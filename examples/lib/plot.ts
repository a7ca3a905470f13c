/**
 * matplotlib-like line and error-bar plots saved as PNG, for the examples
 * that end with `plt.plot(...)` / `plt.errorbar(...)` and `plt.savefig(...)`.
 *
 * The chart is described as a Vega specification and rendered headless
 * (Vega's `renderer: 'none'`, then `view.toSVG()`: no browser, no canvas);
 * resvg rasterises the SVG to PNG. Both libraries are loaded on first use,
 * so ranks that never plot do not pay for them.
 *
 * The look follows matplotlib's defaults: a 640x480 figure (6.4 x 4.8 in at
 * 100 dpi), white background, a box around the axes, the first colour of the
 * default cycle (#1f77b4), 1.5 px lines, error bars without caps, DejaVu Sans.
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
const FONT = 'DejaVu Sans'; // matplotlib's default font

/** The Vega specification of a line (with optional error bars), matplotlib-style. */
export function plotSpec(o: PlotOptions): object {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  // matplotlib's default axes occupy 12.5%-90% of the width and 11%-88% of the height.
  const padding = {
    left: Math.round(0.125 * width), right: Math.round(0.1 * width),
    top: Math.round(0.12 * height), bottom: Math.round(0.11 * height),
  };
  const values = o.x.map((x, i) => ({
    x, y: o.y[i], lo: o.y[i]! - (o.yerr?.[i] ?? 0), hi: o.y[i]! + (o.yerr?.[i] ?? 0),
  }));
  // matplotlib pads the data limits by 5% on each side.
  const margin = (lo: number, hi: number): [number, number] => {
    const d = hi - lo || Math.abs(lo) || 1;
    return [lo - 0.05 * d, hi + 0.05 * d];
  };
  const xdomain = margin(Math.min(...o.x), Math.max(...o.x));
  const ydomain = margin(Math.min(...values.map((v) => v.lo)), Math.max(...values.map((v) => v.hi)));
  const axis = {
    domain: false, grid: false, ticks: true, tickSize: 3.5, tickColor: 'black', tickWidth: 0.8,
    labelFont: FONT, labelFontSize: 10, labelColor: 'black', labelPadding: 3.5,
    titleFont: FONT, titleFontSize: 10, titleFontWeight: 'normal', titleColor: 'black', titlePadding: 4,
  };
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: width - padding.left - padding.right,
    height: height - padding.top - padding.bottom,
    padding,
    autosize: 'none',
    background: 'white',
    data: [{ name: 'points', values }],
    scales: [
      { name: 'x', type: 'linear', range: 'width', zero: false, nice: false, domain: xdomain },
      { name: 'y', type: 'linear', range: 'height', zero: false, nice: false, domain: ydomain },
    ],
    axes: [
      { ...axis, orient: 'bottom', scale: 'x', title: o.xlabel ?? '', tickCount: 8 },
      { ...axis, orient: 'left', scale: 'y', title: o.ylabel ?? '', tickCount: 8 },
    ],
    marks: [
      ...(o.yerr ? [{
        type: 'rule', from: { data: 'points' },
        encode: { enter: {
          x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'lo' }, y2: { scale: 'y', field: 'hi' },
          stroke: { value: BLUE }, strokeWidth: { value: 1.5 },
        } },
      }] : []),
      {
        type: 'line', from: { data: 'points' },
        encode: { enter: {
          x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' },
          stroke: { value: BLUE }, strokeWidth: { value: 1.5 }, strokeJoin: { value: 'round' },
        } },
      },
      { // the box around the axes (matplotlib's four spines)
        type: 'rect',
        encode: { enter: {
          x: { value: 0 }, y: { value: 0 }, x2: { signal: 'width' }, y2: { signal: 'height' },
          fill: { value: 'transparent' }, stroke: { value: 'black' }, strokeWidth: { value: 0.8 },
        } },
      },
    ],
  };
}

/** The chart as SVG text (Vega, headless). */
export async function plotSVG(o: PlotOptions): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(plotSpec(o) as never), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise SVG text to PNG bytes (resvg), with a white background. */
export async function svgToPNG(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return r.render().asPng();
}

/** Draw a line plot with optional error bars and save it as a PNG: plt.errorbar / plt.plot + plt.savefig. */
export async function savePlot(file: string, o: PlotOptions): Promise<void> {
  fs.writeFileSync(file, await svgToPNG(await plotSVG(o)));
}
