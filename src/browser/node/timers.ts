/**
 * Node's timers in a browser: handles with ref()/unref() (code of src/ calls
 * `setInterval(...).unref()`), and a count of the handles that keep a rank
 * alive. A Web Worker never ends by itself; a rank ends as a Node thread
 * does, when nothing is left to wait for (src/browser/rank.ts asks
 * activeHandles()).
 */
const native = {
  setTimeout: globalThis.setTimeout.bind(globalThis),
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
  setInterval: globalThis.setInterval.bind(globalThis),
  clearInterval: globalThis.clearInterval.bind(globalThis),
};

let refed = 0;
const changes: (() => void)[] = [];

/** Handles (timers, immediates, others that called keepAlive) that keep this thread alive. */
export function activeHandles(): number { return refed; }
/** Called (soon after) whenever a handle stops keeping the thread alive. */
export function onHandlesChange(listener: () => void): void { changes.push(listener); }

function changed(): void { for (const l of changes) l(); }

/** Keep the thread alive until the returned function is called (an awaited transfer, a pending import...). */
export function keepAlive(): () => void {
  refed++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    refed--;
    changed();
  };
}

/** A timer handle as Node's: an object, usable as a number. */
export class Timeout {
  #id: ReturnType<typeof native.setTimeout> | undefined;
  #refed = true;
  #active = true;
  readonly #repeat: boolean;
  readonly #fire: () => void;
  readonly #ms: number;

  constructor(fn: (...a: unknown[]) => void, ms: number | undefined, args: unknown[], repeat: boolean) {
    this.#repeat = repeat;
    this.#ms = Math.max(0, Number(ms) || 0);
    this.#fire = () => {
      if (!this.#repeat) this.#end();
      fn(...args);
    };
    refed++;
    this.#arm();
  }

  #arm(): void {
    this.#id = this.#repeat ? native.setInterval(this.#fire, this.#ms) : native.setTimeout(this.#fire, this.#ms);
  }

  #end(): void {
    if (!this.#active) return;
    this.#active = false;
    if (this.#refed) {
      refed--;
      changed();
    }
  }

  clear(): void {
    if (this.#repeat) native.clearInterval(this.#id); else native.clearTimeout(this.#id);
    this.#end();
  }

  ref(): this {
    if (!this.#refed && this.#active) refed++;
    this.#refed = true;
    return this;
  }

  unref(): this {
    if (this.#refed && this.#active) {
      refed--;
      changed();
    }
    this.#refed = false;
    return this;
  }

  hasRef(): boolean { return this.#refed; }

  refresh(): this {
    if (this.#active) {
      if (this.#repeat) native.clearInterval(this.#id); else native.clearTimeout(this.#id);
      this.#arm();
    }
    return this;
  }

  [Symbol.toPrimitive](): number { return Number(this.#id); }
}

function clear(t: unknown): void {
  if (t instanceof Timeout) t.clear();
  else if (t !== undefined && t !== null) native.clearTimeout(t as number);
}

export function setTimeout(fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): Timeout {
  return new Timeout(fn, ms, args, false);
}
export function setInterval(fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): Timeout {
  return new Timeout(fn, ms, args, true);
}
export const clearTimeout = clear;
export const clearInterval = clear;

/** setImmediate: a macrotask soon (a MessageChannel tick, not clamped as setTimeout(0) is after nesting). */
const channel = new MessageChannel();
const immediates = new Map<number, () => void>();
let nextImmediate = 1;
(channel.port1 as unknown as { onmessage: (e: { data: number }) => void }).onmessage = (e) => {
  const run = immediates.get(e.data);
  if (run === undefined) return;
  immediates.delete(e.data);
  refed--;
  try {
    run();
  } finally {
    changed();
  }
};

export function setImmediate(fn: (...a: unknown[]) => void, ...args: unknown[]): { id: number; ref(): unknown; unref(): unknown; hasRef(): boolean } {
  const id = nextImmediate++;
  immediates.set(id, () => fn(...args));
  refed++;
  channel.port2.postMessage(id);
  return { id, ref() { return this; }, unref() { return this; }, hasRef: () => true };
}

export function clearImmediate(handle: { id: number } | undefined): void {
  if (handle && immediates.delete(handle.id)) {
    refed--;
    changed();
  }
}

/** node:timers/promises' setTimeout, for programs that await a delay. */
export function delay<T>(ms?: number, value?: T): Promise<T | undefined> {
  return new Promise((resolve) => { setTimeout(() => resolve(value), ms); });
}
