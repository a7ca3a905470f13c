/**
 * Port of mpi4py's test/test_cco_ngh_obj.py. mpi4py's have_feature() check
 * (skip when neighbor_allgather raises NotImplementedError) always holds in
 * mpi4ts, and its workaround for Open MPI < 1.8.4 does not apply.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Topocomm = InstanceType<typeof MPI.Cartcomm> | InstanceType<typeof MPI.Graphcomm> | InstanceType<typeof MPI.Distgraphcomm>;
const mod = (a: number, n: number): number => ((a % n) + n) % n;
const rep = <T>(v: T, n: number): T[] => Array<T>(n).fill(v);

// Python's ints beyond 2**53 are bigints here; its complex numbers (1+2j, 2-3j)
// have no JavaScript counterpart and are left out; its tuple is an array.
const _basic: unknown[] = [
  null,
  true,
  false,
  -7,
  0,
  7,
  2 ** 31,
  -(2n ** 63n) + 1n,
  2n ** 63n - 1n,
  -2.17,
  0.0,
  +1.62,
  'mpi4py',
];
const messages0: unknown[] = [
  ..._basic,
  [..._basic],
  [..._basic],
  Object.fromEntries(_basic.map((v, k) => [`k${k}`, v])),
];
const messages: unknown[] = [...messages0, messages0];

function* create_topo_comms(comm: Intracomm): Generator<Topocomm> {
  const size = comm.Get_size();
  const rank = comm.Get_rank();
  // Cartesian
  const n = Math.trunc(size ** 1 / 2.0);
  const m = Math.trunc(size ** 1 / 3.0);
  let dims: number[];
  if (m * m * m === size) dims = [m, m, m];
  else if (n * n === size) dims = [n, n];
  else dims = [size];
  const periods = rep(true, dims.length);
  yield comm.Create_cart(dims, periods);
  // Graph
  const index = [0];
  const edges: number[] = [];
  for (const i of range(size)) {
    const pos = index.at(-1)!;
    index.push(pos + 2);
    edges.push(mod(i - 1, size), mod(i + 1, size));
  }
  yield comm.Create_graph(index, edges);
  // Dist Graph
  const sources = [mod(rank - 2, size), mod(rank - 1, size)];
  const destinations = [mod(rank + 1, size), mod(rank + 2, size)];
  yield comm.Create_dist_graph_adjacent(sources, destinations);
}

function get_neighbors_count(comm: Topocomm): [number, number] {
  const topo = comm.Get_topology();
  if (topo === MPI.CART) {
    const ndim = (comm as InstanceType<typeof MPI.Cartcomm>).Get_dim();
    return [2 * ndim, 2 * ndim];
  }
  if (topo === MPI.GRAPH) {
    const rank = comm.Get_rank();
    const nneighbors = (comm as InstanceType<typeof MPI.Graphcomm>).Get_neighbors_count(rank);
    return [nneighbors, nneighbors];
  }
  if (topo === MPI.DIST_GRAPH) {
    const [indeg, outdeg] = (comm as InstanceType<typeof MPI.Distgraphcomm>).Get_dist_neighbors_count();
    return [indeg, outdeg];
  }
  return [0, 0];
}

abstract class BaseTestCCONghObj extends TestCase {
  COMM: Intracomm = MPI.COMM_NULL as Intracomm;

  testNeighborAllgather(): void {
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize] = get_neighbors_count(comm);
      for (const smess of messages) {
        const rmess = comm.neighbor_allgather(smess);
        this.assertEqual(rmess, rep(smess, rsize));
      }
      comm.Free();
    }
  }

  testNeighborAlltoall(): void {
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize, ssize] = get_neighbors_count(comm);
      for (const smess of messages) {
        const rmess = comm.neighbor_alltoall(rep(smess, ssize));
        this.assertEqual(rmess, rep(smess, rsize));
      }
      comm.Free();
    }
  }
}

export class TestCCONghObjSelf extends BaseTestCCONghObj {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestCCONghObjWorld extends BaseTestCCONghObj {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCONghObjSelfDup extends TestCCONghObjSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCONghObjWorldDup extends TestCCONghObjWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
