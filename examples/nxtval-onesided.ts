// Port of mpi4py's demo/nxtval/nxtval-onesided.py: a shared counter
// ("next value", as in Global Arrays' NXTVAL) on MPI-2 one-sided
// communication. Rank 0's window holds one int per rank, each rank's own
// contribution; next() adds 1 to this rank's slot and, in the same
// exclusive-lock epoch, Gets every other slot through an indexed datatype
// that skips its own, so the sum of the others plus its own count is the
// value drawn. Every rank draws 5 values; together they are 0 .. 5*size-1,
// each once, which the program checks.
// Run with: npx mpi4ts -n 4 examples/nxtval-onesided.ts
import { MPI } from 'mpi4ts';

class Counter {
  win: MPI.Win;
  dt_get: MPI.Datatype;
  myval = 0;

  constructor(comm: MPI.Intracomm) {
    const size = comm.Get_size();
    const rank = comm.Get_rank();

    const itemsize = MPI.INT.Get_size();
    // Alloc_mem's memory is zeroed: the demo's `mem[:] = pack("i", 0) * size`.
    const mem = rank === 0 ? MPI.Alloc_mem(itemsize * size, MPI.INFO_NULL) : MPI.BOTTOM;
    this.win = MPI.Win.Create(mem, itemsize, MPI.INFO_NULL, comm);

    const blens = [rank, size - rank - 1];
    const disps = [0, rank + 1];
    this.dt_get = MPI.INT.Create_indexed(blens, disps).Commit();
  }

  free(): void {
    this.dt_get.Free();
    const mem = this.win.tomemory();
    this.win.Free();
    if (mem.length > 0) MPI.Free_mem(mem);
  }

  next(): number {
    const group = this.win.Get_group();
    const size = group.Get_size();
    const rank = group.Get_rank();
    group.Free();

    const incr = Int32Array.of(1);
    const vals = new Int32Array(size);
    this.win.Lock(0);
    this.win.Accumulate([incr, 1, MPI.INT], 0, [rank, 1, MPI.INT], MPI.SUM);
    this.win.Get([vals, 1, this.dt_get], 0, [0, 1, this.dt_get]);
    this.win.Unlock(0);

    vals[rank] = this.myval;
    this.myval += 1;
    return vals.reduce((a, b) => a + b, 0);
  }
}

function test(): void {
  const vals: number[] = [];
  const counter = new Counter(MPI.COMM_WORLD);
  for (let i = 0; i < 5; i++) vals.push(counter.next());
  counter.free();

  const all = (MPI.COMM_WORLD.allgather(vals) as number[][]).flat().sort((a, b) => a - b);
  if (!all.every((v, i) => v === i)) throw new Error(`nxtval-onesided: values drawn ${all.join(' ')} are not 0 .. ${all.length - 1}`);
  if (MPI.COMM_WORLD.Get_rank() === 0) console.log(`counter: ${MPI.COMM_WORLD.Get_size()} ranks drew ${all.length} values, 0 .. ${all.length - 1} each once`);
}

test();
