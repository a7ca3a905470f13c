/**
 * The `mpi4ts` command. mpiexec-style spellings (`-np 4`, `-usize 17`) are
 * accepted and rewritten to their long forms before parsing; everything after
 * the script name belongs to the script.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runScript, type RunCommandOptions } from './run.js';
import { runBench, benchHelpText } from './bench.js';
import { allocationRanks, slurmLauncherProblem } from '../core/slurm.js';
import { packageVersion } from './version.js';

/**
 * Ranks when `-n` is not given: inside a SLURM allocation, what it holds
 * (`salloc -n 4 npx mpi4ts app.ts` runs 4), else 1. Null, after saying why,
 * when srun started several copies of the launcher.
 */
function defaultRanks(np: number | undefined): number | null {
  const problem = slurmLauncherProblem();
  if (problem !== null) {
    if (process.env['SLURM_PROCID'] === '0') process.stderr.write(`mpi4ts: ${problem}\n`); // once, not from every copy
    return null;
  }
  return np ?? allocationRanks() ?? 1;
}

function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${v}'`);
    return n;
  };
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

const SUBCOMMANDS = new Set(['run', 'info', 'bench', 'trace', 'help']);
/** Options that take a value, so the first positional can be found. */
const VALUED = new Set(['-n', '--np', '--usize', '-c', '--timeout', '--max-memory', '--transport', '--host', '--hostfile', '--rankfile', '--ppn', '--mpi', '--trace', '-host', '-hostfile', '-machinefile', '-rankfile', '-ppn']);

/** Rewrite mpiexec spellings and put the subcommand first (`mpi4ts -n 4 bench x` = `mpi4ts bench -n 4 x`). */
export function normaliseArgv(argv: string[]): string[] {
  const out = [...argv];
  // Only the launcher's own options are rewritten: those before the first
  // positional, and those right after a subcommand (`bench -np 3 helloworld`).
  const rewrite = (from: number): number => {
    let j = from;
    while (j < out.length && out[j]!.startsWith('-')) {
      if (out[j] === '-np') out[j] = '--np';
      else if (out[j] === '-usize') out[j] = '--usize';
      else if (out[j] === '-host' || out[j] === '-hosts') out[j] = '--host';
      else if (out[j] === '-hostfile' || out[j] === '-machinefile' || out[j] === '--machinefile') out[j] = '--hostfile';
      else if (out[j] === '-rankfile') out[j] = '--rankfile';
      else if (out[j] === '-ppn') out[j] = '--ppn';
      j += VALUED.has(out[j]!) ? 2 : 1;
    }
    return j;
  };
  const i = rewrite(0);
  if (i < out.length && SUBCOMMANDS.has(out[i]!)) rewrite(i + 1);
  if (i < out.length && SUBCOMMANDS.has(out[i]!) && i > 0) {
    const [sub] = out.splice(i, 1);
    out.unshift(sub!);
  } else if (i >= out.length || !SUBCOMMANDS.has(out[i]!)) {
    if (!(out.length > 0 && (out[0] === '--help' || out[0] === '-h' || out[0] === '--version' || out[0] === '-V'))) out.unshift('run');
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let status = 0;
  const program = new Command('mpi4ts')
    .description('Run SPMD TypeScript/JavaScript programs with MPI (embedded runtime: ranks are worker threads)')
    .version(packageVersion())
    .enablePositionalOptions()
    .addHelpText('after', '\nOne rank started by another launcher (srun --mpi=pmix|pmi2, mpiexec):\n  mpi4ts --rank script [args...]\n')
    .exitOverride();

  program.command('run', { isDefault: true })
    .description('run a script on N ranks (the default command)')
    .option('-n, --np <N>', 'number of ranks (default: the tasks of the SLURM allocation, else 1)', positiveInt('-n'))
    .option('--tag-output', 'prefix each output line with [rank]')
    .option('--futures', 'rank 0 runs the script, the other ranks serve its MPIPoolExecutors (python -m mpi4py.futures)')
    .option('--usize <U>', 'universe size (MPI.UNIVERSE_SIZE): most processes alive at once, started and spawned (default: the larger of -n and the number of cores, as Open MPI counts slots)', positiveInt('--usize'))
    .option('--timeout <seconds>', 'end the job after this many seconds, saying where each rank was (exit status 124)', positiveNumber('--timeout'))
    .option('--check', 'every collective call first checks that all ranks made the same call (collective, root, op, type signatures); a mismatch ends the job with a report (exit status 87)')
    .option('--trace <file>', 'record every MPI call and message of every rank into <file>, a Trace Event file for ui.perfetto.dev or chrome://tracing (see mpi4ts trace summary)')
    .option('--max-memory <MB>', 'JavaScript heap limit of each rank, in MB (a rank above it fails: out of memory)', positiveInt('--max-memory'))
    .option('--transport <name>', "'threads' (embedded, the default) or 'native' (the system's mpiexec and MPI library)")
    .option('--mpi <library>', "with --transport native: 'openmpi' or 'mpich' (default: MPI4TS_MPI, else the first built)")
    .option('--host <hosts>', 'native: comma-separated hosts (h1,h2 or h1:4,h2:4)')
    .option('--hostfile <file>', "native: host file ('host slots=K' or 'host:K' lines)")
    .option('--rankfile <file>', "native: rank file ('rank N=host slot=...' lines)")
    .option('--ppn <K>', 'native: processes per node', positiveInt('--ppn'))
    .option('--oversubscribe', 'native: allow more processes than slots (Open MPI)')
    .option('--verbose', 'native: print the mpiexec command that runs')
    .argument('<script>', 'the .ts, .mts, .js or .mjs file every rank runs')
    .argument('[args...]', 'arguments for the script (process.argv of every rank)')
    .passThroughOptions()
    .action(async (script: string, args: string[], o: RunCommandOptions) => {
      const np = defaultRanks(o.np);
      status = np === null ? 2 : await runScript(script, args, { ...o, np });
    });

  program.command('bench')
    .description('run a benchmark, like python -m mpi4py.bench (helloworld, ringtest, pingpong)')
    .usage('[-n N] <name> [benchmark options]')
    .option('-n, --np <N>', 'number of ranks (before the benchmark name; default: the tasks of the SLURM allocation, else 1)', positiveInt('-n'))
    .option('--transport <name>', "'threads' (embedded, the default) or 'native' (the system's mpiexec and MPI library)")
    .option('--mpi <library>', "with --transport native: 'openmpi' or 'mpich'")
    .option('--verbose', 'native: print the mpiexec command that runs')
    .argument('[name]', 'the benchmark: helloworld, ringtest or pingpong')
    .argument('[args...]', 'options of the benchmark (see mpi4ts bench <name> --help)')
    .passThroughOptions()
    .addHelpText('after', benchHelpText())
    .action(async (name: string | undefined, args: string[], o: { np?: number; transport?: string; mpi?: string; verbose?: boolean }) => {
      const np = defaultRanks(o.np);
      status = np === null ? 2 : await runBench(name, args, { ...o, np });
    });

  const trace = program.command('trace').description('read a timeline recorded with --trace');
  trace.command('summary')
    .description('time in MPI per rank and the message matrix (count and bytes, sender x receiver)')
    .argument('<file>', 'the Trace Event file --trace wrote')
    .action(async (file: string) => { status = (await import('./trace.js')).traceSummary(file); });

  program.command('info')
    .description('print versions, transports and the machine')
    // Loaded on demand: info names every transport (select.ts), which `run` need not load.
    .action(async () => { (await import('./info.js')).printInfo(); });

  try {
    await program.parseAsync(normaliseArgv(argv), { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    throw e;
  }
  return status;
}
