/**
 * Globals of Node that the bundled code of src/ uses, injected into the
 * browser bundles by esbuild (scripts/bundle-browser.mjs): the free names
 * `process`, `Buffer` and the timers refer to these, without making them
 * globals of the page.
 */
export { process } from './process.js';
export { Buffer } from './buffer.js';
export { setTimeout, setInterval, clearTimeout, clearInterval, setImmediate, clearImmediate } from './timers.js';
