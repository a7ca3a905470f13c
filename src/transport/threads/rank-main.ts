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
import { outputPrefix } from './lines.js';
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
const prefix = outputPrefix(boot);
const stdout = new RankOutput(1, table, prefix);
const stderr = new RankOutput(2, table, prefix);
// The launcher's side of Node's own worker stdio asks this thread for more
// data with a message that Node answers by calling a method of
// process.stdout / process.stderr (kStdioWantsMoreDataCallback). The message
// can arrive after the streams are replaced below (more often the faster the
// rank starts: `TypeError: process[stream][kStdioWantsMoreDataCallback] is
// not a function`, seen at -n 16 under load), so ours answer it as the
// original streams would.
for (const [name, ours] of [['stdout', stdout], ['stderr', stderr]] as const) {
  const original = process[name] as unknown as Record<symbol, () => void>;
  for (const key of Object.getOwnPropertySymbols(Object.getPrototypeOf(original))) {
    if (key.description === 'kStdioWantsMoreDataCallback') (ours as unknown as Record<symbol, () => void>)[key] = () => original[key]!();
  }
}
Object.defineProperty(process, 'stdout', { value: stdout, configurable: true, enumerable: true, writable: true });
Object.defineProperty(process, 'stderr', { value: stderr, configurable: true, enumerable: true, writable: true });
process.on('exit', () => {
  stdout.flushPartial();
  stderr.flushPartial();
});

await import(await scriptURL(boot.script, boot.entry));
