/**
 * The layering of STYLE.md ("The shape of the system"), read from the
 * imports of every file under src/ (static imports, re-exports, `import()`
 * and `import('...')` types, parsed with the TypeScript compiler):
 *
 * - api/, coll/ and core/ reach a transport only through transport/spi.ts
 *   (the contract) and transport/select.ts (which picks one); cli/ reaches
 *   a launcher only through transport/launcher.ts (its contract) and select.ts;
 * - select.ts is the only file outside threads/ and native/ that names a
 *   concrete transport, and the two transports do not import each other;
 * - core/ imports nothing of api/, coll/, the transports, futures/ or cli/
 *   (transport/spi.ts for its types only);
 * - transports never import api/, coll/, futures/ or cli/;
 * - futures/ uses the public API (src/index.ts) the way a user would.
 *
 * Imports that cross these lines today are listed in `exceptions`, each with
 * why it is there; a new one fails this test, and so does an exception that
 * no longer happens (so the list stays true).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/spmd.ts';

const srcRoot = path.join(repoRoot, 'src');

/** One import of one file: both paths relative to src/, `.ts` resolved. */
interface Edge { from: string; to: string; typeOnly: boolean }

/** The layer a file under src/ belongs to; transport/ is four layers, as STYLE.md draws it. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  if (parts[0] === 'transport') return parts.length === 2 ? `transport/${parts[1]!.replace(/\.ts$/, '')}` : `transport/${parts[1]}`;
  return parts[0]!;
}

/**
 * Which layers each layer may import (its own always). A layer missing here
 * (a new folder under src/) fails the test until it is given its place.
 */
const allowed: Record<string, readonly string[]> = {
  'index': ['mpi', 'api', 'core'],
  'mpi': ['api', 'core'],
  'stopwatch': ['core'],
  'api': ['core', 'coll', 'transport/spi', 'transport/select'],
  'coll': ['core', 'transport/spi'],
  'core': ['transport/spi'],
  'loader': ['core'],
  'futures': ['index'],
  // mpi4py.util is built on mpi4py.MPI (and pool on mpi4py.futures): the public API only.
  'util': ['index', 'futures'],
  // The command starts jobs through the launcher contract, on the launcher select.ts picks.
  'cli': ['index', 'api', 'core', 'loader', 'cli', 'transport/select', 'transport/launcher'],
  'transport/spi': ['core'],
  'transport/launcher': [],
  // What both engines share (PROC_NULL completion, progress hooks, operation failures).
  'transport/base': ['core', 'transport/spi'],
  'transport/select': ['core', 'transport/spi', 'transport/launcher', 'transport/threads', 'transport/native'],
  'transport/threads': ['core', 'loader', 'transport/spi', 'transport/base', 'transport/launcher'],
  'transport/native': ['core', 'loader', 'transport/spi', 'transport/base', 'transport/launcher'],
  // mpi4ts/browser: the page's entry and a rank's Web Worker entry, the Node built-ins' browser forms.
  'browser': ['core'],
};

/** Layers that may only be imported for their types from the given layer. */
const typeOnly: Record<string, readonly string[]> = {
  'core': ['transport/spi'],
};

/** Imports that cross the lines today, each with why; `from -> to` as files under src/. */
const exceptions: Record<string, string> = {
  // The futures entry points compile and import the user's script with the
  // package's TypeScript loader (as `mpi4ts run` does); mpi4py's futures run
  // Python's own import machinery, which has no counterpart in the public API.
  'futures/main.ts -> loader/entry.ts': "imports the user's script through the TypeScript loader",
  'futures/worker.ts -> loader/entry.ts': "imports the user's task modules through the TypeScript loader",
  // A futures worker is a process started on the bundled runtime's entry
  // point; only core/entries.ts knows where the bundles are.
  'futures/pool.ts -> core/entries.ts': "finds the futures-server bundle to start workers on",
  // mpi4ts/browser is the embedded transport on a page's Web Workers: the
  // page runs the same job as threads/launch.ts does (a ThreadsJob on a
  // RankPlatform of Web Workers), and a rank writes its output in lines as
  // threads/rank-main.ts does; the rest of the transport it reaches through
  // the package's own entry points, in its bundles (scripts/bundle-browser.mjs).
  'browser/index.ts -> transport/threads/host.ts': 'starts the job of the embedded transport on Web Workers',
  'browser/web-threads.ts -> transport/threads/platform.ts': 'is the RankPlatform of Web Workers',
  'browser/web-threads.ts -> transport/threads/engine.ts': "passes on the engine's messages to the job (types)",
  'browser/rank.ts -> transport/threads/lines.ts': "cuts a rank's output into lines as a Node rank does",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every relative import of every file under src/. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const abs of sourceFiles(srcRoot)) {
    const from = path.relative(srcRoot, abs).split(path.sep).join('/');
    const sf = ts.createSourceFile(abs, fs.readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (spec: string, isType: boolean): void => {
      if (!spec.startsWith('.')) return;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '.ts');
      edges.push({ from, to, typeOnly: isType });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const allTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined
          && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)
          && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((el) => el.isTypeOnly)));
        add(node.moduleSpecifier.text, allTypes);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
        && node.arguments[0] !== undefined && ts.isStringLiteralLike(node.arguments[0])) {
        add(node.arguments[0].text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return edges;
}

/** Why an import breaks the layering, or null if it does not. */
function violation(edge: Edge): string | null {
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (!(from in allowed)) return `${from} is not a layer of STYLE.md (give it its place in this test's table)`;
  if (from === to) return null;
  if (!allowed[from]!.includes(to)) return `${from} may not import ${to}`;
  if (typeOnly[from]?.includes(to) && !edge.typeOnly) return `${from} may import only types from ${to}`;
  return null;
}

const edges = importEdges();

test('layering: the import reader sees the imports it is meant to check', () => {
  // A reader that found nothing would make the other tests pass vacuously.
  const has = (from: string, to: string): boolean => edges.some((e) => e.from === from && e.to === to);
  assert.ok(edges.length > 300, `only ${edges.length} imports found under src/`);
  assert.ok(has('transport/select.ts', 'transport/threads/engine.ts'));
  assert.ok(has('api/runtime.ts', 'transport/select.ts'));
  assert.ok(has('cli/run.ts', 'transport/select.ts'));
  assert.ok(has('transport/select.ts', 'transport/threads/launch.ts'));
  assert.ok(has('transport/select.ts', 'transport/native/launch.ts'));
  assert.ok(edges.some((e) => e.from === 'api/comm.ts' && e.to === 'transport/spi.ts' && e.typeOnly));
  assert.ok(edges.some((e) => e.from === 'api/comm.ts' && e.to === 'transport/spi.ts' && !e.typeOnly));
  for (const e of edges) assert.ok(fs.existsSync(path.join(srcRoot, e.to)), `${e.from} imports ${e.to}, which does not exist`);
});

test('layering: the rules catch what they are meant to catch', () => {
  const check = (from: string, to: string, isType = false): string | null => violation({ from, to, typeOnly: isType });
  assert.match(check('api/comm.ts', 'transport/threads/engine.ts')!, /api may not import transport\/threads/);
  assert.match(check('coll/buffer.ts', 'transport/native/engine.ts')!, /coll may not import transport\/native/);
  assert.match(check('coll/buffer.ts', 'api/comm.ts')!, /coll may not import api/);
  assert.match(check('core/pack.ts', 'api/datatype.ts')!, /core may not import api/);
  assert.match(check('core/pack.ts', 'transport/spi.ts')!, /only types/);
  assert.equal(check('core/pack.ts', 'transport/spi.ts', true), null);
  assert.match(check('transport/threads/engine.ts', 'transport/native/addon.ts')!, /may not import/);
  assert.match(check('transport/native/engine.ts', 'api/comm.ts')!, /may not import api/);
  assert.match(check('futures/pool.ts', 'api/comm.ts')!, /futures may not import api/);
  assert.match(check('cli/run.ts', 'transport/threads/host.ts')!, /cli may not import transport\/threads/);
  assert.match(check('newlayer/x.ts', 'core/pack.ts')!, /not a layer/);
  assert.equal(check('transport/select.ts', 'transport/native/engine.ts'), null);
});

test('layering: no import crosses the lines of STYLE.md except the listed exceptions', () => {
  const found = new Set<string>();
  const broken: string[] = [];
  for (const e of edges) {
    const why = violation(e);
    if (why === null) continue;
    const key = `${e.from} -> ${e.to}`;
    if (key in exceptions) found.add(key);
    else broken.push(`${key}: ${why}`);
  }
  assert.deepEqual(broken, [], 'imports that break the layering (change the interface, not the rule)');
  const stale = Object.keys(exceptions).filter((k) => !found.has(k));
  assert.deepEqual(stale, [], 'exceptions that no longer happen: remove them from the list');
});

test('layering: only select.ts names a concrete transport', () => {
  const naming = new Set(edges
    .filter((e) => /^transport\/(threads|native)\//.test(e.to) && !/^transport\/(threads|native)\//.test(e.from))
    .map((e) => e.from));
  const unexpected = [...naming].filter((f) => f !== 'transport/select.ts' && !Object.keys(exceptions).some((k) => k.startsWith(`${f} -> `)));
  assert.deepEqual(unexpected, []);
  assert.ok(naming.has('transport/select.ts'));
});
