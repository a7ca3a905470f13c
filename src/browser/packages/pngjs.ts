/** pngjs for programs in a browser: its own browser build (pngjs/browser.js, mapped in scripts/bundle-browser.mjs). */
import pngjs from 'pngjs';

export const { PNG } = pngjs;
export default pngjs;
