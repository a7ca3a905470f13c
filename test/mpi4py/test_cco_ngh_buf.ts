/** Port of mpi4py's test/test_cco_ngh_buf.py (arrayimpl's array.array backend as typed arrays). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Topocomm = InstanceType<typeof MPI.Cartcomm> | InstanceType<typeof MPI.Graphcomm> | InstanceType<typeof MPI.Distgraphcomm>;
const mod = (a: number, n: number): number => ((a % n) + n) % n;
const rep = <T>(v: T, n: number): T[] => Array<T>(n).fill(v);

/** Python's range(start, stop, step). */
function srange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

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

interface Alltoallw {
  Neighbor_alltoallw(s: unknown, r: unknown): void;
  Ineighbor_alltoallw(s: unknown, r: unknown): { Wait(): void };
}

abstract class BaseTestCCONghBuf extends TestCase {
  COMM: Intracomm = MPI.COMM_NULL as Intracomm;

  testNeighborAllgather(): void {
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize] = get_neighbors_count(comm);
      for (const [array, typecode] of loop(ArrayArray)) {
        for (const v of range(3)) {
          const check = scalar(v);
          let sbuf = array(v, typecode, 3);
          let rbuf = array(-1, typecode, [rsize, 3]);
          comm.Neighbor_allgather(sbuf.as_mpi(), rbuf.as_mpi());
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, 3);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Neighbor_allgatherv(sbuf.as_mpi_c(3), rbuf.as_mpi_c(3) as never);
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, 3);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Ineighbor_allgather(sbuf.as_mpi(), rbuf.as_mpi()).Wait();
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, 3);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Ineighbor_allgatherv(sbuf.as_mpi_c(3), rbuf.as_mpi_c(3) as never).Wait();
          for (const value of rbuf.flat) this.assertEqual(value, check);
        }
      }
      comm.Free();
    }
  }

  testNeighborAlltoall(): void {
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize, ssize] = get_neighbors_count(comm);
      for (const [array, typecode] of loop(ArrayArray)) {
        for (const v of range(3)) {
          const check = scalar(v);
          let sbuf = array(v, typecode, [ssize, 3]);
          let rbuf = array(-1, typecode, [rsize, 3]);
          comm.Neighbor_alltoall(sbuf.as_mpi(), rbuf.as_mpi_c(3));
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, [ssize, 3]);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Neighbor_alltoall(sbuf.as_mpi(), rbuf.as_mpi());
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, [ssize, 3]);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Neighbor_alltoallv(sbuf.as_mpi_c(3) as never, rbuf.as_mpi_c(3) as never);
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, [ssize, 3]);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Ineighbor_alltoall(sbuf.as_mpi(), rbuf.as_mpi()).Wait();
          for (const value of rbuf.flat) this.assertEqual(value, check);
          sbuf = array(v, typecode, [ssize, 3]);
          rbuf = array(-1, typecode, [rsize, 3]);
          comm.Ineighbor_alltoallv(sbuf.as_mpi_c(3) as never, rbuf.as_mpi_c(3) as never).Wait();
          for (const value of rbuf.flat) this.assertEqual(value, check);
        }
      }
      comm.Free();
    }
  }

  testNeighborAlltoallw(): void {
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize, ssize] = get_neighbors_count(comm);
      for (const [array, typecode] of loop(ArrayArray)) {
        for (const n of range(1, 4)) {
          for (const v of range(3)) {
            let check = scalar(v);
            const sbuf = array(v, typecode, [ssize, n]);
            const rbuf = array(-1, typecode, [rsize, n]);
            const [sdt, rdt] = [sbuf.mpidtype, rbuf.mpidtype];
            const sdsp = srange(0, ssize * n * sdt.extent, n * sdt.extent);
            const rdsp = srange(0, rsize * n * rdt.extent, n * rdt.extent);
            const smsg: unknown[] = [sbuf.as_raw(), [rep(n, ssize), sdsp], rep(sdt, ssize)];
            const rmsg = [rbuf.as_raw(), [rep(n, rsize), rdsp], rep(rdt, rsize)];
            (comm as unknown as Alltoallw).Neighbor_alltoallw(smsg, rmsg);
            for (const value of rbuf.flat) this.assertEqual(value, check);
            check = scalar(v + 1);
            smsg[0] = array(v + 1, typecode, [ssize, n]).as_raw();
            (comm as unknown as Alltoallw).Ineighbor_alltoallw(smsg, rmsg).Wait();
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
      comm.Free();
    }
  }

  testNeighborAlltoallwBottom(): void {
    const M = MPI as unknown as { Get_address(b: unknown): number };
    for (const comm of create_topo_comms(this.COMM)) {
      const [rsize, ssize] = get_neighbors_count(comm);
      for (const [array, typecode] of loop(ArrayArray)) {
        for (const n of range(1, 4)) {
          for (const v of range(3)) {
            let check = scalar(v);
            const sbuf = array(v, typecode, [ssize, n]);
            const rbuf = array(-1, typecode, [rsize, n]);
            const saddr = M.Get_address(sbuf.as_raw());
            const raddr = M.Get_address(rbuf.as_raw());
            const [sdt, rdt] = [sbuf.mpidtype, rbuf.mpidtype];
            const sdsp = srange(0, ssize * n * sdt.extent, n * sdt.extent).map((d) => saddr + d);
            const rdsp = srange(0, rsize * n * rdt.extent, n * rdt.extent).map((d) => raddr + d);
            const smsg = [MPI.BOTTOM, [rep(n, ssize), sdsp], rep(sdt, ssize)];
            const rmsg = [MPI.BOTTOM, [rep(n, rsize), rdsp], rep(rdt, rsize)];
            (comm as unknown as Alltoallw).Neighbor_alltoallw(smsg, rmsg);
            for (const value of rbuf.flat) this.assertEqual(value, check);
            check = scalar(v + 1);
            sbuf.flat.set(array(v + 1, typecode, [ssize, n]).flat as never);
            (comm as unknown as Alltoallw).Ineighbor_alltoallw(smsg, rmsg).Wait();
            for (const value of rbuf.flat) this.assertEqual(value, check);
          }
        }
      }
      comm.Free();
    }
  }
}

export class TestCCONghBufSelf extends BaseTestCCONghBuf {
  override COMM: Intracomm = MPI.COMM_SELF;
}

export class TestCCONghBufWorld extends BaseTestCCONghBuf {
  override COMM: Intracomm = MPI.COMM_WORLD;
}

export class TestCCONghBufSelfDup extends TestCCONghBufSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCCONghBufWorldDup extends TestCCONghBufWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
