/**
 * `mpi4ts/browser`: run an MPI program in a page, its ranks Web Workers on
 * shared memory, the embedded runtime's engine and job (ThreadsJob) as in
 * Node. The page must be cross-origin isolated (headers
 * `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`) for SharedArrayBuffer.
 */
import { ThreadsJob } from '../transport/threads/host.js';
import { webThreads } from './web-threads.js';
import { compileProgram, programFiles, setCompilerWasmURL as setWasm, MAIN, type CompiledProgram } from './compile.js';
import { SourceMap } from './stack.js';
import { PageFiles } from './page-fs.js';

/** The package's version, set by scripts/bundle-browser.mjs (src/mpi.ts reads it from the package.json above dist/). */
declare const MPI4TS_PACKAGE_VERSION: string;

/** How to run a program. */
export interface RunOptions {
  /** Number of ranks, 1..64. */
  np: number;
  /** TypeScript (or JavaScript) source of the program. */
  script: string;
  /** Other sources it imports by relative path, e.g. `{'./lib/png.ts': '...'}`, and data files it reads. */
  files?: Record<string, string>;
  /** process.argv.slice(2) of every rank. */
  args?: string[];
  /** Prefix lines with `[rank] ` (the CLI's --tag-output). */
  tagOutput?: boolean;
  /** End the job after this many seconds, with exit code 124 and where each rank was (the CLI's --timeout). */
  timeoutSeconds?: number;
  /** What rank 0 reads from standard input. */
  stdin?: string;
  /** Variables every rank sees in process.env (beside MPI4TS_RANK and MPI4TS_SIZE), e.g. the BENCH_* settings of bench/ programs. */
  env?: Record<string, string>;
  /** Whole lines (each ends with \n) of a rank's output; the launcher's own `mpi4ts: ...` lines come with rank -1. */
  onOutput?(text: string, stream: 'stdout' | 'stderr', rank: number): void;
  /** A file a rank wrote (PNG, SVG, ...). */
  onFile?(path: string, data: Uint8Array, rank: number): void;
  /** Stop the job (exit code 130, with where each rank was). */
  signal?: AbortSignal;
  /**
   * The CLI's --futures (mpi4py's `-m mpi4py.futures`): rank 0 runs the
   * script, ranks 1..np-1 are the pool every MPIPoolExecutor of rank 0
   * shares. Without it an executor spawns its workers (more Web Workers).
   */
  futures?: boolean;
  /** MPI_UNIVERSE_SIZE, how many ranks may be alive at once with those Spawn starts (the CLI's --usize; default: the larger of np and the cores). */
  usize?: number;
}

/** How a run ended: its exit code, and the failure as the CLI prints it after "mpi4ts: " (null for a clean end). */
export interface RunResult {
  /** The job's exit code, as the CLI's (0: every rank ended cleanly; 86: deadlock; 124: timeout; 130: stopped). */
  code: number;
  /** Why the job failed, as the CLI prints it after "mpi4ts: " (a rank's error, a deadlock report), or null. */
  failure: string | null;
}

/** The largest number of ranks a page runs. */
const MAX_NP = 64;
/** Exit code of a job stopped from the page, as a shell reports Ctrl-C (128 + SIGINT). */
const EXIT_STOPPED = 130;

/** Compile a program without running it (for errors before a run): the JavaScript a rank would import. */
export async function compile(script: string, files?: Record<string, string>): Promise<string> {
  return (await compileProgram(programFiles(script, files))).code;
}

/**
 * Where the TypeScript compiler's WebAssembly (esbuild-wasm's esbuild.wasm)
 * is, when not beside this module: `npm run build` puts it in dist/browser/,
 * the npm package leaves it out (14 MB; take node_modules/esbuild-wasm/esbuild.wasm).
 * Call it before the first run or compile.
 */
export function setCompilerWasmURL(url: string | URL): void {
  setWasm(url);
}

/** Where a runtime entry (dist/browser/<name>.js) is, as a path and as the URL to import. */
function runtimeEntry(name: string): [path: string, url: string] {
  const url = new URL(`./${name}.js`, import.meta.url);
  return [decodeURIComponent(url.pathname), url.href];
}

/** Run a program on `np` ranks; resolves when every rank has ended. */
export async function run(options: RunOptions): Promise<RunResult> {
  if (options === null || typeof options !== 'object') throw new TypeError(`run: expected an options object, got ${options === null ? 'null' : typeof options}`);
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
    throw new Error('mpi4ts/browser: this page is not cross-origin isolated (crossOriginIsolated is false), so it has no SharedArrayBuffer: '
      + 'serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
  }
  const { np } = options;
  if (!Number.isInteger(np) || np < 1 || np > MAX_NP) throw new RangeError(`run: np must be an integer from 1 to ${MAX_NP}, got ${np}`);
  const env = options.env ?? {};
  if (env === null || typeof env !== 'object' || Object.values(env).some((v) => typeof v !== 'string')) {
    throw new TypeError('run: env must be an object of strings');
  }
  const onOutput = options.onOutput ?? ((text, stream) => (stream === 'stderr' ? console.error : console.log)(text.replace(/\n$/, '')));
  const say = (line: string): void => onOutput(`mpi4ts: ${line}\n`, 'stderr', -1);
  if (options.signal?.aborted) {
    const failure = 'interrupted: stopped from the page';
    say(failure);
    return { code: EXIT_STOPPED, failure };
  }
  const files = programFiles(options.script, options.files);
  const blobs: string[] = [];
  const maps = new Map<string, SourceMap>();
  const programs = new Map<string, CompiledProgram>();
  const blob = (program: CompiledProgram): string => {
    const url = URL.createObjectURL(new Blob([program.code], { type: 'text/javascript' }));
    blobs.push(url);
    maps.set(url, new SourceMap(program.map, '/', program.shifts));
    programs.set(url, program);
    return url;
  };
  // What ranks import by path: the program's files as they are compiled, and the runtime's entries.
  const futuresMain = runtimeEntry('futures-main');
  const compiled = new Map([runtimeEntry('futures-server'), futuresMain]);
  try {
    compiled.set(MAIN, blob(await compileProgram(files)));
  } catch (e) {
    const failure = `cannot compile ${MAIN.slice(1)}: ${e instanceof Error ? e.message : String(e)}`;
    say(failure);
    return { code: 1, failure };
  }
  const [script, entry, args] = options.futures
    ? [futuresMain[0], futuresMain[1], [MAIN, ...options.args ?? []]]
    : [MAIN, compiled.get(MAIN)!, options.args ?? []];
  // The job's files, which every rank sees: the program's, the runtime's entries (for Spawn's checks) and package.json.
  const pageFiles = new PageFiles(options.onFile ?? (() => {}));
  for (const [file, text] of Object.entries(files)) pageFiles.preload(file, text);
  for (const file of compiled.keys()) if (files[file] === undefined) pageFiles.preload(file, '// compiled by the page (mpi4ts/browser)\n');
  pageFiles.preload(new URL('../package.json', import.meta.url).pathname, JSON.stringify({ name: 'mpi4ts', version: MPI4TS_PACKAGE_VERSION }));
  try {
    const job = new ThreadsJob({
      np, script, entry, args, tagOutput: options.tagOutput ?? false, sharing: 'arena', universeSize: options.usize,
      timeoutSeconds: options.timeoutSeconds,
      // A waiting rank spins 50 us before it parks (the engine's default,
      // not the 1000 us of Node's launcher): it cannot give its core away
      // between polls (no sched_yield in a page), and the browser's own
      // threads share the cores with the ranks, so a long spin slows the
      // rank it waits for when the cores are busy, while parking at once
      // costs a wake-up per message when they are not. 2-rank ping-pong in
      // headless Chromium, 8 B and 1 MiB: on 2 busy cores (load 9), spin
      // 1000 against 0: 78-207 us against 5-7 us, 1.4-12 ms against
      // 0.19-0.22 ms; on 2 quiet cores, spin 0 / 50 / 1000 alternated twice:
      // 5.4-32 / 1.5-2.7 / 1.5-3.5 us and 353-390 / 131-161 / 147-252 us
      // (bench/browser.ts measures the result against Node).
      config: { spinMicros: 50 },
      platform: webThreads({
        rankURL: new URL('./rank.js', import.meta.url),
        files: pageFiles, compiled, maps, programs, stdin: options.stdin ?? '', env, onOutput,
        // Spawn: a file of the program, compiled now (the runtime's entries are there already).
        compile: async (file) => {
          let url = compiled.get(file);
          if (url === undefined) {
            url = blob(await compileProgram(files, file));
            compiled.set(file, url);
          }
          return url;
        },
      }),
    });
    const stop = (): void => void job.interrupt('interrupted: stopped from the page', EXIT_STOPPED);
    options.signal?.addEventListener('abort', stop, { once: true });
    const result = await job.run();
    options.signal?.removeEventListener('abort', stop);
    if (result.failure) say(result.failure);
    return { code: result.code, failure: result.failure };
  } finally {
    for (const url of blobs) URL.revokeObjectURL(url);
  }
}
