/**
 * Port of mpi4py's test/test_errorcode.py.
 *
 * mpi4py's MPI.Exception compares and converts as an int: here `Number(e)`
 * (or `+e`) is the code, so `e == ierr` is `+e === ierr` and `e <= x` is
 * `+e <= x`. `repr(e)`, `hash(e)` and `bool(e)` have no JavaScript
 * counterpart (an object is always truthy); they are left out where noted.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const errorclasses: number[] = Object.entries(MPI)
  .filter(([name]) => name.startsWith('ERR_'))
  .map(([, value]) => value as number);
errorclasses.unshift(MPI.SUCCESS);
while (errorclasses.includes(MPI.ERR_LASTCODE)) errorclasses.splice(errorclasses.indexOf(MPI.ERR_LASTCODE), 1);

export class TestErrorCode extends TestCase {
  static errorclasses = errorclasses;

  testGetErrorClass(): void {
    this.assertEqual(errorclasses[0], 0);
    for (const ierr of errorclasses) {
      const errcls = MPI.Get_error_class(ierr);
      this.assertGreaterEqual(errcls, MPI.SUCCESS);
      this.assertLessEqual(errcls, MPI.ERR_LASTCODE);
      this.assertEqual(errcls, ierr);
    }
  }

  testGetErrorStrings(): void {
    for (const ierr of errorclasses) {
      const errstr = MPI.Get_error_string(ierr);
      this.assertGreater(errstr.length, 0);
    }
  }

  testException(): void {
    const success = new MPI.Exception(MPI.SUCCESS);
    const lasterr = new MPI.Exception(MPI.ERR_LASTCODE);
    for (const ierr of errorclasses) {
      const errstr = MPI.Get_error_string(ierr);
      const errcls = MPI.Get_error_class(ierr);
      const errexc = new MPI.Exception(ierr);
      this.assertEqual(errexc.Get_error_code(), ierr);
      this.assertEqual(errexc.Get_error_class(), errcls);
      this.assertEqual(errexc.Get_error_string(), errstr);
      this.assertEqual(errexc.error_code, ierr);
      this.assertEqual(errexc.error_class, errcls);
      this.assertEqual(errexc.error_string, errstr);
      // repr(errexc) == f"MPI.Exception({ierr})": no repr in JavaScript.
      this.assertEqual(errexc.message, errstr); // str(errexc)
      this.assertEqual(Number(errexc), ierr); // int(errexc)
      // hash(errexc) == hash(errexc.error_code): no hash in JavaScript.
      this.assertTrue(+errexc === ierr);
      this.assertTrue(+errexc === +new MPI.Exception(ierr));
      this.assertFalse(+errexc !== ierr);
      this.assertFalse(+errexc !== +new MPI.Exception(ierr));
      this.assertTrue(+success <= ierr && ierr <= +lasterr);
      this.assertTrue(+success <= +errexc && +errexc <= +lasterr);
      this.assertTrue(+errexc >= ierr);
      this.assertTrue(+errexc >= +success);
      this.assertTrue(+lasterr >= ierr);
      this.assertTrue(+lasterr >= +errexc);
      // bool(errexc) is `errexc != SUCCESS` in mpi4py; a JavaScript object is always truthy.
      if (+errexc !== +success) {
        this.assertTrue(+errexc > +success);
        this.assertTrue(+success < +errexc);
      }
    }
    let exc = new MPI.Exception(MPI.SUCCESS - 1);
    this.assertEqual(+exc, MPI.ERR_UNKNOWN);
    exc = new MPI.Exception(MPI.ERR_LASTCODE + 1);
    this.assertEqual(+exc, MPI.ERR_LASTCODE + 1);
  }

  testAddErrorClass(): void {
    const errclass = MPI.Add_error_class();
    this.assertGreaterEqual(errclass, MPI.ERR_LASTCODE);
    this.catchNotImplementedError(() => MPI.Remove_error_class(errclass));
  }

  testAddErrorCode(): void {
    const errcode = MPI.Add_error_code(MPI.ERR_OTHER);
    this.catchNotImplementedError(() => MPI.Remove_error_code(errcode));
  }

  testAddErrorClassCodeString(): void {
    MPI.COMM_WORLD.Get_attr(MPI.LASTUSEDCODE);
    const errclass = MPI.Add_error_class();
    const lastused = MPI.COMM_WORLD.Get_attr(MPI.LASTUSEDCODE);
    this.assertEqual(errclass, lastused);
    let errstr = MPI.Get_error_string(errclass);
    this.assertEqual(errstr, '');
    MPI.Add_error_string(errclass, 'error class');
    this.assertEqual(MPI.Get_error_string(errclass), 'error class');
    const errcode1 = MPI.Add_error_code(errclass);
    errstr = MPI.Get_error_string(errcode1);
    this.assertEqual(errstr, '');
    MPI.Add_error_string(errcode1, 'error code 1');
    this.assertEqual(MPI.Get_error_class(errcode1), errclass);
    this.assertEqual(MPI.Get_error_string(errcode1), 'error code 1');
    const errcode2 = MPI.Add_error_code(errclass);
    errstr = MPI.Get_error_string(errcode2);
    this.assertEqual(errstr, '');
    MPI.Add_error_string(errcode2, 'error code 2');
    this.assertEqual(MPI.Get_error_class(errcode2), errclass);
    this.assertEqual(MPI.Get_error_string(errcode2), 'error code 2');
    //
    this.catchNotImplementedError(() => {
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_class(errclass));
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_code(errcode2));
      MPI.Remove_error_string(errcode2);
      this.assertEqual(MPI.Get_error_string(errcode2), '');
      MPI.Remove_error_code(errcode2);
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_code(errcode2));
      //
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_class(errclass));
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_code(errcode1));
      MPI.Remove_error_string(errcode1);
      this.assertEqual(MPI.Get_error_string(errcode1), '');
      MPI.Remove_error_code(errcode1);
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_code(errcode1));
      //
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_class(errclass));
      MPI.Remove_error_string(errclass);
      this.assertEqual(MPI.Get_error_string(errclass), '');
      MPI.Remove_error_class(errclass);
      this.assertRaises(MPI.Exception, () => MPI.Remove_error_class(errclass));
    });
    //
    for (const f of [MPI.Remove_error_class, MPI.Remove_error_code, MPI.Remove_error_string]) {
      let raised = false;
      try {
        f(0);
      } catch (e) {
        if (!(e instanceof MPI.Exception)) throw e;
        raised = true;
      }
      if (!raised) this.fail('expected Exception');
    }
  }
}
