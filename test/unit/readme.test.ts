import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';

// Every TypeScript snippet of the README is a whole program a user may
// paste: it must type-check under strict settings, in a project of its
// own that installed mpi4ts (a link to this repository, so the published
// declarations in dist/ and the package's exports are what tsc sees).
test('README: every ```ts snippet type-checks as a program of its own', { timeout: 120_000 }, () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(snippets.length >= 3, `found ${snippets.length} snippets`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-readme-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'mpi4ts'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-snippets', type: 'module' }));
    const files = snippets.map((text, i) => {
      const line = readme.slice(0, readme.indexOf(text)).split('\n').length;
      const file = `snippet-line-${line}.ts`;
      fs.writeFileSync(path.join(dir, file), text);
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
    assert.equal(r.status, 0, `tsc reported (snippet-line-N: the snippet after README.md line N):\n${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
