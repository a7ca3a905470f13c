/**
 * Rank side of the ported mpi4py test suite: the counterpart of mpi4py's
 * `test/mpiunittest.py` (Python's unittest, as mpi4py uses it).
 *
 * A ported module (test/mpi4py/test_<name>.ts, a translation of mpi4py's
 * `test/test_<name>.py`) exports classes that extend `TestCase`; every
 * method whose name starts with `test` is a test, run as unittest runs it:
 * `setUp()`, the method, `tearDown()`, in declaration order of the class.
 * `run.ts` loads a module in every rank and prints one line per test and
 * rank, which test/spmd/mpi4py.test.ts turns into node:test results.
 *
 * Python decorators become static fields of the class:
 * - `static skip = 'reason'` skips the whole class (unittest.skip / skipIf on a class);
 * - `static skips = { testName: 'reason' }` skips single methods (skipIf on a method);
 * and `this.skipTest(reason)` inside a test, as in Python. A case that cannot
 * apply to JavaScript is skipped with its reason, in the module itself.
 *
 * `static todo = { testName: 'reason' }` marks a known gap of mpi4ts (not of
 * JavaScript): the test still runs, its failure is reported as a node:test
 * "todo" (visible, not fatal), and once it passes the suite fails until the
 * mark is removed, so the list stays true.
 */
import { isDeepStrictEqual, inspect } from 'node:util';
import { MPI } from 'mpi4ts';

/** Thrown by skipTest(): the test is reported as skipped with the reason. */
export class SkipTest extends Error {
  override name = 'SkipTest';
}

/** An assertion that did not hold (unittest's failureException). */
export class AssertionFailure extends Error {
  override name = 'AssertionError';
}

type Ctor<T> = abstract new (...args: never[]) => T;
type ErrorMatch = Ctor<Error> | number;

function show(v: unknown): string {
  return inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 20 });
}

/**
 * mpi4py's `==` between handles compares the MPI handles, not the Python
 * objects: `MPI.Comm(comm) == comm`, a freed communicator `== MPI.COMM_NULL`.
 * Null if a and b are not both communicators or both groups.
 */
function handleEqual(a: unknown, b: unknown): boolean | null {
  if (a instanceof MPI.Comm && b instanceof MPI.Comm) {
    if (a.isNull || b.isNull) return a.isNull && b.isNull;
    return MPI.Comm.Compare(a, b) === MPI.IDENT;
  }
  if (a instanceof MPI.Group && b instanceof MPI.Group) {
    if (a.isNull || b.isNull) return a.isNull && b.isNull;
    return MPI.Group.Compare(a, b) === MPI.IDENT;
  }
  return null;
}

/** Python's `==` for the values tests compare: numbers, bigints, strings, arrays, typed arrays, plain objects. */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // MPI handles (Comm, Datatype, Info, Errhandler, Request, Message, ...) compare as handles, as mpi4py's `==` does.
  if (hasEquals(a)) return a.equals(b);
  if (hasEquals(b)) return b.equals(a);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    // 1 == 1n, as Python's int == float compares values.
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
      return Number.isInteger(Number(a)) && Number.isInteger(Number(b)) && BigInt(a) === BigInt(b);
    }
    return false;
  }
  const handles = handleEqual(a, b);
  if (handles !== null) return handles;
  const seqA = asSequence(a);
  const seqB = asSequence(b);
  if (seqA && seqB) {
    if (seqA.length !== seqB.length) return false;
    for (let i = 0; i < seqA.length; i++) if (!pyEqual(seqA[i], seqB[i])) return false;
    return true;
  }
  return isDeepStrictEqual(a, b);
}

/** An mpi4ts handle (Comm, Datatype, Info, ...; an Op is a callable object, so a function). */
function hasEquals(v: unknown): v is { equals(other: unknown): boolean } {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && !Array.isArray(v) && !ArrayBuffer.isView(v)
    && typeof (v as { equals?: unknown }).equals === 'function';
}

function asSequence(v: unknown): ArrayLike<unknown> | null {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<unknown>;
  return null;
}

export abstract class TestCase {
  /** Skip the whole class with this reason (unittest.skip on a class). */
  static skip: string | null = null;
  /** Skip single methods: name -> reason (unittest.skipIf / skipMPI on a method). */
  static skips: Record<string, string> = {};
  /** Known gaps of mpi4ts: name -> reason; run, and reported as todo while they fail. */
  static todo: Record<string, string> = {};

  setUp(): void | Promise<void> {}
  tearDown(): void | Promise<void> {}

  skipTest(reason: string): never {
    throw new SkipTest(reason);
  }

  fail(msg = 'failure'): never {
    throw new AssertionFailure(msg);
  }

  #check(ok: boolean, what: () => string, msg?: string): void {
    if (!ok) throw new AssertionFailure(msg ? `${what()} : ${msg}` : what());
  }

  assertEqual(first: unknown, second: unknown, msg?: string): void {
    this.#check(pyEqual(first, second), () => `${show(first)} != ${show(second)}`, msg);
  }

  assertNotEqual(first: unknown, second: unknown, msg?: string): void {
    this.#check(!pyEqual(first, second), () => `${show(first)} == ${show(second)}`, msg);
  }

  assertTrue(expr: unknown, msg?: string): void {
    this.#check(Boolean(expr), () => `${show(expr)} is not true`, msg);
  }

  assertFalse(expr: unknown, msg?: string): void {
    this.#check(!expr, () => `${show(expr)} is not false`, msg);
  }

  assertIs(first: unknown, second: unknown, msg?: string): void {
    this.#check(first === second, () => `${show(first)} is not ${show(second)}`, msg);
  }

  assertIsNot(first: unknown, second: unknown, msg?: string): void {
    this.#check(first !== second, () => `unexpectedly identical: ${show(first)}`, msg);
  }

  /** Python's None is null here; undefined counts too (a missing value). */
  assertIsNone(obj: unknown, msg?: string): void {
    this.#check(obj === null || obj === undefined, () => `${show(obj)} is not None`, msg);
  }

  assertIsNotNone(obj: unknown, msg?: string): void {
    this.#check(obj !== null && obj !== undefined, () => 'unexpectedly None', msg);
  }

  assertIn(member: unknown, container: Iterable<unknown> | string | Record<string, unknown>, msg?: string): void {
    this.#check(contains(container, member), () => `${show(member)} not found in ${show(container)}`, msg);
  }

  assertNotIn(member: unknown, container: Iterable<unknown> | string | Record<string, unknown>, msg?: string): void {
    this.#check(!contains(container, member), () => `${show(member)} unexpectedly found in ${show(container)}`, msg);
  }

  assertIsInstance(obj: unknown, cls: Ctor<unknown> | readonly Ctor<unknown>[], msg?: string): void {
    const classes = Array.isArray(cls) ? cls : [cls as Ctor<unknown>];
    this.#check(classes.some((c) => obj instanceof c), () => `${show(obj)} is not an instance of ${classes.map((c) => c.name).join(' | ')}`, msg);
  }

  assertLess(a: number | bigint, b: number | bigint, msg?: string): void {
    this.#check(a < b, () => `${show(a)} not less than ${show(b)}`, msg);
  }

  assertLessEqual(a: number | bigint, b: number | bigint, msg?: string): void {
    this.#check(a <= b, () => `${show(a)} not less than or equal to ${show(b)}`, msg);
  }

  assertGreater(a: number | bigint, b: number | bigint, msg?: string): void {
    this.#check(a > b, () => `${show(a)} not greater than ${show(b)}`, msg);
  }

  assertGreaterEqual(a: number | bigint, b: number | bigint, msg?: string): void {
    this.#check(a >= b, () => `${show(a)} not greater than or equal to ${show(b)}`, msg);
  }

  /** mpiunittest's relative comparison: |a - b| / max(|a|, |b|) <= 1e-2. */
  assertAlmostEqual(first: number, second: number, msg?: string): void {
    const den = Math.max(Math.abs(first), Math.abs(second)) || 1;
    this.#check(Math.abs(second - first) / den <= 1e-2, () => `${show(first)} != ${show(second)}`, msg);
  }

  /**
   * assertRaises(cls, fn, ...args): fn(...args) must throw an instance of
   * cls. With a number, an MPI.Exception of that error class
   * (mpiunittest's assertRaisesMPI). Returns the error for further checks.
   */
  assertRaises<A extends unknown[]>(expected: ErrorMatch | readonly ErrorMatch[], fn: (...args: A) => unknown, ...args: A): Error {
    try {
      fn(...args);
    } catch (e) {
      if (matches(e, expected)) return e as Error;
      throw new AssertionFailure(`expected ${describe(expected)}, got ${e instanceof Error ? `${e.name}: ${e.message}` : show(e)}`);
    }
    throw new AssertionFailure(`${describe(expected)} not raised`);
  }

  /** mpiunittest's assertRaisesMPI(errclass): an MPI.Exception with one of these error classes. */
  assertRaisesMPI<A extends unknown[]>(errclass: number | readonly number[], fn: (...args: A) => unknown, ...args: A): Error {
    return this.assertRaises(errclass, fn, ...args);
  }

  /** The async form, for tests that await. */
  async assertRejects(expected: ErrorMatch | readonly ErrorMatch[], fn: () => Promise<unknown>): Promise<Error> {
    try {
      await fn();
    } catch (e) {
      if (matches(e, expected)) return e as Error;
      throw new AssertionFailure(`expected ${describe(expected)}, got ${e instanceof Error ? `${e.name}: ${e.message}` : show(e)}`);
    }
    throw new AssertionFailure(`${describe(expected)} not raised`);
  }

  /**
   * mpiunittest's catchNotImplementedError: run fn; NotImplementedError
   * (an MPI.Exception of ERR_UNSUPPORTED_OPERATION here) is accepted.
   */
  catchNotImplementedError(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof MPI.Exception && e.Get_error_class() === MPI.ERR_UNSUPPORTED_OPERATION) return;
      throw e;
    }
  }
}

function contains(container: Iterable<unknown> | string | Record<string, unknown>, member: unknown): boolean {
  if (typeof container === 'string') return container.includes(String(member));
  if (container !== null && typeof (container as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const x of container as Iterable<unknown>) if (pyEqual(x, member)) return true;
    return false;
  }
  return Object.prototype.hasOwnProperty.call(container, String(member));
}

function matches(e: unknown, expected: ErrorMatch | readonly ErrorMatch[]): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((x) => typeof x === 'number'
    ? e instanceof MPI.Exception && e.Get_error_class() === x
    : e instanceof (x as Ctor<Error>));
}

function describe(expected: ErrorMatch | readonly ErrorMatch[]): string {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.map((x) => typeof x === 'number' ? `MPI.Exception(error class ${x})` : (x as Ctor<Error>).name).join(' or ');
}
