/**
 * @resvg/resvg-js for programs in a browser, as far as the examples use it
 * (examples/lib/plot.ts: `new Resvg(svg, { background }).render().asPng()`):
 * the page draws the SVG (raster.ts), with the fonts it has.
 */
import { Buffer } from '../node/buffer.js';
import { rasterizeInPage } from '../raster.js';

export interface ResvgRenderOptions {
  background?: string;
  font?: unknown;
  fitTo?: unknown;
}

export class Resvg {
  readonly #svg: string;
  readonly #background: string | null;

  constructor(svg: string | Uint8Array, options: ResvgRenderOptions = {}) {
    this.#svg = typeof svg === 'string' ? svg : new TextDecoder().decode(svg);
    this.#background = options.background ?? null;
  }

  render(): { asPng(): Buffer; readonly width: number; readonly height: number } {
    const png = Buffer.from(rasterizeInPage(this.#svg, this.#background));
    // PNG's IHDR: width and height, big-endian, at bytes 16 and 20.
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    return { asPng: () => png, width: view.getUint32(16), height: view.getUint32(20) };
  }
}

export default { Resvg };
