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

/**
 * A request handler serving the files under `root` (GET and HEAD; a folder
 * serves its index.html), every answer with the isolation headers. Paths
 * are decoded and must stay inside `root`.
 */
export function staticHandler(root: string): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const base = path.resolve(root);
  return (req, res) => {
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    let file = path.resolve(base, `.${rel}`);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden\n');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!rel.endsWith('/')) { // ./examples -> ./examples/, so relative URLs in its index resolve
          res.writeHead(301, { Location: `${rel}/` }).end();
          return;
        }
        file = path.join(file, 'index.html');
      }
      fs.stat(file, (err2, st2) => {
        if (err2 || !st2.isFile()) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${rel}\n`);
          return;
        }
        res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': st2.size });
        if (req.method === 'HEAD') res.end();
        else fs.createReadStream(file).pipe(res);
      });
    });
  };
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
  const server = http.createServer(staticHandler(playgroundRoot));
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
