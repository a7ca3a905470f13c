/**
 * Entry of each process that `mpi4ts --transport native` starts through the
 * system's mpiexec: `node rank-entry.js script args...`. It makes the
 * process look as if `node script args...` had been run (process.argv),
 * imports a TypeScript script's compiled JavaScript (src/loader/: the
 * launcher compiled it; a spawned child's script is compiled on first use),
 * and lets a script outside any project that installs mpi4ts import this
 * copy, as the embedded runtime's rank-main does. The transport is chosen by select.ts
 * (the launcher's environment variables, MPI4TS_TRANSPORT=native).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { lastWords, launcherLibrary, loadAddon, ST_SLOTS } from './addon.js';
import { scriptURL } from '../../loader/entry.js';

// `--spawned <label>`: started by MPI_Comm_spawn (engine.ts spawnComm), not by mpiexec.
const spawned = process.argv[2] === '--spawned' ? process.argv.splice(2, 2)[1]! : null;
const script = path.resolve(process.argv[2] ?? '');
const worldRank = process.env['OMPI_COMM_WORLD_RANK'] ?? process.env['PMI_RANK'] ?? process.env['PMIX_RANK'] ?? '?';
/** How messages name this process: `rank R`, or `spawned process (Spawn #label, script) rank R`. */
const who = spawned === null ? `rank ${worldRank}` : `spawned process (Spawn #${spawned}, ${path.basename(script)}) rank ${worldRank}`;
if (spawned !== null) {
  // The library starts spawned processes with the environment of its daemon, which need not carry the launcher's.
  process.env['MPI4TS_SPAWNED'] = spawned;
  process.env['MPI4TS_TRANSPORT'] ??= 'native';
  const library = launcherLibrary();
  if (library !== null) process.env['MPI4TS_MPI'] ??= library;
}
process.env['MPI4TS_WHO'] = who;

/**
 * `--tag-output`: prefix every line of this rank with `[rank] `, the same
 * on both libraries and on the embedded runtime. A partial line waits for
 * its newline (or the exit).
 */
function tagLines(stream: NodeJS.WriteStream, fd: number): void {
  const prefix = spawned === null ? `[${worldRank}] ` : `[${spawned},${worldRank}] `;
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  let partial = '';
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cut = text.lastIndexOf('\n') + 1;
    partial = text.slice(cut);
    if (cut === 0) {
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }
    return write(`${text.slice(0, cut - 1).split('\n').map((l) => prefix + l).join('\n')}\n`, ...rest);
  }) as typeof stream.write;
  process.on('exit', () => {
    if (partial !== '') fs.writeSync(fd, `${prefix}${partial}\n`);
  });
}
// Open MPI gives its ranks a pseudo-terminal for stdout whatever the
// launcher's is: a rank sees a terminal only where the launcher has one
// (MPI4TS_TTY: stdout and stderr, 1 or 0), so output is not coloured into a pipe.
const tty = process.env['MPI4TS_TTY'];
if (tty !== undefined) {
  if (tty[0] === '0' && process.stdout.isTTY) process.stdout.isTTY = false;
  if (tty[1] === '0' && process.stderr.isTTY) process.stderr.isTTY = false;
}
if (process.env['MPI4TS_TAG_OUTPUT'] === '1') {
  tagLines(process.stdout, 1);
  tagLines(process.stderr, 2);
}
process.argv.splice(1, 2, script);

try {
  // The launcher's compiled script (run.ts), if this is the script it
  // compiled and this host sees the launcher's cache (Hydra passes the
  // environment to other hosts too; there the cache is looked up, or filled).
  const launcherCompiled = (JSON.parse(process.env['MPI4TS_COMPILED'] ?? '{}') as Record<string, string>)[script];
  const compiled = launcherCompiled !== undefined && fs.existsSync(new URL(launcherCompiled)) ? launcherCompiled : undefined;
  await import(await scriptURL(script, compiled));
} catch (e) {
  // A script that fails before (or while) it starts MPI: the other ranks
  // may already wait for this one inside the library, and some launchers
  // (Hydra) do not stop them when a process merely exits. Take the job down.
  process.stderr.write(`mpi4ts: ${who} failed: ${inspect(e)}\n`);
  try {
    const { addon } = loadAddon();
    addon.init(new Int32Array(ST_SLOTS));
    lastWords();
    addon.abort(0, 1);
  } catch { /* no library: exiting is all we can do */ }
  process.exit(1);
}
