// Port of mpi4py's demo/nxtval/nxtval-mpi3.py: a shared counter on MPI-3
// one-sided communication. One int in rank 0's window (Win.Allocate);
// next() is a single Get_accumulate with MPI.SUM under an exclusive lock,
// which returns the value before the increment. A spin mutex is built on a
// second counter: lock() increments and, unless it saw 0, backs off and
// tries again. Every rank draws 5 values; together they are 0 .. 5*size-1,
// each once, which the program checks; then every rank locks and unlocks
// the mutex.
// Run with: npx mpi4ts -n 4 examples/nxtval-mpi3.ts
import { MPI } from 'mpi4ts';

class Counter {
  win: MPI.Win;

  constructor(comm: MPI.Intracomm) {
    const rank = comm.Get_rank();
    const itemsize = MPI.INT.Get_size();
    const n = rank === 0 ? 1 : 0;
    this.win = MPI.Win.Allocate(n * itemsize, itemsize, MPI.INFO_NULL, comm);
    if (rank === 0) this.win.tomemory().fill(0);
    // Every rank's initial value is in place before anyone draws (the demo
    // relies on Allocate's memory being set before the first remote Lock).
    comm.Barrier();
  }

  free(): void {
    this.win.Free();
  }

  next(increment = 1): number {
    const incr = Int32Array.of(increment);
    const nval = Int32Array.of(0);
    this.win.Lock(0);
    this.win.Get_accumulate([incr, 1, MPI.INT], [nval, 1, MPI.INT], 0, null, MPI.SUM);
    this.win.Unlock(0);
    return nval[0]!;
  }
}

class Mutex {
  counter: Counter;

  constructor(comm: MPI.Intracomm) {
    this.counter = new Counter(comm);
  }

  free(): void {
    this.counter.free();
  }

  lock(): void {
    let value = this.counter.next(+1);
    while (value !== 0) {
      value = this.counter.next(-1);
      value = this.counter.next(+1);
    }
  }

  unlock(): void {
    this.counter.next(-1);
  }
}

function test_counter(): void {
  const vals: number[] = [];
  const counter = new Counter(MPI.COMM_WORLD);
  for (let i = 0; i < 5; i++) vals.push(counter.next());
  counter.free();

  const all = (MPI.COMM_WORLD.allgather(vals) as number[][]).flat().sort((a, b) => a - b);
  if (!all.every((v, i) => v === i)) throw new Error(`nxtval-mpi3: values drawn ${all.join(' ')} are not 0 .. ${all.length - 1}`);
  if (MPI.COMM_WORLD.Get_rank() === 0) console.log(`counter: ${MPI.COMM_WORLD.Get_size()} ranks drew ${all.length} values, 0 .. ${all.length - 1} each once`);
}

function test_mutex(): void {
  const mutex = new Mutex(MPI.COMM_WORLD);
  mutex.lock();
  mutex.unlock();
  mutex.free();
  if (MPI.COMM_WORLD.Get_rank() === 0) console.log(`mutex: ${MPI.COMM_WORLD.Get_size()} ranks locked and unlocked`);
}

test_counter();
test_mutex();
