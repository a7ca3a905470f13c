/** node:perf_hooks in a browser: the page's or worker's own performance. */
export const performance = globalThis.performance;
export default { performance };
