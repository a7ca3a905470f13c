// Port of mapreduce.py (seed 002, "Parallel Python, Part 3: Distributed
// map/reduce"): the products of 1..100 and 101..200, computed by a pool of
// workers, then summed.
// Run with: npx mpi4ts -n 1 --usize 17 examples/mapreduce.ts
// (one driver and 16 spawned workers; or npx mpi4ts -n 3 --futures
// examples/mapreduce.ts: rank 0 drives, ranks 1 and 2 are the pool).
//
// Python's `if __name__ == "__main__":` is `if (isMain(import.meta))`: the
// workers import this script to find `product`, and must not run the driver
// part. `with MPIPoolExecutor() as executor:` is `await using`.
import { MPIPoolExecutor, isMain } from 'mpi4ts/futures';

/** Return the product of the arguments */
export function product(x: number, y: number): number {
  return x * y;
}

/** Return the sum of the arguments */
export function sum(x: number, y: number): number {
  return x + y;
}

const range = (start: number, stop: number): number[] => Array.from({ length: stop - start }, (_, i) => start + i);

if (isMain(import.meta)) {

  const a = range(1, 101);
  const b = range(101, 201);

  let results;
  {
    await using executor = new MPIPoolExecutor();
    results = executor.map(product, a, b);
  }

  const total = (await results).reduce(sum);

  console.log(`Sum of the products equals ${total}`);
}
