/**
 * `sched_yield` for waiting ranks and single-copy transfers between ranks,
 * from the optional addon in native/sched (built by `npm install` when a C
 * compiler is there). Null when it is not built: ranks then park on their
 * doorbell instead of yielding, and large transfers take two copies.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import type { SingleCopy } from '../spi.js';
import { useNativeCopy } from '../../core/bytes.js';
import { useNativeCombine } from '../../core/reduce.js';

/** Where the addon is, from src/transport/threads or dist/transport/threads alike. */
const ADDON = new URL('../../../native/sched/build/Release/sched.node', import.meta.url);
const STATUS = new URL('../../../native/sched/build-status.json', import.meta.url);

interface Addon {
  yield(): void;
  copyBytes?(dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number): void;
  combine?(op: number, kind: number, d: ArrayBufferView, a: ArrayBufferView, b: ArrayBufferView, n: number): boolean;
  pin(bytes: Uint8Array): number;
  unpin(handle: number): boolean;
  copyFrom(dst: Uint8Array, at: number, handle: number, from: number, n: number): void;
  copyTo(handle: number, at: number, src: Uint8Array, n: number): void;
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
 * Pins of a rank's bytes, and copies between pinned bytes and another rank's
 * (threads of one process share the address space): for large broadcasts
 * and Gatherv (CollSegment.singleCopy) and rendezvous messages. Null without
 * the addon (or an addon built before pins, which handed out raw
 * addresses) or with MPI4TS_SINGLE_COPY=0: then they take two copies,
 * through shared memory.
 */
export const singleCopy: SingleCopy | null =
  loaded.addon === null || typeof loaded.addon.pin !== 'function' || process.env['MPI4TS_SINGLE_COPY'] === '0'
    ? null
    : { pin: loaded.addon.pin, unpin: loaded.addon.unpin, copyFrom: loaded.addon.copyFrom, copyTo: loaded.addon.copyTo };
/** Why yieldCpu is null, or 'built': for `mpi4ts info`. */
export const yieldStatus: string = loaded.reason;

/**
 * Large copies (core/bytes.ts) and element-wise reductions (core/reduce.ts)
 * in the addon's native loops, for every rank of this process: set as this
 * module loads, before the first reduction. MPI4TS_NATIVE_KERNELS=0 keeps
 * them in JavaScript (to compare; an addon built before them has neither).
 */
if (loaded.addon !== null && process.env['MPI4TS_NATIVE_KERNELS'] !== '0') {
  if (typeof loaded.addon.copyBytes === 'function') useNativeCopy(loaded.addon.copyBytes);
  if (typeof loaded.addon.combine === 'function') useNativeCombine(loaded.addon.combine);
}
