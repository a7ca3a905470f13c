/**
 * The launcher's contract: what `mpi4ts run` (src/cli/run.ts) needs of a
 * transport to start a job and see it end, as spi.ts is what the ranks need
 * of it. Each transport provides one (threads/launch.ts, native/launch.ts);
 * select.ts picks it by name and loads only that transport's launching code.
 * The command keeps what is the same for every transport: the script
 * (compiled once), `--trace`'s file, signals and a lost parent.
 */

/** Options of `mpi4ts run` that choose where and on what the ranks run, by their names there; a launcher takes some of them. */
export interface Placement {
  /** `--mpi`: the MPI library. */
  readonly mpi?: string;
  /** `--host h1,h2` (comma-separated, as given). */
  readonly host?: string;
  readonly hostfile?: string;
  readonly rankfile?: string;
  /** `--ppn`: processes per node. */
  readonly ppn?: number;
  readonly oversubscribe?: boolean;
}
export type PlacementOption = keyof Placement;
/** Every placement option, in the order `mpi4ts run` looks at them. */
export const PLACEMENT_OPTIONS: readonly PlacementOption[] = ['host', 'hostfile', 'rankfile', 'ppn', 'oversubscribe', 'mpi'];

/** A job to start, as `mpi4ts run` parsed it. */
export interface LaunchRequest {
  /** Number of ranks. */
  readonly np: number;
  /** Absolute path of the script every rank runs. */
  readonly script: string;
  /** The URL of the script's compiled JavaScript when it is TypeScript (src/loader/precompile). */
  readonly entry?: string;
  readonly args: readonly string[];
  /** `--tag-output`: prefix every output line with `[rank]`. */
  readonly tagOutput?: boolean;
  /** `--usize`: MPI_UNIVERSE_SIZE. */
  readonly usize?: number;
  /** `--timeout`: end the job after this many seconds (exit status 124). */
  readonly timeout?: number;
  /** `--max-memory`: JavaScript heap limit of each rank in MB. */
  readonly maxMemory?: number;
  /** `--check`: every rank checks its collectives (MPI4TS_CHECK=1). */
  readonly check?: boolean;
  /** `--trace`: the folder where every rank writes its part of the timeline. */
  readonly traceFolder?: string;
  /** `--verbose`: say how the job is started. */
  readonly verbose?: boolean;
  /** Placement options given (only those the launcher `accepts` reach it). */
  readonly placement: Placement;
}

/** How a job ended. */
export interface JobResult {
  /** Exit status for the launcher: 0, the failing rank's code, 128 + a signal's number... */
  readonly code: number;
  /** What went wrong, for the launcher's message (`mpi4ts: ...`); null on success or when the job said it already. */
  readonly failure: string | null;
}

/** Why a running job is stopped from outside. */
export interface Interruption {
  /** The signal, received or (for a lost parent) handled as if received; the exit status is 128 + its number. */
  readonly signal: NodeJS.Signals;
  /** What happened, for the user (e.g. `interrupted by SIGINT`). */
  readonly why: string;
  /** True when the signal reached this process itself (Ctrl-C reaches the whole process group); false for a lost parent. */
  readonly delivered: boolean;
}

/** A job once started. */
export interface LaunchedJob {
  /** Settles when every process of the job has ended. */
  readonly result: Promise<JobResult>;
  /** Stop the job (a signal, a lost parent); a second interruption may end the launcher at once. */
  interrupt(what: Interruption): void;
}

/** What a transport offers `mpi4ts run`. */
export interface Launcher {
  /** The transport's name (`--transport`, MPI4TS_TRANSPORT). */
  readonly name: string;
  /** The placement options it takes; `mpi4ts run` refuses the others with `refuse`'s message. */
  readonly accepts: readonly PlacementOption[];
  /** Why `--option` does not apply to this launcher, for `mpi4ts: <message>`. */
  refuse(option: PlacementOption): string;
  /** Start the job; throws (an Error, a RangeError for bad options) when it cannot start. */
  start(request: LaunchRequest): LaunchedJob;
}
