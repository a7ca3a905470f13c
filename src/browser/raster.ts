/**
 * SVG to PNG for a rank: a Web Worker cannot draw SVG (no image decoder for
 * it), the page can. The rank posts the SVG with a growable
 * SharedArrayBuffer and waits on it (Atomics.wait: a rank is a worker); the
 * page draws it on a canvas, grows the buffer to the PNG's size, writes it
 * and wakes the rank. Layout of `reply`: int32 state (0 waiting, 1 done,
 * 2 failed), int32 byte length, then the PNG (or the error's text).
 */
import type { RankToPage } from './protocol.js';

const STATE = 0;
const LENGTH = 1;
const HEADER = 8;
const WAITING = 0;
const DONE = 1;
const FAILED = 2;
/** Largest PNG a rank can get back (a growable SharedArrayBuffer's maximum). */
const MAX_BYTES = 256 * 2 ** 20;

type GrowableSAB = SharedArrayBuffer & { grow(bytes: number): void };
type SABConstructor = new (bytes: number, options: { maxByteLength: number }) => GrowableSAB;

/** The rank's side: the PNG of `svg`, drawn by the page (blocks the rank meanwhile). */
export function rasterizeInPage(svg: string, background: string | null): Uint8Array {
  const reply = new (SharedArrayBuffer as unknown as SABConstructor)(HEADER, { maxByteLength: MAX_BYTES });
  const words = new Int32Array(reply, 0, 2);
  const m: RankToPage = { type: 'rasterize', svg, background, reply };
  (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);
  while (Atomics.load(words, STATE) === WAITING) Atomics.wait(words, STATE, WAITING);
  const bytes = new Uint8Array(reply, HEADER, Atomics.load(words, LENGTH)).slice();
  if (Atomics.load(words, STATE) === FAILED) throw new Error(`cannot draw the SVG as PNG: ${new TextDecoder().decode(bytes)}`);
  return bytes;
}

/** The page's DOM, as far as drawing goes (the project's types have no DOM). */
interface PageImage { src: string; decode(): Promise<void>; naturalWidth: number; naturalHeight: number }
interface Canvas2D { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; drawImage(i: PageImage, x: number, y: number): void }
interface PageCanvas { getContext(kind: '2d'): Canvas2D | null; convertToBlob(o: { type: string }): Promise<Blob> }
interface PageGlobals {
  Image: new () => PageImage;
  OffscreenCanvas: new (w: number, h: number) => PageCanvas;
}

/** The page's side: draw, answer, wake the rank. */
export async function answerRasterize(m: Extract<RankToPage, { type: 'rasterize' }>): Promise<void> {
  const reply = m.reply as GrowableSAB;
  const words = new Int32Array(reply, 0, 2);
  const answer = (state: number, bytes: Uint8Array): void => {
    reply.grow(HEADER + bytes.length);
    new Uint8Array(reply, HEADER, bytes.length).set(bytes);
    Atomics.store(words, LENGTH, bytes.length);
    Atomics.store(words, STATE, state);
    Atomics.notify(words, STATE);
  };
  try {
    answer(DONE, await drawPNG(m.svg, m.background));
  } catch (e) {
    answer(FAILED, new TextEncoder().encode(e instanceof Error ? e.message : String(e)));
  }
}

async function drawPNG(svg: string, background: string | null): Promise<Uint8Array> {
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
