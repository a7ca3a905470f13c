import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';

// test/types/ holds programs written against the published declarations
// (dist/*.d.ts through the package's exports, as a user's project sees
// them): mpi4py idioms that must type-check, and misuse marked
// `// @ts-expect-error` that must not (tsc fails on an unused one).
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

test('the playground page type-checks against mpi4ts/browser\'s declarations (tsc -p playground)', { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'playground')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc reported:\n${r.stdout}${r.stderr}`);
});

test('test/types: idioms type-check, misuse does not (npm run test:types)', { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'test', 'types')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc reported:\n${r.stdout}${r.stderr}`);
});

test('test/types: every @ts-expect-error line is an error without its mark', { timeout: 180_000 }, () => {
  // tsc already fails on an unused mark; this checks the other way round,
  // that each marked line fails for itself: with the marks turned into plain
  // comments, tsc must report an error on exactly the marked lines.
  const src = path.join(repoRoot, 'test', 'types');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-types-'));
  try {
    const expected = new Set<string>();
    for (const file of fs.readdirSync(src)) {
      const text = fs.readFileSync(path.join(src, file), 'utf8');
      if (file.endsWith('.ts')) {
        const lines = text.split('\n');
        lines.forEach((line, i) => { if (line.includes('// @ts-expect-error')) expected.add(`${file}:${i + 2}`); });
        fs.writeFileSync(path.join(dir, file), text.replaceAll('// @ts-expect-error', '// (expect error)'));
      } else {
        fs.writeFileSync(path.join(dir, file), text);
      }
    }
    assert.ok(expected.size >= 15, `found ${expected.size} marked lines`);
    // The copy resolves 'mpi4ts' as a user's project does: through node_modules.
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'mpi4ts'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'types-check', type: 'module' }));
    const r = spawnSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
    const reported = new Set([...r.stdout.matchAll(/^(?:.*\/)?([\w.]+\.ts)\((\d+),\d+\): error/gm)].map((m) => `${m[1]}:${m[2]}`));
    assert.deepEqual([...reported].sort(), [...expected].sort(), `tsc reported:\n${r.stdout}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
