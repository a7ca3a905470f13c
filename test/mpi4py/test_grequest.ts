/**
 * Port of mpi4py's test/test_grequest.py. Python's bound methods
 * (`ctx.query`) are arrow functions; `bool(greq)` is `!greq.isNull`.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Status = InstanceType<typeof MPI.Status>;

class GReqCtx {
  source = 3;
  tag = 7;
  completed = false;

  cancel_called = false;
  free_called = false;

  query(status: Status): void {
    status.Set_source(this.source);
    status.Set_tag(this.tag);
  }

  free(): void {
    this.free_called = true;
  }

  cancel(completed: boolean): void {
    this.cancel_called = true;
    if (completed !== this.completed) throw new MPI.Exception(MPI.ERR_PENDING);
  }

  get q(): (status: Status) => void { return (status) => this.query(status); }
  get f(): () => void { return () => this.free(); }
  get c(): (completed: boolean) => void { return (completed) => this.cancel(completed); }
}

export class TestGrequest extends TestCase {
  testConstructor(): void {
    const ctx = new GReqCtx();
    const greq = MPI.Grequest.Start(ctx.q, ctx.f, ctx.c);
    let dupe: InstanceType<typeof MPI.Request> = new MPI.Grequest(greq);
    this.assertIs(dupe.constructor, MPI.Grequest);
    this.assertEqual(dupe, greq);
    // mpi4py also checks Grequest.fromhandle(greq.tohandle()) and the
    // Fortran/int handle conversions (checkHandle): C/Fortran interop
    // handles, which mpi4ts leaves out (docs/mpi4py-differences.md).
    dupe = new MPI.Request(greq);
    this.assertIs(dupe.constructor, MPI.Request);
    this.assertEqual(dupe, greq);
    this.assertRaises(TypeError, () => new MPI.Prequest(greq));
    greq.Cancel();
    greq.Complete();
    greq.Wait();
  }

  testExceptionHandling(): void {
    const ctx = new GReqCtx();

    const raise_mpi = (): void => { throw new MPI.Exception(MPI.ERR_BUFFER); };
    const raise_rte = (): void => { throw new RangeError('42'); }; // Python's ValueError(42)

    // mpi4py also checks that the callback's traceback is printed to
    // stderr; here the exception's message names the callback and what it raised.
    const check_exc = (exception: Error, is_mpi: boolean): void => {
      const chkcode = is_mpi ? MPI.ERR_BUFFER : MPI.ERR_OTHER;
      const ierr = (exception as InstanceType<typeof MPI.Exception>).Get_error_class();
      this.assertEqual(ierr, chkcode);
      this.assertIn(is_mpi ? 'MPI.Exception' : 'RangeError', exception.message);
    };

    for (const [raise_fn, is_mpi] of [[raise_mpi, true], [raise_rte, false]] as const) {
      let greq = MPI.Grequest.Start(raise_fn, ctx.f, ctx.c);
      greq.Complete();
      let exc = this.assertRaises(MPI.Exception, () => greq.Wait());
      if (!greq.isNull) greq.Free();
      check_exc(exc, is_mpi);
      //
      greq = MPI.Grequest.Start(ctx.q, raise_fn, ctx.c);
      greq.Complete();
      exc = this.assertRaises(MPI.Exception, () => greq.Wait());
      if (!greq.isNull) greq.Free();
      check_exc(exc, is_mpi);
      //
      greq = MPI.Grequest.Start(ctx.q, ctx.f, raise_fn);
      exc = this.assertRaises(MPI.Exception, () => greq.Cancel());
      greq.Complete();
      greq.Wait();
      if (!greq.isNull) greq.Free();
      check_exc(exc, is_mpi);
    }
  }

  testAll(): void {
    const ctx = new GReqCtx();
    const greq = MPI.Grequest.Start(ctx.q, ctx.f, ctx.c);
    this.assertFalse(greq.Test());
    this.assertFalse(ctx.free_called);
    greq.Cancel();
    this.assertTrue(ctx.cancel_called);
    ctx.cancel_called = false;
    greq.Complete();
    ctx.completed = true;
    greq.Cancel();
    this.assertTrue(ctx.cancel_called);
    const status = new MPI.Status();
    this.assertTrue(greq.Test(status));
    this.assertEqual(status.Get_source(), ctx.source);
    this.assertEqual(status.Get_tag(), ctx.tag);
    this.assertEqual(status.Get_error(), MPI.SUCCESS);
    greq.Wait();
    this.assertTrue(ctx.free_called);
  }

  testAll1(): void {
    const ctx = new GReqCtx();
    const greq = MPI.Grequest.Start(ctx.q, null, null);
    this.assertFalse(greq.Test());
    greq.Cancel();
    greq.Complete();
    const status = new MPI.Status();
    this.assertTrue(greq.Test(status));
    this.assertEqual(status.Get_source(), ctx.source);
    this.assertEqual(status.Get_tag(), ctx.tag);
    this.assertEqual(status.Get_error(), MPI.SUCCESS);
    this.assertFalse(status.Is_cancelled());
    greq.Wait();
  }

  testAll2(): void {
    const greq = MPI.Grequest.Start(null, null, null);
    this.assertFalse(greq.Test());
    greq.Cancel();
    greq.Complete();
    const status = new MPI.Status();
    this.assertTrue(greq.Test(status));
    this.assertEqual(status.Get_source(), MPI.ANY_SOURCE);
    this.assertEqual(status.Get_tag(), MPI.ANY_TAG);
    this.assertEqual(status.Get_error(), MPI.SUCCESS);
    this.assertFalse(status.Is_cancelled());
    greq.Wait();
  }

  testPyCompleteTest(): void {
    const greq = MPI.Grequest.Start();
    this.assertFalse(greq.Test());
    greq.cancel();
    greq.complete(42);
    const status = new MPI.Status();
    const [flag, result] = greq.test(status);
    this.assertTrue(flag);
    this.assertEqual(result, 42);
    this.assertEqual(status.Get_source(), MPI.ANY_SOURCE);
    this.assertEqual(status.Get_tag(), MPI.ANY_TAG);
    this.assertEqual(status.Get_error(), MPI.SUCCESS);
    this.assertFalse(status.Is_cancelled());
    const obj = greq.wait();
    this.assertIsNone(obj);
  }

  testPyCompleteWait(): void {
    const greq = MPI.Grequest.Start();
    this.assertFalse(greq.Test());
    greq.cancel();
    greq.complete(42);
    const status = new MPI.Status();
    const result = greq.wait(status);
    this.assertEqual(result, 42);
    this.assertEqual(status.Get_source(), MPI.ANY_SOURCE);
    this.assertEqual(status.Get_tag(), MPI.ANY_TAG);
    this.assertEqual(status.Get_error(), MPI.SUCCESS);
    this.assertFalse(status.Is_cancelled());
    const [flag, obj] = greq.test();
    this.assertTrue(flag);
    this.assertIsNone(obj);
  }
}
