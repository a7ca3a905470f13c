/**
 * The native transport in a browser bundle: there is no MPI library to bind
 * (src/transport/select.ts's imports of native/engine.js and native/addon.js
 * resolve here in scripts/bundle-browser.mjs).
 */
const WHY = 'the native transport (a system MPI library through a Node-API addon) is not available in a browser';

export class NativeTransport {
  constructor() { throw new Error(WHY); }
}
export function loadAddon(): never { throw new Error(WHY); }
export function builtLibraries(): string[] { return []; }
export function launcherLibrary(): string | null { return null; }
export function describeLibraries(): [] { return []; }
export function nativeAvailability(): [boolean, string] { return [false, WHY]; }
export type LibraryDescription = { library: string; error: string };
