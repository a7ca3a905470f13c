/**
 * mpi4ts/browser in headless Chromium: programs run on Web Workers print
 * what the CLI prints, failures and deadlocks are reported as the CLI
 * reports them, object messages round-trip. Run after `npm run build`:
 *   node --import tsx --test test/browser/runtime.test.ts
 * Skipped (with the reason) where /usr/bin/chromium is missing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrowserHarness, noBrowser, outputLines, repoRoot, type PageRun } from './page.ts';
import { mpirun, lines } from '../helpers/spmd.ts';

const example = (name: string): string => fs.readFileSync(path.join(repoRoot, 'examples', name), 'utf8');
const lib = (name: string): Record<string, string> => ({ [`./lib/${name}`]: fs.readFileSync(path.join(repoRoot, 'examples', 'lib', name), 'utf8') });

/** MPI.Get_processor_name() differs (the host's name, 'browser' in a page): compare without it. */
const anyHost = (l: string): string => l.replace(/on processor \S+$/, 'on processor HOST');

function ok(r: PageRun): void {
  assert.equal(r.failure, null, `failed: ${r.failure}\n${JSON.stringify(r.output)}`);
  assert.equal(r.code, 0);
  assert.deepEqual(outputLines(r, 'stderr'), []);
}

describe('mpi4ts/browser runtime', { skip: noBrowser }, () => {
  const h = new BrowserHarness();
  before(() => h.start());
  after(() => h.stop());

  for (const np of [1, 4]) {
    test(`helloworld at ${np} rank(s) prints what the CLI prints`, async () => {
      const [page, cli] = await Promise.all([h.run({ np, script: example('helloworld.ts') }), mpirun(np, 'examples/helloworld.ts')]);
      ok(page);
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual(outputLines(page).map(anyHost).sort(), lines(cli.stdout).map(anyHost).sort());
      assert.ok(outputLines(page).every((l) => l.endsWith('on processor browser')));
      // Each piece of output is whole lines, with the rank that wrote it.
      assert.ok(page.output.every((o) => o.text.endsWith('\n') && o.rank >= 0 && o.rank < np));
    });
  }

  test('send_receive at 4 ranks (arena mode: messages between Web Workers)', async () => {
    const r = await h.run({ np: 4, script: example('send_receive.ts') });
    ok(r);
    assert.deepEqual(outputLines(r).sort(), [0, 1, 2, 3].map((k) => `After send/receive, the value in process ${k} is ${k === 1 ? 42 : 'null'}`).sort());
  });

  test('ring at 4 ranks reads rank 0\'s standard input and goes round 3 times', async () => {
    const r = await h.run({ np: 4, script: example('ring.ts'), files: lib('input.ts'), args: ['--count', '3'], stdin: '6\n' });
    ok(r);
    const out = outputLines(r);
    assert.equal(out[0], 'Communicator group with 4 processes');
    // The prompt has no newline: it shares the line of what comes next, as on the CLI with piped input.
    assert.equal(out[1], `Enter an integer to transmit: Final data received in process 0: ${6 + 1 + 3 * 3}`);
  });

  test('--tag-output: lines prefixed with [rank]', async () => {
    const r = await h.run({ np: 2, script: "import { MPI } from 'mpi4ts';\nconsole.log('one\\ntwo');", tagOutput: true });
    ok(r);
    assert.deepEqual(outputLines(r).sort(), ['[0] one', '[0] two', '[1] one', '[1] two']);
  });

  test('a program that throws on rank 1: the rank and the error, as the CLI says', async () => {
    // Both print before the first Barrier ends: then rank 1 throws and rank 0 waits in the second.
    const script = "import { MPI } from 'mpi4ts';\nconst comm = MPI.COMM_WORLD;\nconsole.log(`rank ${comm.Get_rank()} starts`);\ncomm.Barrier();\n"
      + "if (comm.Get_rank() === 1) throw new Error('boom on rank 1');\ncomm.Barrier();\n";
    const r = await h.run({ np: 2, script });
    assert.equal(r.code, 1);
    // The stack names the program's line, as the CLI's does.
    assert.match(r.failure ?? '', /^rank 1 failed: Error: boom on rank 1\n {4}at \/main\.ts:5:34/);
    assert.deepEqual(outputLines(r).sort(), ['rank 0 starts', 'rank 1 starts']);
    // The launcher's line reaches the page as the CLI prints it, on stderr with rank -1.
    const launcher = r.output.filter((o) => o.rank === -1);
    assert.equal(launcher.length, 1);
    assert.equal(launcher[0]!.stream, 'stderr');
    assert.equal(launcher[0]!.text, `mpi4ts: ${r.failure}\n`);
  });

  test('process.exit(3) on one rank ends the job with its code', async () => {
    const r = await h.run({ np: 2, script: "import { MPI } from 'mpi4ts';\nif (MPI.COMM_WORLD.Get_rank() === 0) process.exit(3);\nMPI.COMM_WORLD.Barrier();\n" });
    assert.equal(r.code, 3);
    assert.equal(r.failure, 'rank 0 failed: exited with code 3');
  });

  test('a deadlock (both ranks in recv) gives the deadlock report of the CLI', async () => {
    const script = "import { MPI } from 'mpi4ts';\nconst comm = MPI.COMM_WORLD;\nconst other = 1 - comm.Get_rank();\n"
      + 'const x = comm.recv({ source: other, tag: 5 });\ncomm.send(x, { dest: other, tag: 5 });\n';
    const r = await h.run({ np: 2, script });
    assert.equal(r.code, 86);
    assert.equal(r.failure, [
      'deadlock: every running rank is blocked in a communication call and no message in flight can satisfy any of them',
      '  rank 0: blocked in recv from source 1, tag 5 on COMM_WORLD',
      '  rank 1: blocked in recv from source 0, tag 5 on COMM_WORLD',
      '  cycle: rank 0 -> rank 1 -> rank 0',
      '  messages left unmatched: none',
      'aborting the job (exit status 86)',
    ].join('\n'));
  });

  test('comm.send/recv of objects round-trip (Map, Set, typed arrays, nested, cycles, Error, BigInt)', async () => {
    const script = `import { MPI } from 'mpi4ts';
const comm = MPI.COMM_WORLD;
const make = () => {
  const nested = { a: [1, 2.5, 'three', null, undefined, true], m: new Map([['k', new Float64Array([1.5, -2])], [7, { deep: [new Int32Array([1, -1, 3])] }]]),
    s: new Set([1, 'x']), d: new Date(86400000), big: 2n ** 70n, small: -5n, u8: new Uint8Array([0, 255, 7]), text: 'grüße ✓ '.repeat(50) };
  const cyclic = { name: 'loop', list: [] };
  cyclic.self = cyclic;
  cyclic.list.push(cyclic, new RegExp('a+b', 'gi'));
  const shared = new Float32Array([1, 2, 3]);
  return { nested, cyclic, twice: [shared, shared], err: new RangeError('bad value') };
};
if (comm.Get_rank() === 0) {
  comm.send(make(), { dest: 1, tag: 1 });
  const back = comm.recv({ source: 1, tag: 2 });
  console.log(JSON.stringify(back));
} else {
  const v = comm.recv({ source: 0, tag: 1 });
  const want = make();
  const checks = {
    nested: JSON.stringify([...v.nested.m.get('k')]) === '[1.5,-2]' && v.nested.m.get('k') instanceof Float64Array
      && v.nested.m.get(7).deep[0] instanceof Int32Array && v.nested.m.get(7).deep[0][1] === -1
      && v.nested.s instanceof Set && v.nested.s.has('x') && v.nested.d.getTime() === 86400000
      && v.nested.big === 2n ** 70n && v.nested.small === -5n && v.nested.text === want.nested.text
      && v.nested.u8 instanceof Uint8Array && v.nested.u8[1] === 255 && v.nested.a.length === 6 && v.nested.a[4] === undefined && 4 in v.nested.a,
    cyclic: v.cyclic.self === v.cyclic && v.cyclic.list[0] === v.cyclic && v.cyclic.list[1] instanceof RegExp && v.cyclic.list[1].flags === 'gi',
    shared: v.twice[0] === v.twice[1] && v.twice[0] instanceof Float32Array && v.twice[1][2] === 3,
    error: v.err instanceof RangeError && v.err.message === 'bad value',
  };
  comm.send(checks, { dest: 0, tag: 2 });
}
`;
    const r = await h.run({ np: 2, script });
    ok(r);
    assert.deepEqual(JSON.parse(outputLines(r)[0]!), { nested: true, cyclic: true, shared: true, error: true });
  });

  test('a file a rank writes reaches the page (pngjs as the examples use it)', async () => {
    const script = "import { PNG } from 'pngjs';\nimport * as fs from 'node:fs';\nimport { MPI } from 'mpi4ts';\n"
      + 'const png = new PNG({ width: 2, height: 2 });\npng.data.fill(200);\n'
      + "if (MPI.COMM_WORLD.Get_rank() === 1) fs.writeFileSync('square.png', PNG.sync.write(png));\n";
    const r = await h.run({ np: 2, script });
    ok(r);
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]!.path, '/square.png');
    assert.equal(r.files[0]!.rank, 1);
    assert.deepEqual(r.files[0]!.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  test('mandelbrot at 4 ranks draws its picture; parallel_pi plots (Vega, the page draws the SVG as PNG)', async () => {
    const libs = { ...lib('png.ts'), ...lib('plot.ts'), ...lib('pyformat.ts') };
    const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const m = await h.run({ np: 4, script: example('mandelbrot.ts'), files: libs });
    ok(m);
    assert.deepEqual(m.files.map((f) => [f.path, f.rank, f.head]), [['/mandelbrot.png', 0, PNG]]);
    assert.ok(m.files[0]!.bytes > 10_000);
    const p = await h.run({ np: 2, script: example('parallel_pi.ts'), files: libs, args: ['--max-log4', '6'] });
    ok(p);
    assert.deepEqual(p.files.map((f) => [f.path, f.head]).sort(), [['/log2_std_vs_log2_N.png', PNG], ['/pi_vs_log2_N.png', PNG]]);
    assert.equal(outputLines(p)[0], 'MPI size = 2');
  });

  test('errors on a source\'s first line name its columns as the CLI does (compile errors and stacks)', async () => {
    const bad = await h.run({ np: 1, script: "import { MPI } from 'mpi4ts'; const x: number = 'a' +;\n" });
    assert.equal(bad.failure, 'cannot compile main.ts: Build failed with 1 error:\nmain.ts:1:53: ERROR: Unexpected ";"');
    const late = await h.run({ np: 1, script: "setTimeout(() => { throw new Error('late'); }, 10);\n" });
    assert.equal(late.code, 1);
    assert.match(late.failure ?? '', /^rank 0 failed: Error: late\n {4}at \/main\.ts:1:26\n/);
  });

  test('an import a browser cannot give is a compile error naming it', async () => {
    const r = await h.run({ np: 1, script: "import { spawn } from 'node:child_process';\nspawn('ls');\n" });
    assert.equal(r.code, 1);
    assert.match(r.failure ?? '', /^cannot compile main\.ts: .*Could not resolve "node:child_process": a program in a browser can import mpi4ts/s);
  });

  test('MPI.File: 4 ranks write their parts of one file, read it back, and the file reaches the page', async () => {
    const script = `import { MPI } from 'mpi4ts';
const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const f = MPI.File.Open(comm, 'parts.bin', MPI.MODE_CREATE | MPI.MODE_WRONLY);
f.Write_at_all(rank * 16, new Float64Array([rank, rank + 0.5]));
f.Close();
comm.Barrier();
const g = MPI.File.Open(comm, 'parts.bin', MPI.MODE_RDONLY);
const all = new Float64Array(8);
g.Read_at_all(0, all);
console.log(rank, g.Get_size(), all.join(' '));
g.Close();
try {
  MPI.File.Open(MPI.COMM_SELF, 'missing.bin', MPI.MODE_RDONLY);
} catch (e) {
  if (rank === 0) console.log(e instanceof MPI.Exception, e.Get_error_class() === MPI.ERR_NO_SUCH_FILE);
}
`;
    const r = await h.run({ np: 4, script });
    ok(r);
    const out = outputLines(r);
    for (let k = 0; k < 4; k++) assert.ok(out.includes(`${k} 64 0 0.5 1 1.5 2 2.5 3 3.5`), out.join('\n'));
    assert.ok(out.includes('true true'));
    // The file is handed to the page once, when the last of its writers closes it (hidden shared-pointer files are not).
    assert.deepEqual(r.files.map((f) => [f.path, f.bytes]), [['/parts.bin', 64]]);
  });

  test('the ranks share the job\'s files: one writes, the others read it after a Barrier', async () => {
    const script = "import * as fs from 'node:fs';\nimport { MPI } from 'mpi4ts';\nconst comm = MPI.COMM_WORLD;\n"
      + "if (comm.Get_rank() === 0) { fs.mkdirSync('out'); fs.writeFileSync('out/note.txt', 'from rank 0'); }\ncomm.Barrier();\n"
      + "console.log(comm.Get_rank(), fs.readFileSync('out/note.txt', 'utf8'), fs.readdirSync('out').join(','), fs.existsSync('nothing'));\n";
    const r = await h.run({ np: 3, script });
    ok(r);
    assert.deepEqual(outputLines(r).sort(), [0, 1, 2].map((k) => `${k} from rank 0 note.txt false`));
    assert.deepEqual(r.files.map((f) => [f.path, f.bytes, f.rank]), [['/out/note.txt', 11, 0]]);
  });

  test('timeoutSeconds ends a job that does not end, with exit 124 and where each rank was', async () => {
    const script = 'const stop = Date.now() + 60000;\nwhile (Date.now() < stop) { /* computes */ }\n';
    const r = await h.run({ np: 2, script, timeoutSeconds: 1 });
    assert.equal(r.code, 124);
    assert.match(r.failure ?? '', /^timeout: the job did not end within 1 s \(--timeout\); where each rank was:\n/);
  });

  test('the abort signal stops a job (exit 130)', async () => {
    const script = "import { MPI } from 'mpi4ts';\nif (MPI.COMM_WORLD.Get_rank() === 0) MPI.COMM_WORLD.recv({ source: 1 });\n"
      + 'else { const stop = Date.now() + 60000; while (Date.now() < stop) { /* computes */ } }\n';
    const r = await h.run({ np: 2, script, abortAfterMs: 1500 });
    assert.equal(r.code, 130);
    assert.match(r.failure ?? '', /^interrupted: stopped from the page; where each rank was:\n/);
  });

  test('Spawn starts more Web Workers: mpi-manager spawns mpi-worker (a file of the program) and prints pi', async () => {
    const [page, cli] = await Promise.all([
      h.run({ np: 1, usize: 5, script: example('mpi-manager.ts'), files: { './mpi-worker.ts': example('mpi-worker.ts'), ...lib('pyformat.ts') } }),
      mpirun(1, 'examples/mpi-manager.ts', { launcherArgs: ['--usize', '5'], timeoutMs: 120_000 }),
    ]);
    ok(page);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(outputLines(page)[0]!, /^3\.1416\d*$/);
    assert.deepEqual(outputLines(page), lines(cli.stdout));
  });

  for (const [how, extra] of [['spawned workers', { np: 1, usize: 3 }], ['futures: true (-m mpi4ts.futures)', { np: 3, futures: true }]] as const) {
    test(`MPIPoolExecutor with ${how}: mapreduce prints the seed's sum`, async () => {
      const [page, cli] = await Promise.all([
        h.run({ ...extra, script: example('mapreduce.ts'), files: lib('pyformat.ts') }),
        mpirun(1, 'examples/mapreduce.ts', { launcherArgs: ['--usize', '3'], timeoutMs: 120_000 }),
      ]);
      ok(page);
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual(outputLines(page), lines(cli.stdout));
    });
  }

  test('a page without the isolation headers: run() says which headers it needs', async () => {
    const page = await h.page.context().browser()!.newPage();
    try {
      await page.goto(`${h.url}not-isolated/test/browser/index.html`);
      const message = await page.evaluate(`import('/not-isolated/dist/browser/index.js')
        .then((m) => m.run({ np: 1, script: '' })).then(() => 'no error', (e) => String(e))`);
      assert.equal(message, 'Error: mpi4ts/browser: this page is not cross-origin isolated (crossOriginIsolated is false), so it has no '
        + 'SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
    } finally {
      await page.close();
    }
  });

  test('the page stays free of errors', () => {
    assert.deepEqual(h.errors, []);
  });
});
