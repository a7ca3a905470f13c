/**
 * Futures throughput, piscina side (twin of bench/futures.ts): the leading
 * Node.js worker-thread pool, 2 threads, 2,000 trivial calls one by one
 * (`pool.run(x)`) and in chunks of 50 (one run per chunk, the worker maps
 * it); threads started before the clock; best of REPS runs (5, scaled by
 * BENCH_SCALE).
 *
 *   node --import tsx bench/peer/futures_piscina.ts
 */
import { writeSync, readFileSync } from 'node:fs';
import { Piscina } from 'piscina';

const TASKS = 2000;
const WORKERS = 2;
const CASES = [
  { id: 'tasks-2000', label: `${TASKS} trivial tasks, ${WORKERS} workers`, chunksize: 1 },
  { id: 'tasks-2000-c50', label: `${TASKS} trivial tasks, ${WORKERS} workers, chunksize 50`, chunksize: 50 },
];

const pool = new Piscina({
  filename: new URL('./futures_piscina_worker.mjs', import.meta.url).href,
  minThreads: WORKERS, maxThreads: WORKERS, idleTimeout: 60_000,
});
// Start both threads before timing.
await Promise.all([pool.run(0), pool.run(0), pool.run([0], { name: 'chunk' })]);

const scale = Number(process.env['BENCH_SCALE'] ?? '1') || 1;
const reps = Math.max(1, Math.round(5 * scale));
const xs = Array.from({ length: TASKS }, (_, i) => i);
const results = [];
for (const c of CASES) {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    let out: number[];
    if (c.chunksize === 1) {
      out = await Promise.all(xs.map((x) => pool.run(x) as Promise<number>));
    } else {
      const chunks: number[][] = [];
      for (let i = 0; i < TASKS; i += c.chunksize) chunks.push(xs.slice(i, i + c.chunksize));
      out = (await Promise.all(chunks.map((ch) => pool.run(ch, { name: 'chunk' }) as Promise<number[]>))).flat();
    }
    const s = (performance.now() - t0) / 1000;
    if (out.length !== TASKS || out[TASKS - 1] !== TASKS) throw new Error('wrong results');
    best = Math.min(best, s);
  }
  results.push({ id: c.id, label: c.label, iters: reps, seconds: best, tasks_per_s: TASKS / best });
}
await pool.destroy();
const version = (JSON.parse(readFileSync(new URL('../../node_modules/piscina/package.json', import.meta.url), 'utf8')) as { version: string }).version;
writeSync(1, `BENCH_JSON ${JSON.stringify({ bench: 'futures', side: 'piscina', versions: { node: process.version, piscina: version }, transport: 'worker_threads (piscina)', results })}\n`);
