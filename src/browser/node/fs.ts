/**
 * node:fs in a browser. A job's files are kept by the page (page-fs.ts), so
 * that every rank sees the same ones, as ranks on one machine do: the
 * program's files are there at start, under `/` (the script is /main.ts);
 * what a rank writes (writeFileSync, or through a descriptor it closes) is
 * also handed to the page (RunOptions.onFile: a PNG, an SVG, a CSV). Each
 * call waits for the page's answer (page-call.ts), so calls are
 * synchronous as in Node; descriptors 0 (rank 0's RunOptions.stdin), 1 and
 * 2 (the rank's output) stay in the rank. The working directory is /.
 */
import * as path from 'path-browserify';
import { Buffer } from './buffer.js';
import { callPage } from '../page-call.js';

/** What the rank entry plugs in. */
export interface FsHooks {
  /** Up to `max` bytes of standard input; an empty array at its end. */
  readStdin(max: number): Uint8Array;
  /** Text a program writes to fd 1 or 2. */
  write(fd: 1 | 2, text: string): void;
}

let hooks: FsHooks | null = null;
export function setFsHooks(h: FsHooks): void { hooks = h; }

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

/** A call on the page's files, answered with bytes. */
function call(op: string, args: unknown[], data?: Uint8Array): Uint8Array {
  return callPage({ kind: 'fs', op, args, ...(data === undefined ? {} : { data }) });
}

/** A call on the page's files, answered with a value. */
function ask<T>(op: string, args: unknown[], data?: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(call(op, args, data))) as T;
}

type Data = string | ArrayBufferView | ArrayBuffer;
type Options = BufferEncoding | { encoding?: BufferEncoding | null; flag?: string; mode?: number } | null | undefined;

function encodingOf(options: Options): BufferEncoding | null | undefined {
  return typeof options === 'string' ? options : options?.encoding;
}

/** The bytes of `data`, copied (they travel to the page). */
function bytesOf(data: Data, options?: Options): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, (encodingOf(options) ?? 'utf8') as never);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export function writeFileSync(file: string | URL | number, data: Data, options?: Options): void {
  if (typeof file === 'number') {
    writeSync(file, typeof data === 'string' ? data : bytesOf(data));
    return;
  }
  const flag = typeof options === 'object' && options !== null ? options.flag : undefined;
  call('writeFile', [abs(file), flag ?? 'w'], bytesOf(data, options));
}

export function appendFileSync(file: string | URL, data: Data, options?: Options): void {
  writeFileSync(file, data, { ...(typeof options === 'string' ? { encoding: options } : options ?? {}), flag: 'a' });
}

export function readFileSync(file: string | URL | number, options?: Options): string | Buffer {
  let bytes: Uint8Array;
  if (file === 0) {
    const parts: Uint8Array[] = [];
    for (let b = readStdin(65536); b.length > 0; b = readStdin(65536)) parts.push(b);
    bytes = Buffer.concat(parts);
  } else if (typeof file === 'number') {
    const size = fstatSync(file).size;
    bytes = call('read', [file, size, 0]);
  } else {
    bytes = call('readFile', [abs(file)]);
  }
  const enc = encodingOf(options);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return enc ? buf.toString(enc) : buf;
}

function readStdin(max: number): Uint8Array {
  return hooks ? hooks.readStdin(max) : new Uint8Array(0);
}

interface StatAnswer { size: number; dir: boolean; mtimeMs: number }

class Stats {
  readonly size: number;
  readonly mtimeMs: number;
  readonly mtime: Date;
  readonly mode: number;
  readonly #dir: boolean;
  constructor(s: StatAnswer) {
    this.size = s.size;
    this.mtimeMs = s.mtimeMs;
    this.mtime = new Date(s.mtimeMs);
    this.#dir = s.dir;
    this.mode = s.dir ? 0o40755 : 0o100644;
  }
  isFile(): boolean { return !this.#dir; }
  isDirectory(): boolean { return this.#dir; }
  isSymbolicLink(): boolean { return false; }
  isFIFO(): boolean { return false; }
}

export function statSync(p: string | URL, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
  const a = abs(p);
  const s = ask<StatAnswer | null>('stat', [a]);
  if (s !== null) return new Stats(s);
  if (options?.throwIfNoEntry === false) return undefined;
  throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${a}'`), { code: 'ENOENT', errno: -2, syscall: 'stat', path: a });
}
export const lstatSync = statSync;

export function existsSync(p: string | URL): boolean {
  try {
    return ask<StatAnswer | null>('stat', [abs(p)]) !== null;
  } catch {
    return false;
  }
}

export function realpathSync(p: string | URL): string {
  const a = abs(p);
  statSync(a);
  return a;
}

export function mkdirSync(p: string | URL, options?: { recursive?: boolean }): string | undefined {
  return ask<string | null>('mkdir', [abs(p), options?.recursive === true]) ?? undefined;
}

export function readdirSync(p: string | URL): string[] {
  return ask<string[]>('readdir', [abs(p)]);
}

export function unlinkSync(p: string | URL): void { call('unlink', [abs(p)]); }

export function rmSync(p: string | URL, options?: { force?: boolean; recursive?: boolean }): void {
  call('rm', [abs(p), options?.force === true, options?.recursive === true]);
}

export function renameSync(from: string | URL, to: string | URL): void { call('rename', [abs(from), abs(to)]); }

export function openSync(p: string | URL, flags: string | number = 'r', _mode?: number): number {
  return ask<number>('open', [abs(p), flags]);
}

export function closeSync(fd: number): void {
  if (fd >= 0 && fd <= 2) return;
  call('close', [fd]);
}

export function writeSync(fd: number, data: string | ArrayBufferView, offsetOrPosition?: number | null, lengthOrEncoding?: number | string, position?: number | null): number {
  let bytes: Uint8Array;
  let at: number | null;
  if (typeof data === 'string') {
    // writeSync(fd, string, position, encoding)
    bytes = Buffer.from(data, (typeof lengthOrEncoding === 'string' ? lengthOrEncoding : 'utf8') as never);
    at = offsetOrPosition ?? null;
  } else {
    // writeSync(fd, buffer, offset, length, position)
    const all = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const from = offsetOrPosition ?? 0;
    bytes = all.subarray(from, typeof lengthOrEncoding === 'number' ? from + lengthOrEncoding : all.length);
    at = position ?? null;
  }
  if (fd === 1 || fd === 2) {
    const text = new TextDecoder().decode(bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes);
    if (hooks) hooks.write(fd, text); else (fd === 2 ? console.error : console.log)(text);
    return bytes.length;
  }
  return ask<number>('write', [fd, at], bytes.slice());
}

export function readSync(fd: number, buffer: ArrayBufferView, offset = 0, length?: number, position?: number | bigint | null): number {
  const target = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const n = length ?? target.length - offset;
  const chunk = fd === 0 ? readStdin(n) : call('read', [fd, n, position === null || position === undefined ? null : Number(position)]);
  target.set(chunk, offset);
  return chunk.length;
}

export function fstatSync(fd: number): Stats {
  if (fd >= 0 && fd <= 2) return new Stats({ size: 0, dir: false, mtimeMs: Date.now() });
  return new Stats(ask<StatAnswer>('fstat', [fd]));
}
export function ftruncateSync(fd: number, len = 0): void { call('ftruncate', [fd, len]); }
export function fdatasyncSync(fd: number): void { if (fd > 2) call('fsync', [fd]); }
export function fsyncSync(fd: number): void { if (fd > 2) call('fsync', [fd]); }

function noStreams(p: unknown): never {
  throw Object.assign(new Error(`ENOTSUP: file streams are not available in a browser (use the synchronous calls), open '${String(p)}'`), { code: 'ENOTSUP' });
}
export function createReadStream(p: string): never { return noStreams(p); }
export function createWriteStream(p: string): never { return noStreams(p); }

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
  rename: async (a: string | URL, b: string | URL) => renameSync(a, b),
};

export default {
  writeFileSync, appendFileSync, readFileSync, existsSync, statSync, lstatSync, realpathSync, mkdirSync, readdirSync,
  unlinkSync, rmSync, renameSync, writeSync, readSync, openSync, closeSync, fstatSync, ftruncateSync, fdatasyncSync, fsyncSync,
  createReadStream, createWriteStream, constants, promises,
};
