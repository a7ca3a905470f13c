/** `mpi4ts info`: versions, transports and the machine, in the spirit of `cms sysinfo`. */
import * as os from 'node:os';
import { availableTransports, nativeLibraries } from '../transport/select.js';
import { allocationRanks, slurmAllocation } from '../core/slurm.js';
import { packageVersion } from './version.js';

/** Attribute/value rows describing this installation and machine. */
export function infoRows(): [string, string][] {
  const cpus = os.cpus();
  const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
  const rows: [string, string][] = [
    ['mpi4ts', packageVersion()],
    ['node', process.version],
    ['v8', process.versions.v8],
    ['platform', `${os.platform()} ${os.release()} ${os.arch()}`],
    ['host', os.hostname()],
    ['cpu', cpus[0]?.model.trim() ?? 'unknown'],
    ['cpu_count', String(os.availableParallelism?.() ?? cpus.length)],
    ['mem.total', gib(os.totalmem())],
    ['mem.free', gib(os.freemem())],
  ];
  const job = slurmAllocation();
  if (job !== null) {
    const or = (v: number | string | null): string => (v === null ? 'not given' : String(v));
    rows.push(
      ['slurm.job', `${job.jobId}${job.step ? ` (step ${job.step.id}, task ${job.step.procid} of ${job.step.tasks})` : ''}${job.partition ? `, partition ${job.partition}` : ''}`],
      ['slurm.nodes', `${or(job.nodes)}: ${or(job.nodelist)}`],
      ['slurm.ntasks', or(job.ntasks)],
      ['slurm.cpus', `${or(job.cpusOnNode)} on this node${job.cpusPerTask !== null ? `, ${job.cpusPerTask} per task` : ''}`],
      ['slurm.ranks', `${allocationRanks()} (mpi4ts without -n)`],
    );
  }
  for (const t of availableTransports()) {
    rows.push([`transport.${t.name}`, `${t.available ? 'available' : 'unavailable'}: ${t.detail}`]);
  }
  // The first line of MPI_Get_library_version up to its first comma: "Open MPI v4.1.4", "MPICH Version: 4.0.2".
  for (const lib of nativeLibraries()) {
    rows.push([`mpi.${lib.library}`, 'error' in lib ? lib.error
      : `${lib.text.split('\n')[0]!.split(',')[0]!.replace(/\s+/g, ' ').trim()} (MPI ${lib.version.join('.')})`]);
  }
  return rows;
}

export function printInfo(): void {
  const rows = infoRows();
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`${'Attribute'.padEnd(w)}  Value\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}
