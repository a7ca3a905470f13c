/**
 * Port of mpi4py's test/test_request.py. mpi4py's
 * `catchNotImplementedError(4, 1)` (MPI-4.1 routines a library may lack)
 * becomes a plain call: mpi4ts has them on every transport.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Request = InstanceType<typeof MPI.Request>;
type Status = InstanceType<typeof MPI.Status>;

export class TestRequest extends TestCase {
  REQUEST!: Request;
  STATUS!: Status;

  override setUp(): void {
    this.REQUEST = new MPI.Request();
    this.STATUS = new MPI.Status();
  }

  testWait(): void {
    this.REQUEST.Wait();
    this.REQUEST.Wait(null);
    this.REQUEST.Wait(this.STATUS);
    this.assertIs(this.REQUEST.Wait(), true);
    this.REQUEST.wait();
    this.REQUEST.wait(null);
    this.REQUEST.wait(this.STATUS);
    this.assertIsNone(this.REQUEST.wait());
  }

  testTest(): void {
    this.REQUEST.Test();
    this.REQUEST.Test(null);
    this.REQUEST.Test(this.STATUS);
    this.assertIs(this.REQUEST.Test(), true);
    this.REQUEST.test();
    this.REQUEST.test(null);
    this.REQUEST.test(this.STATUS);
    const [flag, obj] = this.REQUEST.test();
    this.assertEqual(flag, true);
    this.assertIsNone(obj);
  }

  testGetStatus(): void {
    let flag = this.REQUEST.Get_status();
    this.assertTrue(flag);
    flag = this.REQUEST.Get_status(this.STATUS);
    this.assertTrue(flag);
    this.assertEqual(this.STATUS.Get_source(), MPI.ANY_SOURCE);
    this.assertEqual(this.STATUS.Get_tag(), MPI.ANY_TAG);
    this.assertEqual(this.STATUS.Get_error(), MPI.SUCCESS);
    this.assertEqual(this.STATUS.Get_count(MPI.BYTE), 0);
    this.assertEqual(this.STATUS.Get_elements(MPI.BYTE), 0);
    this.assertFalse(this.STATUS.Is_cancelled());
    flag = this.REQUEST.get_status();
    this.assertTrue(flag);
    flag = this.REQUEST.get_status(this.STATUS);
    this.assertTrue(flag);
    this.assertEqual(this.STATUS.source, MPI.ANY_SOURCE);
    this.assertEqual(this.STATUS.tag, MPI.ANY_TAG);
    this.assertEqual(this.STATUS.error, MPI.SUCCESS);
  }
}

export class TestRequestArray extends TestCase {
  REQUESTS!: Request[];
  STATUSES!: Status[];
  STATUS!: Status;

  override setUp(): void {
    this.REQUESTS = [0, 1, 2, 3, 4].map(() => new MPI.Request());
    this.STATUSES = [0, 1, 2, 3, 4].map(() => new MPI.Status());
    this.STATUS = this.STATUSES[0]!;
    for (const status of this.STATUSES) {
      status.source = 0;
      status.tag = 0;
      status.error = MPI.ERR_OTHER;
    }
  }

  testWaitany(): void {
    MPI.Request.Waitany(this.REQUESTS);
    MPI.Request.Waitany(this.REQUESTS, null);
    MPI.Request.Waitany(this.REQUESTS, this.STATUSES[0]);
    MPI.Request.waitany(this.REQUESTS);
    MPI.Request.waitany(this.REQUESTS, null);
    MPI.Request.waitany(this.REQUESTS, this.STATUSES[0]);
  }

  testTestany(): void {
    MPI.Request.Testany(this.REQUESTS);
    MPI.Request.Testany(this.REQUESTS, null);
    MPI.Request.Testany(this.REQUESTS, this.STATUSES[0]);
    MPI.Request.testany(this.REQUESTS);
    MPI.Request.testany(this.REQUESTS, null);
    MPI.Request.testany(this.REQUESTS, this.STATUSES[0]);
  }

  testGetStatusAny(): void {
    {
      const status = this.STATUS;
      let [index, flag] = MPI.Request.Get_status_any(this.REQUESTS);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertTrue(flag);
      [index, flag] = MPI.Request.Get_status_any(this.REQUESTS, null);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertTrue(flag);
      [index, flag] = MPI.Request.Get_status_any(this.REQUESTS, status);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertTrue(flag);
      this.assertEqual(status.source, MPI.ANY_SOURCE);
      this.assertEqual(status.tag, MPI.ANY_TAG);
      this.assertEqual(status.error, MPI.SUCCESS);
    }
    {
      const [index, flag] = MPI.Request.get_status_any(this.REQUESTS);
      this.assertEqual(index, MPI.UNDEFINED);
      this.assertTrue(flag);
    }
  }

  testWaitall(): void {
    MPI.Request.Waitall(this.REQUESTS);
    MPI.Request.Waitall(this.REQUESTS, null);
    this.assertIs(MPI.Request.Waitall(this.REQUESTS), true);
    // Python tuples (fixed length): frozen arrays here.
    for (const statuses of [Object.freeze([...this.STATUSES]), Object.freeze([this.STATUSES[0]!]), Object.freeze([])]) {
      MPI.Request.Waitall(this.REQUESTS, statuses as Status[]);
    }
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      MPI.Request.Waitall(this.REQUESTS, statuses);
      this.assertEqual(statuses.length, this.REQUESTS.length);
    }
    MPI.Request.waitall(this.REQUESTS);
    MPI.Request.waitall(this.REQUESTS, null);
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      MPI.Request.waitall(this.REQUESTS, statuses);
      this.assertEqual(statuses.length, this.REQUESTS.length);
    }
  }

  testTestall(): void {
    MPI.Request.Testall(this.REQUESTS);
    MPI.Request.Testall(this.REQUESTS, null);
    this.assertIs(MPI.Request.Testall(this.REQUESTS), true);
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      MPI.Request.Testall(this.REQUESTS, statuses);
      this.assertEqual(statuses.length, this.REQUESTS.length);
    }
    MPI.Request.testall(this.REQUESTS);
    MPI.Request.testall(this.REQUESTS, null);
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      MPI.Request.testall(this.REQUESTS, statuses);
      this.assertEqual(statuses.length, this.REQUESTS.length);
    }
  }

  testGetStatusAll(): void {
    {
      const statuses = this.STATUSES;
      let flag = MPI.Request.Get_status_all(this.REQUESTS);
      this.assertTrue(flag);
      flag = MPI.Request.Get_status_all(this.REQUESTS, null);
      this.assertTrue(flag);
      flag = MPI.Request.Get_status_all(this.REQUESTS, statuses);
      this.assertTrue(flag);
      for (const status of statuses) {
        this.assertEqual(status.source, MPI.ANY_SOURCE);
        this.assertEqual(status.tag, MPI.ANY_TAG);
        this.assertEqual(status.error, MPI.SUCCESS);
      }
    }
    {
      const flag = MPI.Request.get_status_all(this.REQUESTS);
      this.assertTrue(flag);
    }
  }

  testWaitsome(): void {
    let ret = MPI.Request.Waitsome(this.REQUESTS);
    this.assertIsNone(ret);
    ret = MPI.Request.Waitsome(this.REQUESTS, null);
    this.assertIsNone(ret);
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      const slen = statuses.length;
      ret = MPI.Request.Waitsome(this.REQUESTS, statuses);
      this.assertIsNone(ret);
      this.assertEqual(statuses.length, slen);
    }
  }

  testTestsome(): void {
    let ret = MPI.Request.Testsome(this.REQUESTS);
    this.assertIsNone(ret);
    ret = MPI.Request.Testsome(this.REQUESTS, null);
    this.assertIsNone(ret);
    for (const statuses of [this.STATUSES, [] as Status[]]) {
      const slen = statuses.length;
      ret = MPI.Request.Testsome(this.REQUESTS, statuses);
      this.assertIsNone(ret);
      this.assertEqual(statuses.length, slen);
    }
  }

  testGetStatusSome(): void {
    {
      const statuses = this.STATUSES;
      let indices = MPI.Request.Get_status_some(this.REQUESTS);
      this.assertIsNone(indices);
      indices = MPI.Request.Get_status_some(this.REQUESTS, null);
      this.assertIsNone(indices);
      indices = MPI.Request.Get_status_some(this.REQUESTS, statuses);
      this.assertIsNone(indices);
    }
    {
      const indices = MPI.Request.get_status_some(this.REQUESTS);
      this.assertIsNone(indices);
    }
  }
}
