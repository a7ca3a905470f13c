/**
 * node:url in a browser: file: URLs and paths of the in-memory file system
 * (fs.ts), which programs use to find files beside themselves.
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;

/**
 * The path of a file: URL. The runtime's own modules are at http(s): URLs
 * in a page (their import.meta.url); those give their path on the server,
 * where Node would throw, since src/ asks for its own folder at load time.
 */
export function fileURLToPath(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'file:' && u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError(`The URL must be of scheme file (got ${u.href})`);
  }
  return decodeURIComponent(u.pathname);
}

export function pathToFileURL(path: string): URL {
  const abs = path.startsWith('/') ? path : `/${path}`;
  return new URL(`file://${abs.split('/').map(encodeURIComponent).join('/')}`);
}

export default { URL, URLSearchParams, fileURLToPath, pathToFileURL };
