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
import type { InfoOptions } from './info.js';
import type { PlaygroundOptions } from './playground.js';
import { parseRc, RcError } from '../core/rc.js';
import { collectCsv, parseParam, runSweep, sweepJobs, sweepScript, type SweepOptions } from './sweep.js';

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

/** `--port P` of playground: 0 (any free port) to 65535. */
function portNumber(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError(`--port must be an integer from 0 to 65535, got '${v}'`);
  return n;
}

/** `-n 1,2,4` of sweep. */
function rankList(v: string): number[] {
  return v.split(',').map((x) => positiveInt('-n')(x));
}

/** `--param name=v1,v2` of sweep, as commander wants its errors. */
function paramArg(v: string): [string, string[]] {
  try {
    return parseParam(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `-rc a=1 -rc b=2`: checked (core/rc.ts) and joined, as mpi4py collects them. */
function rcArg(v: string, previous: string | undefined): string {
  try {
    parseRc(v);
  } catch (e) {
    if (e instanceof RcError) throw new InvalidArgumentError(e.message);
    throw e;
  }
  return previous === undefined ? v : `${previous},${v}`;
}

const SUBCOMMANDS = new Set(['run', 'info', 'bench', 'sweep', 'trace', 'playground', 'help']);
/** `python -m mpi4py` options that only print and exit: `mpi4ts --mpi-vendor` is `mpi4ts info --mpi-vendor`. */
const INFO_OPTIONS = new Set(['--mpi-std-version', '--mpi-lib-version', '--mpi-vendor']);
/** Options that take a value, so the first positional can be found. */
const VALUED = new Set(['-n', '--np', '--usize', '--rc', '-rc', '-c', '--timeout', '--max-memory', '--transport', '--host', '--hostfile', '--rankfile', '--ppn', '--mpi', '--trace', '-host', '-hostfile', '-machinefile', '-rankfile', '-ppn', '--param', '--dir', '--plot', '--x', '--port']);

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
      else if (out[j] === '-rc') out[j] = '--rc';
      j += VALUED.has(out[j]!) ? 2 : 1;
    }
    return j;
  };
  if (out.length > 0 && INFO_OPTIONS.has(out[0]!)) return ['info', ...out];
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
    .option('--rc <key=value,...>', "runtime configuration, as python -m mpi4py -rc: threads, thread_level ('multiple', 'serialized', 'funneled', 'single'), errors ('exception', 'default', 'abort', 'fatal'); every rank reads it from MPI4TS_RC (also -rc)", rcArg)
    .argument('<script>', 'the .ts, .mts, .js or .mjs file every rank runs')
    .argument('[args...]', 'arguments for the script (process.argv of every rank)')
    .passThroughOptions()
    .action(async (script: string, args: string[], o: RunCommandOptions & { rc?: string }) => {
      // Ranks (threads, mpiexec's processes, spawned ones) inherit the environment.
      if (o.rc !== undefined) process.env['MPI4TS_RC'] = o.rc;
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

  program.command('sweep')
    .description('run a parameter sweep as the seed does: one job and log per combination, skipping jobs whose log has a result (mpi4ts/stopwatch # csv lines)')
    .usage('[-n 1,2,4] [--param name=v1,v2] [--dir benchmark] [--script | --collect | --plot out.png --x name] <script> [args...]')
    .option('-n, --np <list>', 'rank counts, comma-separated', rankList, [1])
    .option('--param <name=v1,v2,...>', "a parameter of the script, passed as --name value (repeat for more)", (v: string, prev: [string, string[]][]) => [...prev, paramArg(v)], [] as [string, string[]][])
    .option('--dir <folder>', 'folder of the logs', 'benchmark')
    .option('--script', 'print the sweep as a shell script instead of running it (the seed\'s sweep-generator)')
    .option('--collect', 'print one CSV of the # csv lines of every log in --dir (np and the parameters first)')
    .option('--plot <file.png>', 'draw the collected CSV of --dir: time (first timer of each job) against --x, one line per rank count')
    .option('--x <param>', 'with --plot: the parameter on the x axis')
    .argument('[script]', 'the program each job runs')
    .argument('[args...]', 'arguments for every job')
    .passThroughOptions()
    .action(async (script: string | undefined, args: string[], o: SweepOptions & { plot?: string; x?: string }) => {
      if (o.plot !== undefined) {
        if (o.x === undefined) {
          process.stderr.write('mpi4ts sweep: --plot: which parameter goes on the x axis? (--x name)\n');
          status = 2;
          return;
        }
        const { savePlot } = await import('./plot.js');
        try {
          savePlot(o.plot, collectCsv(o.dir), o.x);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          process.stderr.write(`mpi4ts sweep: ${e.message}\n`);
          status = 2;
        }
        return;
      }
      if (o.collect) {
        process.stdout.write(collectCsv(o.dir));
        return;
      }
      if (script === undefined) {
        process.stderr.write('mpi4ts sweep: which script? (mpi4ts sweep -n 1,2 app.ts)\n');
        status = 2;
        return;
      }
      const jobs = sweepJobs(script, args, o);
      if (o.script) process.stdout.write(sweepScript(jobs));
      else status = runSweep(jobs, (l) => process.stdout.write(`${l}\n`)) > 0 ? 1 : 0;
    });
  const trace = program.command('trace').description('read a timeline recorded with --trace');
  trace.command('summary')
    .description('time in MPI per rank and the message matrix (count and bytes, sender x receiver)')
    .argument('<file>', 'the Trace Event file --trace wrote')
    .action(async (file: string) => { status = (await import('./trace.js')).traceSummary(file); });

  program.command('playground')
    .description('serve the playground (run the examples, or your own program, in a browser tab) and print its URL')
    .option('--port <P>', 'TCP port (0: any free one)', portNumber, 8080)
    .option('--host <H>', 'address to listen on', '127.0.0.1')
    .option('--open', "open the page in the system's browser")
    // Loaded on demand: node:http is no business of `run`.
    .action(async (o: PlaygroundOptions) => { status = await (await import('./playground.js')).servePlayground(o); });

  program.command('info')
    .description('print the machine (the attributes of cms sysinfo), versions, transports and MPI libraries')
    .option('-v, --vector', "the system vector S(N, p, c, t): nodes, processors per node, cores per processor, threads per core")
    .option('-t, --totals', 'the totals S^T(N, N*p, N*p*c, N*p*c*t)')
    .option('--json', 'print one JSON object instead of the table')
    .option('--mpi-std-version', 'print the MPI standard version, and the library\'s where it differs (python -m mpi4py --mpi-std-version)')
    .option('--mpi-lib-version', 'print the MPI library version (MPI_Get_library_version)')
    .option('--mpi-vendor', 'print the MPI vendor and its version (mpi4py\'s get_vendor)')
    .option('--transport <name>', "which transport the --mpi-* options describe: 'threads' (the default) or 'native'")
    .option('--mpi <library>', "with --transport native: 'openmpi' or 'mpich' (default: MPI4TS_MPI, else the first built)")
    .addHelpText('after', '\nmpi4ts --mpi-std-version (and --mpi-lib-version, --mpi-vendor) is short for mpi4ts info --mpi-std-version.\n')
    // Loaded on demand: info names every transport (select.ts), which `run` need not load.
    .action(async (o: InfoOptions) => { status = await (await import('./info.js')).printInfo(o); });

  try {
    await program.parseAsync(normaliseArgv(argv), { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    throw e;
  }
  return status;
}
