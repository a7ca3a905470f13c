/**
 * The playground's file server (src/cli/playground.ts, `mpi4ts playground`):
 * every answer carries the two cross-origin isolation headers; files come
 * from the first mount that has them (the site, then the browser runtime
 * under /mpi4ts/, then only esbuild.wasm from esbuild-wasm), with their
 * content types; nothing outside a mount is served; the folder of the
 * built site is what `npm run build` makes. Browser tests:
 * test/browser/playground.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentType, listen, playgroundMounts, serverURL, staticHandler } from '../../dist/cli/playground.js'; // as built: its paths name dist/

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-playground-unit-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A raw request (the path as is, no URL normalisation by a client). */
function request(url: string, rawPath: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.request(url, { path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject).end();
  });
}

test('playground server: mounts in order, /mpi4ts/ from the runtime, `only` names, isolation headers on every answer', async () => {
  const site = tree({ 'index.html': '<p>site</p>', 'app.js': 'site app', 'examples/index.json': '{}', 'mpi4ts/index.js': 'site copy' });
  const runtime = tree({ 'index.js': 'runtime', 'rank.js': 'rank', 'secret.txt': 'no' });
  const wasm = tree({ 'esbuild.wasm': 'wasm', 'package.json': '{}' });
  const server = http.createServer(staticHandler([
    { prefix: '/', dir: site }, { prefix: '/mpi4ts/', dir: runtime }, { prefix: '/mpi4ts/', dir: wasm, only: ['esbuild.wasm'] },
  ]));
  await listen(server, 0, '127.0.0.1');
  const url = serverURL(server, '127.0.0.1');
  try {
    const cases: [string, number, string | null, string | null][] = [
      ['/', 200, 'text/html; charset=utf-8', '<p>site</p>'],
      ['/app.js', 200, 'text/javascript; charset=utf-8', 'site app'],
      ['/mpi4ts/index.js', 200, null, 'site copy'], // the site's own copy first
      ['/mpi4ts/rank.js', 200, null, 'rank'], // else the runtime's
      ['/mpi4ts/esbuild.wasm', 200, 'application/wasm', 'wasm'],
      ['/mpi4ts/package.json', 404, null, null], // not one of `only`
      ['/examples', 301, null, null],
      ['/examples/index.json', 200, 'application/json; charset=utf-8', '{}'],
      ['/nothing', 404, null, null],
      ['/../secret.txt', 404, null, null], // the dots stop at the root
      ['/..%2f..%2fetc%2fpasswd', 403, null, null],
      ['/mpi4ts/..%2fsecret.txt', 403, null, null],
      ['/%E0%A4%A', 400, null, null],
    ];
    for (const [p, status, type, body] of cases) {
      const r = await request(url, p);
      assert.equal(r.status, status, p);
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', p);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', p);
      if (type !== null) assert.equal(r.headers['content-type'], type, p);
      if (body !== null) assert.equal(r.body, body, p);
    }
    assert.equal((await request(url, '/examples')).headers.location, '/examples/');
    const head = await request(url, '/app.js', 'HEAD');
    assert.deepEqual([head.status, head.headers['content-length'], head.body], [200, '8', '']);
    const post = await request(url, '/', 'POST');
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD']);
  } finally {
    server.close();
    for (const d of [site, runtime, wasm]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('playground server: content types by extension', () => {
  assert.equal(contentType('a/esbuild.wasm'), 'application/wasm');
  assert.equal(contentType('x.MJS'), 'text/javascript; charset=utf-8');
  assert.equal(contentType('mandelbrot.png'), 'image/png');
  assert.equal(contentType('plot.svg'), 'image/svg+xml');
  assert.equal(contentType('ring.ts'), 'text/plain; charset=utf-8');
  assert.equal(contentType('blob.bin'), 'application/octet-stream');
});

test('playground server: the mounts are the built site, then dist/browser/ under /mpi4ts/', () => {
  const [site, runtime] = playgroundMounts();
  assert.deepEqual([site!.prefix, path.basename(site!.dir)], ['/', 'playground']);
  assert.deepEqual([runtime!.prefix, path.basename(runtime!.dir)], ['/mpi4ts/', 'browser']);
  assert.equal(path.basename(path.dirname(site!.dir)), 'dist');
});
