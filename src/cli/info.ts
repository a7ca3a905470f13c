/**
 * `mpi4ts info`: the machine as `cms sysinfo` describes it (core/sysinfo.ts),
 * mpi4ts's versions, its transports and the MPI libraries under them; `-v`
 * and `-t` the seed's system vector and its totals, `--json` all of it for
 * programs. `--mpi-std-version`, `--mpi-lib-version` and `--mpi-vendor`
 * answer as `python -m mpi4py` does, for the transport chosen.
 */
import { availableTransports, nativeLibraries } from '../transport/select.js';
import { allocationRanks, slurmAllocation } from '../core/slurm.js';
import { sysinfo, systemTotals, systemVector, type SysinfoValue } from '../core/sysinfo.js';
import { libraryVersion, ownVendor, vendorOf } from '../core/library.js';
import { SUBVERSION, VERSION } from '../api/constants.js';
import { packageVersion } from './version.js';

/** Options of `mpi4ts info`. */
export interface InfoOptions {
  /** `-v`: the vector S(N, p, c, t). */
  vector?: boolean;
  /** `-t`: the totals S^T(N, N*p, N*p*c, N*p*c*t). */
  totals?: boolean;
  /** `--json`: one JSON object instead of the table. */
  json?: boolean;
  mpiStdVersion?: boolean;
  mpiLibVersion?: boolean;
  mpiVendor?: boolean;
  /** Which transport the --mpi-* options describe: 'threads' (default) or 'native'. */
  transport?: string;
  /** With the native transport: 'openmpi' or 'mpich'. */
  mpi?: string;
}

/** Attribute/value rows: sysinfo's attributes, then mpi4ts, SLURM, transports and MPI libraries. */
export async function infoRows(): Promise<[string, SysinfoValue][]> {
  const rows: [string, SysinfoValue][] = [...sysinfo(), ['mpi4ts', packageVersion()]];
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
  for (const t of await availableTransports()) {
    rows.push([`transport.${t.name}`, `${t.available ? 'available' : 'unavailable'}: ${t.detail}`]);
  }
  // The first line of MPI_Get_library_version up to its first comma: "Open MPI v4.1.4", "MPICH Version: 4.0.2".
  for (const lib of nativeLibraries()) {
    rows.push([`mpi.${lib.library}`, 'error' in lib ? lib.error
      : `${lib.text.split('\n')[0]!.split(',')[0]!.replace(/\s+/g, ' ').trim()} (MPI ${lib.version.join('.')})`]);
  }
  return rows;
}

/** The table `cms sysinfo` prints: Attribute, Value, the names padded to one width. */
export function formatTable(rows: readonly (readonly [string, SysinfoValue])[]): string {
  const w = Math.max('Attribute'.length, ...rows.map(([k]) => k.length));
  return [`${'Attribute'.padEnd(w)}  Value`, ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`)].join('\n') + '\n';
}

/** What the library of the chosen transport says of itself: MPI_Get_version, MPI_Get_library_version. */
interface LibraryAnswer { version: [number, number]; description: string | null; transport: string }

/** Thrown for a transport or library that cannot answer: main.ts prints the message, exit status 1. */
export class InfoError extends Error {}

async function libraryOf(o: InfoOptions): Promise<LibraryAnswer> {
  const transport = o.transport ?? process.env['MPI4TS_TRANSPORT'] ?? 'threads';
  if (transport === 'threads') return { version: [VERSION, SUBVERSION], description: null, transport };
  if (transport !== 'native') throw new InfoError(`--transport ${transport}: the transports are 'threads' and 'native'`);
  const lib = nativeLibraries(o.mpi ?? process.env['MPI4TS_MPI'])[0];
  if (lib === undefined) throw new InfoError(`the native transport is unavailable: ${(await availableTransports()).find((t) => t.name === 'native')!.detail}`);
  if ('error' in lib) throw new InfoError(`${lib.library}: ${lib.error}`);
  return { version: lib.version, description: lib.text, transport };
}

/**
 * The line `python -m mpi4py --mpi-std-version` (or --mpi-lib-version,
 * --mpi-vendor) prints: "MPI 4.0" with the runtime's version in
 * parentheses when the library implements another ("MPI 4.0 (runtime: MPI
 * 3.1)" on Open MPI 4.1); the library's version text; "Open MPI 4.1.4".
 */
export async function mpiAnswer(what: 'std' | 'lib' | 'vendor', o: InfoOptions): Promise<string> {
  const lib = await libraryOf(o);
  if (what === 'std') {
    const version = `${VERSION}.${SUBVERSION}`;
    const runtime = lib.version.join('.');
    return `MPI ${version}${runtime !== version ? ` (runtime: MPI ${runtime})` : ''}`;
  }
  if (what === 'lib') return libraryVersion(lib.transport, lib.description);
  const [name, [major, minor, patch]] = lib.description !== null ? vendorOf(lib.description) : ownVendor(packageVersion());
  return `${name} ${major}.${minor}.${patch}`;
}

/** `mpi4ts info [-v] [-t] [--json] [--mpi-std-version|--mpi-lib-version|--mpi-vendor]`: the text to print. */
export async function infoText(o: InfoOptions): Promise<string> {
  const asked = ([['std', o.mpiStdVersion], ['lib', o.mpiLibVersion], ['vendor', o.mpiVendor]] as const).filter(([, on]) => on);
  if (asked.length > 0) {
    if (o.json) {
      const keys = { std: 'mpi_std_version', lib: 'mpi_lib_version', vendor: 'mpi_vendor' } as const;
      const answers = await Promise.all(asked.map(async ([w]) => [keys[w], await mpiAnswer(w, o)] as const));
      return `${JSON.stringify(Object.fromEntries(answers), null, 2)}\n`;
    }
    return (await Promise.all(asked.map(async ([w]) => `${(await mpiAnswer(w, o)).trimEnd()}\n`))).join('');
  }
  if (o.vector || o.totals) {
    const v = systemVector();
    const [N, Np, Npc, Npct] = systemTotals(v);
    if (o.json) {
      return `${JSON.stringify({
        ...(o.vector ? { vector: v } : {}),
        ...(o.totals ? { totals: { N, 'N*p': Np, 'N*p*c': Npc, 'N*p*c*t': Npct } } : {}),
      }, null, 2)}\n`;
    }
    return (o.vector ? `S(N, p, c, t) = S(${v.N}, ${v.p}, ${v.c}, ${v.t})\n` : '') +
      (o.totals ? `S^T(N, N*p, N*p*c, N*p*c*t) = S^T(${N}, ${Np}, ${Npc}, ${Npct})\n` : '');
  }
  const rows = await infoRows();
  return o.json ? `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n` : formatTable(rows);
}

/** Print what `mpi4ts info` was asked; 1 (after saying why) when the chosen library cannot answer. */
export async function printInfo(o: InfoOptions = {}): Promise<number> {
  try {
    process.stdout.write(await infoText(o));
    return 0;
  } catch (e) {
    if (!(e instanceof InfoError)) throw e;
    process.stderr.write(`mpi4ts info: ${e.message}\n`);
    return 1;
  }
}
