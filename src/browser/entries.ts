/**
 * src/core/entries.ts in a browser bundle: the runtime's entry points are
 * the modules beside this one in dist/browser/ (scripts/bundle-browser.mjs),
 * e.g. futures-server.js, which MPIPoolExecutor spawns.
 */
import type { RuntimeEntry } from '../core/entries.js';

export type { RuntimeEntry };

export function runtimeEntry(name: RuntimeEntry): URL {
  return new URL(`./${name}.js`, import.meta.url);
}

export const PACKAGE_EXPORTS: Readonly<Record<string, RuntimeEntry>> = {};

export function packageExportURLs(): Record<string, string> {
  return {};
}
