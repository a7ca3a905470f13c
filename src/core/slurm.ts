/**
 * What SLURM tells a process through its environment, read in one place:
 * the allocation a launcher runs in (`salloc`, `sbatch`), the rank count it
 * implies, and whether `srun` started this process as one task of several
 * without a PMI plugin through which the tasks could find each other.
 *
 * Which variables are set where (slurm-wlm 22.05):
 *
 * | variable              | salloc shell | sbatch script | srun task |
 * | --------------------- | ------------ | ------------- | --------- |
 * | SLURM_JOB_ID          | yes          | yes           | yes       |
 * | SLURM_NTASKS          | with -n      | with -n       | yes       |
 * | SLURM_PROCID          | no           | 0             | the task  |
 * | SLURM_STEP_NUM_TASKS  | no           | no            | yes       |
 * | SLURM_MPI_TYPE        | no           | no            | --mpi=X (not none) |
 * | PMI_RANK / PMI_FD     | no           | no            | --mpi=pmi2 |
 * | PMIX_RANK             | no           | no            | --mpi=pmix |
 *
 * So "a task of a multi-task step" is SLURM_STEP_NUM_TASKS > 1 with
 * SLURM_PROCID, not SLURM_NTASKS > 1: a batch script has SLURM_PROCID=0 and
 * SLURM_NTASKS=N while it is one process.
 */

type Env = NodeJS.ProcessEnv;

/** The PMI plugin of `srun --mpi=` each library's Debian build speaks. */
export const SLURM_PLUGIN: Readonly<Record<string, string>> = { openmpi: 'pmix', mpich: 'pmi2' };

/** A SLURM allocation this process runs in, as its environment describes it. */
export interface SlurmAllocation {
  jobId: string;
  /** Tasks asked for (`-n`); null when the job did not say. */
  ntasks: number | null;
  /** CPUs per task (`-c`); null when not given. */
  cpusPerTask: number | null;
  /** CPUs the job has on this node (sbatch, srun) or on its first node (salloc). */
  cpusOnNode: number | null;
  nodes: number | null;
  nodelist: string | null;
  partition: string | null;
  /** The srun step this process is a task of, with its task number: null outside one. */
  step: { id: string; tasks: number; procid: number } | null;
}

function int(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v.trim())) return null;
  return Number(v);
}

/** The allocation of this process, or null outside SLURM. */
export function slurmAllocation(env: Env = process.env): SlurmAllocation | null {
  const jobId = env['SLURM_JOB_ID'] ?? env['SLURM_JOBID'];
  if (jobId === undefined) return null;
  // SLURM_JOB_CPUS_PER_NODE is "3", "12(x2)" or "12,8": the first node's count.
  const perNode = /^(\d+)/.exec(env['SLURM_JOB_CPUS_PER_NODE'] ?? '');
  const stepTasks = int(env['SLURM_STEP_NUM_TASKS']);
  const procid = int(env['SLURM_PROCID']);
  return {
    jobId,
    ntasks: int(env['SLURM_NTASKS'] ?? env['SLURM_NPROCS']),
    cpusPerTask: int(env['SLURM_CPUS_PER_TASK']),
    cpusOnNode: int(env['SLURM_CPUS_ON_NODE']) ?? (perNode ? Number(perNode[1]) : null),
    nodes: int(env['SLURM_JOB_NUM_NODES'] ?? env['SLURM_NNODES']),
    nodelist: env['SLURM_JOB_NODELIST'] ?? env['SLURM_NODELIST'] ?? null,
    partition: env['SLURM_JOB_PARTITION'] ?? null,
    step: stepTasks !== null && procid !== null
      ? { id: `${jobId}.${env['SLURM_STEP_ID'] ?? env['SLURM_STEPID'] ?? '?'}`, tasks: stepTasks, procid }
      : null,
  };
}

/** The sum of a SLURM per-node list such as SLURM_TASKS_PER_NODE: "3", "2(x3)", "12(x2),8"; null if unreadable. */
export function sumPerNode(list: string | undefined): number | null {
  if (list === undefined || list.trim() === '') return null;
  let total = 0;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:\(x(\d+)\))?$/.exec(part.trim());
    if (!m) return null;
    total += Number(m[1]) * Number(m[2] ?? 1);
  }
  return total;
}

/**
 * Ranks a launcher runs without `-n` inside an allocation: for one task of
 * several CPUs (`-n 1 -c 4`, the embedded runtime's natural request: one
 * process, threads), those CPUs; else the tasks asked for (`salloc -n 4`),
 * else the tasks SLURM planned per node (`salloc -N 3`: one per node, as
 * the seed's `salloc -N 3 mpiexec ...` runs 3), else the CPUs of the
 * allocation on this node. Null outside SLURM.
 */
export function allocationRanks(env: Env = process.env): number | null {
  const a = slurmAllocation(env);
  if (a === null) return null;
  if (a.ntasks === 1 && a.cpusPerTask !== null && a.cpusPerTask > 1) return a.cpusPerTask;
  return a.ntasks ?? sumPerNode(env['SLURM_TASKS_PER_NODE']) ?? a.cpusOnNode;
}

/**
 * Why this process, a task of an srun step, cannot join its step's
 * COMM_WORLD with `library` (the MPI library it would bind, or null when
 * none is built): no PMI plugin (each task would be a silent world of one),
 * or a plugin the library does not speak (Open MPI aborts in MPI_Init,
 * MPICH waits forever). Null when nothing is wrong or outside such a step.
 */
export function slurmPmiProblem(env: Env, library: string | null): string | null {
  const a = slurmAllocation(env);
  if (a?.step == null || a.step.tasks < 2) return null;
  // Started by an mpiexec (which srun may have started on each node: Open
  // MPI's orted, Hydra's proxies): the library's own launcher wired it.
  if (env['OMPI_COMM_WORLD_SIZE'] !== undefined || env['MPIR_CVAR_CH3_INTERFACE_HOSTNAME'] !== undefined) return null;
  const { tasks, procid, id } = a.step;
  const want = library !== null ? SLURM_PLUGIN[library] : undefined;
  const use = want !== undefined
    ? `srun --mpi=${want} (the plugin ${library === 'openmpi' ? 'Open MPI' : 'MPICH'} speaks; ${library === 'openmpi' ? 'MPICH: MPI4TS_MPI=mpich srun --mpi=pmi2' : 'Open MPI: MPI4TS_MPI=openmpi srun --mpi=pmix'})`
    : 'srun --mpi=pmix (Open MPI) or srun --mpi=pmi2 (MPICH), with the native transport built (see mpi4ts info)';
  const plugin = env['SLURM_MPI_TYPE'];
  const hasPmi = env['PMI_RANK'] !== undefined || env['PMI_FD'] !== undefined || env['PMIX_RANK'] !== undefined;
  if (!hasPmi) {
    return `task ${procid} of ${tasks} of SLURM step ${id} was started by srun without a PMI plugin`
      + ` (--mpi=${plugin ?? 'none'}), so the tasks cannot find each other and each would run alone as a world of one rank;`
      + ` run it with ${use}, or set MpiDefault in slurm.conf (\`srun --mpi=list\` lists the plugins)`;
  }
  if (want !== undefined && plugin !== undefined && plugin !== want && !plugin.startsWith(want)) {
    return `task ${procid} of ${tasks} of SLURM step ${id} was started by srun --mpi=${plugin}, which ${library === 'openmpi' ? 'Open MPI' : 'MPICH'}`
      + ` (MPI4TS_MPI=${library}) does not speak; run it with ${use}`;
  }
  return null;
}

/**
 * Why the `mpi4ts` launcher should not run here: srun started it as one of
 * several tasks, so each copy would run a whole job of its own. Null otherwise.
 */
export function slurmLauncherProblem(env: Env = process.env): string | null {
  const a = slurmAllocation(env);
  if (a?.step == null || a.step.tasks < 2) return null;
  return `srun started ${a.step.tasks} copies of the launcher (SLURM step ${a.step.id}), and each would run a whole job of its own;`
    + ' run the launcher once (`npx mpi4ts app.ts` inside salloc/sbatch takes its rank count from the allocation),'
    + ' or let srun start the ranks themselves: `srun --mpi=pmix -n N npx mpi4ts --rank app.ts`';
}
