/**
 * SVG to PNG for a rank: a Web Worker cannot draw SVG (no image decoder for
 * it), the page can: the rank asks the page (page-call.ts), which draws the
 * SVG on a canvas, with the fonts it has.
 */
import { callPage } from './page-call.js';

/** The rank's side: the PNG of `svg`, drawn by the page (blocks the rank meanwhile). */
export function rasterizeInPage(svg: string, background: string | null): Uint8Array {
  try {
    return callPage({ kind: 'rasterize', svg, background });
  } catch (e) {
    throw new Error(`cannot draw the SVG as PNG: ${(e as Error).message}`);
  }
}

/** The page's DOM, as far as drawing goes (the project's types have no DOM). */
interface PageImage { src: string; decode(): Promise<void>; naturalWidth: number; naturalHeight: number }
interface Canvas2D { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; drawImage(i: PageImage, x: number, y: number): void }
interface PageCanvas { getContext(kind: '2d'): Canvas2D | null; convertToBlob(o: { type: string }): Promise<Blob> }
interface PageGlobals {
  Image: new () => PageImage;
  OffscreenCanvas: new (w: number, h: number) => PageCanvas;
}

/** The page's side: `svg` drawn on a canvas, as PNG bytes. */
export async function drawPNG(svg: string, background: string | null): Promise<Uint8Array> {
  const page = globalThis as unknown as PageGlobals;
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new page.Image();
    image.src = url;
    await image.decode();
    const canvas = new page.OffscreenCanvas(image.naturalWidth, image.naturalHeight);
    const g = canvas.getContext('2d');
    if (g === null) throw new Error('no 2d canvas in this page');
    if (background !== null) {
      g.fillStyle = background;
      g.fillRect(0, 0, image.naturalWidth, image.naturalHeight);
    }
    g.drawImage(image, 0, 0);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    return new Uint8Array(await png.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
