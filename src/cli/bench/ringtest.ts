/**
 * `mpi4ts bench ringtest`: time a message going around the ring of processes
 * (`python -m mpi4py.bench ringtest`), with typed-array Send/Recv.
 */
import { MPI } from '../../index.js';
import type { Comm } from '../../api/comm.js';
import { benchOptions } from './options.js';
import { barrier, fmtG } from './util.js';

function ring(comm: Comm, n: number, loop: number, skip: number): number {
  const iterations = loop + skip;
  const size = comm.Get_size();
  const rank = comm.Get_rank();
  const source = (rank - 1 + size) % size;
  const dest = (rank + 1) % size;
  const Wtime = MPI.Wtime;
  let sendmsg = new Uint8Array(n).fill(42);
  const recvmsg = new Uint8Array(n);
  let tic = Wtime();
  if (size === 1) {
    for (let i = 0; i < iterations; i++) {
      if (i === skip) tic = Wtime();
      comm.Sendrecv(sendmsg, dest, 0, recvmsg, source, 0);
    }
  } else if (rank === 0) {
    for (let i = 0; i < iterations; i++) {
      if (i === skip) tic = Wtime();
      comm.Send(sendmsg, dest, 0);
      comm.Recv(recvmsg, source, 0);
    }
  } else {
    sendmsg = recvmsg;
    for (let i = 0; i < iterations; i++) {
      if (i === skip) tic = Wtime();
      comm.Recv(recvmsg, source, 0);
      comm.Send(sendmsg, dest, 0);
    }
  }
  const toc = Wtime();
  if (rank === 0 && iterations > 0 && !recvmsg.every((b, i) => b === sendmsg[i])) {
    process.stderr.write('ringtest: received message does not match!\n');
    comm.Abort(2);
  }
  return toc - tic;
}

const options = benchOptions('ringtest');
const size = options['size'] as number;
const loop = options['loop'] as number;
const skip = options['skip'] as number;

const comm = MPI.COMM_WORLD;
barrier(comm);
const elapsed = ring(comm, size, loop, skip);
if (!options['quiet'] && comm.Get_rank() === 0) {
  process.stdout.write(`time for ${loop} loops = ${fmtG(elapsed)} seconds (${comm.Get_size()} processes, ${size} bytes)\n`);
}
