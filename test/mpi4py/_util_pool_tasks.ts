/**
 * Task functions of test_util_pool.ts (mpi4py's module-level sqr, mul,
 * identity, raising, time.sleep and int), in a module of their own: the
 * Pool's worker ranks import it (MPIPoolExecutor's `modules`) to find them.
 */
export function delay(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

export async function sqr(x: number, wait = 0.0): Promise<number> {
  await delay(wait);
  return x * x;
}

export function mul(x: number, y: number): number {
  return x * y;
}

export function identity<T>(x: T): T {
  return x;
}

/** Python's KeyError("key"). */
export class KeyError extends Error {
  constructor(message: string) { super(message); this.name = 'KeyError'; }
}

export function raising(): never {
  throw new KeyError('key');
}

/** Python's time.sleep. */
export function sleep(seconds: number): Promise<void> {
  return delay(seconds);
}

/** Python's int(str): RangeError (ValueError) for what is not an integer. */
export function int(s: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(s)) throw new RangeError(`invalid literal for int() with base 10: '${s}'`);
  return Number.parseInt(s, 10);
}
