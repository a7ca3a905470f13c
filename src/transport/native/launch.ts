/**
 * `mpi4ts --transport native`: run a script through the system's mpiexec,
 * translating the launcher's options for Open MPI's mpiexec (ORTE/PRRTE) or
 * MPICH's Hydra. `planLaunch` is pure (the translation, unit-tested);
 * `startNative` writes converted host files and runs the command, whose exit
 * status is the job's; `launcher` is this transport's launcher (../launcher.ts).
 *
 * | mpi4ts               | Open MPI                        | MPICH (Hydra)                  |
 * | -------------------- | ------------------------------- | ------------------------------ |
 * | -n N                 | -n N                            | -n N                           |
 * | --host a,b           | --host a,b                      | -hosts a,b                     |
 * | --hostfile F         | --hostfile F' (host slots=K)    | -f F' (host:K)                 |
 * | --rankfile F         | --rankfile F                    | one `-n 1 -host h` per rank    |
 * | --ppn K              | --map-by ppr:K:node             | -ppn K                         |
 * | --usize U            | --host <this host>:max(N,U)     | -usize U                       |
 * |   (no host named)    |   --oversubscribe (spawns)      |                                |
 * |                      |   --mca mpi_yield_when_idle 1   |                                |
 * |                      |   (when U > cores)              |                                |
 * | (no --usize)         | U = the number of cores         | -usize max(N, cores)           |
 * | in a SLURM job,      | no --host: mpiexec reads the    | the same (Hydra's slurm        |
 * |   no host named      |   allocation (ras/plm slurm)    |   bootstrap)                   |
 * | --oversubscribe      | --oversubscribe                 | (Hydra never refuses)          |
 * | --tag-output         | MPI4TS_TAG_OUTPUT=1: each rank prefixes `[rank] ` itself        |
 * | environment          | -x NAME=value                   | -genv NAME value               |
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtLibraries } from './addon.js';
import { jobGuardian } from './guardian.js';
import { runtimeEntry } from '../../core/entries.js';
import { PLACEMENT_OPTIONS, type JobResult, type Launcher, type LaunchedJob, type LaunchRequest, type PlacementOption } from '../launcher.js';

export type MpiFlavour = 'openmpi' | 'mpich';

export interface NativeLaunchOptions {
  np: number;
  hosts?: string[];
  hostfile?: string;
  rankfile?: string;
  ppn?: number;
  usize?: number;
  oversubscribe?: boolean;
  tagOutput?: boolean;
}

export interface LaunchPlan {
  /** The mpiexec program and its arguments, exactly as run. */
  command: string;
  args: string[];
  /** Host files converted to the library's syntax: written before the command runs. */
  files: { path: string; content: string }[];
  /** Things the translation could not carry over, for --verbose. */
  notes: string[];
}

export interface PlanInput {
  flavour: MpiFlavour;
  /** The mpiexec to run (e.g. mpiexec.openmpi). */
  mpiexec: string;
  opts: NativeLaunchOptions;
  /** What every rank runs: [program, ...args]. */
  program: string[];
  /** Environment every rank must see (also on other hosts). */
  env: Record<string, string>;
  /** Host files named by the options, by path (the caller reads them). */
  readFile: (file: string) => string;
  /** Folder for converted host files. */
  tmpdir: string;
  /** This host's name (for --usize under Open MPI). */
  hostname: string;
  /** Running as root: Open MPI refuses unless told. */
  root: boolean;
  /** Cores of this host: the universe size when --usize is not given (as on the embedded runtime). */
  cores?: number;
  /** The user set OMPI_MCA_mpi_yield_when_idle: leave Open MPI's idle policy to it. */
  yieldSet?: boolean;
  /** Inside a SLURM allocation (its job id): without hosts named, mpiexec takes the allocation's nodes and slots. */
  slurmJob?: string;
}

/** One host of a host file: name and slot count (null: not given). */
export interface HostEntry { host: string; slots: number | null }

/**
 * Parse a host file in either syntax: Open MPI's `host slots=K [max_slots=M]`
 * or MPICH's `host:K`, `#` comments and blank lines ignored.
 */
export function parseHostfile(text: string): HostEntry[] {
  const out: HostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [first, ...rest] = line.split(/\s+/);
    let host = first!;
    let slots: number | null = null;
    const colon = /^(.*):(\d+)$/.exec(host);
    if (colon) {
      host = colon[1]!;
      slots = Number(colon[2]);
    }
    for (const kv of rest) {
      const m = /^(slots|cpu|cpus)=(\d+)$/.exec(kv);
      if (m) slots = Number(m[2]);
    }
    out.push({ host, slots });
  }
  return out;
}

/** The hosts of a rankfile (`rank N=host slot=...`), indexed by rank. */
export function parseRankfile(text: string): string[] {
  const hosts: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const m = /^rank\s+(\d+)\s*=\s*(\S+)/.exec(line);
    if (!m) throw new RangeError(`rankfile: cannot read line '${line}' (expected 'rank N=host slot=...')`);
    hosts[Number(m[1])] = m[2]!;
  }
  for (let i = 0; i < hosts.length; i++) {
    if (hosts[i] === undefined) throw new RangeError(`rankfile: no line for rank ${i}`);
  }
  return hosts;
}

/** Translate the launcher's options into one mpiexec command for `flavour`. */
export function planLaunch(p: PlanInput): LaunchPlan {
  const { opts } = p;
  const args: string[] = [];
  const files: LaunchPlan['files'] = [];
  const notes: string[] = [];
  const ompi = p.flavour === 'openmpi';
  if (opts.usize !== undefined && !(Number.isInteger(opts.usize) && opts.usize >= opts.np)) {
    throw new RangeError(`universe size must be an integer of at least the number of ranks (${opts.np}), got ${opts.usize}`);
  }
  if (ompi && p.root) args.push('--allow-run-as-root');
  if (opts.hosts && opts.hostfile) throw new RangeError('--host and --hostfile: give one of them');
  if (opts.rankfile && (opts.hosts || opts.hostfile)) throw new RangeError('--rankfile names the hosts itself: leave out --host and --hostfile');

  if (opts.hosts) {
    const hosts = opts.ppn && ompi ? opts.hosts.map((h) => (h.includes(':') ? h : `${h}:${opts.ppn}`)) : opts.hosts;
    args.push(ompi ? '--host' : '-hosts', hosts.join(','));
  }
  if (opts.hostfile) {
    const entries = parseHostfile(p.readFile(opts.hostfile));
    if (entries.length === 0) throw new RangeError(`--hostfile ${opts.hostfile}: no hosts in the file`);
    const content = entries
      .map((e) => (e.slots === null ? e.host : ompi ? `${e.host} slots=${e.slots}` : `${e.host}:${e.slots}`))
      .join('\n') + '\n';
    const file = path.join(p.tmpdir, `hostfile.${p.flavour}`);
    files.push({ path: file, content });
    args.push(ompi ? '--hostfile' : '-f', file);
  }
  if (opts.ppn) {
    if (ompi) args.push('--map-by', `ppr:${opts.ppn}:node`);
    else args.push('-ppn', String(opts.ppn));
  }
  const oneHost = !opts.hosts && !opts.hostfile && !opts.rankfile;
  const usize = opts.usize ?? (oneHost && p.cores !== undefined ? Math.max(opts.np, p.cores) : undefined);
  if (usize && !ompi) args.push('-usize', String(usize));
  if (oneHost && p.slurmJob !== undefined) {
    // Both libraries' mpiexec read the allocation (Open MPI's ras/plm slurm,
    // Hydra's slurm bootstrap) and start ranks on its nodes (through srun
    // where they are remote): no --host. Open MPI refuses -n beyond its
    // slots (unless --oversubscribe) and its universe is those slots.
    notes.push(`inside SLURM job ${p.slurmJob}: ${p.flavour === 'openmpi' ? "Open MPI's" : "Hydra's"} mpiexec places the ranks on the allocation`);
    if (ompi && p.cores !== undefined && opts.np > p.cores && !p.yieldSet) args.push('--mca', 'mpi_yield_when_idle', '1');
  } else if (ompi && oneHost) {
    // Open MPI's universe is the slots it was given: on this host alone,
    // give max(N, U) of them, so -n N runs whatever the core count and
    // UNIVERSE_SIZE is U (or N), as on the embedded runtime. Spawned
    // processes may go beyond (the ranks check the universe themselves):
    // Open MPI frees the slots of disconnected children only once they
    // have exited, so a spawn right after a Disconnect would race them.
    args.push('--host', `${p.hostname}:${Math.max(opts.np, usize ?? 0)}`);
    if (!opts.oversubscribe) args.push('--oversubscribe');
    // Open MPI yields the core while it waits only when it sees more
    // processes than slots; the slots given above hide that, and ranks that
    // spin on a shared core slow every collective by orders of magnitude.
    if (p.cores !== undefined && Math.max(opts.np, usize ?? 0) > p.cores && !p.yieldSet) {
      args.push('--mca', 'mpi_yield_when_idle', '1');
    }
  } else if (ompi && opts.usize) {
    notes.push(`--usize ${opts.usize}: Open MPI takes the universe size from the slots of the hosts given`);
  }
  if (opts.oversubscribe) {
    if (ompi) args.push('--oversubscribe');
    else notes.push('--oversubscribe: Hydra places any number of processes per host; nothing to pass');
  }
  // Each rank prefixes its own lines (rank-entry.ts), as `[rank] ` on the
  // embedded runtime, rather than with the libraries' differing tags.
  const env = opts.tagOutput ? { ...p.env, MPI4TS_TAG_OUTPUT: '1' } : p.env;
  for (const [k, v] of Object.entries(env)) {
    if (ompi) args.push('-x', `${k}=${v}`);
    else args.push('-genv', k, v);
  }

  if (opts.rankfile) {
    if (ompi) {
      args.push('--rankfile', opts.rankfile, '-n', String(opts.np), ...p.program);
    } else {
      // Hydra has no rankfile: one MPMD section per rank pins its host (not its cores).
      const hosts = parseRankfile(p.readFile(opts.rankfile));
      if (hosts.length < opts.np) throw new RangeError(`--rankfile ${opts.rankfile} places ${hosts.length} ranks, -n asks for ${opts.np}`);
      notes.push('--rankfile under MPICH: each rank runs on its host; core bindings (slot=) are not carried over');
      for (let r = 0; r < opts.np; r++) {
        if (r > 0) args.push(':');
        args.push('-n', '1', '-host', hosts[r]!, ...p.program);
      }
    }
  } else {
    args.push('-n', String(opts.np), ...p.program);
  }
  return { command: p.mpiexec, args, files, notes };
}

function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch { /* not here */ }
  }
  return null;
}

/** The library to launch with: `wanted`, else MPI4TS_MPI, else the first with a built addon. */
export function chooseFlavour(wanted?: string): MpiFlavour {
  const w = wanted ?? process.env['MPI4TS_MPI'];
  const built = builtLibraries();
  if (w !== undefined) {
    if (w !== 'openmpi' && w !== 'mpich') throw new RangeError(`MPI library '${w}': expected 'openmpi' or 'mpich'`);
    if (!built.includes(w)) throw new Error(`the native addon is not built for ${w} (built: ${built.join(', ') || 'none'}; see mpi4ts info)`);
    return w;
  }
  const f = built.find((b) => b === 'openmpi' || b === 'mpich');
  if (f === undefined) throw new Error('the native transport is unavailable: no addon built (see mpi4ts info)');
  return f as MpiFlavour;
}

/** The mpiexec of `flavour`: MPI4TS_MPIEXEC, else mpiexec.openmpi / mpiexec.mpich, else mpiexec. */
export function findMpiexec(flavour: MpiFlavour): string {
  const forced = process.env['MPI4TS_MPIEXEC'];
  if (forced) return forced;
  const names = flavour === 'openmpi' ? ['mpiexec.openmpi', 'mpirun.openmpi'] : ['mpiexec.mpich', 'mpiexec.hydra'];
  for (const n of names) {
    const f = onPath(n);
    if (f) return f;
  }
  const f = onPath('mpiexec');
  if (f) return f;
  throw new Error(`no mpiexec for ${flavour} on the PATH (set MPI4TS_MPIEXEC)`);
}

/** Quote for a shell, for printing the command. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface RunNativeOptions extends NativeLaunchOptions {
  mpi?: string;
  verbose?: boolean;
  /** End the job after this many seconds: exit status 124. */
  timeout?: number;
  /** JavaScript heap limit of each rank in MB (node --max-old-space-size). */
  maxMemory?: number;
  /** `--check`: MPI4TS_CHECK=1 in every rank (a mismatch ends the job through MPI_Abort, exit status 87). */
  check?: boolean;
  /** `--trace`: MPI4TS_TRACE=<folder> in every rank, where each writes its part of the timeline (src/api/trace.ts). */
  traceFolder?: string;
}

/** Start `script args` on the native transport through mpiexec; its result is mpiexec's exit status. */
export function startNative(script: string, scriptArgs: readonly string[], o: RunNativeOptions): LaunchedJob {
  const flavour = chooseFlavour(o.mpi);
  const mpiexec = findMpiexec(flavour);
  const entry = fileURLToPath(runtimeEntry('rank-entry'));
  const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-'));
  // Ends mpiexec, the ranks and removes tmpdir if this launcher is killed (guardian.ts).
  const guardian = jobGuardian(tmpdir);
  const cleanUp = (): void => {
    fs.rmSync(tmpdir, { recursive: true, force: true });
    guardian.release();
  };
  const rankEnv = {
    MPI4TS_TRANSPORT: 'native', MPI4TS_MPI: flavour, MPI4TS_TTY: `${process.stdout.isTTY ? 1 : 0}${process.stderr.isTTY ? 1 : 0}`,
    MPI4TS_TIME_ORIGIN: String(performance.timeOrigin),
    ...(o.check ? { MPI4TS_CHECK: '1' } : {}),
    ...(o.traceFolder !== undefined ? { MPI4TS_TRACE: o.traceFolder } : {}),
  };
  let child: ChildProcess;
  try {
    const plan = planLaunch({
      flavour, mpiexec, opts: o, program: [process.execPath, ...(o.maxMemory ? [`--max-old-space-size=${o.maxMemory}`] : []), entry, script, ...scriptArgs],
      env: rankEnv, readFile: (f) => fs.readFileSync(f, 'utf8'),
      tmpdir, hostname: os.hostname(), root: process.getuid?.() === 0, cores: os.availableParallelism(),
      yieldSet: process.env['OMPI_MCA_mpi_yield_when_idle'] !== undefined,
      slurmJob: process.env['SLURM_JOB_ID'],
    });
    for (const f of plan.files) fs.writeFileSync(f.path, f.content);
    if (o.verbose) {
      for (const n of plan.notes) process.stderr.write(`mpi4ts: note: ${n}\n`);
      process.stderr.write(`mpi4ts: ${[plan.command, ...plan.args].map(shellQuote).join(' ')}\n`);
    }
    child = spawn(plan.command, plan.args, { stdio: 'inherit', env: { ...process.env, ...rankEnv, ...guardian.env } });
  } catch (e) {
    cleanUp();
    throw e;
  }
  if (child.pid !== undefined) guardian.watch(child.pid);
  // Ctrl-C or a kill of this launcher stops the job: mpiexec passes the
  // signal to the ranks; the exit status is then 128 + the signal's
  // number (130 for SIGINT), as on the embedded runtime, not mpiexec's.
  let ended: number | null = null;
  const forward = (sig: NodeJS.Signals): void => {
    ended ??= 128 + (os.constants.signals[sig] ?? 0);
    child.kill(sig);
  };
  const result = new Promise<JobResult>((resolve, reject) => {
    const timer = o.timeout === undefined ? null : setTimeout(() => {
      process.stderr.write(`mpi4ts: timeout: the job did not end within ${o.timeout} s (--timeout)\n`);
      ended ??= 124;
      child.kill('SIGTERM');
    }, o.timeout * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: ended ?? code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1), failure: null });
    });
  }).finally(cleanUp);
  return {
    result,
    interrupt: ({ signal, why, delivered }) => {
      // A signal this process got, mpiexec got as well when it came from the terminal; a lost parent is news.
      if (!delivered) process.stderr.write(`mpi4ts: ${why}\n`);
      forward(signal);
    },
  };
}

/** `mpi4ts run --transport native`: the ranks are processes of the system's mpiexec, on the hosts the placement options name. */
export const launcher: Launcher = {
  name: 'native',
  accepts: PLACEMENT_OPTIONS,
  refuse(option: PlacementOption): string {
    return `--${option} does not apply to --transport native`;
  },
  start(r: LaunchRequest): LaunchedJob {
    // The ranks (mpiexec passes them this environment) import it without looking it up.
    if (r.entry !== undefined) process.env['MPI4TS_COMPILED'] = JSON.stringify({ [r.script]: r.entry });
    const p = r.placement;
    return startNative(r.script, r.args, {
      np: r.np, tagOutput: r.tagOutput, usize: r.usize, mpi: p.mpi,
      hosts: p.host?.split(',').filter(Boolean), hostfile: p.hostfile, rankfile: p.rankfile,
      ppn: p.ppn, oversubscribe: p.oversubscribe, verbose: r.verbose,
      timeout: r.timeout, maxMemory: r.maxMemory, check: r.check, traceFolder: r.traceFolder,
    });
  },
};
