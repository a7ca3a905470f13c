/**
 * `mpi4ts bench pingpong`: time messages between ranks 0 and 1 for sizes
 * 1 B, 2 B, 4 B, ... (`python -m mpi4py.bench pingpong`, mpi4py 4): typed-array
 * Send/Recv by default, object send/recv with -p. Rank 0 prints one row per
 * size: bandwidth in MB/s (10^6 bytes per second, as mpi4py), then the mean
 * and standard deviation of the one-way time (half a round trip) and the
 * number of samples.
 */
import { MPI } from '../../index.js';
import { benchOptions } from './options.js';
import { barrier, fmtD, fmtE, fmtF, mean, stdev } from './util.js';

const options = benchOptions('pingpong');
const int = (k: string): number => options[k] as number;

let skip = int('skip');
let loop = int('loop');
const minSize = int('min-size');
const maxSize = int('max-size');
const skipLarge = int('skip-large');
const loopLarge = int('loop-large');
const largeSize = int('large-size');
const skipHuge = int('skip-huge');
const loopHuge = int('loop-huge');
const hugeSize = int('huge-size');
const usePickle = options['pickle'] === true;
const arrayKind = options['array'] as string;
const verbose = !options['quiet'];
let printHeader = !options['no-header'];
const printStats = !options['no-stats'];

const bufSizes: number[] = [];
for (let i = 0; i < 33; i++) {
  const n = 2 ** i;
  if (minSize <= n && n <= maxSize) bufSizes.push(n);
}

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const wtime = MPI.Wtime;

function allocate(nbytes: number): Uint8Array {
  switch (arrayKind) {
    case 'buffer': return Buffer.alloc(nbytes);
    case 'shared': return new Uint8Array(new SharedArrayBuffer(nbytes));
    default: return new Uint8Array(nbytes);
  }
}

let sMsg: Uint8Array = new Uint8Array(0);
let rMsg: Uint8Array = new Uint8Array(0);

function runPingpongBuffers(): number {
  const tStart = wtime();
  if (size === 1) {
    comm.Sendrecv(sMsg, 0, 0, rMsg, 0, 0);
    comm.Sendrecv(sMsg, 0, 0, rMsg, 0, 0);
  } else if (rank === 0) {
    comm.Send(sMsg, 1, 0);
    comm.Recv(rMsg, 1, 0);
  } else if (rank === 1) {
    comm.Recv(rMsg, 0, 0);
    comm.Send(sMsg, 0, 0);
  }
  const tEnd = wtime();
  return (tEnd - tStart) / 2;
}

function runPingpongObjects(): number {
  const tStart = wtime();
  if (size === 1) {
    comm.sendrecv(sMsg, 0, 0, 0, 0);
    comm.sendrecv(sMsg, 0, 0, 0, 0);
  } else if (rank === 0) {
    comm.send(sMsg, 1, 0);
    comm.recv(1, 0);
  } else if (rank === 1) {
    comm.recv(0, 0);
    comm.send(sMsg, 0, 0);
  }
  const tEnd = wtime();
  return (tEnd - tStart) / 2;
}

const runPingpong = usePickle ? runPingpongObjects : runPingpongBuffers;

for (const nbytes of bufSizes) {
  if (nbytes > largeSize) {
    skip = Math.min(skip, skipLarge);
    loop = Math.min(loop, loopLarge);
  }
  if (nbytes > hugeSize) {
    skip = Math.min(skip, skipHuge);
    loop = Math.min(loop, loopHuge);
  }
  const iterations = loop + skip;

  sMsg = allocate(nbytes);
  rMsg = usePickle ? new Uint8Array(0) : allocate(nbytes);

  const tList: number[] = [];
  barrier(comm);
  for (let i = 0; i < iterations; i++) {
    const elapsed = runPingpong();
    if (i >= skip) tList.push(elapsed);
  }

  sMsg = rMsg = new Uint8Array(0);

  const tMean = mean(tList);
  const tStdev = stdev(tList);

  if (verbose && rank === 0) {
    if (printHeader) {
      printHeader = false;
      process.stdout.write('# MPI PingPong Test\n');
      let header = '# Size [B]  Bandwidth [MB/s]';
      if (printStats) header += ' | Time Mean [s] \u00b1 StdDev [s]  Samples';
      process.stdout.write(`${header}\n`);
    }
    const bandwidth = nbytes / tMean;
    let message = `${fmtD(nbytes, 10)}${fmtF(bandwidth / 1e6, 18, 2)}`;
    if (printStats) message += ` | ${fmtE(tMean, 7)} \u00b1 ${fmtE(tStdev, 4)} ${fmtD(loop, 8)}`;
    process.stdout.write(`${message}\n`);
  }
}
