// mpi4ts/futures: submit, map and starmap take their argument types from the task.
import { MPIPoolExecutor, MPICommExecutor, type Future, type MapResult } from 'mpi4ts/futures';
import { MPI } from 'mpi4ts';

export function square(x: number): number { return x * x; }
export function power(base: number, exp: number): number { return base ** exp; }
export async function label(n: number, prefix = 'item'): Promise<string> { return `${prefix} ${n}`; }

export async function main(): Promise<void> {
  await using executor = new MPIPoolExecutor({ maxWorkers: 2 });
  const f: Future<number> = executor.submit(square, 3);
  const n: number = await f;
  const squares: number[] = await executor.map(square, [1, 2, 3]);
  const powers: number[] = await executor.map(power, [2, 3], [10, 2]);
  const ordered: MapResult<number> = executor.map(square, new Set([1, 2]), { chunksize: 2, unordered: true });
  for await (const s of ordered) { const k: number = s; void k; }
  // An async task's result is awaited: string, not Promise<string>.
  const labels: string[] = await executor.map(label, [1, 2]);
  const labelled: string[] = await executor.map(label, [1, 2], ['a', 'b']);
  const star: number[] = await executor.starmap(power, [[2, 3], [3, 2]]);
  const s: Future<string> = executor.submit(label, 1, 'x');

  await using comm = await new MPICommExecutor(MPI.COMM_WORLD, 0).enter();
  if (comm !== null) {
    const r: number[] = await comm.map(square, [5]);
    void r;
  }
  void [n, squares, powers, labels, labelled, star, s];
}

// ---- misuse that must not compile -------------------------------------------

export async function misuse(executor: MPIPoolExecutor): Promise<void> {
  // @ts-expect-error square takes numbers, not strings
  executor.map(square, ['a', 'b']);
  // @ts-expect-error power's second iterable must hold numbers
  executor.map(power, [1, 2], ['x']);
  // @ts-expect-error submit checks the arguments against the task's parameters
  executor.submit(square, 'a');
  // @ts-expect-error submit checks the number of arguments too
  executor.submit(power, 1);
  // @ts-expect-error starmap's argument tuples must fit power(base, exp)
  executor.starmap(power, [['a', 1]]);
  // @ts-expect-error map's result holds the task's return type
  const wrong: string[] = await executor.map(square, [1]);
  void wrong;
}
