// mpi4ts/browser: run() takes the contract's options and resolves with the exit code and failure.
import { run, compile, setCompilerWasmURL, type RunOptions, type RunResult } from 'mpi4ts/browser';

export async function main(signal: AbortSignal): Promise<void> {
  setCompilerWasmURL('/static/esbuild.wasm');
  const options: RunOptions = {
    np: 4,
    script: "import { MPI } from 'mpi4ts';\nconsole.log(MPI.COMM_WORLD.Get_rank());",
    files: { './lib/x.ts': 'export const x = 1;' },
    args: ['--count', '3'],
    tagOutput: true,
    timeoutSeconds: 30,
    stdin: '6\n',
    futures: false,
    usize: 8,
    signal,
    onOutput(text: string, stream: 'stdout' | 'stderr', rank: number) { void [text, stream, rank]; },
    onFile(path: string, data: Uint8Array, rank: number) { void [path, data, rank]; },
  };
  const r: RunResult = await run(options);
  const code: number = r.code;
  const failure: string | null = r.failure;
  const js: string = await compile(options.script, options.files);
  void [code, failure, js];
  // @ts-expect-error np is required
  await run({ script: '' });
  // @ts-expect-error output streams are stdout and stderr
  await run({ np: 1, script: '', onOutput: (_t: string, _s: 'stdin') => {} });
}
