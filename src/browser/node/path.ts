/** node:path in a browser: path-browserify (POSIX paths; the working directory is /). */
import path from 'path-browserify';

export default path;
export const { resolve, join, normalize, isAbsolute, relative, dirname, basename, extname, format, parse, sep, delimiter } = path;
export const posix = path;
