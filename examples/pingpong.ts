// Port of pingpong.py (seed 001, section 5.2.2.4 "Ping Pong"): rank 0 sends
// 777 to rank 1 with tag 55, rank 1 answers "abc" with tag 77; each rank
// prints what it sent.
// Run with: npx mpi4ts -n 2 examples/pingpong.ts   (exactly 2 ranks)
import assert from 'node:assert/strict';
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
assert.ok(comm.size === 2);

let sendmsg: number | string;
let recvmsg: number | string;
if (comm.rank === 0) {
  sendmsg = 777;
  comm.send(sendmsg, { dest: 1, tag: 55 });
  recvmsg = comm.recv<string>({ source: 1, tag: 77 });
} else {
  recvmsg = comm.recv<number>({ source: 0, tag: 55 });
  sendmsg = 'abc';
  comm.send(sendmsg, { dest: 0, tag: 77 });
}
void recvmsg; // received but not printed, as in the seed
console.log(sendmsg);
