/** Port of mpi4py's test/test_status.py. */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

export class TestStatus extends TestCase {
  static override skips = {
    testPickle: 'JavaScript has no pickle module (objects cross ranks by structured clone)',
  };

  STATUS!: InstanceType<typeof MPI.Status>;

  override setUp(): void {
    this.STATUS = new MPI.Status();
  }

  testDefaultFieldValues(): void {
    this.assertEqual(this.STATUS.Get_source(), MPI.ANY_SOURCE);
    this.assertEqual(this.STATUS.Get_tag(), MPI.ANY_TAG);
    this.assertEqual(this.STATUS.Get_error(), MPI.SUCCESS);
  }

  testGetCount(): void {
    const count = this.STATUS.Get_count(MPI.BYTE);
    this.assertEqual(count, 0);
  }

  testGetElements(): void {
    const elements = this.STATUS.Get_elements(MPI.BYTE);
    this.assertEqual(elements, 0);
  }

  testSetElements(): void {
    this.catchNotImplementedError(() => {
      this.STATUS.Set_elements(MPI.BYTE, 7);
      const count = this.STATUS.Get_count(MPI.BYTE);
      this.assertEqual(count, 7);
      const elements = this.STATUS.Get_elements(MPI.BYTE);
      this.assertEqual(elements, 7);
    });
  }

  testIsCancelled(): void {
    const flag = this.STATUS.Is_cancelled();
    this.assertIs(typeof flag, 'boolean');
    this.assertFalse(flag);
  }

  testSetCancelled(): void {
    this.catchNotImplementedError(() => {
      this.STATUS.Set_cancelled(true);
      const flag = this.STATUS.Is_cancelled();
      this.assertTrue(flag);
    });
  }

  testPyProps(): void {
    this.assertEqual(this.STATUS.Get_source(), this.STATUS.source);
    this.assertEqual(this.STATUS.Get_tag(), this.STATUS.tag);
    this.assertEqual(this.STATUS.Get_error(), this.STATUS.error);
    this.STATUS.source = 1;
    this.STATUS.tag = 2;
    this.STATUS.error = MPI.ERR_ARG;
    this.assertEqual(this.STATUS.source, 1);
    this.assertEqual(this.STATUS.tag, 2);
    this.assertEqual(this.STATUS.error, MPI.ERR_ARG);
    this.catchNotImplementedError(() => {
      this.assertIs(typeof this.STATUS.count, 'number');
      this.assertEqual(this.STATUS.count, 0);
      this.STATUS.count = 7;
      this.assertEqual(this.STATUS.count, 7);
      this.STATUS.count = 0;
    });
    this.catchNotImplementedError(() => {
      this.assertIs(typeof this.STATUS.cancelled, 'boolean');
      this.assertFalse(this.STATUS.cancelled);
      this.STATUS.cancelled = true;
      this.assertTrue(this.STATUS.cancelled);
      this.STATUS.cancelled = false;
    });
  }

  testConstructor(): void {
    const Status = MPI.Status as unknown as new (arg: unknown) => unknown;
    this.assertRaises(TypeError, () => new Status(123));
    this.assertRaises(TypeError, () => new Status('abc'));
  }

  testCopyConstructor(): void {
    this.STATUS.source = 1;
    this.STATUS.tag = 2;
    this.STATUS.error = MPI.ERR_ARG;
    let status = new MPI.Status(this.STATUS);
    this.assertEqual(status.source, 1);
    this.assertEqual(status.tag, 2);
    this.assertEqual(status.error, MPI.ERR_ARG);
    this.catchNotImplementedError(() => this.STATUS.Set_elements(MPI.BYTE, 7));
    this.catchNotImplementedError(() => this.STATUS.Set_cancelled(true));
    status = new MPI.Status(this.STATUS);
    this.catchNotImplementedError(() => {
      const count = status.Get_count(MPI.BYTE);
      const elems = status.Get_elements(MPI.BYTE);
      this.assertEqual(count, 7);
      this.assertEqual(elems, 7);
    });
    this.catchNotImplementedError(() => {
      const flag = status.Is_cancelled();
      this.assertTrue(flag);
    });
  }

  testPickle(): void {}

  testToMemory(): void {
    const status = this.STATUS;
    status.source = 11;
    status.tag = 22;
    status.error = 33;
    const mem = status.tomemory();
    const seq = Array.from(mem);
    mem[seq.indexOf(11)] = 111;
    mem[seq.indexOf(22)] = 222;
    mem[seq.indexOf(33)] = 333;
    this.assertEqual(status.source, 111);
    this.assertEqual(status.tag, 222);
    this.assertEqual(status.error, 333);
  }
}
