/**
 * A stand-in for the browser runtime, for testing the playground page
 * without it (MPI4TS_PLAYGROUND_STANDIN=1 in playground.test.ts): the page's
 * ./mpi4ts/index.js becomes a module whose run() posts the program to this
 * test server, which runs it with the CLI (`mpi4ts -n N --tag-output`) in a
 * scratch folder and streams back its output lines (rank from the tag; the
 * launcher's own lines as rank -1), the .png/.svg files it wrote, and its
 * exit status. Stop sends the CLI SIGINT, as Ctrl-C would. It checks the
 * page, not the runtime: the outputs are the CLI's by construction.
 */
import type * as http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, repoRoot } from '../helpers/spmd.ts';

/** The module served as ./mpi4ts/index.js: run() and compile() of the contract, over HTTP. */
const RUNTIME_JS = `
let next = 0;
export async function compile(script) { return script; }
export async function run(o) {
  if (!globalThis.crossOriginIsolated) throw new Error('mpi4ts/browser: the page is not cross-origin isolated');
  const id = String(++next) + '-' + Math.random().toString(36).slice(2);
  const stop = () => fetch('/__standin/stop?id=' + id, { method: 'POST' });
  if (o.signal) o.signal.addEventListener('abort', stop, { once: true });
  const body = JSON.stringify({ id, np: o.np, script: o.script, files: o.files ?? {}, args: o.args ?? [], tagOutput: !!o.tagOutput,
    stdin: o.stdin ?? '', futures: !!o.futures, timeoutSeconds: o.timeoutSeconds });
  const r = await fetch('/__standin/run', { method: 'POST', body });
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  let end = { code: 1, failure: 'the stand-in ended without a result' };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let i;
    while ((i = buffered.indexOf('\\n')) >= 0) {
      const event = JSON.parse(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      if (event.type === 'output') o.onOutput?.(event.text, event.stream, event.rank);
      else if (event.type === 'file') o.onFile?.(event.path, Uint8Array.from(atob(event.data), (c) => c.charCodeAt(0)), event.rank);
      else if (event.type === 'end') end = { code: event.code, failure: event.failure };
    }
  }
  if (o.signal) o.signal.removeEventListener('abort', stop);
  return end;
}
`;

interface RunRequest {
  id: string; np: number; script: string; files: Record<string, string>; args: string[];
  tagOutput: boolean; stdin: string; futures: boolean; timeoutSeconds?: number;
}

const running = new Map<string, ChildProcess>();

/** Scratch folders under node_modules/.cache, so that the programs' packages (pngjs...) resolve from the repository. */
const scratchRoot = path.join(repoRoot, 'node_modules', '.cache', 'mpi4ts-playground-standin');

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8').on('data', (c: string) => { s += c; }).on('end', () => resolve(s)).on('error', reject);
  });
}

/** Handle the stand-in's requests; false for any other (the caller serves the site). */
export function standinHandler(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/mpi4ts/index.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(RUNTIME_JS);
    return true;
  }
  if (url.pathname === '/__standin/stop') {
    running.get(url.searchParams.get('id') ?? '')?.kill('SIGINT');
    res.writeHead(204).end();
    return true;
  }
  if (url.pathname === '/__standin/run') {
    void readBody(req).then((body) => runJob(JSON.parse(body) as RunRequest, res));
    return true;
  }
  return false;
}

function runJob(o: RunRequest, res: http.ServerResponse): void {
  fs.mkdirSync(scratchRoot, { recursive: true });
  const dir = fs.mkdtempSync(path.join(scratchRoot, 'run-'));
  const script = path.join(dir, 'main.ts');
  fs.writeFileSync(script, o.script);
  for (const [name, text] of Object.entries(o.files)) {
    const file = path.resolve(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  const send = (event: object): void => { res.write(`${JSON.stringify(event)}\n`); };
  const launcherArgs = ['-n', String(o.np), '--tag-output', ...(o.futures ? ['--futures'] : []),
    ...(o.timeoutSeconds !== undefined ? ['--timeout', String(o.timeoutSeconds)] : [])];
  const child = spawn(process.execPath, [cli, ...launcherArgs, script, ...o.args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  running.set(o.id, child);
  child.stdin.end(o.stdin);
  let failure: string | null = null;
  /** Whole lines of one stream, as the runtime hands them over; a last line without its newline gets one. */
  const lines = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: string | null): void => {
      if (chunk === null) {
        if (partial === '') return;
        chunk = '\n';
      }
      partial += chunk;
      let i: number;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i + 1);
        partial = partial.slice(i + 1);
        const m = /^\[(\d+)\] /.exec(line);
        if (m !== null) send({ type: 'output', stream, rank: Number(m[1]), text: o.tagOutput ? line : line.slice(m[0].length) });
        else if (stream === 'stdout') {
          // A prompt written straight to fd 1 (examples/lib/input.ts) carries no tag; the line it shares does, after it.
          send({ type: 'output', stream, rank: 0, text: o.tagOutput ? line : line.replace(/\[\d+\] /, '') });
        } else {
          if (stream === 'stderr' && failure === null && line.startsWith('mpi4ts: ')) failure = line.slice(8, -1);
          send({ type: 'output', stream, rank: -1, text: line });
        }
      }
    };
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const take = lines(stream);
    child[stream].setEncoding('utf8').on('data', take).on('end', () => take(null));
  }
  child.on('close', (code, signal) => {
    running.delete(o.id);
    for (const f of fs.readdirSync(dir).filter((n) => /\.(png|svg)$/i.test(n)).sort()) {
      send({ type: 'file', path: f, rank: 0, data: fs.readFileSync(path.join(dir, f)).toString('base64') });
    }
    send({ type: 'end', code: code ?? 128, failure: failure ?? (signal !== null ? `killed by ${signal}` : null) });
    res.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
