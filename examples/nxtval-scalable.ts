// Port of mpi4py's demo/nxtval/nxtval-scalable.py: a shared counter whose
// memory on rank 0 is a binary tree of partial counts, so that a draw
// touches log2(size) entries instead of one per rank. Each rank's path from
// the root picks, per level, the subtree it belongs to (Accumulate 1 there,
// through an indexed-block datatype) and the sibling subtree (Get its
// count): the sum of the siblings' counts on its path plus its own count is
// the value drawn. A spin mutex is built on a second counter. Every rank
// draws 5 values; together they are 0 .. 5*size-1, each once, which the
// program checks; then every rank locks and unlocks the mutex.
// Run with: npx mpi4ts -n 4 examples/nxtval-scalable.ts
import { MPI } from 'mpi4ts';

class Counter {
  mem: MPI.buffer | null;
  win: MPI.Win;
  acc_type: MPI.Datatype;
  get_type: MPI.Datatype;
  acc_buf: Int32Array;
  get_buf: Int32Array;
  myval = 0;

  constructor(comm: MPI.Intracomm, init = 0) {
    const size = comm.Get_size();
    let rank = comm.Get_rank();
    let mask = 1;
    while (mask < size) mask <<= 1;
    mask >>= 1;
    let idx = 0;
    const get_idx: number[] = [];
    const acc_idx: number[] = [];
    while (mask >= 1) {
      const left = idx + 1;
      const right = idx + (mask << 1);
      if (rank < mask) {
        acc_idx.push(left);
        get_idx.push(right);
        idx = left;
      } else {
        acc_idx.push(right);
        get_idx.push(left);
        idx = right;
      }
      rank = rank % mask;
      mask >>= 1;
    }

    const datatype = MPI.INT;
    const itemsize = datatype.Get_size();

    const root = 0;
    rank = comm.Get_rank();
    if (rank === root) {
      const nlevels = get_idx.length + 1;
      const nentries = (1 << nlevels) - 1;
      this.mem = MPI.Alloc_mem(nentries * itemsize, MPI.INFO_NULL);
      new Int32Array(this.mem.buffer, this.mem.byteOffset, nentries).fill(init);
    } else {
      this.mem = null;
    }

    this.win = MPI.Win.Create(this.mem, itemsize, MPI.INFO_NULL, comm);
    this.acc_type = datatype.Create_indexed_block(1, acc_idx).Commit();
    this.get_type = datatype.Create_indexed_block(1, get_idx).Commit();
    this.acc_buf = new Int32Array(acc_idx.length);
    this.get_buf = new Int32Array(get_idx.length);
  }

  free(): void {
    this.win.free();
    if (this.mem !== null) {
      MPI.Free_mem(this.mem);
      this.mem = null;
    }
    this.get_type.free();
    this.acc_type.free();
  }

  next(increment = 1): number {
    this.acc_buf.fill(increment);
    const root = 0;
    this.win.Lock(root);
    this.win.Get(this.get_buf, root, [0, 1, this.get_type]);
    this.win.Accumulate(this.acc_buf, root, [0, 1, this.acc_type], MPI.SUM);
    this.win.Unlock(root);
    const nxtval = this.myval + this.get_buf.reduce((a, b) => a + b, 0);
    this.myval += increment;
    return nxtval;
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
  if (!all.every((v, i) => v === i)) throw new Error(`nxtval-scalable: values drawn ${all.join(' ')} are not 0 .. ${all.length - 1}`);
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
