#!/usr/bin/env node
/**
 * `npm run api-coverage [-- --json]`: how much of mpi4py's public API mpi4ts has.
 *
 * mpi4py's names come from scripts/api-coverage/mpi4py-api.json, extracted
 * once from mpi4py 4.x's type stubs (src/mpi4py/MPI.pyi) by
 * scripts/api-coverage/extract-mpi4py-api.py; the commit is recorded there.
 * The built package (dist/index.js, `npm run build` first) is imported and
 * every module-level name and class member looked up:
 *   - module-level names: `name in MPI`;
 *   - classmethods and staticmethods: static members of the class (`name in MPI.Cls`,
 *     inherited statics included);
 *   - methods and properties: on the prototype chain (methods, getters), or
 *     on an instance the package exports (MPI.COMM_WORLD for Comm, MPI.INT for
 *     Datatype, ...), which also finds fields set in constructors.
 * Names left out on purpose are read from docs/mpi4py-differences.md: a line
 * `- \`Name\`, \`Class.member\` — reason` lists one or more names; a bare
 * member name (`py2f`) stands for that member of every class, and for the
 * module-level name if there is one. They count as "omitted, with reason",
 * not as missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');

const api = JSON.parse(readFileSync(path.join(root, 'scripts/api-coverage/mpi4py-api.json'), 'utf8'));
const dist = path.join(root, 'dist/index.js');
if (!existsSync(dist)) {
  console.error('api-coverage: dist/index.js is missing; run `npm run build` first');
  process.exit(2);
}
const { MPI } = await import(pathToFileURL(dist).href);

/** Deliberate omissions: name -> reason, from docs/mpi4py-differences.md. */
function readOmissions() {
  const file = path.join(root, 'docs/mpi4py-differences.md');
  const omitted = new Map();
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return omitted; }
  for (const line of text.split('\n')) {
    const m = /^\s*[-*]\s+(.*?)\s+[—–]\s+(.+)$/.exec(line);
    if (!m) continue;
    const names = [...m[1].matchAll(/`([A-Za-z_][\w.]*)`/g)].map((x) => x[1]);
    for (const name of names) omitted.set(name, m[2].trim());
  }
  return omitted;
}
const omissions = readOmissions();

function omissionOf(cls, name) {
  if (cls === null) return omissions.get(name) ?? null;
  return omissions.get(`${cls}.${name}`) ?? omissions.get(name) ?? omissions.get(`${cls}.*`) ?? null;
}

/** Module-level names that belong to one-sided communication or MPI-IO (issue 15), for grouping. */
const families = [
  ['Win (issue 15)', /^(WIN_|LOCK_|MODE_NO|ERR_RMA_|ERR_WIN$|ERR_BASE$|ERR_SIZE$|ERR_DISP$|ERR_ASSERT$|ERR_LOCKTYPE$|Win$)/],
  ['File (issue 15)', /^(FILE_|MODE_(RDONLY|WRONLY|RDWR|CREATE|EXCL|DELETE_ON_CLOSE|UNIQUE_OPEN|SEQUENTIAL|APPEND)$|SEEK_|DISP_CUR$|DISPLACEMENT_CURRENT$|Register_datarep$|MAX_DATAREP_STRING$|ERR_(BAD_FILE|NO_SUCH_FILE|FILE_EXISTS|FILE_IN_USE|AMODE|ACCESS|READ_ONLY|NO_SPACE|QUOTA|IO|CONVERSION|DUP_DATAREP|FILE|UNSUPPORTED_DATAREP)$|File$)/],
];
function familyOf(name) {
  for (const [family, re] of families) if (re.test(name)) return family;
  return null;
}

/** Instances the package exports, per class, to look up fields set in constructors. */
const instanceCache = new Map();
function instancesOf(cls) {
  if (!instanceCache.has(cls)) instanceCache.set(cls, findInstances(cls));
  return instanceCache.get(cls);
}
function findInstances(cls) {
  const found = [];
  for (const value of Object.values(MPI)) {
    if (value !== null && typeof value === 'object' && value instanceof cls) found.push(value);
    if (found.length >= 3) break;
  }
  if (found.length === 0) {
    // Nothing exported (Status): a fresh object, as `MPI.Status()` makes one.
    try { found.push(new cls()); } catch { /* needs arguments: prototype only */ }
  }
  return found;
}

function has(cls, member) {
  if (member.kind === 'classmethod' || member.kind === 'staticmethod') return member.name in cls;
  if (cls.prototype && member.name in cls.prototype) return true;
  return instancesOf(cls).some((o) => member.name in o);
}

const rows = [];
const missing = {};
const omittedList = [];
let totals = { have: 0, total: 0, omitted: 0 };

// Module level.
{
  const row = { scope: 'module', have: 0, total: 0, omitted: 0 };
  for (const entry of api.module) {
    row.total++;
    if (entry.name in MPI) { row.have++; continue; }
    const reason = omissionOf(null, entry.name);
    if (reason) { row.omitted++; omittedList.push({ name: entry.name, reason }); continue; }
    const group = familyOf(entry.name) ? `module: ${familyOf(entry.name)}` : 'module';
    (missing[group] ??= []).push(entry.name);
  }
  rows.push(row);
}

// Classes.
for (const [name, info] of Object.entries(api.classes)) {
  const cls = MPI[name];
  const row = { scope: name, have: 0, total: 0, omitted: 0 };
  const family = familyOf(name);
  const group = family ?? name;
  for (const member of info.members) {
    row.total++;
    if (typeof cls === 'function' && has(cls, member)) { row.have++; continue; }
    const reason = omissionOf(name, member.name);
    if (reason) { row.omitted++; omittedList.push({ name: `${name}.${member.name}`, reason }); continue; }
    (missing[group] ??= []).push(member.name);
  }
  if (typeof cls !== 'function') row.absent = true;
  rows.push(row);
}

for (const row of rows) {
  totals.have += row.have; totals.total += row.total; totals.omitted += row.omitted;
}
const missingCount = totals.total - totals.have - totals.omitted;
const summary = `mpi4ts has ${totals.have} of ${totals.total} mpi4py names (${(100 * totals.have / totals.total).toFixed(1)}%); `
  + `${totals.omitted} omitted, with reason; ${missingCount} missing`
  + ` (${Object.entries(missing).filter(([g]) => /issue 15/.test(g)).reduce((n, [, v]) => n + v.length, 0)} of them Win/File, issue 15)`;

// mpi4py.util (pkl5, dtlib, pool; util.sync waits for MPI.Win) against mpi4ts/util: counted on their own line.
const utilApi = JSON.parse(readFileSync(path.join(root, 'scripts/api-coverage/mpi4py-util-api.json'), 'utf8'));
const util = await import(pathToFileURL(path.join(root, 'dist/util/index.js')).href);
const utilTotals = { have: 0, total: 0, omitted: 0 };
const utilMissing = [];
/** A member on the class, its prototype chain, or an instance made without arguments (fields such as Pool.executor). */
function utilHas(cls, name) {
  if (name in cls || (cls.prototype && name in cls.prototype)) return true;
  try { return name in new cls(); } catch { return false; }
}
for (const [mod, { names, classes }] of Object.entries(utilApi.modules)) {
  const ns = util[mod] ?? {};
  const count = (ok, qualified, omittedAs) => {
    utilTotals.total++;
    if (ok) utilTotals.have++;
    else if (omissions.has(omittedAs)) { utilTotals.omitted++; omittedList.push({ name: qualified, reason: omissions.get(omittedAs) }); }
    else utilMissing.push(qualified);
  };
  for (const name of names) count(name in ns, `${mod}.${name}`, name);
  for (const [cls, members] of Object.entries(classes)) {
    for (const member of members) count(typeof ns[cls] === 'function' && utilHas(ns[cls], member), `${mod}.${cls}.${member}`, `${cls}.${member}`);
  }
}
const utilSummary = `mpi4ts/util has ${utilTotals.have} of ${utilTotals.total} mpi4py.util names (pkl5, dtlib, pool); `
  + `${utilTotals.omitted} omitted, with reason; ${utilTotals.total - utilTotals.have - utilTotals.omitted} missing${utilMissing.length ? `: ${utilMissing.join(' ')}` : ''}`;

if (json) {
  console.log(JSON.stringify({ source: api.source, rows, missing, omitted: omittedList, totals: { ...totals, missing: missingCount }, summary,
    util: { source: utilApi.source, totals: utilTotals, missing: utilMissing, summary: utilSummary } }, null, 1));
} else {
  console.log(`mpi4py API from ${api.source.path} at mpi4py ${api.source.commit.slice(0, 12)}, against dist/index.js`);
  console.log('');
  console.log(`${'scope'.padEnd(30)}${'have/total'.padStart(11)}${'omitted'.padStart(9)}`);
  for (const r of rows) {
    console.log(`${(r.scope + (r.absent ? ' (no class)' : '')).padEnd(30)}${`${r.have}/${r.total}`.padStart(11)}${String(r.omitted || '').padStart(9)}`);
  }
  console.log('');
  console.log('missing:');
  for (const [group, names] of Object.entries(missing)) {
    console.log(`  ${group} (${names.length}): ${names.join(' ')}`);
  }
  console.log('');
  console.log(`omitted, with reason (docs/mpi4py-differences.md): ${omittedList.length}`);
  const byReason = new Map();
  for (const o of omittedList) (byReason.get(o.reason) ?? byReason.set(o.reason, []).get(o.reason)).push(o.name);
  for (const [reason, names] of byReason) {
    // `Datatype.py2f Request.py2f ...` reads as `py2f (12 classes)`.
    const members = new Map();
    for (const n of names) {
      const m = n.includes('.') ? n.slice(n.indexOf('.') + 1) : n;
      members.set(m, (members.get(m) ?? 0) + 1);
    }
    const shown = [...members].map(([m, k]) => (k > 1 ? `${m} (${k} classes)` : names.find((n) => n === m || n.endsWith(`.${m}`))));
    console.log(`  ${names.length}: ${shown.join(', ')} — ${reason}`);
  }
  console.log('');
  console.log(summary);
  console.log(utilSummary);
}
process.exit(0);
