/**
 * node:fs in a browser: each rank's own in-memory files. The program's
 * sources (RunOptions.files) are there at start, under `/`; a file the
 * program writes whole (writeFileSync, appendFileSync) is kept and handed
 * to the page (RunOptions.onFile: a PNG, an SVG, a CSV). File descriptors
 * are only 0 (rank 0's RunOptions.stdin), 1 and 2 (the rank's output):
 * opening files (MPI.File, shared file pointers) is refused with ENOTSUP,
 * since ranks share no file system.
 */
import * as path from 'path-browserify';
import { Buffer } from './buffer.js';

/** What the rank entry plugs in. */
export interface FsHooks {
  /** A file the program wrote (its whole content). */
  onFile(path: string, data: Uint8Array): void;
  /** Up to `max` bytes of standard input; an empty array at its end. */
  readStdin(max: number): Uint8Array;
  /** Text a program writes to fd 1 or 2. */
  write(fd: 1 | 2, text: string): void;
}

let hooks: FsHooks | null = null;
export function setFsHooks(h: FsHooks): void { hooks = h; }

const files = new Map<string, Uint8Array>();
const dirs = new Set<string>(['/', '/tmp', '/home', '/home/user']);

function abs(p: string | URL | Uint8Array): string {
  let s: string;
  if (p instanceof URL) {
    // The runtime's own modules are at http(s): URLs (their import.meta.url): their paths on the server (url.ts).
    if (!['file:', 'http:', 'https:'].includes(p.protocol)) throw new TypeError(`The URL must be of scheme file (got ${p.href})`);
    s = decodeURIComponent(p.pathname);
  } else if (p instanceof Uint8Array) {
    s = new TextDecoder().decode(p);
  } else {
    s = String(p);
  }
  return path.resolve('/', s);
}

function fsError(code: string, syscall: string, p: string, what: string): Error {
  const e = new Error(`${code}: ${what}, ${syscall} '${p}'`) as Error & { code: string; syscall: string; path: string; errno: number };
  e.code = code;
  e.syscall = syscall;
  e.path = p;
  e.errno = -({ ENOENT: 2, EISDIR: 21, ENOTDIR: 20, EEXIST: 17, ENOTSUP: 95, EBADF: 9 } as Record<string, number>)[code]!;
  return e;
}

function notInBrowser(syscall: string, p: string): Error {
  return fsError('ENOTSUP', syscall, p, 'operation not available in a browser (the ranks share no file system; fs.writeFileSync hands a file to the page)');
}

function addDirs(p: string): void {
  for (let d = path.dirname(p); !dirs.has(d); d = path.dirname(d)) dirs.add(d);
}

type Data = string | ArrayBufferView | ArrayBuffer;
type Options = BufferEncoding | { encoding?: BufferEncoding | null; flag?: string } | null | undefined;

function bytesOf(data: Data, options?: Options): Uint8Array {
  if (typeof data === 'string') {
    const enc = (typeof options === 'string' ? options : options?.encoding) ?? 'utf8';
    return Buffer.from(data, enc as never);
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
}

/** Put a file there from outside (the program's sources and data, before it starts). */
export function preload(p: string, data: string | Uint8Array): void {
  const a = abs(p);
  addDirs(a);
  files.set(a, typeof data === 'string' ? new TextEncoder().encode(data) : data);
}

export function writeFileSync(file: string | URL | number, data: Data, options?: Options): void {
  if (file === 1 || file === 2) {
    writeSync(file, typeof data === 'string' ? data : bytesOf(data));
    return;
  }
  if (typeof file === 'number') throw fsError('EBADF', 'write', String(file), 'bad file descriptor');
  const p = abs(file);
  if (dirs.has(p)) throw fsError('EISDIR', 'open', p, 'illegal operation on a directory');
  if (!dirs.has(path.dirname(p))) throw fsError('ENOENT', 'open', p, 'no such file or directory');
  const flag = typeof options === 'object' && options !== null ? options.flag : undefined;
  const bytes = bytesOf(data, options);
  const old = flag?.startsWith('a') ? files.get(p) : undefined;
  const all = old ? Buffer.concat([old, bytes]) : bytes;
  files.set(p, all);
  hooks?.onFile(p, all);
}

export function appendFileSync(file: string | URL, data: Data, options?: Options): void {
  writeFileSync(file, data, { ...(typeof options === 'string' ? { encoding: options } : options ?? {}), flag: 'a' });
}

export function readFileSync(file: string | URL | number, options?: Options): string | Buffer {
  let bytes: Uint8Array;
  if (file === 0) {
    const parts: Uint8Array[] = [];
    for (let b = readStdinChunk(65536); b.length > 0; b = readStdinChunk(65536)) parts.push(b);
    bytes = Buffer.concat(parts);
  } else {
    if (typeof file === 'number') throw fsError('EBADF', 'read', String(file), 'bad file descriptor');
    const p = abs(file);
    if (dirs.has(p)) throw fsError('EISDIR', 'read', p, 'illegal operation on a directory');
    const found = files.get(p);
    if (found === undefined) throw fsError('ENOENT', 'open', p, 'no such file or directory');
    bytes = found;
  }
  const enc = typeof options === 'string' ? options : options?.encoding;
  const buf = Buffer.from(bytes);
  return enc ? buf.toString(enc) : buf;
}

function readStdinChunk(max: number): Uint8Array {
  return hooks ? hooks.readStdin(max) : new Uint8Array(0);
}

export function existsSync(p: string | URL): boolean {
  try {
    const a = abs(p);
    return files.has(a) || dirs.has(a);
  } catch {
    return false;
  }
}

class Stats {
  constructor(readonly size: number, readonly dir: boolean) {}
  readonly mtime = new Date();
  readonly mtimeMs = Date.now();
  readonly mode = 0o644;
  isFile(): boolean { return !this.dir; }
  isDirectory(): boolean { return this.dir; }
  isSymbolicLink(): boolean { return false; }
  isFIFO(): boolean { return false; }
}

export function statSync(p: string | URL, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
  const a = abs(p);
  if (dirs.has(a)) return new Stats(0, true);
  const f = files.get(a);
  if (f !== undefined) return new Stats(f.length, false);
  if (options?.throwIfNoEntry === false) return undefined;
  throw fsError('ENOENT', 'stat', a, 'no such file or directory');
}
export const lstatSync = statSync;

export function realpathSync(p: string | URL): string {
  const a = abs(p);
  if (!files.has(a) && !dirs.has(a)) throw fsError('ENOENT', 'realpath', a, 'no such file or directory');
  return a;
}

export function mkdirSync(p: string | URL, options?: { recursive?: boolean }): string | undefined {
  const a = abs(p);
  if (dirs.has(a)) {
    if (options?.recursive) return undefined;
    throw fsError('EEXIST', 'mkdir', a, 'file already exists');
  }
  if (!options?.recursive && !dirs.has(path.dirname(a))) throw fsError('ENOENT', 'mkdir', a, 'no such file or directory');
  addDirs(a);
  dirs.add(a);
  return a;
}

export function readdirSync(p: string | URL): string[] {
  const a = abs(p);
  if (!dirs.has(a)) throw fsError('ENOENT', 'scandir', a, 'no such file or directory');
  const names = new Set<string>();
  for (const f of [...files.keys(), ...dirs]) if (f !== a && path.dirname(f) === a) names.add(path.basename(f));
  return [...names].sort();
}

export function unlinkSync(p: string | URL): void {
  const a = abs(p);
  if (!files.delete(a)) throw fsError('ENOENT', 'unlink', a, 'no such file or directory');
}

export function rmSync(p: string | URL, options?: { force?: boolean; recursive?: boolean }): void {
  const a = abs(p);
  if (files.delete(a)) return;
  if (dirs.has(a) && options?.recursive) {
    for (const f of [...files.keys()]) if (f.startsWith(`${a}/`)) files.delete(f);
    for (const d of [...dirs]) if (d === a || d.startsWith(`${a}/`)) dirs.delete(d);
    return;
  }
  if (!options?.force) throw fsError('ENOENT', 'rm', a, 'no such file or directory');
}

export function writeSync(fd: number, data: string | ArrayBufferView, offset?: number | null, length?: number): number {
  if (fd !== 1 && fd !== 2) throw notInBrowser('write', `fd ${fd}`);
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    bytes = new TextEncoder().encode(data);
  } else {
    const all = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const from = offset ?? 0;
    bytes = all.subarray(from, length === undefined ? all.length : from + length);
  }
  const text = new TextDecoder().decode(bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes);
  if (hooks) hooks.write(fd, text); else (fd === 2 ? console.error : console.log)(text);
  return bytes.length;
}

export function readSync(fd: number, buffer: ArrayBufferView, offset = 0, length?: number, _position?: number | null): number {
  if (fd !== 0) throw notInBrowser('read', `fd ${fd}`);
  const target = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const n = length ?? target.length - offset;
  const chunk = readStdinChunk(n);
  target.set(chunk, offset);
  return chunk.length;
}

export function openSync(p: string | URL): number { throw notInBrowser('open', abs(p)); }
export function closeSync(fd: number): void { if (fd > 2) throw fsError('EBADF', 'close', String(fd), 'bad file descriptor'); }
export function fstatSync(fd: number): Stats {
  if (fd >= 0 && fd <= 2) return new Stats(0, false);
  throw fsError('EBADF', 'fstat', String(fd), 'bad file descriptor');
}
export function ftruncateSync(fd: number): void { throw notInBrowser('ftruncate', `fd ${fd}`); }
export function fdatasyncSync(fd: number): void { throw notInBrowser('fdatasync', `fd ${fd}`); }
export function fsyncSync(fd: number): void { throw notInBrowser('fsync', `fd ${fd}`); }
export function createReadStream(p: string): never { throw notInBrowser('open', String(p)); }
export function createWriteStream(p: string): never { throw notInBrowser('open', String(p)); }

export const constants = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_APPEND: 0o2000,
  F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1,
};

export const promises = {
  readFile: async (p: string | URL, o?: Options) => readFileSync(p, o),
  writeFile: async (p: string | URL, d: Data, o?: Options) => writeFileSync(p, d, o),
  appendFile: async (p: string | URL, d: Data, o?: Options) => appendFileSync(p, d, o),
  mkdir: async (p: string | URL, o?: { recursive?: boolean }) => mkdirSync(p, o),
  readdir: async (p: string | URL) => readdirSync(p),
  stat: async (p: string | URL) => statSync(p),
  rm: async (p: string | URL, o?: { force?: boolean; recursive?: boolean }) => rmSync(p, o),
  unlink: async (p: string | URL) => unlinkSync(p),
};

export default {
  writeFileSync, appendFileSync, readFileSync, existsSync, statSync, lstatSync, realpathSync, mkdirSync, readdirSync,
  unlinkSync, rmSync, writeSync, readSync, openSync, closeSync, fstatSync, ftruncateSync, fdatasyncSync, fsyncSync,
  createReadStream, createWriteStream, constants, promises,
};
