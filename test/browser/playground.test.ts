/**
 * The playground (issue 19) in headless Chromium (Debian's, driven by
 * playwright-core): `mpi4ts playground` prints its URL and serves the site
 * with the cross-origin isolation headers; the page loads isolated and lists
 * the examples; a deep link runs an example; every example prints at 1-4
 * ranks what the CLI prints for it (exit status, the lines of its output as
 * a set, the first line of the launcher's report, the pictures); Mandelbrot
 * at 4 ranks shows its 1200-pixel picture; a deep link's arguments and
 * standard input reach the program; an edited program runs as edited; a
 * deadlock and a throwing rank are reported as the CLI reports them, a
 * compile error names the import; Stop ends a job with status 130; a page
 * served without the headers says so. Screenshots for the docs:
 * docs/img/playground-mandelbrot-4.png and docs/img/playground-ring-8.png.
 *
 *   npm run build && node --import tsx --test test/browser/playground.test.ts
 *   (about 5 minutes on 2 cores: each example runs 4 times in the page and 4 with the CLI)
 *
 * The runs need the browser runtime (dist/browser/, which the CLI serves
 * under /mpi4ts/ when the site has no copy); without it they skip, saying so.
 * MPI4TS_PLAYGROUND_STANDIN=1 runs them on a stand-in runtime that runs the
 * programs with the CLI (standin.ts): a test of the page alone.
 * CHROMIUM=/path picks another browser.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cli, lines, mpirun, repoRoot } from '../helpers/spmd.ts';
import { listen, serverURL, staticHandler } from '../../dist/cli/playground.js';
import { standinHandler } from './standin.ts';

const site = path.join(repoRoot, 'dist', 'playground');
const executablePath = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const standin = process.env['MPI4TS_PLAYGROUND_STANDIN'] === '1';

const noSite = fs.existsSync(path.join(site, 'index.html')) ? false : 'dist/playground/ is not built (npm run build)';
const noBrowser = noSite || (fs.existsSync(executablePath) ? false : `no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
const noRuntime = noBrowser || (standin || fs.existsSync(path.join(repoRoot, 'dist', 'browser', 'index.js')) ? false
  : 'the browser runtime is not built (dist/browser/index.js); MPI4TS_PLAYGROUND_STANDIN=1 tests the page on a stand-in');

interface Example { name: string; np: number; stdin?: string; args?: string; futures?: boolean }
const manifest = noSite ? { examples: [] as Example[], lib: [] as string[] }
  : JSON.parse(fs.readFileSync(path.join(site, 'examples', 'index.json'), 'utf8')) as { examples: Example[]; lib: string[] };

// ---- the CLI's server --------------------------------------------------------------

/** `mpi4ts playground --port 0 [args]`: resolves with the child and the URL it printed. */
function startCLI(args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'playground', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no URL in 20 s: ${out}${err}`)); }, 20_000);
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /^playground: (http:\/\/127\.0\.0\.1:(\d+)\/)\n/.exec(out);
      if (m !== null) { clearTimeout(timer); resolve({ child, url: m[1]! }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mpi4ts playground exited (${code}): ${out}${err}`)); });
  });
}

function stopCLI(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

test('playground: the CLI prints its URL and serves the site with both headers and the right content types', { skip: noSite, timeout: 60_000 }, async () => {
  const { child, url } = await startCLI();
  try {
    const checks: [string, number, string | null][] = [
      ['', 200, 'text/html; charset=utf-8'],
      ['index.html', 200, 'text/html; charset=utf-8'],
      ['app.js', 200, 'text/javascript; charset=utf-8'],
      ['style.css', 200, 'text/css; charset=utf-8'],
      ['examples/index.json', 200, 'application/json; charset=utf-8'],
      ['examples/helloworld.ts', 200, 'text/plain; charset=utf-8'],
      ['examples/lib/png.ts', 200, 'text/plain; charset=utf-8'],
      ['no-such-file.js', 404, null],
      ['..%2f..%2fpackage.json', 403, null], // decoded, it leaves the site: refused
    ];
    const wasm = fs.existsSync(path.join(site, 'mpi4ts'))
      ? fs.readdirSync(path.join(site, 'mpi4ts'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.wasm')) : undefined;
    if (wasm !== undefined) checks.push([`mpi4ts/${wasm}`, 200, 'application/wasm']);
    for (const [file, status, type] of checks) {
      const r = await fetch(url + file);
      assert.equal(r.status, status, file);
      assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin', file);
      assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp', file);
      if (type !== null) assert.equal(r.headers.get('content-type'), type, file);
    }
    // A path sent as is (fetch would resolve the dots): the dots stop at the site's root.
    const raw = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${url}x`, { path: '/../../package.json' }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
    });
    assert.equal(raw, 404);
    const head = await fetch(`${url}app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), fs.statSync(path.join(site, 'app.js')).size);
    // The same headers for static hosts that read _headers.
    const headers = fs.readFileSync(path.join(site, '_headers'), 'utf8');
    assert.match(headers, /^\/\*\n {2}Cross-Origin-Opener-Policy: same-origin\n {2}Cross-Origin-Embedder-Policy: require-corp\n/m);
  } finally {
    assert.equal(await stopCLI(child), 0, 'Ctrl-C stops the server with status 0');
  }
  // A port in use: said, status 2.
  const busy = http.createServer();
  await listen(busy, 0, '127.0.0.1');
  const port = (busy.address() as { port: number }).port;
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const c = spawn(process.execPath, [cli, 'playground', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    c.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    c.on('exit', (code) => resolve({ code, err }));
  });
  busy.close();
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`^mpi4ts playground: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
});

// ---- the page ----------------------------------------------------------------------

let browser: Browser;
let base = '';
let closeServer: () => Promise<unknown> = async () => {};

before(async () => {
  if (noBrowser) return;
  if (standin) {
    // The site as the CLI serves it, with the stand-in's ./mpi4ts/index.js and its endpoints.
    const serve = staticHandler([{ prefix: '/', dir: site }]);
    const server = http.createServer((req, res) => {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (!standinHandler(req, res)) serve(req, res);
    });
    await listen(server, 0, '127.0.0.1');
    base = serverURL(server, '127.0.0.1');
    closeServer = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  } else {
    const { child, url } = await startCLI();
    base = url;
    closeServer = () => stopCLI(child);
  }
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await closeServer();
});

async function openPage(query = '', viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(`${base}${query}`);
  await page.waitForFunction(() => ['ready', 'running', 'done', 'broken'].includes(document.body.dataset['state'] ?? ''));
  assert.notEqual(await page.evaluate(() => document.body.dataset['state']), 'broken', await page.textContent('#notice') ?? '');
  return page;
}

interface PageRun { code: number; stdout: string; stderr: string; launcher: string; pictures: string[] }

/** Wait for the run to end; the output area split back into the program's stdout, its stderr and the launcher's lines. */
async function finished(page: Page, timeout = 180_000): Promise<PageRun> {
  await page.waitForFunction(() => document.body.dataset['state'] === 'done', undefined, { timeout });
  return page.evaluate(() => {
    const out = { code: Number(document.body.dataset['code']), stdout: '', stderr: '', launcher: '', pictures: [] as string[] };
    for (const n of document.getElementById('output')!.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) out.stdout += n.textContent;
      else if ((n as HTMLElement).className === 'launcher') out.launcher += n.textContent;
      else out.stderr += n.textContent;
    }
    out.pictures = [...document.querySelectorAll<HTMLImageElement>('img.picture')].map((i) => i.dataset['name']!).sort();
    return out;
  });
}

/** Open `?example=..&np=..&run=1` and wait for its end. */
async function runExample(name: string, np: number, extra = ''): Promise<{ page: Page; run: PageRun }> {
  const page = await openPage(`?example=${name}&np=${np}&run=1${extra}`);
  return { page, run: await finished(page) };
}

/** Where a screenshot goes: docs/img/ (for the docs), or a scratch folder when the stand-in ran the program. */
function screenshot(name: string): string {
  const dir = standin ? path.join(os.tmpdir(), 'mpi4ts-playground-standin-img') : path.join(repoRoot, 'docs', 'img');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** MPI.Get_processor_name() in a line as '<host>': a page cannot know the machine's host name (the runtime says 'browser'). */
const hostless = (line: string): string => line.replace(/ on processor \S+$/, ' on processor <host>');

/** Examples whose output holds random numbers or times: numbers compared as '#'. */
const VARYING = new Set(['count', 'parallel_pi', 'julia-futures', 'jobscript', 'guessing_game']);
/** Examples whose number of lines is random too (the guesses of the guessing game): the kinds of line compared. */
const VARYING_COUNT = new Set(['guessing_game']);

/**
 * The lines an example prints that do not depend on the machine or the
 * moment, as a sorted list: without the StopWatch tables (they describe the
 * machine: a browser's differs) and blank lines, `# csv` lines cut to
 * timer and status, numbers as '#' for the examples in VARYING, each
 * line once for those in VARYING_COUNT.
 */
function stableLines(name: string, text: string): string[] {
  return lines(text)
    .map(hostless)
    .filter((l) => l !== '' && !/^[|+]/.test(l))
    .map((l) => (l.startsWith('# csv,') ? l.split(',').slice(0, 3).join(',') : l))
    .map((l) => (VARYING.has(name) ? l.replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, '#') : l))
    .filter((l, i, all) => !VARYING_COUNT.has(name) || all.indexOf(l) === i)
    .sort();
}

/** The first line of the launcher's report (what follows it names files and lines of the runtime). */
const firstLine = (text: string): string => text.split('\n')[0]!;
/**
 * The same, whichever rank failed first when several fail alike (pingpong
 * at 3 ranks), and without the message of an assert.ok() given none: Node
 * quotes the source line ("The expression evaluated to a falsy value: ..."),
 * the browser's assert says "false == true".
 */
const firstReport = (text: string): string => firstLine(text)
  .replace(/^mpi4ts: rank \d+ failed: /, 'mpi4ts: rank # failed: ')
  .replace(/^(mpi4ts: rank # failed: AssertionError \[ERR_ASSERTION\]:) (The expression evaluated to a falsy value:|false == true)$/, '$1 <assert.ok>');

/** Run a script with the CLI in a scratch folder; resolves with its result and the pictures it wrote. */
async function cliRun(script: string, np: number, o: { stdin?: string; args?: string[]; futures?: boolean } = {}) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-playground-'));
  try {
    const r = await mpirun(np, script, { stdin: o.stdin, args: o.args, launcherArgs: o.futures ? ['--futures'] : [], cwd, timeoutMs: 180_000 });
    const pictures = fs.readdirSync(cwd).filter((f) => /\.(png|svg)$/.test(f)).sort();
    return { ...r, pictures };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

test('playground: the page loads cross-origin isolated, lists the examples and shows the first one', { skip: noBrowser, timeout: 60_000 }, async () => {
  const page = await openPage();
  try {
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.equal(await page.evaluate(() => document.body.dataset['state']), 'ready');
    const listed = await page.$$eval('#example-list a', (as) => as.map((a) => (a as HTMLElement).dataset['example']));
    assert.deepEqual(listed, manifest.examples.map((e) => e.name));
    assert.equal(await page.inputValue('#editor'), fs.readFileSync(path.join(repoRoot, 'examples', 'helloworld.ts'), 'utf8'));
    assert.deepEqual(await page.$$eval('#np option', (os) => os.map((o) => (o as HTMLOptionElement).value)), Array.from({ length: 16 }, (_, i) => String(i + 1)));
    // Picking an example loads its source and its stdin; the share link follows.
    await page.click('#example-list a[data-example="ring"]');
    await page.waitForFunction(() => (document.getElementById('editor') as HTMLTextAreaElement).value.includes('ring.py'));
    assert.equal(await page.inputValue('#stdin'), '6\n');
    await page.selectOption('#np', '8');
    await page.check('#tag');
    assert.match(await page.getAttribute('#share', 'href') ?? '', /\?example=ring&np=8&run=1&tag=1$/);
    await page.fill('#args', '--count 3');
    assert.match(await page.getAttribute('#share', 'href') ?? '', /\?example=ring&np=8&run=1&tag=1&args=--count\+3$/);
  } finally {
    await page.close();
  }
});

test('playground: the arguments and standard input of a deep link reach the program', { skip: noRuntime, timeout: 180_000 }, async () => {
  const { page, run } = await runExample('ring', 3, '&args=--count%202%20--debug&stdin=40%0A');
  try {
    assert.equal(run.code, 0, run.launcher);
    // 40 from the link, + 1 on rank 0, + 2 per trip.
    assert.deepEqual(lines(run.stdout).filter((l) => l.includes('Final data')).map((l) => l.replace(/^.*Final/, 'Final')), [
      'Final data received in process 0: 43', 'Final data received in process 0: 45', 'Final data received in process 0: 45',
    ]);
  } finally {
    await page.close();
  }
});

test('playground: ?example=helloworld&np=4&run=1 prints what `mpi4ts -n 4 examples/helloworld.ts` prints', { skip: noRuntime, timeout: 180_000 }, async () => {
  const { page, run } = await runExample('helloworld', 4);
  await page.close();
  const cli4 = await cliRun('examples/helloworld.ts', 4);
  assert.equal(run.code, 0, run.launcher + run.stderr);
  assert.deepEqual(lines(run.stdout).map(hostless).sort(), lines(cli4.stdout).map(hostless).sort());
  assert.equal(run.stderr + run.launcher, '');
  // &tag=1: each line prefixed with its rank, as --tag-output.
  const tagged = await runExample('helloworld', 2, '&tag=1');
  await tagged.page.close();
  assert.deepEqual(lines(tagged.run.stdout).map((l) => l.slice(0, 4)).sort(), ['[0] ', '[1] ']);
});

for (const ex of manifest.examples) {
  // (The futures examples at 1 rank spawn their pool: more Web Workers.)
  const nps = [1, 2, 3, 4];
  test(`playground: ${ex.name} at ${nps.join(', ')} ranks prints what the CLI prints`, { skip: noRuntime, timeout: 900_000 }, async () => {
    for (const np of nps) {
      const { page, run } = await runExample(ex.name, np);
      await page.close();
      const want = await cliRun(`examples/${ex.name}.ts`, np, { stdin: ex.stdin, args: ex.args?.split(' '), futures: ex.futures });
      const where = `${ex.name} at ${np}: page ${run.launcher}${run.stderr} / CLI ${want.stderr}`;
      assert.equal(run.code, want.code, where);
      assert.deepEqual(stableLines(ex.name, run.stdout), stableLines(ex.name, want.stdout), where);
      assert.equal(firstReport(run.launcher), firstReport(want.stderr.split('\n').find((l) => l.startsWith('mpi4ts: ')) ?? ''), where);
      assert.deepEqual(run.pictures, want.pictures, where);
    }
  });
}

test('playground: Mandelbrot at 4 ranks draws its 1200 x 800 picture (screenshot)', { skip: noRuntime, timeout: 300_000 }, async () => {
  const { page, run } = await runExample('mandelbrot', 4);
  try {
    assert.equal(run.code, 0, run.launcher);
    const size = await page.$eval('img.picture[data-name="mandelbrot.png"]', async (img) => {
      const i = img as HTMLImageElement;
      await i.decode();
      return [i.naturalWidth, i.naturalHeight];
    });
    assert.deepEqual(size, [1200, 800]);
    await page.screenshot({ path: screenshot('playground-mandelbrot-4.png'), fullPage: true });
  } finally {
    await page.close();
  }
});

test('playground: the ring at 8 ranks (screenshot)', { skip: noRuntime, timeout: 300_000 }, async () => {
  const { page, run } = await runExample('ring', 8, '&tag=1');
  try {
    assert.equal(run.code, 0, run.launcher);
    // 6 from the stdin box, + 1 on rank 0, + 1 on each of the 7 others.
    // (The prompt goes out without a newline, so the tag of the next line may follow it.)
    assert.ok(lines(run.stdout).some((l) => l.endsWith('Final data received in process 0: 14')), run.stdout);
    await page.$eval('#output', (pre) => { pre.scrollTop = 0; }); // its start: the ring's result, then the machine
    await page.screenshot({ path: screenshot('playground-ring-8.png'), fullPage: true });
  } finally {
    await page.close();
  }
});

/** Type `source` into the editor, set the ranks, Run; the CLI's result for the same program beside it. */
async function runEdited(source: string, np: number): Promise<{ run: PageRun; cli: Awaited<ReturnType<typeof cliRun>> }> {
  const page = await openPage();
  try {
    await page.fill('#editor', source);
    assert.equal(await page.isVisible('#edited'), true);
    await page.selectOption('#np', String(np));
    await page.click('#run');
    const run = await finished(page);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-playground-src-')), 'program.ts');
    fs.writeFileSync(file, source);
    const want = await cliRun(file, np);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    return { run, cli: want };
  } finally {
    await page.close();
  }
}

test('playground: an edited program runs as edited', { skip: noRuntime, timeout: 180_000 }, async () => {
  const { run, cli: want } = await runEdited([
    "import { MPI } from 'mpi4ts';",
    'const comm = MPI.COMM_WORLD;',
    'const total = comm.allreduce(comm.Get_rank() + 1);',
    "console.log(`rank ${comm.Get_rank()}: the sum of 1..${comm.Get_size()} is ${total}`);",
    '',
  ].join('\n'), 3);
  assert.equal(run.code, 0, run.launcher);
  assert.deepEqual(lines(run.stdout).sort(), ['rank 0: the sum of 1..3 is 6', 'rank 1: the sum of 1..3 is 6', 'rank 2: the sum of 1..3 is 6']);
  assert.deepEqual(lines(run.stdout).sort(), lines(want.stdout).sort());
});

test('playground: a deadlock shows the report the CLI prints', { skip: noRuntime, timeout: 180_000 }, async () => {
  const { run, cli: want } = await runEdited([
    "import { MPI } from 'mpi4ts';",
    'const comm = MPI.COMM_WORLD;',
    'console.log(comm.recv({ source: 1 - comm.Get_rank() })); // both ranks wait, neither sends',
    '',
  ].join('\n'), 2);
  assert.equal(want.code, 86);
  assert.equal(run.code, 86);
  assert.equal(firstLine(run.launcher), 'mpi4ts: deadlock: every running rank is blocked in a communication call and no message in flight can satisfy any of them');
  for (const l of ['  rank 0: blocked in recv from source 1, any tag on COMM_WORLD', '  rank 1: blocked in recv from source 0, any tag on COMM_WORLD', 'aborting the job (exit status 86)']) {
    assert.ok(lines(run.launcher).includes(l), `${l}\n${run.launcher}`);
  }
});

test('playground: a rank that throws shows its rank and error, as the CLI', { skip: noRuntime, timeout: 180_000 }, async () => {
  const { run, cli: want } = await runEdited([
    "import { MPI } from 'mpi4ts';",
    'const comm = MPI.COMM_WORLD;',
    "if (comm.Get_rank() === 1) throw new Error('boom on purpose');",
    'comm.Barrier();',
    '',
  ].join('\n'), 3);
  assert.equal(run.code, want.code);
  assert.equal(firstLine(run.launcher), 'mpi4ts: rank 1 failed: Error: boom on purpose');
  assert.equal(firstLine(run.launcher), firstLine(want.stderr));
});

test('playground: a program that does not compile says why, naming the import', { skip: noRuntime || (standin ? 'the stand-in compiles with the CLI, whose message differs' : false), timeout: 180_000 }, async () => {
  const page = await openPage();
  try {
    await page.fill('#editor', "import leftPad from 'left-pad';\nconsole.log(leftPad('x', 3));\n");
    await page.click('#run');
    const run = await finished(page);
    assert.equal(run.code, 1);
    assert.match(firstLine(run.launcher), /^mpi4ts: cannot compile main\.ts: /);
    assert.match(run.launcher, /left-pad/);
    assert.equal(run.stdout, '');
  } finally {
    await page.close();
  }
});

test('playground: served without the two headers, the page says what the server must send', { skip: noBrowser, timeout: 60_000 }, async () => {
  // The site as a plain static server would serve it: no COOP/COEP.
  const serve = staticHandler([{ prefix: '/', dir: site }]);
  const plain = http.createServer((req, res) => {
    const set = res.setHeader.bind(res);
    res.setHeader = (name, value) => (/^cross-origin-/i.test(name) ? res : set(name, value));
    serve(req, res);
  });
  await listen(plain, 0, '127.0.0.1');
  const page = await browser.newPage();
  try {
    await page.goto(`${serverURL(plain, '127.0.0.1')}?example=helloworld&np=2&run=1`);
    await page.waitForFunction(() => document.body.dataset['state'] === 'done');
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.match(await page.textContent('#notice') ?? '', /not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/s);
    assert.equal(await page.evaluate(() => document.body.dataset['code']), '1');
    assert.match(await page.textContent('#output') ?? '', /^mpi4ts: .*not cross-origin isolated/);
  } finally {
    await page.close();
    plain.closeAllConnections();
    plain.close();
  }
});

test('playground: Stop ends a running job (status 130)', { skip: noRuntime, timeout: 180_000 }, async () => {
  const page = await openPage();
  try {
    await page.fill('#editor', [
      "import { MPI } from 'mpi4ts';",
      "console.log('started');",
      'for (;;) MPI.COMM_WORLD.Barrier();',
      '',
    ].join('\n'));
    await page.selectOption('#np', '2');
    await page.click('#run');
    await page.waitForFunction(() => (document.getElementById('output')!.textContent ?? '').split('\n').filter((l) => l === 'started').length === 2, undefined, { timeout: 120_000 });
    assert.equal(await page.evaluate(() => document.body.dataset['state']), 'running');
    await page.click('#stop');
    const run = await finished(page, 60_000);
    assert.equal(run.code, 130);
    assert.match(firstLine(run.launcher), /^mpi4ts: interrupted/);
    assert.equal(await page.isEnabled('#run'), true);
  } finally {
    await page.close();
  }
});
