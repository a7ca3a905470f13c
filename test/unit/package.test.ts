/**
 * The package as a user installs it (issue #18): `dependencies` is exactly
 * what the code the package runs on a user's machine imports (src/, the
 * bin, the install scripts), so an install brings nothing else; the
 * version mpi4ts reports is its own; the tarball holds what a user needs
 * and not the repository's examples, tests and benchmarks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/spmd.ts';
import { builtLibraries } from '../../src/transport/native/addon.ts';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string; version: string; dependencies?: Record<string, string>; scripts?: Record<string, string>;
};

/** Files whose imports run on a user's machine: the sources (dist/ is built from them), the bin, the install scripts. */
function shippedCode(): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.(c|m)?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
  const install = [...(pkg.scripts?.['install'] ?? '').matchAll(/node (\S+\.m?js)/g)].map((m) => path.join(repoRoot, m[1]!));
  assert.ok(install.length > 0, 'the install script names the files it runs');
  // src/browser/ runs only as its bundles (dist/browser/, made by scripts/bundle-browser.mjs at build time),
  // with the packages it imports inside them: those are devDependencies.
  const browser = path.join(repoRoot, 'src', 'browser') + path.sep;
  return [...walk(path.join(repoRoot, 'src')).filter((f) => !f.startsWith(browser)), path.join(repoRoot, 'bin', 'mpi4ts.js'), ...install];
}

/** Module specifiers a file loads at run time: imports and re-exports that are not type-only, import() and require() of a string. */
function runtimeSpecifiers(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names ('@scope/name/sub' -> '@scope/name'), or null for builtins and relative paths. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:') || isBuiltin(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

test('package: the specifier scan sees imports, re-exports, import() and require(), not types or comments', () => {
  const text = [
    "import a from 'alpha'; import { b } from '@scope/beta/sub'; import type { T } from 'typeonly';",
    "export { c } from 'gamma'; export type { U } from 'typeonly2';",
    "const d = await import('delta'); const e = require('epsilon');",
    "// import x from 'commented'",
    "const s = \"import y from 'in-a-string'\"; type I = import('typeonly3').V;",
    "import * as fs from 'node:fs'; import './relative.js';",
  ].join('\n');
  const packages = runtimeSpecifiers('x.ts', text).map(packageOf).filter((p) => p !== null);
  assert.deepEqual(packages, ['alpha', '@scope/beta', 'gamma', 'delta', 'epsilon']);
});

test('package: dependencies are exactly the packages the shipped code imports (node: builtins aside)', () => {
  const imported = new Map<string, string>();
  for (const file of shippedCode()) {
    for (const s of runtimeSpecifiers(file, fs.readFileSync(file, 'utf8'))) {
      const p = packageOf(s);
      if (p !== null && p !== pkg.name && !imported.has(p)) imported.set(p, path.relative(repoRoot, file));
    }
  }
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const undeclared = [...imported].filter(([p]) => !declared.has(p)).map(([p, f]) => `${p} (imported by ${f})`);
  assert.deepEqual(undeclared, [], 'imported at run time but not in dependencies');
  const unused = [...declared].filter((p) => !imported.has(p));
  assert.deepEqual(unused, [], 'in dependencies but imported by nothing the package runs (examples, tests and benchmarks take theirs from devDependencies)');
});

test('package: --version and info print mpi4ts\'s own version, whatever the project around it says; info names the MPI libraries', { timeout: 60_000 }, () => {
  const bin = path.join(repoRoot, 'bin', 'mpi4ts.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-version-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'someone-elses-app', version: '9.9.9' }));
    const env = { ...process.env, npm_package_version: '9.9.9', npm_package_name: 'someone-elses-app' };
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [bin, flag], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), pkg.version, flag);
    }
    const r = spawnSync(process.execPath, [bin, 'info'], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^mpi4ts +${pkg.version.replaceAll('.', '\\.')}$`, 'm'));
    assert.doesNotMatch(r.stdout, /9\.9\.9/);
    // The native transport's libraries, as they name themselves (MPI_Get_library_version, MPI_Get_version).
    for (const lib of builtLibraries()) assert.match(r.stdout, new RegExp(`^mpi\\.${lib} +\\S.* \\(MPI \\d+\\.\\d+\\)$`, 'm'), lib);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('package: the tarball holds the licence, changelog, launcher and declarations, and no examples, tests or benchmarks', { timeout: 60_000 }, () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 50_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set((JSON.parse(r.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path));
  for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'bin/mpi4ts.js', 'dist/bundle/cli.js', 'dist/index.d.ts']) {
    assert.ok(files.has(f), `${f} is not in the package`);
  }
  assert.deepEqual([...files].filter((f) => /^(examples|test|bench)\//.test(f)), []);
  assert.match(fs.readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} the mpi4ts authors$/m);
  assert.equal((pkg as { license?: string }).license, 'MIT');
});
