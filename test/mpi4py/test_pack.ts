/** Port of mpi4py's test/test_pack.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import * as arrayimpl from './arrayimpl.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function allclose(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>, rtol = 1.0e-5, atol = 1.0e-8): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (x === y) continue;
    if (Math.abs(x - y) > atol + rtol * Math.abs(y)) return false;
  }
  return true;
}

type Comm = InstanceType<typeof MPI.Comm>;

abstract class BaseTestPack extends TestCase {
  COMM: Comm = MPI.COMM_NULL;

  skipdtype = '';

  testPackSize(): void {
    for (const [array, typecode] of arrayimpl.loop(arrayimpl.ArrayNumPy)) {
      if (this.skipdtype.includes(typecode)) continue;
      const datatype = array.TypeMap[typecode]!;
      const itemsize = datatype.Get_size();
      const overhead = datatype.Pack_size(0, this.COMM);
      for (const count of range(10)) {
        const packSize = datatype.Pack_size(count, this.COMM);
        this.assertEqual(packSize - overhead, count * itemsize);
      }
    }
  }

  testPackUnpack(): void {
    for (const [array, typecode1] of arrayimpl.loop(arrayimpl.ArrayNumPy)) {
      if (this.skipdtype.includes(typecode1)) continue;
      for (const typecode2 of Object.keys(array.TypeMap)) {
        if (this.skipdtype.includes(typecode2)) continue;
        const datatype1 = array.TypeMap[typecode1]!;
        const datatype2 = array.TypeMap[typecode2]!;
        for (const count of range(10)) {
          const tag = `typecode=(${typecode1}, ${typecode2}), count=${count}`;
          // input and output arrays
          const iarray1 = new array(range(count), typecode1).as_raw();
          const iarray2 = new array(range(count), typecode2).as_raw();
          const oarray1 = new array(count, typecode1, count).as_raw();
          const oarray2 = new array(count, typecode2, count).as_raw();
          // temp array for packing
          const size1 = datatype1.Pack_size(count, this.COMM);
          const size2 = datatype2.Pack_size(count, this.COMM);
          const tmpbuf = new array(0, 'b', size1 + size2 + 1).as_raw();
          // pack input arrays
          let position = 0;
          let p0 = 0;
          const p1 = position = datatype1.Pack(iarray1, tmpbuf, position, this.COMM);
          if (count) {
            this.assertGreater(position, 0, tag);
            this.assertGreater(p1, p0, tag);
          } else {
            this.assertEqual(position, 0, tag);
            this.assertEqual(p1, p0, tag);
          }
          const p2 = position = datatype2.Pack(iarray2, tmpbuf, position, this.COMM);
          if (count) {
            this.assertGreater(position, 0, tag);
            this.assertGreater(p2, p1, tag);
          } else {
            this.assertEqual(position, 0, tag);
            this.assertEqual(p1, p0, tag);
          }
          // unpack output arrays
          position = p0 = 0;
          const q1 = position = datatype1.Unpack(tmpbuf, position, oarray1, this.COMM);
          if (count) {
            this.assertGreater(position, 0, tag);
            this.assertGreater(q1, p0, tag);
          } else {
            this.assertEqual(position, 0, tag);
            this.assertEqual(q1, p0, tag);
          }
          const q2 = position = datatype2.Unpack(tmpbuf, position, oarray2, this.COMM);
          if (count) {
            this.assertGreater(position, 0, tag);
            this.assertGreater(q2, q1, tag);
          } else {
            this.assertEqual(position, 0, tag);
            this.assertEqual(q1, p0, tag);
          }
          // test
          this.assertTrue(allclose(iarray1, oarray1), tag);
          this.assertTrue(allclose(iarray2, oarray2), tag);
        }
      }
    }
  }
}

const EXT32 = 'external32';

abstract class BaseTestPackExternal extends TestCase {
  skipdtype = '';

  testPackSize(): void {
    for (const [array, typecode] of arrayimpl.loop(arrayimpl.ArrayNumPy)) {
      if (this.skipdtype.includes(typecode)) continue;
      const datatype = array.TypeMap[typecode]!;
      const overhead = datatype.Pack_external_size(EXT32, 0);
      for (const count of range(10)) {
        const packSize = datatype.Pack_external_size(EXT32, count);
        const realSize = packSize - overhead;
        this.assertGreaterEqual(realSize, 0);
      }
    }
  }

  testPackUnpackExternal(): void {
    for (const [array, typecode1] of arrayimpl.loop(arrayimpl.ArrayNumPy)) {
      if (this.skipdtype.includes(typecode1)) continue;
      for (const typecode2 of Object.keys(array.TypeMap)) {
        if (this.skipdtype.includes(typecode2)) continue;
        const datatype1 = array.TypeMap[typecode1]!;
        const datatype2 = array.TypeMap[typecode2]!;
        for (const count of range(10).slice(1)) {
          const tag = `count=${count}, typecode=(${typecode1}, ${typecode2})`;
          // input and output arrays
          const val = typecode1 === 'b' ? 127 : 255;
          const iarray1 = new array(val, typecode1, count).as_raw();
          const iarray2 = new array(range(count), typecode2).as_raw();
          const oarray1 = new array(-1, typecode1, count).as_raw();
          const oarray2 = new array(-1, typecode2, count).as_raw();
          // temp array for packing
          const size1 = datatype1.Pack_external_size(EXT32, count);
          const size2 = datatype2.Pack_external_size(EXT32, count);
          const tmpbuf = new array(0, 'b', size1 + size2 + 1).as_raw();
          // pack input arrays
          let position = 0;
          let p0 = 0;
          const p1 = position = datatype1.Pack_external(EXT32, iarray1, tmpbuf, position);
          this.assertGreater(position, 0, tag);
          this.assertGreater(p1, p0, tag);
          const p2 = position = datatype2.Pack_external(EXT32, iarray2, tmpbuf, position);
          this.assertGreater(position, 0, tag);
          this.assertGreater(p2, p1, tag);
          // unpack output arrays
          position = p0 = 0;
          const q1 = position = datatype1.Unpack_external(EXT32, tmpbuf, position, oarray1);
          this.assertGreater(position, 0, tag);
          this.assertGreater(q1, p0, tag);
          const q2 = position = datatype2.Unpack_external(EXT32, tmpbuf, position, oarray2);
          this.assertGreater(position, 0, tag);
          this.assertGreater(q2, q1, tag);
          // test result
          this.assertTrue(allclose(iarray1, oarray1), tag);
          this.assertTrue(allclose(iarray2, oarray2), tag);
        }
      }
    }
  }
}

export class TestPackSelf extends BaseTestPack {
  override COMM: Comm = MPI.COMM_SELF;
}

export class TestPackWorld extends BaseTestPack {
  override COMM: Comm = MPI.COMM_WORLD;
}

export class TestPackExternal extends BaseTestPackExternal {}
