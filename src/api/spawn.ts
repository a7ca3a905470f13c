/**
 * Arguments of MPI_Comm_spawn and MPI_Comm_spawn_multiple, checked and
 * resolved at the root (only the root's arguments count): what to start, as
 * the transport's SpawnCommand. The collective part is in src/coll/spawn.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SpawnCommand } from '../transport/spi.js';
import { ERR_SPAWN, ERR_ARG, MpiFailure } from '../core/errorcodes.js';
import { checkInt, describe } from './args.js';
import { Info } from './info.js';

/** Keyword form of Spawn's optional arguments (mpi4py's `args=`, `maxprocs=`, `info=`, `root=`). */
export interface SpawnOptions {
  /** The script's arguments; one string counts as one argument. */
  args?: readonly string[] | string | null;
  maxprocs?: number;
  /**
   * MPI.INFO_NULL (or null), an MPI.Info, or hints as an object of strings (`{ wdir: '/tmp' }`):
   * the native transport passes them to the library's MPI_Comm_spawn; the
   * embedded runtime has no hint that changes how processes start.
   */
  info?: unknown;
  root?: number;
  /** Filled with one error code per started process (all SUCCESS: a failure to start raises instead). */
  errcodes?: number[] | null;
}

/** Keyword form of Spawn_multiple's optional arguments. */
export interface SpawnMultipleOptions {
  args?: readonly (readonly string[] | null)[] | null;
  maxprocs?: number | readonly number[] | null;
  /** One set of hints for every command, or an array of one per command (see SpawnOptions.info). */
  info?: unknown;
  root?: number;
  /** Filled with one list of error codes per command. */
  errcodes?: number[][] | null;
}

const SCRIPT = /\.(c|m)?(t|j)sx?$/;

function isNode(command: string): boolean {
  return command === process.execPath || /^node(\.exe)?$/i.test(path.basename(command));
}

function strings(routine: string, arg: string, x: unknown): string[] {
  if (x === null || x === undefined) return [];
  if (typeof x === 'string') return [x]; // one argument, as mpi4py takes args='worker.py'
  if (!Array.isArray(x)) throw new TypeError(`${routine}: ${arg} must be an array of strings, got ${describe(x)}`);
  return x.map((a, i) => {
    if (typeof a !== 'string') throw new TypeError(`${routine}: ${arg}[${i}] must be a string, got ${describe(a)}`);
    return a;
  });
}

/**
 * One command as the launcher runs it. `command` is a script (.ts, .mts,
 * .js, .mjs; relative to the current directory) or the Node.js executable
 * with the script as the first argument (mpi4py's `sys.executable,
 * args=['worker.py']`).
 */
/** MPI_Info hints as key/value pairs: an MPI.Info (INFO_NULL: none), null, an object or a Map of strings. */
export function infoHints(routine: string, info: unknown, label = 'info'): [string, string][] {
  if (info === null || info === undefined) return [];
  if (info instanceof Info) return info.hints();
  const entries = info instanceof Map ? [...info.entries()] : typeof info === 'object' && !Array.isArray(info) ? Object.entries(info) : null;
  if (entries === null) throw new TypeError(`${routine}: ${label} must be MPI.INFO_NULL or an object of string hints, got ${describe(info)}`);
  return entries.map(([k, v]) => {
    if (typeof k !== 'string' || typeof v !== 'string') {
      throw new TypeError(`${routine}: ${label} hint ${describe(k)} must have a string value, got ${describe(v)}`);
    }
    return [k, v];
  });
}

export function resolveCommand(routine: string, command: unknown, args: unknown, maxprocs: unknown, label = 'command', info: unknown = null): SpawnCommand {
  if (typeof command !== 'string') throw new TypeError(`${routine}: ${label} must be a string (a script path or process.execPath), got ${describe(command)}`);
  const argList = strings(routine, label === 'command' ? 'args' : label.replace('command', 'args'), args);
  const n = checkInt(routine, label === 'command' ? 'maxprocs' : label.replace('command', 'maxprocs'), maxprocs);
  if (n < 1) throw new MpiFailure(ERR_ARG, `maxprocs must be at least 1, got ${n}`);
  let script = command;
  let rest = argList;
  if (isNode(command)) {
    if (argList.length === 0 || argList[0]!.startsWith('-')) {
      throw new MpiFailure(ERR_SPAWN, `${label} is the Node.js executable: the first of its args must be the script to run, got ${argList.length === 0 ? 'no args' : `'${argList[0]}'`} (Node.js options are not supported)`);
    }
    script = argList[0]!;
    rest = argList.slice(1);
  }
  const abs = path.resolve(script);
  let isFile = false;
  try { isFile = fs.statSync(abs).isFile(); } catch { /* reported below */ }
  if (!isFile) throw new MpiFailure(ERR_SPAWN, `cannot start '${script}': no such file (${abs})`);
  if (!SCRIPT.test(abs)) throw new MpiFailure(ERR_SPAWN, `cannot start '${script}': not a .ts, .mts, .js or .mjs script`);
  return { script: abs, args: rest, maxprocs: n, info: infoHints(routine, info, label === 'command' ? 'info' : label.replace('command', 'info')) };
}

/** Spawn's optional arguments, positional (mpi4py order) or as one options object. */
export function spawnOptions(argsOrOptions: unknown, maxprocs: unknown, info: unknown, root: unknown, errcodes: unknown): Required<SpawnOptions> {
  if (argsOrOptions !== null && typeof argsOrOptions === 'object' && !Array.isArray(argsOrOptions)) {
    const o = argsOrOptions as SpawnOptions;
    return { args: o.args ?? null, maxprocs: o.maxprocs ?? 1, info: o.info ?? null, root: o.root ?? 0, errcodes: o.errcodes ?? null };
  }
  return {
    args: (argsOrOptions ?? null) as readonly string[] | string | null, maxprocs: (maxprocs ?? 1) as number, info: info ?? null,
    root: (root ?? 0) as number, errcodes: (errcodes ?? null) as number[] | null,
  };
}

/** Spawn_multiple's commands at the root. */
export function resolveCommands(routine: string, command: unknown, args: unknown, maxprocs: unknown, info: unknown = null): SpawnCommand[] {
  if (!Array.isArray(command) || command.length === 0) {
    throw new TypeError(`${routine}: command must be a non-empty array of commands, got ${describe(command)}`);
  }
  const count = command.length;
  const argLists = args === null || args === undefined ? Array(count).fill(null) : args;
  // One count for every command, as mpi4py accepts a scalar maxprocs.
  const procs = maxprocs === null || maxprocs === undefined ? Array(count).fill(1) : typeof maxprocs === 'number' ? Array(count).fill(maxprocs) : maxprocs;
  if (!Array.isArray(argLists) || argLists.length !== count) {
    throw new TypeError(`${routine}: args must be an array of ${count} argument lists (one per command), got ${describe(args)}${Array.isArray(args) ? ` of ${args.length}` : ''}`);
  }
  if (!Array.isArray(procs) || procs.length !== count) {
    throw new TypeError(`${routine}: maxprocs must be an array of ${count} integers (one per command), got ${describe(maxprocs)}${Array.isArray(maxprocs) ? ` of ${maxprocs.length}` : ''}`);
  }
  if (Array.isArray(info) && info.length !== count) {
    throw new TypeError(`${routine}: info must be one set of hints or an array of ${count} (one per command), got an array of ${info.length}`);
  }
  return command.map((c, i) => resolveCommand(routine, c, argLists[i], procs[i], `command[${i}]`, Array.isArray(info) ? info[i] : info));
}

/**
 * Fill the caller's errcodes list for Spawn_multiple: one list of codes per
 * command (mpi4py 4's `errcodes=`), `counts[i]` codes in list i.
 */
export function fillErrcodesMultiple(errcodes: unknown, counts: readonly number[]): void {
  if (Array.isArray(errcodes)) {
    errcodes.length = 0;
    for (const n of counts) errcodes.push(Array<number>(n).fill(0));
  }
}

/** Fill the caller's errcodes list (mpi4py's `errcodes=` output argument). */
export function fillErrcodes(errcodes: unknown, n: number): void {
  if (Array.isArray(errcodes)) {
    errcodes.length = 0;
    for (let i = 0; i < n; i++) errcodes.push(0);
  }
}
