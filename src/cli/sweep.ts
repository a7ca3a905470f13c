/**
 * `mpi4ts sweep`: a parameter sweep as seed 001 §10.4 runs one — every
 * combination of rank counts and parameter values is one job with its own
 * log in a benchmark folder, a job whose log already holds a result (a
 * `# csv` line of mpi4ts/stopwatch) is not run again, and `--collect` turns
 * the `# csv` lines of every log into one CSV, with the job's rank count
 * and parameters in front. `--script` prints the jobs as a shell script
 * instead (the seed's sweep-generator), with the same skip test.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of `mpi4ts sweep`. */
export interface SweepOptions {
  /** Rank counts, e.g. [1, 2, 4]. */
  np: number[];
  /** `--param name=v1,v2`: each becomes `--name v` on the script's command line. */
  param: [string, string[]][];
  /** Folder of the logs (default `benchmark`). */
  dir: string;
  /** Print the shell script instead of running. */
  script?: boolean;
  /** Print the collected CSV of the folder instead of running. */
  collect?: boolean;
}

/** One job of the sweep: its rank count, parameter values, log file and command line. */
export interface SweepJob {
  np: number;
  values: [string, string][];
  log: string;
  argv: string[];
}

/** The line at the top of each log naming the job's settings, read back by --collect. */
const HEADER = '# sweep';
/** A line of StopWatch.benchmark()'s csv output. */
const CSV = '# csv,';

/** `name=v1,v2,...` of --param, checked. */
export function parseParam(text: string): [string, string[]] {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq);
  if (eq <= 0 || !/^[A-Za-z][\w-]*$/.test(name) || text.slice(eq + 1) === '') {
    throw new RangeError(`--param ${text}: expected name=value,value,... (a name of letters, digits, - and _)`);
  }
  return [name, text.slice(eq + 1).split(',')];
}

/** Every combination, rank counts outermost, in the order given. */
export function sweepJobs(script: string, args: readonly string[], o: SweepOptions): SweepJob[] {
  let combos: [string, string][][] = [[]];
  for (const [name, values] of o.param) combos = combos.flatMap((c) => values.map((v) => [...c, [name, v] as [string, string]]));
  const base = path.basename(script).replace(/\.[^.]*$/, '');
  const safe = (v: string): string => v.replace(/[^\w.-]/g, '_');
  return o.np.flatMap((np) => combos.map((values) => ({
    np,
    values,
    log: path.join(o.dir, `${base}-n${np}${values.map(([k, v]) => `-${k}${safe(v)}`).join('')}.log`),
    argv: ['-n', String(np), script, ...args, ...values.flatMap(([k, v]) => [`--${k}`, v])],
  })));
}

/** Whether a log already holds a result: a `# csv` line after its header. */
export function hasResult(log: string): boolean {
  try {
    return fs.readFileSync(log, 'utf8').split('\n').some((l) => l.startsWith(CSV) && !l.startsWith(`${CSV}timer,`));
  } catch {
    return false;
  }
}

function headerLine(job: SweepJob): string {
  return `${HEADER} np=${job.np}${job.values.map(([k, v]) => ` ${k}=${v}`).join('')}`;
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The sweep as a shell script: each job runs unless its log holds a result. */
export function sweepScript(jobs: readonly SweepJob[], mpi4ts = 'npx mpi4ts'): string {
  const lines = ['#!/bin/sh', '# mpi4ts sweep: one job per line; a job whose log has a "# csv" result is skipped', `mkdir -p ${quote(path.dirname(jobs[0]?.log ?? 'benchmark/x'))}`];
  for (const j of jobs) {
    const log = quote(j.log);
    // A result: a # csv line other than the header line naming the columns.
    lines.push(`grep '^# csv,' ${log} 2>/dev/null | grep -qv '^# csv,timer,' || { echo ${quote(headerLine(j))} > ${log}; ${mpi4ts} ${j.argv.map(quote).join(' ')} >> ${log} 2>&1; }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Run the jobs that have no result yet, one after another; returns how many failed. */
export function runSweep(jobs: readonly SweepJob[], say: (line: string) => void): number {
  const bin = fileURLToPath(new URL('../../bin/mpi4ts.js', import.meta.url));
  let failed = 0;
  for (const j of jobs) {
    const what = `np=${j.np}${j.values.map(([k, v]) => ` ${k}=${v}`).join('')}`;
    if (hasResult(j.log)) {
      say(`sweep: ${what}: skipped (${j.log} has a result)`);
      continue;
    }
    fs.mkdirSync(path.dirname(j.log), { recursive: true });
    const fd = fs.openSync(j.log, 'w');
    try {
      fs.writeSync(fd, `${headerLine(j)}\n`);
      const r = spawnSync(process.execPath, [bin, ...j.argv], { stdio: ['ignore', fd, fd] });
      const ok = r.status === 0;
      if (!ok) failed++;
      say(`sweep: ${what}: ${ok ? 'done' : `failed (${r.error?.message ?? (r.signal ?? `exit ${r.status}`)})`} -> ${j.log}`);
    } finally {
      fs.closeSync(fd);
    }
  }
  return failed;
}

/**
 * One CSV of every `# csv` line in the logs of `dir`: the columns np and
 * each parameter (from the log's `# sweep` line), then StopWatch's columns
 * (the `# csv` prefix dropped). Logs are read in name order.
 */
export function collectCsv(dir: string): string {
  const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  let params: string[] | null = null;
  let columns: string | null = null;
  const rows: string[] = [];
  for (const f of logs) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
    const header = text.find((l) => l.startsWith(`${HEADER} `));
    if (header === undefined) continue;
    const settings = header.slice(HEADER.length + 1).split(' ').map((kv) => kv.split('=') as [string, string]);
    params ??= settings.map(([k]) => k);
    for (const l of text) {
      if (!l.startsWith(CSV)) continue;
      const rest = l.slice(CSV.length);
      if (rest.startsWith('timer,')) { columns ??= rest; continue; }
      rows.push([...params.map((p) => settings.find(([k]) => k === p)?.[1] ?? ''), rest].join(','));
    }
  }
  if (params === null || columns === null) return '';
  return `${[...params, columns].join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}
