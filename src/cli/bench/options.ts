/**
 * Options of the `mpi4ts bench` programs, spelled as in `python -m mpi4py.bench`
 * (mpi4py 4). This module does not import MPI: the launcher (src/cli/bench.ts)
 * uses it to print help and reject bad options once, before any rank starts,
 * and each bench program uses it to read its options from process.argv.
 */
import { parseArgs } from 'node:util';

/** One option of a bench program. */
export interface OptionSpec {
  /** Long name without dashes; also the key of the parsed value. */
  readonly long: string;
  readonly short?: string;
  /** 'flag' is a boolean switch; 'int' takes an integer; 'choice' one of `choices`. */
  readonly kind: 'flag' | 'int' | 'choice';
  /** Placeholder in the help text (argparse's metavar). */
  readonly metavar?: string;
  readonly choices?: readonly string[];
  readonly help: string;
  /** Default value (flags default to false). */
  readonly default?: number | string;
}

/** One bench program. */
export interface BenchSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
}

const quiet: OptionSpec = { long: 'quiet', short: 'q', kind: 'flag', help: 'quiet output' };

export const BENCHES: Readonly<Record<string, BenchSpec>> = {
  helloworld: {
    name: 'helloworld',
    description: 'Hello, World! using MPI.',
    options: [quiet],
  },
  ringtest: {
    name: 'ringtest',
    description: 'Time a message going around the ring of processes.',
    options: [
      quiet,
      { long: 'size', short: 'n', kind: 'int', metavar: 'SIZE', default: 1, help: 'message size' },
      { long: 'skip', short: 's', kind: 'int', metavar: 'SKIP', default: 0, help: 'number of warm-up iterations' },
      { long: 'loop', short: 'l', kind: 'int', metavar: 'LOOP', default: 1, help: 'number of iterations' },
    ],
  },
  pingpong: {
    name: 'pingpong',
    description: 'Time messages between processes.',
    options: [
      quiet,
      { long: 'min-size', short: 'm', kind: 'int', metavar: 'MIN_SIZE', default: 1, help: 'minimum message size' },
      { long: 'max-size', short: 'n', kind: 'int', metavar: 'MAX_SIZE', default: 2 ** 30, help: 'maximum message size' },
      { long: 'skip', short: 's', kind: 'int', metavar: 'SKIP', default: 100, help: 'number of warm-up iterations' },
      { long: 'loop', short: 'l', kind: 'int', metavar: 'LOOP', default: 10000, help: 'number of iterations' },
      {
        long: 'array', short: 'a', kind: 'choice', metavar: '{uint8,buffer,shared}', choices: ['uint8', 'buffer', 'shared'],
        default: 'uint8', help: 'message memory: Uint8Array, Node Buffer, or Uint8Array on a SharedArrayBuffer',
      },
      { long: 'pickle', short: 'p', kind: 'flag', help: 'use object send and receive (comm.send/comm.recv) instead of buffers (Send/Recv)' },
      { long: 'skip-large', kind: 'int', metavar: 'SKIP_LARGE', default: 10, help: 'warm-up iterations above --large-size' },
      { long: 'loop-large', kind: 'int', metavar: 'LOOP_LARGE', default: 1000, help: 'iterations above --large-size' },
      { long: 'large-size', kind: 'int', metavar: 'LARGE_SIZE', default: 1 << 14, help: 'size from which messages count as large' },
      { long: 'skip-huge', kind: 'int', metavar: 'SKIP_HUGE', default: 1, help: 'warm-up iterations above --huge-size' },
      { long: 'loop-huge', kind: 'int', metavar: 'LOOP_HUGE', default: 10, help: 'iterations above --huge-size' },
      { long: 'huge-size', kind: 'int', metavar: 'HUGE_SIZE', default: 1 << 20, help: 'size from which messages count as huge' },
      { long: 'no-header', kind: 'flag', help: 'do not print the header lines' },
      { long: 'no-stats', kind: 'flag', help: 'print only size and bandwidth' },
    ],
  },
};

export const BENCH_NAMES: readonly string[] = Object.keys(BENCHES);

/** Parsed options: flags as booleans, ints as numbers, choices as strings. */
export type BenchOptions = Record<string, boolean | number | string>;

/** A bad command line for a bench program (exit status 2, like argparse). */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else {
      line = line === '' ? w : `${line} ${w}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const WIDTH = 80;

/** `mpi4ts bench NAME` with its options, argparse style (wrapped under the program name). */
export function usage(spec: BenchSpec): string {
  const parts = ['[-h]'];
  for (const o of spec.options) {
    const flag = o.short ? `-${o.short}` : `--${o.long}`;
    parts.push(o.kind === 'flag' ? `[${flag}]` : `[${flag} ${o.metavar}]`);
  }
  const prog = `usage: mpi4ts [-n N] bench ${spec.name} `;
  const indent = ''.padEnd(prog.length);
  return wrap(parts, WIDTH - prog.length).map((l, i) => (i === 0 ? prog : indent) + l).join('\n');
}

/** Full help of a bench program. */
export function help(spec: BenchSpec): string {
  const rows: [string, string][] = [['-h, --help', 'show this help message and exit']];
  for (const o of spec.options) {
    const names = o.short ? `-${o.short}, --${o.long}` : `--${o.long}`;
    const left = o.kind === 'flag' ? names : `${names} ${o.metavar}`;
    const dflt = o.kind === 'flag' || o.default === undefined ? '' : ` (default: ${o.default})`;
    rows.push([left, o.help + dflt]);
  }
  const w = Math.min(24, Math.max(...rows.map(([l]) => l.length)));
  const indent = ''.padEnd(w + 4);
  const body = rows.map(([l, r]) => {
    const text = wrap(r.split(' '), WIDTH - indent.length);
    const first = l.length > w ? `  ${l}\n${indent}${text[0]}` : `  ${l.padEnd(w)}  ${text[0]}`;
    return [first, ...text.slice(1).map((t) => indent + t)].join('\n');
  });
  return [
    usage(spec), '', spec.description, '',
    'Rank options (-n N) go before the benchmark name; everything after the',
    'name belongs to the benchmark, so -n there is the benchmark\'s own option.',
    '', 'options:', ...body, '',
  ].join('\n');
}

/** A non-negative integer, read the way Python's int() reads a command-line value. */
function toInt(o: OptionSpec, v: string): number {
  const s = v.trim().replace(/_/g, '');
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new BenchUsageError(`argument --${o.long}: invalid int value: '${v}'`);
  }
  const n = Number(s);
  if (n < 0) throw new BenchUsageError(`argument --${o.long}: must be non-negative, got ${n}`);
  return n;
}

/**
 * Read a bench program's options. Returns null when help was asked for.
 * Throws BenchUsageError for a bad command line.
 */
export function parseBenchArgs(spec: BenchSpec, argv: readonly string[]): BenchOptions | null {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const o of spec.options) {
    options[o.long] = o.short ? { type: o.kind === 'flag' ? 'boolean' : 'string', short: o.short } : { type: o.kind === 'flag' ? 'boolean' : 'string' };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new BenchUsageError(msg);
  }
  if (values['help']) return null;
  const out: BenchOptions = {};
  for (const o of spec.options) {
    const v = values[o.long];
    if (o.kind === 'flag') {
      out[o.long] = v === true;
    } else if (v === undefined) {
      out[o.long] = o.default!;
    } else if (o.kind === 'int') {
      out[o.long] = toInt(o, v as string);
    } else {
      if (!o.choices!.includes(v as string)) {
        throw new BenchUsageError(`argument --${o.long}: invalid choice: '${v}' (choose from ${o.choices!.map((c) => `'${c}'`).join(', ')})`);
      }
      out[o.long] = v as string;
    }
  }
  return out;
}

/** Options of the running bench program (from process.argv), exiting with status 2 on a bad command line. */
export function benchOptions(name: string): BenchOptions {
  const spec = BENCHES[name]!;
  try {
    const o = parseBenchArgs(spec, process.argv.slice(2));
    if (o === null) {
      process.stdout.write(help(spec));
      process.exit(0);
    }
    return o;
  } catch (e) {
    if (!(e instanceof BenchUsageError)) throw e;
    process.stderr.write(`${usage(spec)}\nmpi4ts bench ${name}: error: ${e.message}\n`);
    process.exit(2);
  }
}
