/** node:fs/promises in a browser: the in-memory files of fs.ts. */
import { promises } from './fs.js';

export const { readFile, writeFile, appendFile, mkdir, readdir, stat, rm, unlink } = promises;
export default promises;
