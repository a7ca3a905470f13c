/**
 * The contract between the launcher and a rank: everything a rank needs to
 * join the job, passed as `workerData.mpi4ts` to the worker thread (embedded
 * runtime). Plain data and shared memory only, so it survives structured clone.
 */
import type { MessagePort } from 'node:worker_threads';

export interface RankBootstrap {
  /** Always 1 for this layout; bumped if the contract changes. */
  readonly version: 1;
  /** Global process id: index in the process table. */
  readonly gpid: number;
  /** Rank and size in this process's COMM_WORLD, and the gpid of each world rank. */
  readonly worldRank: number;
  readonly worldGpids: readonly number[];
  /** The process table (doorbells, states): see transport/threads/proctable.ts. */
  readonly procTable: SharedArrayBuffer;
  /** Port on which the launcher hands this rank new incoming channels ('ports' sharing; null for a singleton or in 'arena' sharing). */
  readonly controlPort: MessagePort | null;
  /**
   * 'arena' sharing (transport/threads/shared.ts): the growable
   * SharedArrayBuffer every rank allocates its shared memory from, and this
   * rank's mailbox in it, where the launcher writes what it would post on
   * the control port.
   */
  readonly arena?: SharedArrayBuffer;
  readonly mailbox?: { readonly sab: SharedArrayBuffer; readonly offset: number; readonly bytes: number };
  /** Transport tunables (ring size, eager limit, spin and yield times). */
  readonly config: { ringBytes?: number; eagerLimit?: number; spinMicros?: number; yieldMicros?: number };
  /** The launcher's `performance.timeOrigin`: every rank's Wtime counts from it. */
  readonly timeOrigin: number;
  /** MPI_UNIVERSE_SIZE and MPI_APPNUM attributes. */
  readonly universeSize: number;
  readonly appnum: number;
  /** The user's script (absolute path) and its arguments. */
  readonly script: string;
  readonly argv: readonly string[];
  /** For a TypeScript script: the URL of its compiled JavaScript, which the launcher made (src/loader/). */
  readonly entry?: string;
  /** True for the rank that owns standard input (rank 0 of the first world). */
  readonly ownsStdin: boolean;
  /** Prefix every output line with `[rank] ` (the launcher's --tag-output). */
  readonly tagOutput: boolean;
  /**
   * For a process started by MPI_Comm_spawn: the context id of the
   * parent/child intercommunicator (its local side uses `ctx + 2`) and the
   * parents' process ids in rank order. Absent or null otherwise.
   */
  readonly parent?: { readonly ctx: number; readonly parents: readonly number[] } | null;
  /** Label of this process's output lines under --tag-output (default: its world rank; `k,r` for rank r of the k-th spawn). */
  readonly outputTag?: string;
}

/** Key under which the bootstrap record travels in `workerData`. */
export const BOOTSTRAP_KEY = 'mpi4ts';
