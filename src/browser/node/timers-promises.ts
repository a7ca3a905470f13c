/** node:timers/promises in a browser: setTimeout and setImmediate as promises. */
import { delay, setImmediate as immediate } from './timers.js';

export const setTimeout = delay;
export function setImmediate<T>(value?: T): Promise<T | undefined> {
  return new Promise((resolve) => { immediate(() => resolve(value)); });
}
export default { setTimeout, setImmediate };
