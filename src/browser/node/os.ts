/**
 * node:os in a browser: the machine as a page may know it. The host name
 * is 'browser' (MPI.Get_processor_name() of every rank); the cores are
 * navigator.hardwareConcurrency.
 */
const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; userAgent?: string; deviceMemory?: number } }).navigator;
const cores = nav?.hardwareConcurrency || 1;

export const EOL = '\n';
export const devNull = '/dev/null';
export function hostname(): string { return 'browser'; }
export function platform(): string { return 'browser'; }
export function type(): string { return 'Browser'; }
/** The browser and its version, e.g. Chrome/131.0.0.0 (the userAgent's product token). */
export function release(): string { return /(?:Headless)?(?:Chrome|Firefox|Version)\/[\d.]+/.exec(nav?.userAgent ?? '')?.[0] ?? ''; }
export function version(): string { return ''; }
export function machine(): string { return 'wasm'; }
export function arch(): string { return 'wasm'; }
export function endianness(): 'LE' | 'BE' { return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE'; }
export function tmpdir(): string { return '/tmp'; }
export function homedir(): string { return '/home/user'; }
export function uptime(): number { return performance.now() / 1000; }
export function availableParallelism(): number { return cores; }
export function cpus(): { model: string; speed: number; times: Record<string, number> }[] {
  return Array.from({ length: cores }, () => ({ model: 'browser', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }));
}
export function totalmem(): number { return (nav?.deviceMemory ?? 4) * 2 ** 30; }
export function freemem(): number { return totalmem(); }
export function loadavg(): number[] { return [0, 0, 0]; }
export function networkInterfaces(): Record<string, never[]> { return {}; }
export function userInfo(): { username: string; uid: number; gid: number; shell: null; homedir: string } {
  return { username: 'user', uid: 1000, gid: 1000, shell: null, homedir: homedir() };
}
export const constants = { signals: {} as Record<string, number>, errno: {} as Record<string, number> };

export default {
  EOL, devNull, hostname, platform, type, release, version, machine, arch, endianness, tmpdir, homedir, uptime,
  availableParallelism, cpus, totalmem, freemem, loadavg, networkInterfaces, userInfo, constants,
};
