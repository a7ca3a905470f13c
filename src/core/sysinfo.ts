/**
 * The machine's attributes as cloudmesh's `cms sysinfo` names them (cpu,
 * cpu_cores, cpu_count, cpu_threads, frequency, mem.*, platform.version,
 * sys.platform, uname.*, user), with Node.js where sysinfo has Python, and
 * the seed's system vector S(N, p, c, t). `mpi4ts info` prints them; they
 * are machine facts only (no transport is loaded).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { slurmAllocation } from './slurm.js';

/** One attribute: a count stays a number (for --json), everything else is text as sysinfo prints it. */
export type SysinfoValue = string | number;

/** Bytes as humanize.naturalsize(binary=True) writes them, as sysinfo does: "16.0 GiB", "96.7 MiB". */
export function binarySize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(1)} ${units[u]}`;
}

function readText(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}

/** The processor topology of this node: sockets, physical cores and hardware threads (logical CPUs). */
export interface CpuTopology {
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
}

/**
 * Sockets and physical cores from /proc/cpuinfo (distinct `physical id`,
 * distinct `physical id`/`core id` pairs) on Linux; elsewhere, or where
 * the file does not say, one socket and a core per logical CPU.
 */
export function cpuTopology(cpuinfo: string | null = readText('/proc/cpuinfo'), threads = os.cpus().length || 1): CpuTopology {
  const sockets = new Set<string>();
  const cores = new Set<string>();
  for (const block of (cpuinfo ?? '').split(/\n\s*\n/)) {
    const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim();
    const socket = field('physical id');
    const core = field('core id');
    if (socket !== undefined) sockets.add(socket);
    if (socket !== undefined && core !== undefined) cores.add(`${socket}/${core}`);
  }
  return { sockets: Math.max(sockets.size, 1), cores: cores.size || threads, threads };
}

/** The seed's vector S(N, p, c, t): nodes, processors (sockets) per node, cores per processor, threads per core. */
export interface SystemVector {
  readonly N: number;
  readonly p: number;
  readonly c: number;
  readonly t: number;
}

/**
 * S(N, p, c, t) for this job's machines, taken as homogeneous (seed 001
 * §10.4.2): N is the nodes of the SLURM allocation (1 outside one), p, c
 * and t those of this node.
 */
export function systemVector(topology: CpuTopology = cpuTopology(), N = slurmAllocation()?.nodes ?? 1): SystemVector {
  const p = topology.sockets;
  const c = Math.max(1, Math.round(topology.cores / p));
  const t = Math.max(1, Math.round(topology.threads / (p * c)));
  return { N, p, c, t };
}

/** The totals S^T(N, N*p, N*p*c, N*p*c*t). */
export function systemTotals(v: SystemVector): [number, number, number, number] {
  return [v.N, v.N * v.p, v.N * v.p * v.c, v.N * v.p * v.c * v.t];
}

/** The frequency in MHz: current (Node's, else /proc/cpuinfo's `cpu MHz`), min and max where cpufreq tells them. */
function frequency(cpuinfo: string | null): string {
  const speed = os.cpus()[0]?.speed || Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo ?? '')?.[1] ?? 0);
  const khz = (f: string): number | null => { const t = readText(`/sys/devices/system/cpu/cpu0/cpufreq/${f}`); return t === null ? null : Number(t) / 1000; };
  const [min, max] = [khz('cpuinfo_min_freq'), khz('cpuinfo_max_freq')];
  if (!speed && min === null) return 'unknown';
  return `current=${speed ? Math.round(speed) : 'unknown'}, min=${min ?? 'unknown'}, max=${max ?? 'unknown'} (MHz)`;
}

/**
 * Memory as psutil.virtual_memory() reports it on Linux (total, available,
 * used = total - available, free, active, inactive, percent used) from
 * /proc/meminfo; elsewhere total and free.
 */
function memory(): [string, SysinfoValue][] {
  const meminfo = readText('/proc/meminfo');
  const kib = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(meminfo ?? '');
    return m ? Number(m[1]) * 1024 : null;
  };
  if (meminfo === null && process.platform === ('browser' as NodeJS.Platform)) {
    // mpi4ts/browser: a page learns only navigator.deviceMemory, a rounded
    // size of the machine's memory, and nothing of what is free.
    return [['mem.available', 'unknown'], ['mem.free', 'unknown'], ['mem.percent', 'unknown'],
      ['mem.total', `about ${binarySize(os.totalmem())}`], ['mem.used', 'unknown']];
  }
  const total = kib('MemTotal') ?? os.totalmem();
  const free = kib('MemFree') ?? os.freemem();
  const available = kib('MemAvailable') ?? free;
  const rows: [string, SysinfoValue][] = [
    ['mem.available', binarySize(available)],
    ['mem.free', binarySize(free)],
    ['mem.percent', `${(((total - available) / total) * 100).toFixed(1)} %`],
    ['mem.total', binarySize(total)],
    ['mem.used', binarySize(total - available)],
  ];
  const active = kib('Active');
  const inactive = kib('Inactive');
  if (active !== null) rows.push(['mem.active', binarySize(active)]);
  if (inactive !== null) rows.push(['mem.inactive', binarySize(inactive)]);
  return rows;
}

/** The user, as sysinfo finds them: USER (USERNAME on Windows), else the account's name. */
function user(): string {
  const env = process.env[process.platform === 'win32' ? 'USERNAME' : 'USER'];
  if (env) return env;
  try { return os.userInfo().username; } catch { return 'None'; }
}

/** The version of the npm beside this Node.js, where there is one (no child process is started). */
function npmVersion(): string {
  const agent = /\bnpm\/(\S+)/.exec(process.env['npm_config_user_agent'] ?? '')?.[1];
  if (agent) return agent;
  const prefix = path.dirname(path.dirname(process.execPath));
  for (const dir of [path.join(prefix, 'lib', 'node_modules', 'npm'), path.join(path.dirname(process.execPath), 'node_modules', 'npm')]) {
    const pkg = readText(path.join(dir, 'package.json'));
    if (pkg !== null) {
      try { return (JSON.parse(pkg) as { version: string }).version; } catch { /* not npm's */ }
    }
  }
  return 'unknown';
}

/**
 * The attributes of `cms sysinfo` that Node.js can know, sorted by name as
 * sysinfo prints them: node, node.version and npm stand where sysinfo has
 * python, python.version and python.pip.
 */
export function sysinfo(): [string, SysinfoValue][] {
  const cpuinfo = readText('/proc/cpuinfo');
  const topology = cpuTopology(cpuinfo);
  const model = os.cpus()[0]?.model.trim() || /^model name\s*:\s*(.*)$/m.exec(cpuinfo ?? '')?.[1]?.trim() || 'unknown';
  const rows: [string, SysinfoValue][] = [
    ['cpu', model],
    ['cpu_cores', topology.cores],
    ['cpu_count', topology.threads],
    ['cpu_threads', topology.threads],
    ['frequency', frequency(cpuinfo)],
    ...memory(),
    // In a browser (mpi4ts/browser) process.version names the browser, and there is no Node.js.
    ['node', process.versions.v8 !== undefined ? `${process.version} (V8 ${process.versions.v8})` : process.version],
    ['node.version', process.versions.node ?? 'none'],
    ['npm', npmVersion()],
    ['platform.version', os.version()],
    ['sys.platform', process.platform],
    ['uname.machine', os.machine?.() ?? os.arch()],
    ['uname.node', os.hostname()],
    ['uname.processor', os.arch()],
    ['uname.release', os.release()],
    ['uname.system', os.type()],
    ['uname.version', os.version()],
    ['user', user()],
  ];
  return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
