/**
 * `mpi4ts bench NAME`: the twin of `python -m mpi4py.bench NAME`. Each
 * benchmark is an ordinary mpi4ts program (src/cli/bench/NAME.ts) started
 * through the same launcher as user scripts; it reads its options from
 * process.argv. The options are checked here first, so that help and errors
 * are printed once rather than by every rank.
 *
 *   mpi4ts -n 4 bench ringtest -n 1024 -l 100
 *          ^^^^ ranks          ^^^^^^^^^^^^^^ benchmark options (mpi4py's spelling)
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScript } from './run.js';
import { runtimeEntry, type RuntimeEntry } from '../core/entries.js';
import { BENCHES, BENCH_NAMES, BenchUsageError, help, parseBenchArgs, usage } from './bench/options.js';

export { BENCH_NAMES } from './bench/options.js';

export interface BenchRunOptions {
  np: number;
  tagOutput?: boolean;
  /** 'threads' or 'native' (as `mpi4ts run --transport`), and the library and --verbose of the native one. */
  transport?: string;
  mpi?: string;
  verbose?: boolean;
}

/** Text appended to `mpi4ts bench --help`. */
export function benchHelpText(): string {
  const w = Math.max(...BENCH_NAMES.map((n) => n.length));
  return [
    '',
    'Benchmarks:',
    ...BENCH_NAMES.map((n) => `  ${n.padEnd(w)}  ${BENCHES[n]!.description}`),
    '',
    'Rank options go before the benchmark name and benchmark options after it,',
    'spelled as in `python -m mpi4py.bench` (so -n after the name is the',
    'benchmark\'s message size, not the number of ranks):',
    '',
    '  mpi4ts -n 4 bench helloworld',
    '  mpi4ts bench -n 4 ringtest -n 1024 -s 10 -l 100',
    '  mpi4ts -n 2 bench pingpong -n 65536 -l 1000',
    '  mpi4ts -n 2 bench pingpong -p            (object send/recv instead of buffers)',
    '  mpi4ts bench pingpong --help             (the benchmark\'s own options)',
    '',
  ].join('\n');
}

/** The bundled program of a benchmark (the .ts one when running from source). */
function programPath(name: string): string {
  const js = fileURLToPath(runtimeEntry(`bench-${name}` as RuntimeEntry));
  if (fs.existsSync(js)) return js;
  return fileURLToPath(new URL(`./bench/${name}.ts`, import.meta.url));
}

/** Run benchmark `name` with `args` on `opts.np` ranks; resolves with the exit status (2 for a bad command line). */
export async function runBench(name: string | undefined, args: readonly string[], opts: BenchRunOptions): Promise<number> {
  const choices = `choose from ${BENCH_NAMES.map((n) => `'${n}'`).join(', ')}`;
  if (name === undefined) {
    process.stderr.write(`usage: mpi4ts [-n N] bench <name> [benchmark options]\nmpi4ts bench: error: missing benchmark name (${choices}; see mpi4ts bench --help)\n`);
    return 2;
  }
  const spec = Object.hasOwn(BENCHES, name) ? BENCHES[name] : undefined;
  if (spec === undefined) {
    process.stderr.write(`mpi4ts bench: error: unknown benchmark '${name}' (${choices})\n`);
    return 2;
  }
  try {
    if (parseBenchArgs(spec, args) === null) {
      process.stdout.write(help(spec));
      return 0;
    }
  } catch (e) {
    if (!(e instanceof BenchUsageError)) throw e;
    const hint = /Unknown option '(-n|--np)'/.test(e.message)
      ? ` (the number of ranks goes before the benchmark name: mpi4ts -n N bench ${name} ...)` : '';
    process.stderr.write(`${usage(spec)}\nmpi4ts bench ${name}: error: ${e.message}${hint}\n`);
    return 2;
  }
  return runScript(programPath(name), args, { np: opts.np, tagOutput: opts.tagOutput, transport: opts.transport, mpi: opts.mpi, verbose: opts.verbose });
}
