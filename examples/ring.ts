// Port of ring.py (seed 001, section 6.1 "MPI Ring Example"): rank 0 reads an
// integer, adds 1 and passes it around the ring 0 -> 1 -> ... -> size-1 -> 0
// `count` times; every other rank adds 1 before passing it on.
// Run with: npx mpi4ts -n 4 examples/ring.ts --count 1000
//   (it prompts on rank 0; or feed it: echo 6 | npx mpi4ts -n 4 examples/ring.ts)
// Options: --count N (number of trips around the ring, default 1) and --debug
// (print the value rank 0 receives after every trip). The seed's click option
// `--debug` takes a value (`--debug True`); here it is a plain flag.
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { MPI } from 'mpi4ts';
import { StopWatch } from 'mpi4ts/stopwatch';
import { input, pyInt } from './lib/input.ts';

function ring(count = 1, debug = false): void {
  const comm = MPI.COMM_WORLD; // Communicator
  const rank = comm.Get_rank(); // Get the rank of the current process
  const size = comm.Get_size(); // Get the size of the communicator group
  let data = 0;
  let initial = 0;
  if (rank === 0) {
    console.log(`Communicator group with ${size} processes`);
    data = pyInt(input('Enter an integer to transmit: ')); // Input the data
    initial = data;
    data += 1; // Data is modified
  }
  if (rank === 0) { // ONLY processor 0 uses the stopwatch
    StopWatch.start(`ring ${size} ${count}`);
  }
  for (let i = 0; i < count; i++) {
    if (rank === 0) {
      comm.send(data, { dest: rank + 1 }); // send data to neighbor
      // (the seed's `comm.recv(data, source=size - 1)` passes a buffer that
      // mpi4py ignores for pickled messages; mpi4ts's recv has none)
      data = comm.recv<number>({ source: size - 1 });
      if (debug) {
        console.log(`Final data received in process 0: ${data}`);
      }
    } else if (rank === size - 1) {
      data = comm.recv<number>({ source: rank - 1 }); // receive data from neighbor
      data += 1; // Data is modified
      comm.send(data, { dest: 0 }); // Sent to process 0, closing the ring
    } else if (0 < rank && rank < size - 1) {
      data = comm.recv<number>({ source: rank - 1 }); // receive data from neighbor
      data += 1; // Data is modified
      comm.send(data, { dest: rank + 1 }); // send to neighbor
    }
  }
  if (rank === 0) {
    console.log(`Final data received in process 0: ${data}`);
    // verify. The seed asserts `data == count * size`, which only holds when
    // the integer entered is count - 1. What the code computes: rank 0 starts
    // from input + 1, and each trip the size - 1 other ranks add 1 each, so
    // data == input + 1 + count * (size - 1) (e.g. 6 on 4 ranks, once: 10).
    assert.equal(data, initial + 1 + count * (size - 1));
  }
  if (rank === 0) {
    StopWatch.stop(`ring ${size} ${count}`); // print the time
    StopWatch.benchmark();
  }
}

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1' },
    debug: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 0) {
  console.error(`Error: Invalid value for '--count': '${values.count}' is not a valid integer.`);
  process.exit(2);
}
ring(count, values.debug);
