#!/usr/bin/env node
// The launcher bundled (scripts/bundle.mjs); dist/cli/main.js is the same unbundled.
import { main } from '../dist/bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`mpi4ts: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 2; },
);
