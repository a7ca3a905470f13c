#!/usr/bin/env node
/**
 * `npm install` step: build the optional native addons with node-gyp.
 *
 * native/sched (sched_yield for oversubscribed ranks, single-copy transfers)
 * needs only a C++ compiler
 * and Node's headers. A failed build never fails the install: the package
 * works without it, and the reason is kept in native/<addon>/build-status.json
 * for `mpi4ts info`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** npm sets npm_config_node_gyp for lifecycle scripts; outside npm, use npm's bundled copy. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && fs.existsSync(p)) ?? null;
}

/**
 * Node's own headers: npm's nodedir setting, else the include/ folder next to
 * the running node (official tarballs and distribution packages ship it), so
 * that node-gyp does not try to download them (no network here is normal).
 */
function nodeDir() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function build(name, what) {
  const dir = path.join(root, 'native', name);
  const statusFile = path.join(dir, 'build-status.json');
  const gyp = nodeGyp();
  let status;
  if (gyp === null) {
    status = { built: false, reason: 'node-gyp not found (it comes with npm)' };
  } else {
    const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', dir, ...nodeDir()], { encoding: 'utf8' });
    const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    fs.writeFileSync(path.join(dir, 'build.log'), log);
    status = r.status === 0
      ? { built: true }
      : { built: false, reason: `node-gyp failed (exit ${r.status}); see native/${name}/build.log: ${lastError(log)}` };
  }
  fs.writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
  console.log(status.built ? `mpi4ts: built native/${name} (${what})` : `mpi4ts: native/${name} not built, ${status.reason}; ${what} is off`);
}

function lastError(log) {
  const lines = log.split('\n').filter((l) => /error/i.test(l));
  return (lines[0] ?? 'no compiler output').trim().slice(0, 200);
}

build('sched', 'sched_yield for ranks that wait while oversubscribed, single-copy transfers between ranks');
