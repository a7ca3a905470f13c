/**
 * The floor of the native transport's small-message latency (issue #5): an
 * 8-byte ping-pong straight through the addon (native/mpi4ts_native.c's
 * `send` and `recvSmall`: one Node-API call each, no mpi4ts JavaScript),
 * beside the same loop through the public API (MPI.COMM_WORLD.Send/Recv).
 * Compare with bench/peer/pingpong.c (the C column of
 * `npx tsx bench/compare.ts pingpong-native`).
 *
 *   mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 --mca pml ob1 --mca btl self,vader \
 *     node bench/micro/native-floor.cjs
 *
 * Prints the best of 5 repetitions of 200,000 round trips, as half round trips in microseconds.
 */
const path = require('node:path');
const lib = process.env.MPI4TS_MPI || (process.env.OMPI_COMM_WORLD_SIZE ? 'openmpi' : 'mpich');
const addon = require(path.join(__dirname, '..', '..', 'native', `build-${lib}`, 'mpi4ts_native.node'));
addon.init(new Int32Array(8));
const rank = Number(process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMI_RANK);
const N = 200000;
const buf = new Uint8Array(8);
if (addon.recvLimit() < buf.length) throw new Error('recvSmall is unavailable (no landing zone)');
let best = Infinity;
for (let rep = 0; rep < 5; rep++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    // Communicator index 0 is MPI_COMM_WORLD; tag 0; standard mode.
    if (rank === 0) { addon.send(0, buf, 1, 0, 0); addon.recvSmall(0, buf, 1, 0); }
    else { addon.recvSmall(0, buf, 0, 0); addon.send(0, buf, 0, 0, 0); }
  }
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / N / 2);
}
if (rank === 0) console.log(`addon alone (${lib}): 8 B half round trip ${best.toFixed(3)} us, best of 5`);
addon.finalize();
