#!/usr/bin/env node
// `mpi4ts --rank script [args...]`: this process is one rank that another
// launcher started (`srun --mpi=pmix -n 4 npx mpi4ts --rank app.ts`,
// `mpiexec -n 4 npx mpi4ts --rank app.ts`): run the script as the native
// transport's rank entry does for `mpi4ts --transport native`, TypeScript
// included. Without a launcher around it, a world of one.
// Otherwise the launcher. Both are bundled (scripts/bundle.mjs); dist/cli/main.js
// and dist/transport/native/rank-entry.js are the same unbundled.
if (process.argv[2] === '--rank') {
  const { fileURLToPath } = await import('node:url');
  const entry = new URL('../dist/bundle/rank-entry.js', import.meta.url);
  process.argv.splice(1, 2, fileURLToPath(entry));
  if (process.argv.length < 3) {
    process.stderr.write('usage: mpi4ts --rank script [args...]\n');
    process.exit(2);
  }
  await import(entry.href);
} else {
  const { main } = await import('../dist/bundle/cli.js');
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`mpi4ts: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 2; },
  );
}
