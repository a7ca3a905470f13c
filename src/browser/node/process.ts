/**
 * `process` in a browser: what src/ and the programs ask of it (env, argv,
 * exit and its events, hrtime, nextTick, stdout/stderr). In the page it is
 * the launcher's (injected into the page bundle only, never a global of the
 * page); in a rank, src/browser/rank.ts makes it the global `process` and
 * gives it the rank's streams, argv and exit.
 */
import { EventEmitter } from 'events';
import { activeHandles } from './timers.js';
import { release as osRelease } from './os.js';

/** What the rank entry plugs in: how the thread ends. */
export interface ProcessHooks {
  /** End the rank with `code` after the 'exit' listeners ran; never returns. */
  exit(code: number): never;
}

/** A writable as far as src/ uses process.stdout and process.stderr. */
export interface TextSink {
  write(chunk: string | Uint8Array, encoding?: unknown, callback?: () => void): boolean;
  readonly isTTY: boolean;
  readonly fd: number;
}

const consoleSink = (fd: number): TextSink => ({
  fd,
  isTTY: false,
  write(chunk) {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    (fd === 2 ? console.error : console.log)(text.replace(/\n$/, ''));
    return true;
  },
});

const start = performance.now();

class BrowserProcess extends EventEmitter {
  env: Record<string, string | undefined> = {};
  argv: string[] = ['/usr/local/bin/node', '/main.js'];
  argv0 = 'node';
  execArgv: string[] = [];
  execPath = '/usr/local/bin/node';
  title = 'browser';
  pid = 1;
  ppid = 0;
  platform = 'browser';
  arch = 'wasm';
  /** The browser, e.g. Chrome/131.0.0.0 (no `node` among the versions: packages that look for it take their browser path). */
  version = osRelease() || 'browser';
  versions: Record<string, string> = { browser: this.version };
  features: Record<string, unknown> = { typescript: false };
  release = { name: 'browser' };
  exitCode: number | undefined = undefined;
  stdout: TextSink = consoleSink(1);
  stderr: TextSink = consoleSink(2);
  stdin: unknown = null;
  hooks: ProcessHooks | null = null;
  #exiting = false;

  cwd(): string { return '/'; }
  chdir(): void { throw new Error('process.chdir() is not available in a browser'); }
  umask(): number { return 0o22; }
  getuid(): number { return 1000; }
  getgid(): number { return 1000; }
  uptime(): number { return (performance.now() - start) / 1000; }
  cpuUsage(): { user: number; system: number } { return { user: Math.round(performance.now() * 1000), system: 0 }; }
  memoryUsage(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } {
    return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  }
  setSourceMapsEnabled(): void {}
  emitWarning(warning: string | Error, type?: string): void {
    const text = typeof warning === 'string' ? `${type ?? 'Warning'}: ${warning}` : `${warning.name}: ${warning.message}`;
    this.stderr.write(`(node:${this.pid}) ${text}\n`);
  }
  kill(): boolean { throw new Error('process.kill() is not available in a browser'); }
  abort(): never { return this.exit(134); }
  /** Resources that keep the thread alive (its timers; a rank ends when there are none). */
  getActiveResourcesInfo(): string[] { return Array.from({ length: activeHandles() }, () => 'Timeout'); }

  nextTick(fn: (...a: unknown[]) => void, ...args: unknown[]): void {
    queueMicrotask(() => fn(...args));
  }

  hrtime = Object.assign((prev?: [number, number]): [number, number] => {
    const ns = this.hrtime.bigint();
    let s = Number(ns / 1_000_000_000n);
    let n = Number(ns % 1_000_000_000n);
    if (prev) {
      s -= prev[0];
      n -= prev[1];
      if (n < 0) { s--; n += 1e9; }
    }
    return [s, n];
  }, {
    bigint: (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
  });

  /** Run the 'exit' listeners once (Node's order: exitCode set, then the event). */
  runExit(code: number): void {
    if (this.#exiting) return;
    this.#exiting = true;
    this.exitCode = code;
    this.emit('exit', code);
  }

  exit(code?: number | string): never {
    const c = code === undefined ? (this.exitCode ?? 0) : Number(code);
    if (this.hooks === null) throw new Error(`process.exit(${c}) is not available in a page`);
    this.runExit(c);
    return this.hooks.exit(c);
  }
}

export const process = new BrowserProcess();
export default process;
