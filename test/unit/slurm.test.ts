/**
 * SLURM's environment as mpi4ts reads it (src/core/slurm.ts): the
 * allocation, the ranks run without -n, and the checks that stop srun tasks
 * that cannot find each other; and `mpi4ts --transport native` inside an
 * allocation (launch.ts). The environments are the ones slurm-wlm 22.05
 * sets (see the table in slurm.ts); test/spmd/slurm.test.ts runs the real scheduler.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocationRanks, slurmAllocation, sumPerNode, slurmLauncherProblem, slurmPmiProblem } from '../../src/core/slurm.ts';
import { planLaunch, type MpiFlavour } from '../../src/transport/native/launch.ts';

const JOB = { SLURM_JOB_ID: '14', SLURM_JOB_NODELIST: 'vm', SLURM_JOB_NUM_NODES: '1', SLURM_JOB_PARTITION: 'debug' };
const SALLOC = { ...JOB, SLURM_NTASKS: '3', SLURM_NPROCS: '3', SLURM_JOB_CPUS_PER_NODE: '3' };
const BATCH = { ...JOB, SLURM_NTASKS: '4', SLURM_PROCID: '0', SLURM_CPUS_ON_NODE: '4' };
const TASK = { ...JOB, SLURM_NTASKS: '2', SLURM_STEP_NUM_TASKS: '2', SLURM_PROCID: '0', SLURM_STEP_ID: '0' };
const PMIX = { SLURM_MPI_TYPE: 'pmix', PMIX_RANK: '0', PMIX_NAMESPACE: 'slurm.pmix.9.0' };
const PMI2 = { SLURM_MPI_TYPE: 'pmi2', PMI_RANK: '0', PMI_SIZE: '2', PMI_FD: '11', PMI_JOBID: '10.0' };

describe('the allocation', () => {
  test('outside SLURM: none, and no rank count', () => {
    assert.equal(slurmAllocation({}), null);
    assert.equal(allocationRanks({}), null);
  });

  test('salloc -n 3: the tasks asked for; no step', () => {
    const a = slurmAllocation(SALLOC)!;
    assert.deepEqual([a.jobId, a.ntasks, a.cpusOnNode, a.nodes, a.nodelist, a.partition, a.step], ['14', 3, 3, 1, 'vm', 'debug', null]);
    assert.equal(allocationRanks(SALLOC), 3);
  });

  test('salloc -N 3 (no -n): the tasks SLURM planned per node, as mpiexec would run', () => {
    assert.equal(allocationRanks({ ...JOB, SLURM_TASKS_PER_NODE: '1(x3)', SLURM_JOB_CPUS_PER_NODE: '4(x3)' }), 3);
    assert.equal(sumPerNode('12(x2),8'), 32);
    assert.equal(sumPerNode('2(x'), null);
  });

  test('-n 1 -c 4 (one process, threads): the CPUs of the task; no -n: the CPUs on the node', () => {
    assert.equal(allocationRanks({ ...JOB, SLURM_NTASKS: '1', SLURM_CPUS_PER_TASK: '4' }), 4);
    assert.equal(allocationRanks({ ...JOB, SLURM_JOB_CPUS_PER_NODE: '12(x2)' }), 12);
    assert.equal(allocationRanks({ ...JOB, SLURM_CPUS_ON_NODE: '6', SLURM_JOB_CPUS_PER_NODE: '12,8' }), 6);
  });
});

describe('srun tasks that cannot form one world', () => {
  test('no PMI plugin: the plugin of the library that would be bound is named', () => {
    assert.match(slurmPmiProblem(TASK, 'openmpi')!, /^task 0 of 2 of SLURM step 14\.0 was started by srun without a PMI plugin \(--mpi=none\).*run it with srun --mpi=pmix /);
    assert.match(slurmPmiProblem(TASK, 'mpich')!, /run it with srun --mpi=pmi2 /);
    assert.match(slurmPmiProblem(TASK, null)!, /srun --mpi=pmix \(Open MPI\) or srun --mpi=pmi2 \(MPICH\)/);
  });

  test('a plugin the library does not speak', () => {
    assert.match(slurmPmiProblem({ ...TASK, ...PMIX }, 'mpich')!, /started by srun --mpi=pmix, which MPICH .* run it with srun --mpi=pmi2 /);
    assert.match(slurmPmiProblem({ ...TASK, ...PMI2 }, 'openmpi')!, /started by srun --mpi=pmi2, which Open MPI .* run it with srun --mpi=pmix /);
  });

  test('the right plugin, one task, a batch script, an salloc shell, ranks of an mpiexec: nothing to say', () => {
    assert.equal(slurmPmiProblem({ ...TASK, ...PMIX }, 'openmpi'), null);
    assert.equal(slurmPmiProblem({ ...TASK, ...PMI2 }, 'mpich'), null);
    assert.equal(slurmPmiProblem({ ...TASK, SLURM_STEP_NUM_TASKS: '1' }, 'openmpi'), null);
    assert.equal(slurmPmiProblem(BATCH, 'openmpi'), null);
    assert.equal(slurmPmiProblem(SALLOC, 'openmpi'), null);
    // mpiexec started by srun on each node (orted, Hydra's proxies) under MpiDefault=pmi2: the ranks are the library's.
    assert.equal(slurmPmiProblem({ ...TASK, ...PMI2, OMPI_COMM_WORLD_SIZE: '4' }, 'openmpi'), null);
    assert.equal(slurmPmiProblem({ ...TASK, ...PMIX, MPIR_CVAR_CH3_INTERFACE_HOSTNAME: 'vm' }, 'mpich'), null);
  });

  test('the launcher started as several srun tasks is refused; once, or in a batch script, it runs', () => {
    assert.match(slurmLauncherProblem(TASK)!, /^srun started 2 copies of the launcher \(SLURM step 14\.0\)/);
    assert.equal(slurmLauncherProblem({ ...TASK, SLURM_STEP_NUM_TASKS: '1' }), null);
    assert.equal(slurmLauncherProblem(BATCH), null);
    assert.equal(slurmLauncherProblem({}), null);
  });
});

describe('--transport native inside an allocation', () => {
  const args = (flavour: MpiFlavour, np: number, slurmJob?: string) => planLaunch({
    flavour, mpiexec: 'mpiexec', opts: { np }, program: ['node', 'app.js'], env: {}, readFile: () => '',
    tmpdir: '/tmp/x', hostname: 'node0', root: false, cores: 2, slurmJob,
  });

  test('Open MPI: no --host or --oversubscribe, mpiexec takes the allocation; yields when ranks outnumber cores', () => {
    assert.deepEqual(args('openmpi', 2, '14').args, ['-n', '2', 'node', 'app.js']);
    assert.deepEqual(args('openmpi', 3, '14').args, ['--mca', 'mpi_yield_when_idle', '1', '-n', '3', 'node', 'app.js']);
    assert.match(args('openmpi', 2, '14').notes.join('\n'), /inside SLURM job 14/);
    assert.deepEqual(args('openmpi', 2).args.slice(0, 2), ['--host', 'node0:2']);
  });

  test('MPICH: Hydra reads the allocation', () => {
    assert.deepEqual(args('mpich', 3, '14').args, ['-usize', '3', '-n', '3', 'node', 'app.js']);
  });
});
