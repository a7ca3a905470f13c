/**
 * The files of a job in a browser, kept by the page so that every rank sees
 * the same ones, as ranks on one machine do: the program's files at the
 * start, what ranks write, MPI.File's files and shared file pointers. Ranks
 * reach them through synchronous calls (page-call.ts, from node/fs.ts); each
 * call is whole (the page runs one at a time), so `wx` creation is a lock.
 * A file a rank writes is handed to the page's onFile: at writeFileSync,
 * and when the last descriptor open on it closes after a write through one
 * (once for a file all ranks of MPI.File wrote; hidden dotfiles, such as
 * shared file pointers' and their locks, are not).
 */
import * as path from './node/path.js';

/** Open flags, numbers as node/fs.ts's constants (Linux's). */
const O_WRONLY = 1;
const O_RDWR = 2;
const O_ACCMODE = 3;
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
const O_APPEND = 0o2000;

const STRING_FLAGS: Record<string, number> = {
  'r': 0, 'rs': 0, 'sr': 0, 'r+': O_RDWR, 'rs+': O_RDWR, 'sr+': O_RDWR,
  'w': O_WRONLY | O_CREAT | O_TRUNC, 'wx': O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 'xw': O_WRONLY | O_CREAT | O_TRUNC | O_EXCL,
  'w+': O_RDWR | O_CREAT | O_TRUNC, 'wx+': O_RDWR | O_CREAT | O_TRUNC | O_EXCL, 'xw+': O_RDWR | O_CREAT | O_TRUNC | O_EXCL,
  'a': O_WRONLY | O_CREAT | O_APPEND, 'ax': O_WRONLY | O_CREAT | O_APPEND | O_EXCL, 'xa': O_WRONLY | O_CREAT | O_APPEND | O_EXCL,
  'as': O_WRONLY | O_CREAT | O_APPEND, 'sa': O_WRONLY | O_CREAT | O_APPEND,
  'a+': O_RDWR | O_CREAT | O_APPEND, 'ax+': O_RDWR | O_CREAT | O_APPEND | O_EXCL, 'xa+': O_RDWR | O_CREAT | O_APPEND | O_EXCL,
  'as+': O_RDWR | O_CREAT | O_APPEND, 'sa+': O_RDWR | O_CREAT | O_APPEND,
};

function flagsOf(flags: unknown, syscall: string, p: string): number {
  if (typeof flags === 'number') return flags;
  const f = STRING_FLAGS[String(flags ?? 'r')];
  if (f === undefined) throw fsError('EINVAL', syscall, p, `invalid flags '${String(flags)}'`);
  return f;
}

const ERRNO: Record<string, number> = { ENOENT: 2, EBADF: 9, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENOTEMPTY: 39 };
const TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory', EBADF: 'bad file descriptor', EEXIST: 'file already exists', ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory', EINVAL: 'invalid argument', ENOTEMPTY: 'directory not empty',
};

/** An error as Node's fs gives it (its code is what callers test, and what MPI.File maps to an error class). */
function fsError(code: string, syscall: string, p: string, text = TEXT[code] ?? code): Error {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${p}'`), { code, errno: -(ERRNO[code] ?? 0), syscall, path: p });
}

class File {
  bytes = new Uint8Array(0);
  size = 0;
  mtimeMs = Date.now();
  /** Written through a descriptor since it was last handed to the page. */
  dirty = false;

  view(): Uint8Array { return this.bytes.subarray(0, this.size); }

  /** Room for `size` bytes, zeros past the old end. */
  resize(size: number): void {
    if (size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(size, 2 * this.bytes.length, 64));
      grown.set(this.view());
      this.bytes = grown;
    } else if (size < this.size) {
      this.bytes.fill(0, size, this.size);
    }
    this.size = size;
    this.mtimeMs = Date.now();
  }

  writeAt(at: number, data: Uint8Array): void {
    if (at + data.length > this.size) this.resize(at + data.length);
    this.bytes.set(data, at);
    this.mtimeMs = Date.now();
  }
}

interface Descriptor { readonly path: string; readonly file: File; readonly flags: number; position: number }

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v ?? null));
const NOTHING = new Uint8Array(0);

export class PageFiles {
  readonly #files = new Map<string, File>();
  readonly #dirs = new Set(['/', '/tmp', '/home', '/home/user']);
  readonly #fds = new Map<number, Descriptor>();
  #nextFd = 3;
  readonly #onFile: (path: string, data: Uint8Array, rank: number) => void;

  constructor(onFile: (path: string, data: Uint8Array, rank: number) => void) {
    this.#onFile = onFile;
  }

  /** Put a file there before the ranks start (the program's files, the runtime's entries). */
  preload(p: string, data: string | Uint8Array): void {
    const file = new File();
    file.writeAt(0, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    this.#addDirs(p);
    this.#files.set(p, file);
  }

  #addDirs(p: string): void {
    for (let d = path.dirname(p); !this.#dirs.has(d); d = path.dirname(d)) this.#dirs.add(d);
  }

  #report(p: string, file: File, rank: number): void {
    if (!path.basename(p).startsWith('.')) this.#onFile(p, file.view().slice(), rank);
  }

  #file(p: string, syscall: string): File {
    const f = this.#files.get(p);
    if (f !== undefined) return f;
    throw fsError(this.#dirs.has(p) ? 'EISDIR' : 'ENOENT', syscall, p);
  }

  #fd(fd: unknown, syscall: string): Descriptor {
    const d = this.#fds.get(Number(fd));
    if (d === undefined) throw fsError('EBADF', syscall, String(fd));
    return d;
  }

  #open(p: string, flags: number, syscall: string): File {
    if (this.#dirs.has(p)) throw fsError('EISDIR', syscall, p);
    let file = this.#files.get(p);
    if (file !== undefined && (flags & O_CREAT) && (flags & O_EXCL)) throw fsError('EEXIST', syscall, p);
    if (file === undefined) {
      if (!(flags & O_CREAT)) throw fsError('ENOENT', syscall, p);
      if (!this.#dirs.has(path.dirname(p))) throw fsError('ENOENT', syscall, p);
      file = new File();
      this.#files.set(p, file);
    } else if (flags & O_TRUNC && (flags & O_ACCMODE) !== 0) {
      file.resize(0);
    }
    return file;
  }

  /** One call of a rank (node/fs.ts names the operations): its answer's bytes. */
  handle(op: string, args: readonly unknown[], data: Uint8Array | undefined, rank: number): Uint8Array {
    const p = typeof args[0] === 'string' ? args[0] : '';
    switch (op) {
      case 'readFile': return this.#file(p, 'open').view().slice();
      case 'writeFile': {
        const flags = flagsOf(args[1] ?? 'w', 'open', p);
        const file = this.#open(p, flags, 'open');
        file.writeAt(flags & O_APPEND ? file.size : 0, data ?? NOTHING);
        this.#report(p, file, rank);
        return NOTHING;
      }
      case 'stat': {
        if (this.#dirs.has(p)) return json({ size: 0, dir: true, mtimeMs: Date.now() });
        const f = this.#files.get(p);
        return json(f === undefined ? null : { size: f.size, dir: false, mtimeMs: f.mtimeMs });
      }
      case 'mkdir': {
        if (this.#dirs.has(p) || this.#files.has(p)) {
          if (args[1] && this.#dirs.has(p)) return json(null);
          throw fsError('EEXIST', 'mkdir', p);
        }
        if (!args[1] && !this.#dirs.has(path.dirname(p))) throw fsError('ENOENT', 'mkdir', p);
        this.#addDirs(p);
        this.#dirs.add(p);
        return json(p);
      }
      case 'readdir': {
        if (!this.#dirs.has(p)) throw fsError(this.#files.has(p) ? 'ENOTDIR' : 'ENOENT', 'scandir', p);
        const names = new Set<string>();
        for (const f of [...this.#files.keys(), ...this.#dirs]) if (f !== p && path.dirname(f) === p) names.add(path.basename(f));
        return json([...names].sort());
      }
      case 'unlink':
        if (!this.#files.delete(p)) throw fsError(this.#dirs.has(p) ? 'EISDIR' : 'ENOENT', 'unlink', p);
        return NOTHING;
      case 'rm': {
        const [, force, recursive] = args as [string, boolean, boolean];
        if (this.#files.delete(p)) return NOTHING;
        if (this.#dirs.has(p)) {
          const inside = (f: string): boolean => f.startsWith(`${p}/`);
          if (!recursive && ([...this.#files.keys()].some(inside) || [...this.#dirs].some(inside))) throw fsError('ENOTEMPTY', 'rm', p);
          for (const f of [...this.#files.keys()]) if (inside(f)) this.#files.delete(f);
          for (const d of [...this.#dirs]) if (d === p || inside(d)) this.#dirs.delete(d);
          return NOTHING;
        }
        if (!force) throw fsError('ENOENT', 'rm', p);
        return NOTHING;
      }
      case 'rename': {
        const to = String(args[1]);
        const f = this.#file(p, 'rename');
        if (!this.#dirs.has(path.dirname(to))) throw fsError('ENOENT', 'rename', to);
        this.#files.delete(p);
        this.#files.set(to, f);
        return NOTHING;
      }
      case 'open': {
        const flags = flagsOf(args[1], 'open', p);
        const file = this.#open(p, flags, 'open');
        const fd = this.#nextFd++;
        this.#fds.set(fd, { path: p, file, flags, position: 0 });
        return json(fd);
      }
      case 'close': {
        const d = this.#fd(args[0], 'close');
        this.#fds.delete(Number(args[0]));
        if (d.file.dirty && ![...this.#fds.values()].some((o) => o.file === d.file)) {
          d.file.dirty = false;
          this.#report(d.path, d.file, rank);
        }
        return NOTHING;
      }
      case 'read': {
        const d = this.#fd(args[0], 'read');
        if ((d.flags & O_ACCMODE) === O_WRONLY) throw fsError('EBADF', 'read', String(args[0]));
        const at = args[2] === null || args[2] === undefined ? d.position : Number(args[2]);
        const bytes = d.file.view().slice(Math.min(at, d.file.size), Math.min(at + Number(args[1]), d.file.size));
        if (args[2] === null || args[2] === undefined) d.position += bytes.length;
        return bytes;
      }
      case 'write': {
        const d = this.#fd(args[0], 'write');
        if ((d.flags & O_ACCMODE) === 0) throw fsError('EBADF', 'write', String(args[0]));
        const bytes = data ?? NOTHING;
        const positioned = args[1] !== null && args[1] !== undefined;
        const at = d.flags & O_APPEND ? d.file.size : positioned ? Number(args[1]) : d.position;
        d.file.writeAt(at, bytes);
        if (!positioned) d.position = at + bytes.length;
        d.file.dirty = true;
        return json(bytes.length);
      }
      case 'fstat': {
        const d = this.#fd(args[0], 'fstat');
        return json({ size: d.file.size, dir: false, mtimeMs: d.file.mtimeMs });
      }
      case 'ftruncate': {
        const d = this.#fd(args[0], 'ftruncate');
        d.file.resize(Number(args[1] ?? 0));
        d.file.dirty = true;
        return NOTHING;
      }
      case 'fsync':
        this.#fd(args[0], 'fsync');
        return NOTHING;
      default:
        throw fsError('EINVAL', op, p, `no such operation ${op}`);
    }
  }
}
