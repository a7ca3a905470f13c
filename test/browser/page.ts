/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * on a page of the static server (server.ts) that imports mpi4ts/browser
 * from dist/browser/: the harness of test/browser/*.test.ts. Build first
 * (`npm run build`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from './server.ts';
import type { RunOptions } from '../../src/browser/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Why the browser tests cannot run here, or false. */
export const noBrowser: string | false = !fs.existsSync(CHROMIUM)
  ? `no ${CHROMIUM}: the browser tests need Debian's chromium package`
  : !fs.existsSync(path.join(repoRoot, 'dist', 'browser', 'index.js')) ? 'no dist/browser/index.js: run npm run build' : false;

export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What a run in the page gives back: run()'s result, the output in arrival order, the files written. */
export interface PageRun {
  code: number;
  failure: string | null;
  output: { text: string; stream: 'stdout' | 'stderr'; rank: number }[];
  files: { path: string; bytes: number; head: number[]; rank: number }[];
}

/** RunOptions of mpi4ts/browser that survive JSON (no callbacks: the harness collects output and files). */
export type PageRunOptions = Omit<RunOptions, 'onOutput' | 'onFile' | 'signal'> & {
  /** Abort the run after this many milliseconds (RunOptions.signal). */
  abortAfterMs?: number;
};

export class BrowserHarness {
  #server: StaticServer | null = null;
  #browser: Browser | null = null;
  #page: Page | null = null;
  readonly errors: string[] = [];

  async start(): Promise<void> {
    this.#server = await serveStatic(repoRoot);
    this.#browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    this.#page = await this.#browser.newPage();
    this.#page.on('pageerror', (e) => this.errors.push(String(e)));
    await this.#page.goto(`${this.#server.url}test/browser/index.html`);
  }

  get page(): Page { return this.#page!; }
  get url(): string { return this.#server!.url; }

  /** Run a program in the page. */
  run(o: PageRunOptions): Promise<PageRun> {
    // A string, not a function: tsx's keepNames would put __name() calls into a function's text.
    return this.page.evaluate(`(async (o) => {
      const m = await import('/dist/browser/index.js');
      const output = [];
      const files = [];
      const controller = new AbortController();
      if (o.abortAfterMs !== undefined) setTimeout(() => controller.abort(), o.abortAfterMs);
      const r = await m.run({ ...o, signal: controller.signal,
        onOutput: (text, stream, rank) => output.push({ text, stream, rank }),
        onFile: (path, data, rank) => files.push({ path, bytes: data.length, head: Array.from(data.subarray(0, 8)), rank }) });
      return { ...r, output, files };
    })(${JSON.stringify(o)})`);
  }

  /** Evaluate an expression in the page (a string, as run()). */
  evaluate<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  async stop(): Promise<void> {
    await this.#browser?.close();
    await this.#server?.close();
  }
}

/** The text of one stream of a run's ranks (not the launcher's lines), as lines. */
export function outputLines(r: PageRun, stream: 'stdout' | 'stderr' = 'stdout'): string[] {
  return r.output.filter((o) => o.stream === stream && o.rank >= 0).map((o) => o.text).join('').split('\n').filter((l) => l !== '');
}
