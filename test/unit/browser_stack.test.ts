/**
 * Pure parts of mpi4ts/browser: the source-map lookup that names a rank's
 * stack frames by the program's lines (src/browser/stack.ts), on a map
 * esbuild writes as esbuild-wasm does in the page, and the whole-line
 * output both runtimes share (src/transport/threads/lines.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { SourceMap, mapStack } from '../../src/browser/stack.ts';
import { LineBuffer } from '../../src/transport/threads/lines.ts';

const SOURCE = [
  'interface P { x: number }',
  '',
  'function f(p: P): number {',
  '  // a comment that compiles away',
  '  if (p.x > 1) throw new Error(`bad ${p.x}`);',
  '  return p.x;',
  '}',
  'console.log(f({ x: 2 }));',
].join('\n');

test('browser stack: frames in a compiled module name the source lines (esbuild\'s source map)', async () => {
  const r = await esbuild.build({
    stdin: { contents: SOURCE, loader: 'ts', sourcefile: 'main.ts' }, bundle: true, write: false, format: 'esm',
    outfile: '/main.js', sourcemap: 'external', sourcesContent: false, logLevel: 'silent',
  });
  const code = r.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const map = new SourceMap(r.outputFiles.find((f) => f.path.endsWith('.map'))!.text);
  const lines = code.split('\n');
  const at = lines.findIndex((l) => l.includes('throw new Error'));
  assert.ok(at >= 0, code);
  const column = lines[at]!.indexOf('throw') + 1;
  assert.deepEqual(map.lookup(at + 1, column), { source: '/main.ts', line: 5, column: 16 });
  const stack = `Error: bad 2\n    at f (blob:http://x/1234:${at + 1}:${column})\n    at http://x/dist/browser/chunk.js:3:4`;
  assert.equal(mapStack(stack, new Map([['blob:http://x/1234', map]])), 'Error: bad 2\n    at f (/main.ts:5:16)\n    at http://x/dist/browser/chunk.js:3:4');
  // Frames of other modules and lines without mappings stay as they are.
  assert.equal(mapStack('at blob:http://x/other:1:1', new Map([['blob:http://x/1234', map]])), 'at blob:http://x/other:1:1');
  assert.equal(map.lookup(10_000, 1), null);
});

test('LineBuffer: whole lines only, prefixed, the rest at flush', () => {
  const out: string[] = [];
  const b = new LineBuffer('[3] ', (t) => out.push(t));
  b.write('a');
  b.write('b\nc\nd');
  assert.deepEqual(out, ['[3] ab\n[3] c\n']);
  b.write('\n');
  b.write('tail');
  b.flushPartial();
  b.flushPartial();
  assert.deepEqual(out, ['[3] ab\n[3] c\n', '[3] d\n', '[3] tail\n']);
  const plain: string[] = [];
  const p = new LineBuffer('', (t) => plain.push(t));
  p.write('x\n\ny\n');
  assert.deepEqual(plain, ['x\n\ny\n']);
});
