/**
 * Port of mpi4py's test/test_comm_topo.py. checkHandle (toint/fromint,
 * py2f/f2py round trips) is empty: C and Fortran handle interop is left
 * out of mpi4ts (docs/mpi4py-differences.md).
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
const ValueError = [MPI.Exception, RangeError, TypeError];
const mod = (a: number, n: number): number => ((a % n) + n) % n;
type Ctor = new (x: unknown) => unknown;

export class TestTopoConstructor extends TestCase {
  testConstructorTopocomm(): void {
    const comm = MPI.COMM_SELF;
    this.assertRaises(TypeError, () => new (MPI.Topocomm as unknown as Ctor)(comm));
  }

  testConstructorCartcomm(): void {
    const comm = MPI.COMM_SELF;
    const cart = comm.Create_cart([1]);
    this.assertRaises(TypeError, () => new (MPI.Graphcomm as unknown as Ctor)(cart));
    this.assertRaises(TypeError, () => new (MPI.Distgraphcomm as unknown as Ctor)(cart));
    cart.Free();
  }

  testConstructorGraphcomm(): void {
    const comm = MPI.COMM_SELF;
    const graph = comm.Create_graph([0, 1], [0]);
    this.assertRaises(TypeError, () => new (MPI.Cartcomm as unknown as Ctor)(graph));
    this.assertRaises(TypeError, () => new (MPI.Distgraphcomm as unknown as Ctor)(graph));
    graph.Free();
  }

  testConstructorDistGraphcomm(): void {
    const comm = MPI.COMM_SELF;
    const distgraph = comm.Create_dist_graph([], [], []);
    this.assertRaises(TypeError, () => new (MPI.Cartcomm as unknown as Ctor)(distgraph));
    this.assertRaises(TypeError, () => new (MPI.Graphcomm as unknown as Ctor)(distgraph));
    distgraph.Free();
    this.assertRaises(ValueError, () => comm.Create_dist_graph_adjacent([0], [0], MPI.WEIGHTS_EMPTY, MPI.WEIGHTS_EMPTY));
  }
}

abstract class BaseTestTopo extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  checkHandle(_oldcomm: unknown): void {}

  testCartcomm(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    for (const ndim of [1, 2, 3, 4, 5]) {
      let dims = MPI.Compute_dims(size, Array<number>(ndim).fill(0));
      const periods = Array<boolean>(dims.length).fill(true);
      const topo = comm.Create_cart(dims, periods);
      this.assertTrue(topo.is_topo);
      this.assertEqual(topo.topology, MPI.CART);
      this.checkHandle(topo);
      this.assertEqual(topo.dim, dims.length);
      this.assertEqual(topo.ndim, dims.length);
      const coords = topo.coords;
      this.assertEqual(coords, topo.Get_coords(topo.rank));
      this.assertEqual(topo.topo, [dims, periods, coords]);
      const neighbors: number[] = [];
      const coordinates = topo.Get_coords(topo.rank);
      for (const i of range(ndim)) {
        for (const d of [-1, +1]) {
          const coord = [...coordinates];
          coord[i] = mod(coord[i]! + d, dims[i]!);
          const neigh = topo.Get_cart_rank(coord);
          this.assertEqual(coord, topo.Get_coords(neigh));
          const [, dest] = topo.Shift(i, d);
          this.assertEqual(neigh, dest);
          neighbors.push(neigh);
        }
      }
      this.assertEqual(topo.indegree, neighbors.length);
      this.assertEqual(topo.outdegree, neighbors.length);
      this.assertEqual(topo.inedges, neighbors);
      this.assertEqual(topo.outedges, neighbors);
      const [inedges, outedges] = topo.inoutedges;
      this.assertEqual(inedges, neighbors);
      this.assertEqual(outedges, neighbors);
      if (ndim === 1) {
        topo.Free();
        continue;
      }
      for (const i of range(ndim)) {
        const rem_dims = Array<boolean>(ndim).fill(true);
        rem_dims[i] = false;
        const sub = topo.Sub(rem_dims);
        if (!sub.isNull) {
          this.assertEqual(sub.dim, ndim - 1);
          dims = [...topo.dims];
          dims.splice(i, 1);
          this.assertEqual(sub.dims, dims);
          sub.Free();
        }
      }
      topo.Free();
    }
    this.assertRaises(ValueError, () => comm.Create_cart([comm.Get_size()], []).Free());
    this.assertRaises(ValueError, () => comm.Create_cart([comm.Get_size()], [false, false]).Free());
  }

  testCartcommZeroDim(): void {
    const comm = this.COMM;
    const topo = comm.Create_cart([]);
    if (topo.isNull) return;
    this.assertEqual(topo.dim, 0);
    this.assertEqual(topo.dims, []);
    this.assertEqual(topo.periods, []);
    this.assertEqual(topo.coords, []);
    const rank = topo.Get_cart_rank([]);
    this.assertEqual(rank, 0);
    const [inedges, outedges] = topo.inoutedges;
    this.assertEqual(inedges, []);
    this.assertEqual(outedges, []);
    topo.Free();
  }

  testGraphcomm(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const index = [0];
    const edges: number[] = [];
    for (const i of range(size)) {
      const pos = index.at(-1)!;
      index.push(pos + 2);
      edges.push(mod(i - 1, size), mod(i + 1, size));
    }
    let topo = comm.Create_graph(index.slice(1), edges);
    this.assertTrue(topo.is_topo);
    this.assertEqual(topo.topology, MPI.GRAPH);
    this.checkHandle(topo);
    topo.Free();
    topo = comm.Create_graph(index, edges);
    this.assertEqual(topo.dims, [index.length - 1, edges.length]);
    this.assertEqual(topo.nnodes, index.length - 1);
    this.assertEqual(topo.nedges, edges.length);
    this.assertEqual(topo.index, index.slice(1));
    this.assertEqual(topo.edges, edges);
    this.assertEqual(topo.topo, [index.slice(1), edges]);
    const neighbors = edges.slice(index[rank], index[rank + 1]);
    this.assertEqual(neighbors, topo.neighbors);
    this.assertEqual(neighbors.length, topo.nneighbors);
    for (const r of range(size)) {
      const neighs = topo.Get_neighbors(r);
      this.assertEqual(neighs, [mod(r - 1, size), mod(r + 1, size)]);
    }
    this.assertEqual(topo.indegree, neighbors.length);
    this.assertEqual(topo.outdegree, neighbors.length);
    this.assertEqual(topo.inedges, neighbors);
    this.assertEqual(topo.outedges, neighbors);
    const [inedges, outedges] = topo.inoutedges;
    this.assertEqual(inedges, neighbors);
    this.assertEqual(outedges, neighbors);
    topo.Free();
  }

  testDistgraphcommAdjacent(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    let topo = comm.Create_dist_graph_adjacent(null, null);
    topo.Free();
    const sources = [mod(rank - 2, size), mod(rank - 1, size)];
    const destinations = [mod(rank + 1, size), mod(rank + 2, size)];
    topo = comm.Create_dist_graph_adjacent(sources, destinations);
    this.assertTrue(topo.is_topo);
    this.assertEqual(topo.topology, MPI.DIST_GRAPH);
    this.checkHandle(topo);
    this.assertEqual(topo.Get_dist_neighbors_count(), [2, 2, false]);
    this.assertEqual(topo.Get_dist_neighbors(), [sources, destinations, null]);
    this.assertEqual(topo.indegree, sources.length);
    this.assertEqual(topo.outdegree, destinations.length);
    this.assertEqual(topo.inedges, sources);
    this.assertEqual(topo.outedges, destinations);
    const [inedges, outedges] = topo.inoutedges;
    this.assertEqual(inedges, sources);
    this.assertEqual(outedges, destinations);
    topo.Free();
    const sourceweights = [1, 2];
    const destweights = [3, 4];
    const weights = [sourceweights, destweights];
    topo = comm.Create_dist_graph_adjacent(sources, destinations, sourceweights, destweights);
    this.assertEqual(topo.Get_dist_neighbors_count(), [2, 2, true]);
    this.assertEqual(topo.Get_dist_neighbors(), [sources, destinations, weights]);
    topo.Free();
    topo = comm.Create_dist_graph_adjacent(sources, null, MPI.UNWEIGHTED, null);
    this.assertEqual(topo.Get_dist_neighbors_count(), [2, 0, false]);
    this.assertEqual(topo.Get_dist_neighbors(), [sources, [], null]);
    topo.Free();
    topo = comm.Create_dist_graph_adjacent(null, destinations, null, MPI.UNWEIGHTED);
    this.assertEqual(topo.Get_dist_neighbors_count(), [0, 2, false]);
    this.assertEqual(topo.Get_dist_neighbors(), [[], destinations, null]);
    topo.Free();
    topo = comm.Create_dist_graph_adjacent([], [], MPI.WEIGHTS_EMPTY, MPI.WEIGHTS_EMPTY);
    this.assertEqual(topo.Get_dist_neighbors_count(), [0, 0, true]);
    this.assertEqual(topo.Get_dist_neighbors(), [[], [], [[], []]]);
    topo.Free();
  }

  testDistgraphcomm(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    let topo = comm.Create_dist_graph([], [], [], MPI.UNWEIGHTED);
    topo.Free();
    const sources = [rank];
    const degrees = [3];
    const destinations = [mod(rank - 1, size), rank, mod(rank + 1, size)];
    topo = comm.Create_dist_graph(sources, degrees, destinations, MPI.UNWEIGHTED);
    this.assertTrue(topo.is_topo);
    this.assertEqual(topo.topology, MPI.DIST_GRAPH);
    this.checkHandle(topo);
    this.assertEqual(topo.Get_dist_neighbors_count(), [3, 3, false]);
    topo.Free();
    const weights = range(1, 4);
    topo = comm.Create_dist_graph(sources, degrees, destinations, weights);
    this.assertEqual(topo.Get_dist_neighbors_count(), [3, 3, true]);
    topo.Free();
  }

  testCartMap(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    for (const ndim of [1, 2, 3, 4, 5]) {
      for (const periods of [null, true, false]) {
        const dims = MPI.Compute_dims(size, ndim);
        const topo = comm.Create_cart(dims, periods, true);
        const rank = comm.Cart_map(dims, periods);
        this.assertEqual(topo.Get_rank(), rank);
        topo.Free();
      }
    }
  }

  testGraphMap(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const index = [0];
    const edges: number[] = [];
    for (const i of range(size)) {
      const pos = index.at(-1)!;
      index.push(pos + 2);
      edges.push(mod(i - 1, size), mod(i + 1, size));
    }
    let topo = comm.Create_graph(index, edges, true);
    let rank = comm.Graph_map(index, edges);
    this.assertEqual(topo.Get_rank(), rank);
    topo.Free();
    topo = comm.Create_graph(index.slice(1), edges, true);
    rank = comm.Graph_map(index.slice(1), edges);
    this.assertEqual(topo.Get_rank(), rank);
    topo.Free();
  }
}

export class TestTopoSelf extends BaseTestTopo {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestTopoWorld extends BaseTestTopo {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestTopoSelfDup extends TestTopoSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestTopoWorldDup extends TestTopoWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
