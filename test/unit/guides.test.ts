/**
 * The guides (docs/*.md, issue #18): the tutorial's programs are the files
 * of examples/ word for word (a block opening with `// examples/x.ts`), so
 * they stay runnable and type-checked with the examples; every other
 * TypeScript block is a whole program that type-checks under strict
 * settings against the published declarations, as the README's snippets do;
 * and the guides link each other and "mpi4py -> mpi4ts".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';

const docsDir = path.join(repoRoot, 'docs');
const guides = fs.readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort();

interface Block { file: string; line: number; text: string }

/** The ```ts blocks of every guide, with the line each starts after. */
function tsBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const file of guides) {
    const md = fs.readFileSync(path.join(docsDir, file), 'utf8');
    for (const m of md.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      blocks.push({ file, line: md.slice(0, m.index).split('\n').length, text: m[1]! });
    }
  }
  return blocks;
}

const exampleMarker = /^\/\/ (examples\/[\w./-]+\.ts)\n/;

test('the guides exist: overview, tutorial, clusters, mpi4py -> mpi4ts', () => {
  for (const g of ['overview.md', 'tutorial.md', 'clusters.md', 'mpi4py-differences.md']) {
    assert.ok(guides.includes(g), `docs/${g}`);
  }
});

test('guides: a block naming examples/x.ts is that file word for word', () => {
  const named = tsBlocks().filter((b) => exampleMarker.test(b.text));
  assert.ok(named.length >= 10, `found ${named.length} example blocks`);
  for (const b of named) {
    const file = exampleMarker.exec(b.text)![1]!;
    const source = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    assert.equal(b.text.replace(exampleMarker, ''), source, `docs/${b.file}:${b.line}: the block differs from ${file}`);
  }
});

test('guides: every other ```ts block type-checks as a program of its own', { timeout: 120_000 }, () => {
  const snippets = tsBlocks().filter((b) => !exampleMarker.test(b.text));
  assert.ok(snippets.length >= 3, `found ${snippets.length} snippets`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-guides-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'mpi4ts'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'guide-snippets', type: 'module' }));
    const files = snippets.map((b) => {
      const file = `${b.file.replace(/\.md$/, '')}-line-${b.line}.ts`;
      fs.writeFileSync(path.join(dir, file), b.text);
      return file;
    });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022', lib: ['es2024'], module: 'nodenext', moduleResolution: 'nodenext',
        strict: true, noEmit: true, types: ['node'],
      },
      files,
    }));
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tsc reported (guide-line-N: the block after docs/guide.md line N):\n${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('guides: relative links name existing files, and each guide links mpi4py -> mpi4ts', () => {
  for (const file of guides) {
    const md = fs.readFileSync(path.join(docsDir, file), 'utf8');
    for (const m of md.matchAll(/\]\((\.\/[^)#\s]+)(#[^)]*)?\)/g)) {
      assert.ok(fs.existsSync(path.join(docsDir, m[1]!)), `docs/${file}: link ${m[1]} names no file`);
    }
    if (['overview.md', 'tutorial.md', 'clusters.md'].includes(file)) {
      assert.match(md, /\]\(\.\/mpi4py-differences\.md\)/, `docs/${file} links mpi4py-differences.md`);
    }
  }
});
