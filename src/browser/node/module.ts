/** node:module in a browser: no CommonJS loading and no native addons (src/transport/threads/yield.ts goes without). */
export function createRequire(_from: string | URL): (id: string) => never {
  return (id: string) => { throw new Error(`require('${id}') is not available in a browser`); };
}
export function isBuiltin(_name: string): boolean { return false; }
export function register(): void { throw new Error('module.register() is not available in a browser'); }
export default { createRequire, isBuiltin, register };
