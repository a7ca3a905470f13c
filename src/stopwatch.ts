/**
 * `mpi4ts/stopwatch`: named timers as cloudmesh's `StopWatch` (seed 001
 * §10.4), for benchmarks that run as many separate jobs: `benchmark()`
 * prints the machine (the attributes of `cms sysinfo`), the timers, and
 * one `# csv` line per timer in cloudmesh's column order, so that
 * `fgrep "# csv" benchmark/*.log` gathers every run into one CSV.
 *
 * @example
 * ```ts
 * import { StopWatch } from 'mpi4ts/stopwatch';
 * StopWatch.start(`ring ${size} ${count}`);
 * // ... the work ...
 * StopWatch.stop(`ring ${size} ${count}`);
 * StopWatch.benchmark();
 * ```
 */
import * as fs from 'node:fs';
import { sysinfo, type SysinfoValue } from './core/sysinfo.js';

/** Columns of the timer table and of the `# csv` lines, in cloudmesh's order. */
export const CSV_COLUMNS = ['timer', 'status', 'time', 'sum', 'start', 'tag', 'msg', 'uname.node', 'user', 'uname.system', 'platform.version'] as const;
/** Headings of the timer table (cloudmesh's). */
const HEADINGS = ['Name', 'Status', 'Time', 'Sum', 'Start', 'tag', 'msg', 'Node', 'User', 'OS', 'Version'];

/** Options of {@link StopWatch.benchmark} (cloudmesh's keyword arguments). */
export interface BenchmarkOptions {
  /** Print the machine table first (default true). */
  sysinfo?: boolean;
  /** Print the `# csv` lines (default true). */
  csv?: boolean;
  /** First field of each csv line (default `'# csv'`). */
  prefix?: string;
  /** Value of the tag column. */
  tag?: string;
  /** Value of the Node column instead of this host's name. */
  node?: string;
  /** Value of the User column instead of this user. */
  user?: string;
  /** Print the total of all timers after the table. */
  total?: boolean;
  /** Also write what is printed to this file. */
  filename?: string;
}

interface Timer {
  /** Wall-clock start, ms since the epoch (the Start column). */
  startedAt: number;
  /** performance.now() at start and at stop (null while running). */
  start: number;
  end: number | null;
  /** Seconds over every start/stop of this name. */
  sum: number;
  status: boolean | null;
  msg: string | null;
}

/** A table with a line under the headings and a frame, as cloudmesh's Printer writes it. */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const row = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const under = `|${widths.map((w) => '-'.repeat(w + 2)).join('+')}|`;
  return [line, row(headings), under, ...rows.map(row), line].join('\n') + '\n';
}

/** A csv field: quoted when it holds a comma, a quote or a line break. */
function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** UTC time as cloudmesh's `%Y-%m-%d %H:%M:%S`. */
function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Named timers, one set per process (per rank): cloudmesh's `StopWatch`, all static. */
export class StopWatch {
  static #timers = new Map<string, Timer>();

  /** Start (or restart) the timer `name`. */
  static start(name: string): void {
    const t = StopWatch.#timers.get(name);
    StopWatch.#timers.set(name, { startedAt: Date.now(), start: performance.now(), end: null, sum: t?.sum ?? 0, status: null, msg: null });
  }

  /** Stop the timer `name`, adding its time to its sum; `state` false marks it failed. Throws RangeError for a timer never started. */
  static stop(name: string, state = true): void {
    const t = StopWatch.#timers.get(name);
    if (t === undefined) throw new RangeError(`StopWatch.stop: no timer named '${name}' was started`);
    t.end = performance.now();
    t.sum += (t.end - t.start) / 1000;
    t.status = state;
  }

  /** Seconds between the last start and stop of `name` (rounded to `digits`); undefined for an unknown or running timer. */
  static get(name: string, digits = 4): number | undefined {
    const t = StopWatch.#timers.get(name);
    return t === undefined || t.end === null ? undefined : round((t.end - t.start) / 1000, digits);
  }

  /** Seconds over every start/stop of `name` (rounded to `digits`); undefined for an unknown timer. */
  static sum(name: string, digits = 4): number | undefined {
    const t = StopWatch.#timers.get(name);
    return t === undefined ? undefined : round(t.sum, digits);
  }

  /** An event: a timer of zero time at this moment, with an optional message. */
  static event(name: string, msg?: unknown): void {
    StopWatch.start(name);
    const t = StopWatch.#timers.get(name)!;
    t.end = t.start;
    t.status = true;
    if (msg !== undefined) t.msg = String(msg);
  }

  /** Set the status of `name` (ok when true, failed when false). */
  static status(name: string, value: boolean): void {
    const t = StopWatch.#timers.get(name);
    if (t !== undefined) t.status = value;
  }

  /** Attach a message to `name` (the msg column). */
  static message(name: string, msg: string): void {
    const t = StopWatch.#timers.get(name);
    if (t !== undefined) t.msg = msg;
  }

  /** The names of the timers, in the order they were first started. */
  static keys(): string[] {
    return [...StopWatch.#timers.keys()];
  }

  /** Forget every timer. */
  static clear(): void {
    StopWatch.#timers.clear();
  }

  /** One row per timer, the columns of {@link CSV_COLUMNS}. */
  static rows(o: BenchmarkOptions = {}, machine: ReadonlyMap<string, SysinfoValue> = new Map(sysinfo())): string[][] {
    const attr = (k: string): string => String(machine.get(k) ?? '');
    return [...StopWatch.#timers].map(([name, t]) => [
      name,
      t.status === null ? 'failed' : t.status ? 'ok' : 'failed',
      t.end === null ? '' : String(round((t.end - t.start) / 1000, 3)),
      String(round(t.sum, 3)),
      utc(t.startedAt),
      o.tag ?? '',
      t.msg ?? 'None',
      o.node ?? attr('uname.node'),
      o.user ?? attr('user'),
      attr('uname.system'),
      attr('platform.version'),
    ]);
  }

  /**
   * Print the machine's attributes, the timers, and a `# csv` line per timer
   * (after a `# csv` header line naming the columns); returns what it printed.
   */
  static benchmark(o: BenchmarkOptions = {}): string {
    const info = sysinfo();
    const machine = new Map(info);
    let out = '\n';
    if (o.sysinfo ?? true) out += `${table(['Machine Attribute', 'Value'], info.map(([k, v]) => [k, String(v)]))}\n`;
    const rows = StopWatch.rows(o, machine);
    if (rows.length === 0) {
      out += 'ERROR: No timers found\n';
    } else {
      out += table(HEADINGS, rows);
      if (o.total) out += `Total: ${rows.reduce((s, r) => s + (Number(r[2]) || 0), 0)}\n`;
      out += '\n';
      if (o.csv ?? true) {
        const prefix = o.prefix ?? '# csv';
        out += [[prefix, ...CSV_COLUMNS], ...rows.map((r) => [prefix, ...r])].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
      }
    }
    process.stdout.write(`${out}\n`);
    if (o.filename !== undefined) fs.writeFileSync(o.filename, out);
    return out;
  }
}
