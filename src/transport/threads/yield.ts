/**
 * `sched_yield` for waiting ranks, from the optional addon in native/sched
 * (built by `npm install` when a C compiler is there). Null when it is not
 * built: ranks then park on their doorbell instead of yielding.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';

/** Where the addon is, from src/transport/threads or dist/transport/threads alike. */
const ADDON = new URL('../../../native/sched/build/Release/sched.node', import.meta.url);
const STATUS = new URL('../../../native/sched/build-status.json', import.meta.url);

function load(): { yieldCpu: (() => void) | null; reason: string } {
  try {
    const addon = createRequire(import.meta.url)(ADDON.pathname) as { yield: () => void };
    return { yieldCpu: addon.yield, reason: 'built' };
  } catch (e) {
    let reason = `not loadable: ${(e as Error).message.split('\n')[0]}`;
    try {
      const status = JSON.parse(fs.readFileSync(STATUS, 'utf8')) as { built: boolean; reason?: string };
      if (!status.built && status.reason) reason = status.reason;
    } catch {
      // No status file: the install step never ran (e.g. a copy without `npm install`).
    }
    return { yieldCpu: null, reason };
  }
}

const loaded = load();

/** Give the core to another runnable thread, if the addon is available. */
export const yieldCpu: (() => void) | null = loaded.yieldCpu;
/** Why yieldCpu is null, or 'built': for `mpi4ts info`. */
export const yieldStatus: string = loaded.reason;
