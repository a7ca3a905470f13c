/**
 * The API reference (issue #18): TypeDoc converts the package's public
 * entry points (typedoc.json, as `npm run docs` does) with no warning, every
 * public export and every public member of the main classes has a doc
 * comment, `@internal` members stay out, and the HTML site holds the
 * reference pages and the guides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Application, DeclarationReflection, ReflectionKind, type ProjectReflection, type Reflection, type SignatureReflection,
} from 'typedoc';
import { repoRoot } from '../helpers/spmd.ts';

const config = JSON.parse(fs.readFileSync(path.join(repoRoot, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[]; projectDocuments: string[]; excludeInternal: boolean; treatWarningsAsErrors: boolean;
};
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>; exports: Record<string, unknown>;
};

/** Converted once for all tests (a conversion type-checks the whole source: tens of seconds). */
let converted: Promise<{ app: Application; project: ProjectReflection }> | undefined;
function convert(): Promise<{ app: Application; project: ProjectReflection }> {
  converted ??= (async () => {
    const app = await Application.bootstrapWithPlugins({ options: path.join(repoRoot, 'typedoc.json') });
    const project = await app.convert();
    assert.ok(project, 'TypeDoc converted the entry points');
    app.validate(project);
    return { app, project };
  })();
  return converted;
}

/** True when a comment has a summary or block tags (@returns, @example...). */
const hasText = (r: Reflection | undefined): boolean =>
  !!r?.comment && (r.comment.summary.some((p) => p.text.trim() !== '') || r.comment.blockTags.length > 0);

/** The signatures of a method or accessor, or the declaration itself for a variable, property, class... */
function documentable(r: DeclarationReflection): Reflection[] {
  if (r.kindOf(ReflectionKind.ClassOrInterface | ReflectionKind.Namespace)) return [r];
  if (r.signatures) return r.signatures as SignatureReflection[];
  if (r.getSignature || r.setSignature) return [r.getSignature, r.setSignature].filter((s) => s !== undefined);
  return [r];
}

/** Names (`Comm.Allreduce (get)`) of the public members of `r`, and `r` itself, without a doc comment. */
function undocumented(r: DeclarationReflection, prefix: string): string[] {
  const missing: string[] = [];
  for (const d of documentable(r)) {
    if (hasText(d)) continue;
    const which = d.kind === ReflectionKind.SetSignature ? ' (set)' : d.kind === ReflectionKind.GetSignature ? ' (get)' : '';
    missing.push(`${prefix}${r.name}${which}`);
  }
  if (r.kindOf(ReflectionKind.ClassOrInterface)) {
    for (const c of r.children ?? []) {
      if (c.flags.isPrivate || c.flags.isProtected) continue;
      missing.push(...undocumented(c, `${prefix}${r.name}.`));
    }
  }
  return missing;
}

test('typedoc.json documents the package exports, strips @internal, and treats warnings as errors', () => {
  const exported = Object.keys(pkg.exports).filter((k) => k !== './package.json');
  assert.equal(config.entryPoints.length, exported.length, `one entry point per export (${exported.join(', ')})`);
  assert.deepEqual(config.entryPoints, ['src/index.ts', 'src/futures/index.ts', 'src/stopwatch.ts', 'src/util/sync.ts']);
  assert.equal(config.excludeInternal, true);
  assert.equal(config.treatWarningsAsErrors, true);
  assert.equal(pkg.scripts['docs'], 'typedoc');
});

test('the conversion gives no warning (what `npm run docs` would fail on)', async () => {
  const { app } = await convert();
  assert.equal(app.logger.errorCount, 0, 'TypeDoc errors');
  assert.equal(app.logger.warningCount, 0, 'TypeDoc warnings (run `npm run docs` to see them)');
});

test('every public export, and every public member of Comm, Intracomm, Request and Datatype, has a doc comment', async () => {
  const { project } = await convert();
  const mpi = project.getChildByName('mpi4ts.MPI');
  const futures = project.getChildByName('mpi4ts/futures');
  assert.ok(mpi instanceof DeclarationReflection, 'the MPI namespace is documented');
  assert.ok(futures instanceof DeclarationReflection, 'mpi4ts/futures is documented');
  const exports = [...(mpi.children ?? []), ...(futures.children ?? [])];
  assert.ok(exports.length > 300, `the MPI namespace and mpi4ts/futures export ${exports.length} names`);
  const missing = exports.filter((e) => !documentable(e).some(hasText)).map((e) => e.name);
  assert.deepEqual(missing, [], `exports without a doc comment: ${missing.join(', ')}`);

  for (const cls of ['Comm', 'Intracomm', 'Request', 'Datatype']) {
    const r = mpi.getChildByName(cls);
    assert.ok(r instanceof DeclarationReflection && r.kindOf(ReflectionKind.Class), `MPI.${cls} is a documented class`);
    assert.ok((r.children ?? []).length > 10, `MPI.${cls} lists its members`);
    const gaps = undocumented(r, 'MPI.');
    assert.deepEqual(gaps, [], `members without a doc comment: ${gaps.join(', ')}`);
  }
  // The main calls are there, with their mpi4py names and documented.
  for (const name of ['Intracomm.Allreduce', 'Intracomm.allreduce', 'Comm.Send', 'Comm.recv', 'Comm.irecv', 'Request.Wait', 'Datatype.Create_vector']) {
    const r = mpi.getChildByName(name);
    assert.ok(r instanceof DeclarationReflection && documentable(r).every(hasText), `MPI.${name} is documented`);
  }
  // ... and the main calls show how they are used.
  for (const name of [
    'Comm.send', 'Comm.Send', 'Intracomm.allreduce', 'Intracomm.Allreduce', 'Intracomm.Bcast', 'Intracomm.Scatter',
    'Intracomm.Gather', 'Intracomm.Split', 'Intracomm.Create_cart', 'Datatype.Create_vector',
  ]) {
    const r = mpi.getChildByName(name);
    assert.ok(r instanceof DeclarationReflection, `MPI.${name} exists`);
    const tags = documentable(r).flatMap((d) => d.comment?.blockTags.map((t) => t.tag) ?? []);
    assert.ok(tags.includes('@example'), `MPI.${name} has an @example`);
  }
});

test('@internal members do not appear in the reference', async () => {
  const { project } = await convert();
  const internal = project.getReflectionsByKind(ReflectionKind.All)
    .filter((r) => r.comment?.hasModifier('@internal') || r.comment?.hasModifier('@hidden'))
    .map((r) => r.getFullName());
  assert.deepEqual(internal, []);
  const comm = project.getChildByName('mpi4ts.MPI.Comm');
  assert.ok(comm instanceof DeclarationReflection);
  for (const name of ['handle', 'transport']) {
    assert.equal(comm.getChildByName(name), undefined, `Comm.${name} is @internal`);
  }
});

test('the published declarations carry no @internal member (tsconfig stripInternal)', () => {
  const tsconfig = fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8');
  assert.match(tsconfig, /"stripInternal": true/);
  const dist = path.join(repoRoot, 'dist');
  assert.ok(fs.existsSync(path.join(dist, 'index.d.ts')), 'dist/ is built (npm run build)');
  const leaks = (fs.readdirSync(dist, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.d.ts') && fs.readFileSync(path.join(dist, f), 'utf8').includes('@internal'));
  assert.deepEqual(leaks, [], 'declaration files with @internal members');
});

test('the HTML site holds the reference pages and the guides', async () => {
  const { app, project } = await convert();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-docs-'));
  try {
    await app.generateDocs(project, out);
    assert.equal(app.logger.warningCount, 0, 'rendering gives no warning');
    const intracomm = fs.readFileSync(path.join(out, 'classes', 'mpi4ts.MPI.Intracomm.html'), 'utf8');
    assert.match(intracomm, /id="allreduce"/, 'Intracomm.Allreduce has its anchor');
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.match(index, /Use mpi4ts in your project/, 'the README is the entry page');
    const guides = fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md'));
    assert.ok(guides.length > 0);
    for (const g of guides) {
      assert.ok(fs.existsSync(path.join(out, 'documents', g.replace(/\.md$/, '.html'))), `guide ${g} is rendered`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
