#!/usr/bin/env node
/**
 * What a user gets from `npm install mpi4ts` (issue #18): packs a package
 * folder (this repository by default, `--root <dir>` for another checkout),
 * installs the tarball into a fresh project in a temporary folder, and
 * reports the packages installed, node_modules' size, the commands that land
 * in the project's node_modules/.bin, then runs a TypeScript and a JavaScript
 * program (hello + Allreduce) with `npx mpi4ts -n 2` and checks their output.
 *
 *   node scripts/pack-footprint.mjs [--root <dir>] [--keep] [--json]
 *
 * The package folder must be built (dist/); the pack skips its lifecycle
 * scripts. The install runs the package's own install script (native addons)
 * as a user's would, and needs the npm registry. Results: bench/results/footprint.md.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = path.resolve(option('--root') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const log = (line) => { if (!flag('--json')) process.stdout.write(`${line}\n`); };

/** Runs a command; its failure ends the script with the command's output. */
function run(cmd, argv, cwd, timeout = 900_000) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) {
    process.stderr.write(`pack-footprint: ${cmd} ${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n${r.stdout}\n${r.stderr}\n`);
    process.exit(1);
  }
  return { stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

/** Bytes on disk under a folder as `du` counts them: allocated blocks, each inode once (esbuild hard-links its binary), symlinks as links. */
function diskBytes(dir, seen = new Set()) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const st = fs.lstatSync(p);
    const id = `${st.dev}:${st.ino}`;
    if (!seen.has(id)) { seen.add(id); total += st.blocks * 512; }
    if (e.isDirectory()) total += diskBytes(p, seen);
  }
  return total;
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
if (!fs.existsSync(path.join(root, 'dist'))) {
  process.stderr.write(`pack-footprint: ${root} has no dist/ (run npm run build there first)\n`);
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-footprint-'));
const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
const commit = git.status === 0 ? git.stdout.trim() : 'unknown';
try {
  // 1. The tarball, as `npm publish` would make it.
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root).stdout)[0];
  const tarball = path.join(tmp, packed.filename);
  log(`packed ${pkg.name}@${pkg.version} (${commit}): ${packed.entryCount} files, ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked`);

  // 2. A fresh project installs it.
  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'footprint-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const install = run('npm', ['install', '--no-audit', '--no-fund', tarball], app);
  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
  // The lock also lists optional packages for other platforms (esbuild's binaries): count what is on disk.
  const installed = Object.keys(lock.packages)
    .filter((k) => k.startsWith('node_modules/') && !lock.packages[k].link && fs.existsSync(path.join(app, k, 'package.json')));
  const modules = path.join(app, 'node_modules');
  const megabytes = diskBytes(modules) / 1e6;
  const largest = installed.filter((k) => !k.slice('node_modules/'.length).includes('/node_modules/'))
    .map((k) => [k.slice('node_modules/'.length), diskBytes(path.join(app, k)) / 1e6]).sort((a, b) => b[1] - a[1]).slice(0, 6);
  const binDir = path.join(modules, '.bin');
  const bins = fs.existsSync(binDir) ? fs.readdirSync(binDir).sort() : [];
  log(`npm install <tarball>: ${installed.length} packages, node_modules ${megabytes.toFixed(1)} MB, ${install.seconds.toFixed(0)} s`);
  log(`largest: ${largest.map(([name, mb]) => `${name} ${mb.toFixed(1)} MB`).join(', ')}`);
  log(`node_modules/.bin (${bins.length}): ${bins.join(' ')}`);

  // 3. A TypeScript and a JavaScript program, as a user runs them.
  const program = (typed) => [
    "import { MPI } from 'mpi4ts';",
    'const comm = MPI.COMM_WORLD;',
    `const rank${typed ? ': number' : ''} = comm.Get_rank();`,
    `const sum${typed ? ': number' : ''} = comm.allreduce(rank + 1, MPI.SUM);`,
    `console.log(\`hello from rank \${rank} of \${comm.Get_size()}, sum \${sum}\`);`,
    '',
  ].join('\n');
  const runs = [];
  for (const [file, typed] of [['hello.ts', true], ['hello.js', false]]) {
    fs.writeFileSync(path.join(app, file), program(typed));
    const r = run('npx', ['--no-install', 'mpi4ts', '-n', '2', file], app, 300_000);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('hello from')).sort();
    const ok = lines.length === 2 && lines[0] === 'hello from rank 0 of 2, sum 3' && lines[1] === 'hello from rank 1 of 2, sum 3';
    runs.push({ file, ok, seconds: r.seconds });
    log(`npx mpi4ts -n 2 ${file}: ${ok ? 'ok' : 'WRONG OUTPUT'} (${r.seconds.toFixed(1)} s)${ok ? '' : `\n${r.stdout}${r.stderr}`}`);
  }

  const result = {
    package: `${pkg.name}@${pkg.version}`, commit, dependencies: Object.keys(pkg.dependencies ?? {}),
    tarball: { files: packed.entryCount, bytes: packed.size, unpackedBytes: packed.unpackedSize },
    packages: installed.length, nodeModulesMB: Number(megabytes.toFixed(1)),
    largest: Object.fromEntries(largest.map(([name, mb]) => [name, Number(mb.toFixed(1))])), bins, installSeconds: Number(install.seconds.toFixed(1)), runs,
  };
  const ok = runs.every((r) => r.ok);
  if (flag('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else log(`footprint ${result.package} (${commit}): ${result.packages} packages, ${result.nodeModulesMB} MB, ${bins.length} bin entries; ${runs.map((r) => `${r.file} ${r.ok ? 'ok' : 'FAILED'}`).join(', ')}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  if (flag('--keep')) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
