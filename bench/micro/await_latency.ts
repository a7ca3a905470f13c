/**
 * What awaiting a request costs, and whether the event loop stays free
 * while it waits (issue #5: waitAsync polls the library with a backoff on
 * the native transport; the embedded runtime waits on its doorbell).
 *
 *   mpiexec -n 2 node --import tsx bench/micro/await_latency.ts     # native
 *   npx mpi4ts -n 2 bench/micro/await_latency.ts                     # embedded
 *
 * Rank 0 prints one line per case: half round trip of an 8-byte ping-pong
 * with blocking Recv, with `await Irecv`, and, for a reply that comes only
 * after the peer slept `delay` ms, how late the await resolved after the
 * reply was sent (wake-up latency of the backoff) and how many timer ticks
 * (1 ms interval) the event loop ran meanwhile.
 */
import { MPI } from 'mpi4ts';

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const peer = 1 - rank;
const ping = new Float64Array(1);
const N = Number(process.env['AWAIT_ITERS'] ?? 2000);

/** Wall clock in ms with sub-ms resolution, comparable between processes of one host. */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function main(): Promise<void> {
  for (const mode of ['blocking', 'await']) {
    comm.Barrier();
    const t0 = MPI.Wtime();
    for (let i = 0; i < N; i++) {
      if (rank === 0) {
        comm.Send(ping, peer, 1);
        if (mode === 'blocking') comm.Recv(ping, peer, 2);
        else await comm.Irecv(ping, peer, 2);
      } else {
        if (mode === 'blocking') comm.Recv(ping, peer, 1);
        else await comm.Irecv(ping, peer, 1);
        comm.Send(ping, peer, 2);
      }
    }
    const us = ((MPI.Wtime() - t0) / N / 2) * 1e6;
    if (rank === 0) console.log(`${mode.padEnd(8)} 8 B half round trip: ${us.toFixed(2)} us`);
  }
  for (const delay of [1, 10, 100]) {
    comm.Barrier();
    if (rank === 0) {
      let ticks = 0;
      const timer = setInterval(() => { ticks++; }, 1);
      const stamp = new Float64Array(1);
      await comm.Irecv(stamp, peer, 3);
      const late = epochMs() - stamp[0]!;
      clearInterval(timer);
      console.log(`await a reply sent after ${delay} ms: resolved ${late.toFixed(3)} ms after the send; ${ticks} timer ticks ran meanwhile`);
    } else {
      sleepMs(delay);
      comm.Send(Float64Array.of(epochMs()), peer, 3);
    }
  }
}

await main();
