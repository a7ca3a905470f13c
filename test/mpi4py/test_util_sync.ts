/**
 * Port of mpi4py's test/test_util_sync.py (mpi4ts/util/sync). Python's
 * RuntimeError is a plain Error here (checked by name, so an MPI.Exception
 * does not pass for it), ValueError a RangeError; keyword arguments are the
 * trailing options object; `with x:` is `using _ = x.enter()`, written out
 * as enter()/[Symbol.dispose]() in try/finally; comm.allreduce(list) (list
 * concatenation) is allgather().flat(); random_sleep sleeps the thread.
 */
import { MPI } from 'mpi4ts';
import * as sync from 'mpi4ts/util/sync';
import { TestCase } from './unittest.ts';

/** Windows over more than one process need the embedded runtime (docs/mpi4py-differences.md). */
const NATIVE_WORLD = MPI.Get_library_version().includes('native') && MPI.COMM_WORLD.Get_size() > 1
  ? 'the native transport has no windows over more than one process yet (ERR_UNSUPPORTED_OPERATION)' : null;

const cell = new Int32Array(new SharedArrayBuffer(4));
function random_sleep(max_sleep = 0.01): void {
  Atomics.wait(cell, 0, 0, max_sleep * Math.random() * 1000);
}

function range(a: number, b?: number, step = 1): number[] {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  const out: number[] = [];
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

/** `with obj: body` */
function withBlock<T extends { enter(): unknown; [Symbol.dispose](): void }, R>(obj: T, body: () => R): R {
  obj.enter();
  try {
    return body();
  } finally {
    obj[Symbol.dispose]();
  }
}

abstract class Base extends TestCase {
  COMM: MPI.Intracomm = MPI.COMM_SELF;

  /** assertRaises(RuntimeError, fn): a plain Error, not a subclass. */
  assertRuntimeError(fn: () => unknown): void {
    const e = this.assertRaises(Error, fn);
    this.assertEqual(e.constructor, Error, `expected RuntimeError, got ${e.name}: ${e.message}`);
  }
}

// ---

abstract class BaseTestSequential extends Base {
  testWith(): void {
    const comm = this.COMM;
    for (let i = 0; i < 3; i++) {
      const counter = new sync.Counter(0, 1, { comm });
      const value = withBlock(new sync.Sequential(comm), () => counter.next());
      counter.free();
      this.assertEqual(comm.allgather(value), range(comm.size));
    }
  }

  testBeginEnd(): void {
    const comm = this.COMM;
    const seq = new sync.Sequential(comm);
    for (let i = 0; i < 3; i++) {
      const counter = new sync.Counter(0, 1, { comm });
      seq.begin();
      const value = counter.next();
      seq.end();
      counter.free();
      this.assertEqual(comm.allgather(value), range(comm.size));
    }
  }
}

export class TestSequentialSelf extends BaseTestSequential { override COMM = MPI.COMM_SELF; }
export class TestSequentialWorld extends BaseTestSequential { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

abstract class BaseTestCounter extends Base {
  testIter(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const counter = new sync.Counter(0, 1, { comm });
    for (const value of counter) {
      random_sleep();
      if (value >= size - 1) break;
    }
    counter.free();
  }

  testNext(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const counter = new sync.Counter(0, 1, { comm });
    for (;;) {
      const value = counter.next();
      random_sleep();
      if (value >= size - 1) break;
    }
    counter.free();
  }

  execute(counter: sync.Counter, its: number, condition = true): number[] {
    const values: number[] = [];
    if (condition) {
      for (let i = 0; i < its; i++) values.push(counter.next());
    }
    return (this.COMM.allgather(values) as number[][]).flat().sort((a, b) => a - b);
  }

  testDefault(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const counter = new sync.Counter(0, 1, { comm });
    const values = this.execute(counter, 5);
    counter.free();
    this.assertEqual(values, range(5 * size));
  }

  testStart(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const counter = new sync.Counter(7, 1, { comm });
    const values = this.execute(counter, 5);
    counter.free();
    this.assertEqual(values, range(7, 7 + 5 * size));
  }

  testStep(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const counter = new sync.Counter(0, 2, { comm });
    const values = this.execute(counter, 5);
    counter.free();
    this.assertEqual(values, range(0, 2 * 5 * size, 2));
  }

  testTypechar(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    for (const typechar of 'hHiIlLqQ' + 'fd') {
      const counter = new sync.Counter(0, 1, { typecode: typechar, comm });
      const values = this.execute(counter, 3);
      counter.free();
      this.assertEqual(values, range(3 * size));
    }
  }

  testRoot(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    for (let root = 0; root < size; root++) {
      const counter = new sync.Counter(0, 1, { comm, root });
      const values = this.execute(counter, 5, rank !== root);
      counter.free();
      this.assertEqual(values, range(5 * (size - 1)));
    }
  }

  testFree(): void {
    const comm = this.COMM;
    const counter = new sync.Counter(0, 1, { comm });
    for (let i = 0; i < 5; i++) counter.free();
    this.assertRuntimeError(() => counter.next());
  }
}

export class TestCounterSelf extends BaseTestCounter { override COMM = MPI.COMM_SELF; }
export class TestCounterWorld extends BaseTestCounter { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

abstract class BaseTestMutexBasic extends Base {
  mutex!: sync.Mutex;

  override setUp(): void {
    this.mutex = new sync.Mutex({ comm: this.COMM });
  }

  override tearDown(): void {
    this.mutex.free();
  }

  testExclusion(): void {
    const comm = this.COMM;
    const mutex = this.mutex;
    const counter = new sync.Counter(0, 1, { comm });
    const values: number[] = [];
    comm.Barrier();
    mutex.acquire();
    for (let i = 0; i < 10; i++) values.push(counter.next());
    mutex.release();
    counter.free();
    const first = values[0]!, last = values[values.length - 1]!;
    this.assertEqual(first % 10, 0);
    this.assertEqual(last - first + 1, 10);
    this.assertEqual(values, range(first, last + 1));
  }

  testFairness(): void {
    const comm = this.COMM;
    const mutex = this.mutex;
    let number = 0;
    const counter = new sync.Counter(0, 1, { comm });
    while (counter.next() < comm.Get_size() * 5) {
      mutex.acquire();
      number += 1;
      mutex.release();
      comm.Barrier();
    }
    counter.free();
    this.assertEqual(number, 5);
  }

  testWith(): void {
    const test_with = (): void => {
      const mutex = this.mutex;
      this.assertFalse(mutex.locked());
      this.assertRuntimeError(() => mutex.release());
      withBlock(mutex, () => {
        this.assertTrue(mutex.locked());
        this.assertRuntimeError(() => mutex.acquire());
      });
      this.assertFalse(mutex.locked());
      this.assertRuntimeError(() => mutex.release());
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_with();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_with();
    }
  }

  testAcquireRelease(): void {
    const test_acquire_release = (): void => {
      const mutex = this.mutex;
      this.assertFalse(mutex.locked());
      this.assertRuntimeError(() => mutex.release());
      const locked = mutex.acquire();
      this.assertTrue(locked);
      this.assertTrue(mutex.locked());
      this.assertRuntimeError(() => mutex.acquire());
      mutex.release();
      this.assertFalse(mutex.locked());
      this.assertRuntimeError(() => mutex.release());
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_release();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_release();
    }
  }

  testAcquireNonblocking(): void {
    const test_acquire_nonblocking = (): void => {
      const comm = this.COMM;
      const mutex = this.mutex;
      this.assertFalse(mutex.locked());
      comm.Barrier();
      const locked = mutex.acquire(false);
      comm.Barrier();
      this.assertEqual(mutex.locked(), locked);
      if (locked) mutex.release();
      this.assertFalse(mutex.locked());
      const states = comm.allgather(locked) as boolean[];
      this.assertEqual(states.filter((s) => s).length, 1);
      comm.Barrier();
      while (!mutex.acquire(false)) { /* spin */ }
      mutex.release();
      comm.Barrier();
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_nonblocking();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_nonblocking();
    }
  }

  testAcquireFree(): void {
    const mutex = this.mutex;
    mutex.acquire();
    for (let i = 0; i < 5; i++) mutex.free();
    this.assertRuntimeError(() => mutex.acquire());
    this.assertRuntimeError(() => mutex.release());
    this.assertRuntimeError(() => mutex.locked());
  }

  testFree(): void {
    const mutex = this.mutex;
    for (let i = 0; i < 5; i++) mutex.free();
    this.assertRuntimeError(() => mutex.acquire());
    this.assertRuntimeError(() => mutex.release());
    this.assertRuntimeError(() => mutex.locked());
  }
}

export class TestMutexBasicSelf extends BaseTestMutexBasic { override COMM = MPI.COMM_SELF; }
export class TestMutexBasicWorld extends BaseTestMutexBasic { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

abstract class BaseTestMutexRecursive extends Base {
  mutex!: sync.Mutex;

  override setUp(): void {
    this.mutex = new sync.Mutex({ recursive: true, comm: this.COMM });
  }

  override tearDown(): void {
    this.mutex.free();
  }

  testWith(): void {
    const test_with = (): void => {
      const mutex = this.mutex;
      this.assertEqual(mutex.count(), 0);
      this.assertRuntimeError(() => mutex.release());
      withBlock(mutex, () => {
        this.assertEqual(mutex.count(), 1);
        withBlock(mutex, () => {
          this.assertEqual(mutex.count(), 2);
          withBlock(mutex, () => {
            this.assertEqual(mutex.count(), 3);
          });
          this.assertEqual(mutex.count(), 2);
        });
        this.assertEqual(mutex.count(), 1);
      });
      this.assertEqual(mutex.count(), 0);
      this.assertRuntimeError(() => mutex.release());
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_with();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_with();
    }
  }

  testAcquireRelease(): void {
    const test_acquire_release = (): void => {
      const mutex = this.mutex;
      this.assertFalse(mutex.locked());
      this.assertEqual(mutex.count(), 0);
      this.assertRuntimeError(() => mutex.release());
      mutex.acquire();
      this.assertTrue(mutex.locked());
      this.assertEqual(mutex.count(), 1);
      mutex.acquire();
      this.assertTrue(mutex.locked());
      this.assertEqual(mutex.count(), 2);
      mutex.acquire();
      this.assertTrue(mutex.locked());
      this.assertEqual(mutex.count(), 3);
      mutex.release();
      this.assertTrue(mutex.locked());
      this.assertEqual(mutex.count(), 2);
      mutex.release();
      this.assertTrue(mutex.locked());
      this.assertEqual(mutex.count(), 1);
      mutex.release();
      this.assertFalse(mutex.locked());
      this.assertEqual(mutex.count(), 0);
      this.assertRuntimeError(() => mutex.release());
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_release();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_release();
    }
  }

  testAcquireNonblocking(): void {
    const test_acquire_nonblocking = (): void => {
      const comm = this.COMM;
      const mutex = this.mutex;
      this.assertEqual(mutex.count(), 0);
      comm.Barrier();
      const locked = mutex.acquire(false);
      this.assertEqual(mutex.locked(), locked);
      comm.Barrier();
      this.assertEqual(mutex.count(), Number(locked));
      if (locked) {
        this.assertEqual(mutex.count(), 1);
        let flag = mutex.acquire(false);
        this.assertTrue(flag);
        this.assertEqual(mutex.count(), 2);
        flag = mutex.acquire(true);
        this.assertTrue(flag);
        this.assertEqual(mutex.count(), 3);
        mutex.release();
        this.assertEqual(mutex.count(), 2);
        mutex.release();
        this.assertEqual(mutex.count(), 1);
        mutex.release();
      }
      comm.Barrier();
      this.assertFalse(mutex.locked());
      this.assertEqual(mutex.count(), 0);
      const states = comm.allgather(locked) as boolean[];
      this.assertEqual(states.filter((s) => s).length, 1);
      comm.Barrier();
      while (!mutex.acquire(false)) { /* spin */ }
      mutex.release();
      comm.Barrier();
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_nonblocking();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_nonblocking();
    }
  }

  testAcquireFree(): void {
    const mutex = this.mutex;
    mutex.acquire();
    mutex.acquire();
    mutex.acquire();
    for (let i = 0; i < 5; i++) mutex.free();
    this.assertRuntimeError(() => mutex.acquire());
    this.assertRuntimeError(() => mutex.release());
    this.assertRuntimeError(() => mutex.count());
  }

  testFree(): void {
    const mutex = this.mutex;
    for (let i = 0; i < 5; i++) mutex.free();
    this.assertRuntimeError(() => mutex.acquire());
    this.assertRuntimeError(() => mutex.release());
    this.assertRuntimeError(() => mutex.count());
  }
}

export class TestMutexRecursiveSelf extends BaseTestMutexRecursive { override COMM = MPI.COMM_SELF; }
export class TestMutexRecursiveWorld extends BaseTestMutexRecursive { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

abstract class BaseTestCondition extends Base {
  condition!: sync.Condition;

  override setUp(): void {
    this.condition = new sync.Condition(null, { comm: this.COMM });
  }

  override tearDown(): void {
    this.condition.free();
  }

  testWaitNotify(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const cv = this.condition;
    if (rank === 0) {
      let num = withBlock(cv, () => cv.notify());
      this.assertEqual(num, 0);
      comm.Barrier();
      while (num < size - 1) {
        withBlock(cv, () => {
          num += cv.notify();
          random_sleep();
        });
      }
      num = withBlock(cv, () => cv.notify());
      this.assertEqual(num, 0);
    } else {
      comm.Barrier();
      withBlock(cv, () => {
        random_sleep();
        cv.wait();
      });
    }
    this.assertRuntimeError(() => cv.wait());
    this.assertRuntimeError(() => cv.notify());
  }

  testWaitForNotify(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const cv = this.condition;
    if (rank === 0) {
      let num = withBlock(cv, () => cv.notify());
      this.assertEqual(num, 0);
      comm.Barrier();
      const reqs1 = range(1, size).map((dest) => comm.isend(0, dest));
      const reqs2 = range(1, size).map((dest) => comm.isend(42, dest));
      while (num < size - 1) {
        MPI.Request.Testall(reqs1);
        withBlock(cv, () => {
          num += cv.notify();
          random_sleep();
        });
      }
      this.assertEqual(num, size - 1);
      MPI.Request.Waitall(reqs2);
      num = withBlock(cv, () => cv.notify());
      this.assertEqual(num, 0);
    } else {
      comm.Barrier();
      const result = withBlock(cv, () => {
        random_sleep();
        return cv.wait_for(() => comm.recv() as number);
      });
      this.assertEqual(result, 42);
    }
    this.assertRuntimeError(() => cv.wait_for(() => false));
    this.assertRuntimeError(() => cv.notify());
  }

  testWaitNotifyAll(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const cv = this.condition;
    if (rank === 0) {
      let num = withBlock(cv, () => cv.notify_all());
      this.assertEqual(num, 0);
      comm.Barrier();
      while (num < size - 2) {
        withBlock(cv, () => {
          num += cv.notify_all();
          random_sleep();
        });
      }
      this.assertEqual(num, Math.max(0, size - 2));
      num = withBlock(cv, () => cv.notify());
      this.assertEqual(num, 0);
    } else if (rank === 1) {
      comm.Barrier();
    } else {
      comm.Barrier();
      withBlock(cv, () => {
        random_sleep();
        cv.wait();
      });
    }
    this.assertRuntimeError(() => cv.wait());
    this.assertRuntimeError(() => cv.notify_all());
  }

  testAcquireFree(): void {
    const cv = this.condition;
    cv.acquire();
    for (let i = 0; i < 5; i++) cv.free();
  }

  testFree(): void {
    const cv = this.condition;
    for (let i = 0; i < 5; i++) cv.free();
    this.assertRuntimeError(() => cv.acquire());
    this.assertRuntimeError(() => cv.release());
    this.assertRuntimeError(() => cv.wait());
    this.assertRuntimeError(() => cv.wait_for(() => false));
    this.assertRuntimeError(() => cv.notify());
    this.assertRuntimeError(() => cv.notify_all());
  }
}

export class TestConditionSelf extends BaseTestCondition { override COMM = MPI.COMM_SELF; }
export class TestConditionWorld extends BaseTestCondition { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

abstract class BaseTestConditionMutex extends BaseTestCondition {
  mutex!: sync.Mutex;

  override setUp(): void {
    this.mutex = new sync.Mutex({ comm: this.COMM });
    this.condition = new sync.Condition(this.mutex);
  }

  override tearDown(): void {
    this.mutex.free();
    this.condition.free();
  }
}

export class TestConditionMutexSelf extends BaseTestConditionMutex { override COMM = MPI.COMM_SELF; }
export class TestConditionMutexWorld extends BaseTestConditionMutex { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }

// ---

/** The members mpi4py's test reaches with `# ty: ignore` (@internal, not in the published types). */
interface SemaphoreInternals { _counter: sync.Counter; _bounded: boolean }

abstract class BaseTestSemaphore extends Base {
  semaphore!: sync.Semaphore;

  override setUp(): void {
    const comm = this.COMM;
    const value = Math.max(1, comm.Get_size() - 1);
    this.semaphore = new sync.Semaphore(value, { bounded: false, comm });
  }

  override tearDown(): void {
    this.semaphore.free();
  }

  testValue(): void {
    const sem = this.semaphore;
    this.assertRaises(RangeError, () => sem.release(0));
    this.assertRaises(RangeError, () => sem.release(-1));
    this.assertRaises(RangeError, () => new sync.Semaphore(-1));
  }

  testBounded(): void {
    const sem = this.semaphore;
    const comm = this.COMM;
    const count = Math.max(1, comm.size - 1);
    const internals = sem as unknown as SemaphoreInternals;
    const counter = internals._counter;
    internals._bounded = false;
    if (comm.size > 1 && comm.rank === 0) sem.release();
    comm.Barrier();
    this.assertEqual(counter.next(0), comm.size);
    comm.Barrier();
    if (comm.size > 1 && comm.rank === 0) sem.acquire();
    comm.Barrier();
    this.assertEqual(counter.next(0), count);
    internals._bounded = true;
    this.assertRaises(RangeError, () => sem.release());
    comm.Barrier();
    sem.acquire();
    sem.release();
    comm.Barrier();
    this.assertEqual(counter.next(0), count);
  }

  testWith(): void {
    const test_with = (): void => {
      withBlock(this.semaphore, () => {});
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_with();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_with();
    }
  }

  testAcquireRelease(): void {
    const test_acquire_release = (): void => {
      const sem = this.semaphore;
      const locked = sem.acquire();
      sem.release();
      this.assertTrue(locked);
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_release();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_release();
    }
  }

  testAcquireNonblocking(): void {
    const test_acquire_nonblocking = (): void => {
      const sem = this.semaphore;
      const comm = this.COMM;
      const count = Math.max(1, comm.size - 1);
      const counter = (sem as unknown as SemaphoreInternals)._counter;
      comm.Barrier();
      const locked = sem.acquire(false);
      comm.Barrier();
      this.assertEqual(counter.next(0), 0);
      comm.Barrier();
      if (locked) sem.release();
      comm.Barrier();
      const states = comm.allgather(locked) as boolean[];
      this.assertEqual(states.filter((s) => s).length, count);
      this.assertEqual(counter.next(0), count);
      comm.Barrier();
      while (!sem.acquire(false)) random_sleep();
      sem.release();
      comm.Barrier();
      this.assertEqual(counter.next(0), count);
    };
    for (let i = 0; i < 5; i++) {
      this.COMM.Barrier();
      test_acquire_nonblocking();
    }
    for (let i = 0; i < 5; i++) {
      random_sleep();
      test_acquire_nonblocking();
    }
  }

  testAcquireFree(): void {
    const comm = this.COMM;
    const sem = this.semaphore;
    if (comm.rank > 0) sem.acquire();
    for (let i = 0; i < 5; i++) sem.free();
  }

  testFree(): void {
    const sem = this.semaphore;
    for (let i = 0; i < 5; i++) sem.free();
    this.assertRuntimeError(() => sem.acquire());
    this.assertRuntimeError(() => sem.release());
  }
}

export class TestSemaphoreSelf extends BaseTestSemaphore { override COMM = MPI.COMM_SELF; }
export class TestSemaphoreWorld extends BaseTestSemaphore { static override skip = NATIVE_WORLD; override COMM = MPI.COMM_WORLD; }
