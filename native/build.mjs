#!/usr/bin/env node
/**
 * Build the native addon (mpi4ts_native.c) against every MPI library found,
 * each into its own folder: native/build-openmpi/, native/build-mpich/.
 * Runs at `npm install`; it never fails the install. What happened is
 * recorded in native/build-status.json, which `mpi4ts info` reports.
 *
 * Which compilers: MPI4TS_MPICC (one compiler wrapper, e.g. /opt/mpich/bin/mpicc)
 * if set; otherwise mpicc.openmpi, mpicc.mpich and mpicc on the PATH; and, when
 * none is found, pkg-config's `ompi` and `mpich` with cc. MPI4TS_NATIVE=0 skips
 * the build.
 *
 * The addon is compiled with the wrapper directly (no node-gyp): it needs only
 * Node's headers (node_api.h, and v8.h for pin.cc), which ship with Node.
 * pin.cc, which holds the backing stores of buffers that non-blocking calls
 * hand to the library, is C++: compiled with $CXX (default c++) and linked in.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'mpi4ts_native.c');
const pinSource = path.join(here, 'pin.cc');
const statusFile = path.join(here, 'build-status.json');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? ''), error: r.error };
}

function onPath(name) {
  if (name.includes('/')) return fs.existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* not here */ }
  }
  return null;
}

function nodeIncludeDir() {
  const candidates = [
    process.env.MPI4TS_NODE_INCLUDE,
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
    path.join(process.env.HOME ?? '', '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'node_api.h'))) ?? null;
}

/** Which library a compiler command builds against: from the macros of mpi.h. */
function flavour(compile) {
  const probe = path.join(here, '.probe.c');
  fs.writeFileSync(probe, '#include <mpi.h>\n');
  const r = run(compile[0], [...compile.slice(1), '-E', '-dM', probe]);
  fs.rmSync(probe, { force: true });
  if (!r.ok) return null;
  if (/#define OPEN_MPI 1/.test(r.out)) return 'openmpi';
  if (/#define MPICH_VERSION/.test(r.out)) return 'mpich';
  return 'mpi';
}

function compilers() {
  const list = [];
  if (process.env.MPI4TS_MPICC) {
    list.push({ label: process.env.MPI4TS_MPICC, compile: [process.env.MPI4TS_MPICC], link: [] });
    return list;
  }
  for (const name of ['mpicc.openmpi', 'mpicc.mpich', 'mpicc']) {
    const p = onPath(name);
    if (p) list.push({ label: p, compile: [p], link: [] });
  }
  if (list.length === 0 && onPath('pkg-config')) {
    for (const pkg of ['ompi', 'mpich']) {
      const c = run('pkg-config', ['--cflags', pkg]);
      const l = run('pkg-config', ['--libs', pkg]);
      if (c.ok && l.ok) {
        const cflags = c.out.trim().split(/\s+/).filter(Boolean);
        list.push({ label: `cc + pkg-config ${pkg}`, compile: ['cc', ...cflags], link: l.out.trim().split(/\s+/).filter(Boolean) });
      }
    }
  }
  return list;
}

function main() {
  const status = { built: {}, skipped: null, at: new Date().toISOString() };
  const write = () => fs.writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
  if (process.env.MPI4TS_NATIVE === '0') {
    status.skipped = 'MPI4TS_NATIVE=0';
    write();
    return;
  }
  const include = nodeIncludeDir();
  if (!include) {
    status.skipped = 'Node-API headers (node_api.h) not found; set MPI4TS_NODE_INCLUDE';
    write();
    return;
  }
  const found = compilers();
  if (found.length === 0) {
    status.skipped = 'no MPI library found (no mpicc.openmpi, mpicc.mpich or mpicc on the PATH, no pkg-config ompi/mpich); install e.g. libopenmpi-dev or libmpich-dev and run npm rebuild mpi4ts';
    write();
    return;
  }
  for (const c of found) {
    const kind = flavour(c.compile);
    if (kind === null) {
      status.built[c.label] = { ok: false, reason: `${c.label} cannot compile a file including mpi.h` };
      continue;
    }
    if (status.built[kind]?.ok) continue; // mpicc is usually an alias of one already built
    const dir = path.join(here, `build-${kind}`);
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(dir, 'mpi4ts_native.node');
    const pinObject = path.join(dir, 'pin.o');
    const cxx = process.env.CXX || 'c++';
    const p = run(cxx, ['-O2', '-fPIC', '-std=c++17', `-I${include}`, '-c', pinSource, '-o', pinObject]);
    if (!p.ok) {
      status.built[kind] = { ok: false, compiler: cxx, reason: p.error ? String(p.error) : p.out.trim().split('\n').slice(0, 5).join(' | ') };
      process.stdout.write(`mpi4ts: native addon for ${kind} not built (pin.cc): ${status.built[kind].reason}\n`);
      continue;
    }
    const args = [...c.compile.slice(1), '-O2', '-fPIC', '-shared', '-Wall', `-I${include}`,
      '-DNODE_GYP_MODULE_NAME=mpi4ts_native', source, pinObject, '-o', out, ...c.link, '-ldl', '-lstdc++'];
    const r = run(c.compile[0], args);
    if (r.ok) {
      status.built[kind] = { ok: true, path: path.relative(here, out), compiler: c.label, command: [c.compile[0], ...args].join(' ') };
      process.stdout.write(`mpi4ts: native addon for ${kind} built with ${c.label}\n`);
    } else {
      status.built[kind] = { ok: false, compiler: c.label, reason: r.error ? String(r.error) : r.out.trim().split('\n').slice(0, 5).join(' | ') };
      process.stdout.write(`mpi4ts: native addon for ${kind} not built: ${status.built[kind].reason}\n`);
    }
  }
  write();
}

try {
  main();
} catch (e) {
  // Never fail `npm install` over the optional native transport.
  try {
    fs.writeFileSync(statusFile, `${JSON.stringify({ built: {}, skipped: `build script failed: ${e?.message ?? e}` }, null, 2)}\n`);
  } catch { /* read-only install */ }
}
