/** mpi4ts's own version, for `mpi4ts --version` and `mpi4ts info`. */
import * as fs from 'node:fs';

/**
 * The version in this package's package.json: dist/cli/ (and src/cli/) are
 * two levels below it. Bundled into dist/bundle/cli.js, `import.meta.url`
 * still names dist/cli/version.js (scripts/bundle.mjs, moduleUrl). Not
 * `npm_package_version`: npm sets that to the version of the project
 * `npx` runs in, the user's own package.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch { /* reported below */ }
  return 'unknown (package.json of mpi4ts not found)';
}
