/** Port of mpi4py's test/test_address.py (array.array is Int32Array here). */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export class TestAddress extends TestCase {
  static override skips = {
    testGetAddressArray: "JavaScript exposes no memory addresses (array.buffer_info()'s pointer): Get_address gives synthetic addresses, see docs/mpi4py-differences.md",
    testGetAddressNumPy: "JavaScript exposes no memory addresses (__array_interface__'s data pointer): Get_address gives synthetic addresses, see docs/mpi4py-differences.md",
  };

  testGetAddressArray(): void {}

  testGetAddressNumPy(): void {}

  testNone(): void {
    const base = MPI.Get_address(null);
    const addr = MPI.Aint_add(base, 0);
    this.assertEqual(addr, base);
    const diff = MPI.Aint_diff(base, base);
    this.assertEqual(diff, 0);
  }

  testBottom(): void {
    const base = MPI.Get_address(MPI.BOTTOM);
    const addr = MPI.Aint_add(base, 0);
    this.assertEqual(addr, base);
    const diff = MPI.Aint_diff(base, base);
    this.assertEqual(diff, 0);
  }

  testAintAdd(): void {
    const location = Int32Array.from(range(10));
    const base = MPI.Get_address(location);
    const addr = MPI.Aint_add(base, 4);
    this.assertEqual(addr, base + 4);
  }

  testAintDiff(): void {
    const location = Int32Array.from(range(10));
    const base = MPI.Get_address(location);
    const addr1 = base + 8;
    const addr2 = base + 4;
    const diff = MPI.Aint_diff(addr1, addr2);
    this.assertEqual(diff, 4);
  }
}
