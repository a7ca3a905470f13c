/**
 * The TypeScript compiler of the launcher (src/loader/compile.ts), in one
 * process: a compiled module still sees itself as the source (import.meta,
 * __filename, __dirname, require), imports resolve to compiled neighbours or
 * to absolute files, and the cache answers for unchanged sources only.
 *   node --import tsx --test test/unit/loader.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-xdg-'));
process.env['XDG_CACHE_HOME'] = cache;
const { compileEntry } = await import('../../src/loader/compile.ts');
const { lookup } = await import('../../src/loader/cache.ts');

test.after(() => fs.rmSync(cache, { recursive: true, force: true }));

test('a compiled module sees the source as itself; imports resolve', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-src-'));
  try {
    fs.writeFileSync(path.join(dir, 'data.json'), '{ "n": 5 }');
    fs.writeFileSync(path.join(dir, 'dep.ts'), 'export enum E { A = 3 }\n');
    fs.writeFileSync(path.join(dir, 'main.ts'), [
      "import { E } from './dep';",
      "import data from './data.json' with { type: 'json' };",
      "const path = require('node:path');",
      'export const meta = { url: import.meta.url, dirname: import.meta.dirname, filename: __filename, dir: __dirname };',
      "export const resolved = import.meta.resolve('./dep.ts');",
      'export const values = [E.A, data.n, path.sep];',
      '',
    ].join('\n'));
    const main = path.join(dir, 'main.ts');
    const c = await compileEntry(main);
    assert.equal(c.compiled, 2);
    assert.ok(c.url.startsWith(pathToFileURL(path.join(cache, 'mpi4ts', 'out')).href), c.url);
    const m = await import(c.url) as { meta: Record<string, string>; resolved: string; values: unknown[] };
    assert.deepEqual(m.meta, { url: pathToFileURL(main).href, dirname: dir, filename: main, dir });
    assert.equal(m.resolved, pathToFileURL(path.join(dir, 'dep.ts')).href);
    assert.deepEqual(m.values, [3, 5, path.sep]);

    assert.equal(lookup(main)?.url, c.url, 'unchanged: the cache answers');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}');
    assert.equal(lookup(main), null, 'a new tsconfig.json beside the sources: compiled again');
    const again = await compileEntry(main);
    assert.equal(again.compiled, 2);
    fs.appendFileSync(path.join(dir, 'dep.ts'), 'export const x = 1;\n');
    assert.equal(lookup(main), null, 'an imported source changed: compiled again');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a glob-style import: a file that appears, goes or changes where it looks makes the cache miss', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-src-'));
  try {
    fs.mkdirSync(path.join(dir, 'data', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'test_a.ts'), "export const v: string = 'a';\n");
    fs.writeFileSync(path.join(dir, 'data', 'x.json'), '{ "n": 1 }');
    fs.writeFileSync(path.join(dir, 'main.ts'), [
      // As test/mpi4py/run.ts imports its modules: a template, and a concatenation (which esbuild reads as data/**/*.json).
      'export const load = (name: string) => import(`./test_${name}.ts`) as Promise<{ v: string }>;',
      "export const data = (name: string) => import('./data/' + name + '.json') as Promise<{ default: { n: number } }>;",
      '',
    ].join('\n'));
    const main = path.join(dir, 'main.ts');
    type Main = { load(n: string): Promise<{ v: string }>; data(n: string): Promise<{ default: { n: number } }> };
    const first = await import((await compileEntry(main)).url) as Main;
    assert.equal((await first.load('a')).v, 'a');
    await assert.rejects(async () => first.load('b'), /Module not found in bundle: \.\/test_b\.ts/, 'the compiled module holds what matched then');
    assert.notEqual(lookup(main), null, 'nothing changed: the cache answers');

    fs.writeFileSync(path.join(dir, 'test_b.ts'), "export const v: string = 'b';\n");
    assert.equal(lookup(main), null, 'a new file the template matches: compiled again');
    const second = await import((await compileEntry(main)).url) as Main;
    assert.equal((await second.load('b')).v, 'b');
    assert.notEqual(lookup(main), null);

    fs.writeFileSync(path.join(dir, 'test_b.mjs'), '');
    fs.writeFileSync(path.join(dir, 'other_c.ts'), '');
    assert.notEqual(lookup(main), null, 'files the pattern does not match change nothing');

    fs.writeFileSync(path.join(dir, 'data', 'deep', 'y.json'), '{ "n": 2 }');
    assert.equal(lookup(main), null, 'a new file in a folder below a concatenation: compiled again');
    const third = await import((await compileEntry(main)).url) as Main;
    assert.equal((await third.data('deep/y')).default.n, 2);

    fs.writeFileSync(path.join(dir, 'data', 'x.json'), '{ "n": 3 }');
    assert.equal(lookup(main), null, 'a matched file that is not TypeScript changed (its content is in the bundle): compiled again');
    await compileEntry(main);

    fs.rmSync(path.join(dir, 'test_a.ts'));
    assert.equal(lookup(main), null, 'a matched file went: compiled again');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('compiled folders no manifest names are removed once a day old', async () => {
  const { cacheRoot, pruneCache } = await import('../../src/loader/cache.ts');
  const out = path.join(cacheRoot(), 'out');
  const stale = path.join(out, 'stale-version');
  fs.mkdirSync(stale, { recursive: true });
  const entries = path.join(cacheRoot(), 'entries');
  const named = fs.readdirSync(entries).map((f) => (JSON.parse(fs.readFileSync(path.join(entries, f), 'utf8')) as { key: string }).key);
  assert.ok(named.length > 0, 'the first test compiled something');
  assert.ok(fs.readdirSync(out).length > named.length + 1, 'and left an older version');
  pruneCache(Date.now() + 1000);
  assert.ok(fs.existsSync(stale), 'a fresh folder stays (a running job may use it)');
  pruneCache(Date.now() + 25 * 3600 * 1000);
  assert.ok(!fs.existsSync(stale), 'a day later it goes');
  assert.deepEqual(fs.readdirSync(out).sort(), named.sort(), 'what manifests name stays, the older version went');
});

test('a module a glob import reaches is inside its importer: no module file of its own is listed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-src-'));
  try {
    fs.writeFileSync(path.join(dir, 'child.ts'), 'export const n: number = 7;\n');
    fs.writeFileSync(path.join(dir, 'main.ts'), [
      'export async function load(name: string): Promise<number> {',
      '  return ((await import(`./${name}.ts`)) as { n: number }).n;',
      '}',
      '',
    ].join('\n'));
    const main = path.join(dir, 'main.ts');
    const c = await compileEntry(main);
    // The glob import put child.ts inside main's module: listing a URL for
    // it (a file never written) made a spawned child.ts resolve to nothing.
    for (const [source, url] of c.modules) assert.ok(fs.existsSync(new URL(url)), `${source} listed as ${url}, which does not exist`);
    assert.equal(c.modules.has(path.join(dir, 'child.ts')), false);
    const m = await import(c.url) as { load: (name: string) => Promise<number> };
    assert.equal(await m.load('child'), 7);
    assert.deepEqual([...lookup(main)!.modules.keys()], [...c.modules.keys()]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
