/**
 * Entry point of a rank's worker thread: make the thread look like a process
 * running the user's script (argv, stdin), then import the script. The
 * transport itself starts when the script imports `mpi4ts`.
 */
import { workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { Readable } from 'node:stream';
import { BOOTSTRAP_KEY, type RankBootstrap } from '../../core/bootstrap.js';
import { RankOutput } from './output.js';
import { scriptURL } from '../../loader/entry.js';

const boot = (workerData as Record<string, RankBootstrap>)[BOOTSTRAP_KEY]!;

process.argv = [process.execPath, boot.script, ...boot.argv];

// Worker threads share the process's file descriptors: rank 0 reads the real
// standard input (synchronously with fs.readSync(0) or through process.stdin);
// the other ranks see an empty stream, as under mpiexec. The stream is made
// on first use only: a tty.ReadStream switches fd 0 to non-blocking mode, and
// fs.readSync(0) would then fail with EAGAIN.
let stdin: NodeJS.ReadStream | undefined;
Object.defineProperty(process, 'stdin', {
  configurable: true,
  enumerable: true,
  get(): NodeJS.ReadStream {
    stdin ??= (boot.ownsStdin
      ? (tty.isatty(0) ? new tty.ReadStream(0) : fs.createReadStream('', { fd: 0, autoClose: false }))
      : Readable.from([])) as NodeJS.ReadStream;
    return stdin;
  },
});

const table = new Int32Array(boot.procTable);
const prefix = boot.tagOutput ? `[${boot.outputTag ?? boot.worldRank}] ` : '';
const stdout = new RankOutput(1, table, prefix);
const stderr = new RankOutput(2, table, prefix);
Object.defineProperty(process, 'stdout', { value: stdout, configurable: true, enumerable: true, writable: true });
Object.defineProperty(process, 'stderr', { value: stderr, configurable: true, enumerable: true, writable: true });
process.on('exit', () => {
  stdout.flushPartial();
  stderr.flushPartial();
});

await import(await scriptURL(boot.script, boot.entry));
