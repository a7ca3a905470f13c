/**
 * Run one ported mpi4py test module in every rank, as mpi4py's
 * `test/runtests.py` runs one under mpiexec:
 *
 *   node bin/mpi4ts.js -n 2 test/mpi4py/run.ts test_info [--only TestInfo.testDup,...] [--skip ...]
 *
 * Test classes run in name order and their `test*` methods in name order
 * (unittest's loader sorts both), so every rank runs the same sequence.
 * Each rank prints `TEST <rank> <Class.method> ok|skip|fail <json detail>`
 * per test (and rank 0 `TODO <Class.method> <json reason>` for a test marked
 * as a known gap) and `DONE <rank>` at the end; a failure is reported and the next
 * test runs, as unittest goes on. test/spmd/mpi4py.test.ts reads the lines.
 */
import { MPI } from 'mpi4ts';
import { SkipTest, TestCase } from './unittest.ts';

type TestClass = (abstract new () => TestCase) & { skip: string | null; skips: Record<string, string>; todo: Record<string, string> };

const rank = MPI.COMM_WORLD.Get_rank();
const argv = process.argv.slice(2);
const moduleName = argv[0];
if (!moduleName) throw new Error('usage: run.ts <test module> [--only ids] [--skip ids]');
const listOption = (flag: string): Set<string> | null => {
  const i = argv.indexOf(flag);
  return i < 0 ? null : new Set((argv[i + 1] ?? '').split(',').filter(Boolean));
};
const only = listOption('--only');
const skip = listOption('--skip') ?? new Set<string>();

/** The test methods of a class, its bases' included, in name order. */
function testMethods(cls: TestClass): string[] {
  const names = new Set<string>();
  for (let p = cls.prototype as object | null; p && p !== TestCase.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name.startsWith('test') && typeof (p as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

function print(id: string, status: 'ok' | 'skip' | 'fail', detail = ''): void {
  process.stdout.write(`TEST ${rank} ${id} ${status} ${JSON.stringify(detail)}\n`);
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const where = (e.stack ?? '').split('\n').find((l) => l.includes('/test/mpi4py/test_'))?.trim() ?? '';
    return `${e.name}: ${e.message}${where ? ` (${where})` : ''}`;
  }
  return String(e);
}

const mod = await import(`./${moduleName}.ts`) as Record<string, unknown>;
const classes = Object.entries(mod)
  .filter((entry): entry is [string, TestClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof TestCase)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

for (const [className, cls] of classes) {
  for (const method of testMethods(cls)) {
    const id = `${className}.${method}`;
    if ((only && !only.has(id)) || skip.has(id)) continue;
    const reason = cls.skip ?? cls.skips[method] ?? null;
    if (reason !== null) {
      print(id, 'skip', reason);
      continue;
    }
    if (rank === 0 && cls.todo[method] !== undefined) process.stdout.write(`TODO ${id} ${JSON.stringify(cls.todo[method])}\n`);
    const instance = new (cls as unknown as new () => TestCase)();
    try {
      await instance.setUp();
      try {
        await (instance as unknown as Record<string, () => unknown>)[method]!();
      } finally {
        await instance.tearDown();
      }
      print(id, 'ok');
    } catch (e) {
      if (e instanceof SkipTest) print(id, 'skip', e.message);
      else print(id, 'fail', describeError(e));
    }
  }
}
process.stdout.write(`DONE ${rank}\n`);
