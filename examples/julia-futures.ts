// Port of julia-futures.py (seed 001, section 5.4.2 "Futures"): a pool of
// workers computes the lines of a picture of the Julia set for
// c = 0.65i, and the driver saves it as julia.png (the seed's
// pyplot.imsave: viridis colour map).
// Run with: npx mpi4ts -n 1 --usize 3 examples/julia-futures.ts
//   (or: npx mpi4ts -n 3 --futures examples/julia-futures.ts)
//
// The seed takes `multiplier` (the picture is 640*multiplier by
// 480*multiplier) and `workers` from cloudmesh variables (`cms set
// multiplier=2`); here they come from the environment (MULTIPLIER=2
// WORKERS=4) or from options (--multiplier 2 --workers 4). The workers
// compute w, h, dx, dy from the same top-level code when they import this
// script, so the driver hands its values to them through the executor's
// `env` (mpi4py's `env=`). The seed's messages are printed by the driver
// only, and its StopWatch table becomes one "Overall time" line.
import * as os from 'node:os';
import { MPIPoolExecutor, isMain } from 'mpi4ts/futures';
import { imsave } from './lib/png.ts';

const t0 = performance.now(); // StopWatch.start("Overall time")

/** A parameter: `--name N` on the command line, else the variable NAME, else undefined. */
function variable(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  return process.env[name.toUpperCase()] || undefined;
}

const cpuCount = os.availableParallelism();
const say = (text: string): void => { if (isMain(import.meta)) console.log(text); };

let multiplier: number;
if (variable('multiplier')) {
  multiplier = Number.parseInt(variable('multiplier')!, 10);
  say(`Proceeding since multiplier exists: ${multiplier}`);
} else {
  say('No multiplier was input so multiplier defaults to 1\n' +
    'Use `MULTIPLIER=2` (or --multiplier 2) to output higher resolution Julia set image');
  multiplier = 1;
}
let workers: number;
if (variable('workers')) {
  workers = Number.parseInt(variable('workers')!, 10);
  say(`Proceeding since workers exists: ${workers}`);
} else {
  say('No number of workers was input so workers defaults to 1\n' +
    `We suggest you use ${cpuCount} workers for shortest runtime because that is the number of ` +
    `threads you have available. Do this by issuing command \`WORKERS=${cpuCount}\``);
  workers = 1;
}

const [x0, x1, w] = [-2.0, +2.0, 640 * multiplier];
const [y0, y1, h] = [-1.5, +1.5, 480 * multiplier];
const dx = (x1 - x0) / w;
const dy = (y1 - y0) / h;

// c = complex(0, 0.65)
const [cr, ci] = [0, 0.65];

export function julia(x: number, y: number): number {
  // z = complex(x, y); abs(z) < 3 is |z|^2 < 9
  let zr = x;
  let zi = y;
  let n = 255;
  while (zr * zr + zi * zi < 9 && n > 1) {
    [zr, zi] = [zr * zr - zi * zi + cr, 2 * zr * zi + ci];
    n -= 1;
  }
  return n;
}

export function julia_line(k: number): Uint8Array {
  const line = new Uint8Array(w);
  const y = y1 - k * dy;
  for (let j = 0; j < w; j++) {
    const x = x0 + j * dx;
    line[j] = julia(x, y);
  }
  return line;
}

if (isMain(import.meta)) {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  {
    await using executor = new MPIPoolExecutor({ maxWorkers: workers, env: { MULTIPLIER: String(multiplier) } });
    const lines = await executor.map(julia_line, range(h));
    const image = new Uint8Array(w * h);
    lines.forEach((line, k) => image.set(line, k * w));
    imsave('julia.png', image, w, h);
  }

  // StopWatch.stop("Overall time"); StopWatch.benchmark()
  console.log(`Overall time: ${((performance.now() - t0) / 1000).toFixed(3)} s (${w}x${h}, ${workers} worker${workers === 1 ? '' : 's'})`);
}
