/** Port of mpi4py's test/test_mpimem.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

export class TestMemory extends TestCase {
  testMemory1(): void {
    for (let size = 0; size < 10000; size += 100) {
      const mem1 = MPI.Alloc_mem(size);
      this.assertEqual(mem1.length, size);
      MPI.Free_mem(mem1);
    }
  }

  testMemory2(): void {
    for (let size = 0; size < 10000; size += 100) {
      const mem2 = MPI.Alloc_mem(size, MPI.INFO_NULL);
      this.assertEqual(mem2.length, size);
      MPI.Free_mem(mem2);
    }
  }
}
