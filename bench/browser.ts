/**
 * The browser runtime beside the Node one (issue #19): the same benchmark
 * programs, bench/pingpong.ts at 2 ranks and bench/collectives.ts at 4,
 * run by the CLI (worker threads of Node) and in a page of headless
 * Chromium (mpi4ts/browser: Web Workers), on this machine in this run. It
 * prints both figures and the ratio browser / Node for each case: the
 * latency of 8 B ping-pong and of Allreduce, the bandwidth of 1 MiB
 * ping-pong. The sides alternate, `--repeat` times; every figure is the
 * median of its repeats.
 *
 *   npm run build && npx tsx bench/browser.ts [--scale S] [--budget SEC] [--repeat N] [--json]
 *
 * --scale multiplies the programs' iteration counts (default 10, see below),
 * --budget caps each case's timed seconds (default 5).
 *
 * Needs Debian's chromium (/usr/bin/chromium); exits 2 without it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BrowserHarness, noBrowser, repoRoot } from '../test/browser/page.ts';

interface Case {
  id: string;
  label: string;
  program: 'pingpong' | 'collectives';
  np: number;
  /** What is compared: the mean latency (lower is better) or the mean bandwidth (higher is better). */
  metric: 'latency_us' | 'bandwidth_MBps';
}

const CASES: Case[] = [
  { id: 'buf-8', label: 'ping-pong 8 B latency (us)', program: 'pingpong', np: 2, metric: 'latency_us' },
  { id: 'buf-1m', label: 'ping-pong 1 MiB bandwidth (MB/s)', program: 'pingpong', np: 2, metric: 'bandwidth_MBps' },
  { id: 'allreduce-1', label: 'Allreduce 1 double, 4 ranks (us)', program: 'collectives', np: 4, metric: 'latency_us' },
  { id: 'allreduce-1m', label: 'Allreduce 1 MiB, 4 ranks (us)', program: 'collectives', np: 4, metric: 'latency_us' },
];

const { values: opts } = parseArgs({
  options: {
    // Ten times the iterations of bench/compare.ts: both sides measured in
    // their steady state. In a page V8 compiles hot functions on a background
    // thread, which two spinning ranks on two cores starve for a while (the
    // CLI turns that thread off in such jobs, a page cannot); at scale 1 the
    // browser's 8 B ping-pong varies from 0.9 to 10 us between runs, at 10
    // it settles at its floor (0.4 us here).
    scale: { type: 'string', default: '10' },
    budget: { type: 'string', default: '5' },
    repeat: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const repeat = Number(opts.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`--repeat must be a positive integer, got ${opts.repeat}`);
if (noBrowser) {
  process.stderr.write(`bench/browser.ts: ${noBrowser}\n`);
  process.exit(2);
}

type Results = Map<string, number>;

/** The figures of one BENCH_JSON line, by case id. */
function figures(output: string, wanted: Case[]): Results {
  const line = output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (line === undefined) throw new Error(`no BENCH_JSON line in:\n${output}`);
  const json = JSON.parse(line.slice('BENCH_JSON '.length)) as { results: Record<string, { mean: number } | string>[] };
  const out: Results = new Map();
  for (const c of wanted) {
    const r = json.results.find((x) => x['id'] === c.id);
    if (r === undefined) throw new Error(`case ${c.id} missing from ${line.slice(0, 200)}`);
    out.set(c.id, (r[c.metric] as { mean: number }).mean);
  }
  return out;
}

function env(cases: Case[]): Record<string, string> {
  return { BENCH_CASES: cases.map((c) => c.id).join(','), BENCH_SCALE: opts.scale!, BENCH_BUDGET: opts.budget! };
}

function runNode(program: string, np: number, cases: Case[]): Results {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/mpi4ts.js'), '-n', String(np), `bench/${program}.ts`], {
    cwd: repoRoot, env: { ...process.env, ...env(cases) }, encoding: 'utf8', timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`node side of ${program} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return figures(r.stdout, cases);
}

async function runPage(h: BrowserHarness, program: string, np: number, cases: Case[]): Promise<Results> {
  const files = { './lib/versions.ts': fs.readFileSync(path.join(repoRoot, 'bench/lib/versions.ts'), 'utf8') };
  const r = await h.run({ np, script: fs.readFileSync(path.join(repoRoot, `bench/${program}.ts`), 'utf8'), files, env: env(cases), timeoutSeconds: 300 });
  const text = r.output.map((o) => o.text).join('');
  if (r.code !== 0) throw new Error(`browser side of ${program} failed (${r.code}): ${r.failure}\n${text}`);
  return figures(text, cases);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const h = new BrowserHarness();
await h.start();
const node = new Map<string, number[]>();
const page = new Map<string, number[]>();
const add = (into: Map<string, number[]>, r: Results): void => {
  for (const [id, v] of r) into.set(id, [...into.get(id) ?? [], v]);
};
try {
  for (let k = 0; k < repeat; k++) {
    for (const program of ['pingpong', 'collectives'] as const) {
      const cases = CASES.filter((c) => c.program === program);
      const np = cases[0]!.np;
      // Alternate which side goes first, so that a drift in the machine's load falls on both.
      if (k % 2 === 0) {
        add(node, runNode(program, np, cases));
        add(page, await runPage(h, program, np, cases));
      } else {
        add(page, await runPage(h, program, np, cases));
        add(node, runNode(program, np, cases));
      }
    }
  }
} finally {
  await h.stop();
}

const chromium = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim();
const rows = CASES.map((c) => {
  const n = median(node.get(c.id)!);
  const b = median(page.get(c.id)!);
  const spread = (xs: number[]): string => `${Math.min(...xs).toPrecision(3)}..${Math.max(...xs).toPrecision(3)}`;
  // "Within 2x" in the sense of issue 19: for a latency browser/node, for a bandwidth node/browser.
  const slower = c.metric === 'latency_us' ? b / n : n / b;
  return { id: c.id, label: c.label, node: n, browser: b, nodeRange: spread(node.get(c.id)!), browserRange: spread(page.get(c.id)!), slower };
});
if (opts.json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, chromium, repeat, scale: Number(opts.scale), rows }, null, 2)}\n`);
} else {
  process.stdout.write(`mpi4ts in Node ${process.version} (worker threads) and in ${chromium} (Web Workers), median of ${repeat} alternated runs\n\n`);
  process.stdout.write('| case | Node | browser | browser slower by | Node range | browser range |\n|---|---:|---:|---:|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.label} | ${r.node.toPrecision(4)} | ${r.browser.toPrecision(4)} | ${r.slower.toFixed(2)}x | ${r.nodeRange} | ${r.browserRange} |\n`);
  }
}
