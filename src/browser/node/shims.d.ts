// Types of the browser polyfill packages that ship none: they are Node's own modules' APIs.
declare module 'path-browserify' {
  import path from 'node:path';
  export = path;
}
declare module '@pkgjs/parseargs' {
  export { parseArgs } from 'node:util';
}
