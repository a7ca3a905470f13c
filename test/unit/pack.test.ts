/**
 * The packed file list (issue #18), fast and offline: `npm pack --dry-run`
 * holds the built package (dist/, bin/), every file package.json's exports
 * and bin name, the install script's files, and nothing of the repository's
 * tests, examples, benchmarks, documentation site or developer scripts; and
 * it stays small. The full footprint (a fresh project installs the tarball,
 * runs a .ts and a .js program) is scripts/pack-footprint.mjs, with its
 * figures in bench/results/footprint.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/spmd.ts';

/**
 * Limits with room above what the package measures (1.5 MB packed, 6.6 MB
 * unpacked, 540 files at issue 18's close): a test fails when something
 * large or a whole folder slips in, not when a module grows.
 */
const MAX_PACKED_BYTES = 3_000_000;
const MAX_UNPACKED_BYTES = 12_000_000;
const MAX_FILES = 900;

interface Packed { size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] }

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>; exports: Record<string, string | Record<string, string>>; scripts: Record<string, string>;
};

let cached: Packed | undefined;
function packed(): Packed {
  if (cached) return cached;
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 50_000 });
  assert.equal(r.status, 0, r.stderr);
  cached = (JSON.parse(r.stdout) as Packed[])[0]!;
  return cached;
}

test('pack: the built package is in the tarball: dist/, bin/, every export and bin target, the install script\'s files', { timeout: 60_000 }, () => {
  const files = new Set(packed().files.map((f) => f.path));
  assert.ok([...files].some((f) => f.startsWith('dist/bundle/')), 'dist/bundle/ is packed');
  const targets = Object.values(pkg.exports).flatMap((e) => typeof e === 'string' ? [e] : Object.values(e));
  const install = [...pkg.scripts['install']!.matchAll(/node (\S+\.m?js)/g)].map((m) => m[1]!);
  for (const f of [...targets, ...Object.values(pkg.bin), ...install]) {
    const p = path.posix.normalize(f);
    assert.ok(files.has(p), `${p} (named by package.json) is not in the package`);
  }
  for (const f of files) assert.ok(fs.existsSync(path.join(repoRoot, f)), f);
});

test('pack: no tests, examples, benchmarks, documentation site, developer scripts, build products or dependencies', { timeout: 60_000 }, () => {
  const unwanted = /^(test|tests|examples|bench|docs|node_modules|\.ci|\.github)\/|(^|\/)build\/|\.node$|\.(o|so|log)$|^scripts\/(?!build-native\.mjs$)|^native\/.*build-status\.json$/;
  assert.deepEqual(packed().files.map((f) => f.path).filter((f) => unwanted.test(f)), []);
});

test('pack: the tarball stays small', { timeout: 60_000 }, () => {
  const p = packed();
  const largest = [...p.files].sort((a, b) => b.size - a.size).slice(0, 5).map((f) => `${f.path} ${f.size}`).join(', ');
  assert.ok(p.size <= MAX_PACKED_BYTES, `packed ${p.size} B > ${MAX_PACKED_BYTES} B; largest files: ${largest}`);
  assert.ok(p.unpackedSize <= MAX_UNPACKED_BYTES, `unpacked ${p.unpackedSize} B > ${MAX_UNPACKED_BYTES} B; largest files: ${largest}`);
  assert.ok(p.entryCount <= MAX_FILES, `${p.entryCount} files > ${MAX_FILES}`);
});
