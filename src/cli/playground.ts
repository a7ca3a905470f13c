/**
 * `mpi4ts playground`: serve the playground (dist/playground/, built by
 * scripts/playground.mjs) over HTTP with the two headers that make a page
 * cross-origin isolated (Cross-Origin-Opener-Policy: same-origin,
 * Cross-Origin-Embedder-Policy: require-corp): without them a browser gives
 * the page no SharedArrayBuffer, and the ranks cannot share memory.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** The folder `npm run build` fills: index.html, the app, the examples and the browser runtime. */
export const playgroundRoot = fileURLToPath(new URL('../playground/', import.meta.url));

/** The two headers of cross-origin isolation, on every response (dist/playground/_headers says the same for static hosts). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8', // the examples' sources, shown as text
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The Content-Type of a file, by its extension. */
export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A folder served under a URL path: `/mpi4ts/x.js` from `dir/x.js` for prefix `/mpi4ts/` (`only`: just these names). */
export interface Mount {
  prefix: string;
  dir: string;
  only?: readonly string[];
}

/** The first file a mount holds for a decoded URL path (a folder of the `/` mount: its index.html), or null; 'forbidden' for a path that leaves its folder. */
async function resolveFile(mounts: readonly Mount[], rel: string): Promise<string | 'forbidden' | 'redirect' | null> {
  for (const { prefix, dir, only } of mounts) {
    if (!rel.startsWith(prefix)) continue;
    const name = rel.slice(prefix.length);
    if (only !== undefined && !only.includes(name)) continue;
    const base = path.resolve(dir);
    const file = path.resolve(base, `./${name}`);
    if (file !== base && !file.startsWith(base + path.sep)) return 'forbidden';
    const st = await fs.promises.stat(file).catch(() => null);
    if (st?.isFile()) return file;
    if (st?.isDirectory() && prefix === '/') {
      if (!rel.endsWith('/')) return 'redirect'; // ./examples -> ./examples/, so relative URLs in its index resolve
      const index = path.join(file, 'index.html');
      if ((await fs.promises.stat(index).catch(() => null))?.isFile()) return index;
    }
  }
  return null;
}

/**
 * A request handler serving files from `mounts`, the first that has the
 * path (GET and HEAD; a folder serves its index.html), every answer with
 * the isolation headers. Paths are decoded and must stay inside their folder.
 */
export function staticHandler(mounts: readonly Mount[]): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-cache');
    const text = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      text(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      text(400, 'bad request\n');
      return;
    }
    resolveFile(mounts, rel).then((file) => {
      if (file === 'forbidden') text(403, 'forbidden\n');
      else if (file === 'redirect') res.writeHead(301, { Location: `${rel}/` }).end();
      else if (file === null) text(404, `not found: ${rel}\n`);
      else {
        fs.stat(file, (err, st) => {
          if (err) { text(404, `not found: ${rel}\n`); return; }
          res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': st.size });
          if (req.method === 'HEAD') res.end();
          else fs.createReadStream(file).pipe(res);
        });
      }
    }, (e: unknown) => text(500, `${String(e)}\n`));
  };
}

/**
 * What `mpi4ts playground` serves: the site, and under /mpi4ts/ the browser
 * runtime. `npm run build` copies the runtime into the site (so that the
 * folder can be published as is); the npm package leaves that copy out and
 * the runtime's compiler (esbuild.wasm, 14 MB) too, so they come from
 * dist/browser/ and, where it is installed, the esbuild-wasm package (else
 * the page takes esbuild.wasm from a CDN).
 */
export function playgroundMounts(): Mount[] {
  const mounts: Mount[] = [
    { prefix: '/', dir: playgroundRoot },
    { prefix: '/mpi4ts/', dir: fileURLToPath(new URL('../browser/', import.meta.url)) },
  ];
  try {
    const wasm = createRequire(import.meta.url).resolve('esbuild-wasm/esbuild.wasm');
    mounts.push({ prefix: '/mpi4ts/', dir: path.dirname(wasm), only: ['esbuild.wasm'] });
  } catch {
    // Not installed (a user's install of mpi4ts): the page asks the CDN.
  }
  return mounts;
}

export interface PlaygroundOptions {
  port?: number;
  host?: string;
  /** Open the page in the system's browser. */
  open?: boolean;
}

/** Listen on host:port (port 0: a free one); resolves with the server once it listens. */
export function listen(server: http.Server, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The URL a browser opens for a server listening on `host` (an IPv6 address in brackets). */
export function serverURL(server: http.Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const name = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}/`;
}

/** Start the browser the desktop opens URLs with; a failure only prints the URL's fate. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`mpi4ts playground: could not start ${command}; open ${url} yourself\n`));
  child.unref();
}

/**
 * `mpi4ts playground`: serve dist/playground/ until interrupted. Prints
 * `playground: <url>` once listening; resolves with the exit status (2 when
 * the site is not built or the port is taken).
 */
export async function servePlayground(o: PlaygroundOptions): Promise<number> {
  if (!fs.existsSync(path.join(playgroundRoot, 'index.html'))) {
    process.stderr.write(`mpi4ts playground: ${playgroundRoot} has no index.html; run \`npm run build\`\n`);
    return 2;
  }
  const host = o.host ?? '127.0.0.1';
  const server = http.createServer(staticHandler(playgroundMounts()));
  try {
    await listen(server, o.port ?? 8080, host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`mpi4ts playground: cannot listen on ${host}:${o.port ?? 8080}${code ? ` (${code})` : ''}: ${(e as Error).message}\n`);
    return 2;
  }
  const url = serverURL(server, host);
  process.stdout.write(`playground: ${url}\n`);
  if (o.open) openBrowser(url);
  // Until Ctrl-C (or a kill): then close and exit 0, as a server stopped on purpose.
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
