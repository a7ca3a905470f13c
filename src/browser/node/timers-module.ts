/** node:timers in a browser (the same handles as the globals, timers.ts). */
export { setTimeout, setInterval, clearTimeout, clearInterval, setImmediate, clearImmediate } from './timers.js';
