/**
 * `sched_yield` for waiting ranks and single-copy transfers between ranks,
 * from the optional addon in native/sched (built by `npm install` when a C
 * compiler is there). Null when it is not built: ranks then park on their
 * doorbell instead of yielding, and large transfers take two copies.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import type { SingleCopy } from '../spi.js';

/** Where the addon is, from src/transport/threads or dist/transport/threads alike. */
const ADDON = new URL('../../../native/sched/build/Release/sched.node', import.meta.url);
const STATUS = new URL('../../../native/sched/build-status.json', import.meta.url);

interface Addon {
  yield(): void;
  address(bytes: Uint8Array): number;
  copyFrom(dst: Uint8Array, at: number, address: number, n: number): void;
  copyTo(address: number, src: Uint8Array, n: number): void;
}

function load(): { addon: Addon | null; reason: string } {
  try {
    const addon = createRequire(import.meta.url)(ADDON.pathname) as Addon;
    return { addon, reason: 'built' };
  } catch (e) {
    let reason = `not loadable: ${(e as Error).message.split('\n')[0]}`;
    try {
      const status = JSON.parse(fs.readFileSync(STATUS, 'utf8')) as { built: boolean; reason?: string };
      if (!status.built && status.reason) reason = status.reason;
    } catch {
      // No status file: the install step never ran (e.g. a copy without `npm install`).
    }
    return { addon: null, reason };
  }
}

const loaded = load();

/** Give the core to another runnable thread, if the addon is available. */
export const yieldCpu: (() => void) | null = loaded.addon?.yield ?? null;
/**
 * Where a rank's bytes lie, and a copy from there into another rank's bytes
 * (threads of one process share the address space): for large broadcasts
 * and Gatherv (CollSegment.singleCopy) and rendezvous messages. Null without
 * the addon or with MPI4TS_SINGLE_COPY=0: then they take two copies, through
 * shared memory.
 */
export const singleCopy: SingleCopy | null =
  loaded.addon === null || typeof loaded.addon.copyTo !== 'function' || process.env['MPI4TS_SINGLE_COPY'] === '0'
    ? null
    : { addressOf: loaded.addon.address, copyFrom: loaded.addon.copyFrom, copyTo: loaded.addon.copyTo };
/** Why yieldCpu is null, or 'built': for `mpi4ts info`. */
export const yieldStatus: string = loaded.reason;
