/**
 * The embedded runtime's addon (native/sched) as tests load it directly, to
 * check its native loops against the JavaScript ones and its refusals.
 */
import { createRequire } from 'node:module';

export interface SchedAddon {
  combine?: (op: number, kind: number, d: ArrayBufferView, a: ArrayBufferView, b: ArrayBufferView, n: number) => boolean;
  copyBytes?: (dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number) => void;
}

/** The addon, or null where `npm install` could not build it (no C++ compiler). */
export function loadSchedAddon(): SchedAddon | null {
  try {
    return createRequire(import.meta.url)('../../native/sched/build/Release/sched.node') as SchedAddon;
  } catch {
    return null;
  }
}

/** A skip reason for tests of the native loops, or false when the addon has them. */
export function schedSkip(addon: SchedAddon | null): string | false {
  return addon?.combine === undefined || addon.copyBytes === undefined ? 'the native/sched addon is not built (no C++ compiler at install)' : false;
}
