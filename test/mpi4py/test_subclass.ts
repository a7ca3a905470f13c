/**
 * Port of mpi4py's test/test_subclass.py.
 *
 * Python's `class MyComm(MPI.Comm)` with a `__new__(cls, comm)` that wraps
 * an existing handle is `class MyComm extends MPI.Comm` whose constructor
 * takes the handle to wrap; `MyComm(MPI.COMM_WORLD)` is
 * `new MyComm(MPI.COMM_WORLD)`. `self != MPI.COMM_NULL` on a handle is
 * `!handle.isNull`, `bool(handle)` is `!handle.isNull`. The mixin
 * MyBaseComm (its `free`) is written into each class, as JavaScript has
 * single inheritance.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Comm = InstanceType<typeof MPI.Comm>;
type Request = InstanceType<typeof MPI.Request>;
type Status = InstanceType<typeof MPI.Status>;
type CommClass = new (comm?: Comm | null) => Comm;

function bool(h: { isNull: boolean }): boolean {
  return !h.isNull;
}

/** MyBaseComm.free: Free unless null. */
function freeComm(comm: Comm): void {
  if (!comm.isNull) comm.Free();
}

// ---

abstract class BaseTestBaseComm extends TestCase {
  abstract CommType: CommClass;
  abstract COMM_BASE: Comm;
  comm!: Comm;

  override setUp(): void {
    this.comm = new this.CommType(this.COMM_BASE);
  }

  testSubType(): void {
    this.assertNotIn(this.comm.constructor, [MPI.Comm, MPI.Intracomm, MPI.Cartcomm, MPI.Graphcomm, MPI.Distgraphcomm, MPI.Intercomm]);
    this.assertIsInstance(this.comm, this.CommType);
  }

  testCloneFree(): void {
    let comm: Comm;
    if (!this.COMM_BASE.isNull) comm = this.comm.Clone();
    else comm = new this.CommType();
    this.assertIsInstance(comm, MPI.Comm);
    this.assertIsInstance(comm, this.CommType);
    comm.free();
  }

  override tearDown(): void {
    this.comm.free();
  }
}

// ---

class MyComm extends MPI.Comm {
  constructor(comm: Comm | null = null) {
    if (comm !== null && !comm.isNull) comm = comm.Clone();
    super(comm);
  }

  override free(): void { freeComm(this); }
}

abstract class BaseTestMyComm extends BaseTestBaseComm {
  CommType: CommClass = MyComm;
}

export class TestMyCommNULL extends BaseTestMyComm {
  COMM_BASE: Comm = MPI.COMM_NULL;
}

export class TestMyCommSELF extends BaseTestMyComm {
  COMM_BASE: Comm = MPI.COMM_SELF;
}

export class TestMyCommWORLD extends BaseTestMyComm {
  COMM_BASE: Comm = MPI.COMM_WORLD;
}

// ---

class MyIntracomm extends MPI.Intracomm {
  constructor(comm: Comm | null = null) {
    if (comm !== null && !comm.isNull) comm = (comm as InstanceType<typeof MPI.Intracomm>).Dup();
    super(comm);
  }

  override free(): void { freeComm(this); }
}

abstract class BaseTestMyIntracomm extends BaseTestBaseComm {
  CommType: CommClass = MyIntracomm;
}

export class TestMyIntracommNULL extends BaseTestMyIntracomm {
  COMM_BASE: Comm = MPI.COMM_NULL;
}

export class TestMyIntracommSELF extends BaseTestMyIntracomm {
  COMM_BASE: Comm = MPI.COMM_SELF;
}

export class TestMyIntracommWORLD extends BaseTestMyIntracomm {
  COMM_BASE: Comm = MPI.COMM_WORLD;
}

// ---

class MyCartcomm extends MPI.Cartcomm {
  constructor(comm: Comm | null = null) {
    if (comm !== null && !comm.isNull) {
      const dims = [comm.size];
      comm = (comm as InstanceType<typeof MPI.Intracomm>).Create_cart(dims);
    }
    super(comm);
  }

  override free(): void { freeComm(this); }
}

abstract class BaseTestMyCartcomm extends BaseTestBaseComm {
  CommType: CommClass = MyCartcomm;
}

export class TestMyCartcommNULL extends BaseTestMyCartcomm {
  COMM_BASE: Comm = MPI.COMM_NULL;
}

export class TestMyCartcommSELF extends BaseTestMyCartcomm {
  COMM_BASE: Comm = MPI.COMM_SELF;
}

export class TestMyCartcommWORLD extends BaseTestMyCartcomm {
  COMM_BASE: Comm = MPI.COMM_WORLD;
}

// ---

class MyGraphcomm extends MPI.Graphcomm {
  constructor(comm: Comm | null = null) {
    if (comm !== null && !comm.isNull) {
      const index = Array.from({ length: comm.size + 1 }, (_, i) => i);
      const edges = Array.from({ length: comm.size }, (_, i) => i);
      comm = (comm as InstanceType<typeof MPI.Intracomm>).Create_graph(index, edges);
    }
    super(comm);
  }

  override free(): void { freeComm(this); }
}

abstract class BaseTestMyGraphcomm extends BaseTestBaseComm {
  CommType: CommClass = MyGraphcomm;
}

export class TestMyGraphcommNULL extends BaseTestMyGraphcomm {
  COMM_BASE: Comm = MPI.COMM_NULL;
}

export class TestMyGraphcommSELF extends BaseTestMyGraphcomm {
  COMM_BASE: Comm = MPI.COMM_SELF;
}

export class TestMyGraphcommWORLD extends BaseTestMyGraphcomm {
  COMM_BASE: Comm = MPI.COMM_WORLD;
}

// ---
// mpi4py's subclasses define lowercase test()/wait()/start() calling
// Test/Wait/Start; mpi4ts's Request already has test()/wait() (the object
// forms), so the subclasses name theirs myTest/myWait/myStart.

class MyRequest extends MPI.Request {
  constructor(request: Request | null = null) {
    super(request);
  }

  myTest(status: Status | null = null): boolean { return super.Test(status); }
  myWait(status: Status | null = null): true { return super.Wait(status); }
}

class MyPrequest extends MPI.Prequest {
  constructor(request: Request | null = null) {
    super(request as InstanceType<typeof MPI.Prequest> | null);
  }

  myTest(status: Status | null = null): boolean { return super.Test(status); }
  myWait(status: Status | null = null): true { return super.Wait(status); }
  myStart(): void { super.Start(); }
}

class MyGrequest extends MPI.Grequest {
  constructor(request: Request | null = null) {
    super(request as InstanceType<typeof MPI.Grequest> | null);
  }

  myTest(status: Status | null = null): boolean { return super.Test(status); }
  myWait(status: Status | null = null): true { return super.Wait(status); }
}

type MyRequestLike = Request & { myTest(status?: Status | null): boolean; myWait(status?: Status | null): true };

abstract class BaseTestMyRequest extends TestCase {
  abstract MPIRequestType: abstract new (...args: never[]) => Request;
  abstract MyRequestType: new (request?: Request | null) => MyRequestLike;
  req!: MyRequestLike;

  override setUp(): void {
    this.req = new this.MyRequestType(MPI.REQUEST_NULL);
  }

  testSubType(): void {
    this.assertIsNot(this.req.constructor, this.MPIRequestType);
    this.assertIsInstance(this.req, this.MPIRequestType);
    this.assertIsInstance(this.req, this.MyRequestType);
    this.req.myTest();
  }
}

export class TestMyRequest extends BaseTestMyRequest {
  MPIRequestType = MPI.Request;
  MyRequestType = MyRequest;
}

export class TestMyPrequest extends BaseTestMyRequest {
  MPIRequestType = MPI.Prequest;
  MyRequestType = MyPrequest;
}

export class TestMyGrequest extends BaseTestMyRequest {
  MPIRequestType = MPI.Grequest;
  MyRequestType = MyGrequest;
}

export class TestMyRequest2 extends TestMyRequest {
  override setUp(): void {
    const req = MPI.COMM_SELF.Isend([MPI.BOTTOM, 0, MPI.BYTE], MPI.PROC_NULL, 0);
    this.req = new MyRequest(req);
  }
}

export class TestMyPrequest2 extends TestMyPrequest {
  override setUp(): void {
    const req = MPI.COMM_SELF.Send_init([MPI.BOTTOM, 0, MPI.BYTE], MPI.PROC_NULL, 0);
    this.req = new MyPrequest(req);
  }

  override tearDown(): void {
    this.req.Free();
  }

  testStart(): void {
    const req = this.req as MyPrequest;
    for (let i = 0; i < 5; i++) {
      req.myStart();
      req.myTest();
      req.myStart();
      req.myWait();
    }
  }
}

// ---

class MyInfo extends MPI.Info {
  constructor(info: InstanceType<typeof MPI.Info> | null = null) {
    super(info);
  }

  override free(): void {
    if (!this.isNull) this.Free();
  }
}

export class TestMyInfo extends TestCase {
  static override skips = {
    testPickle: 'JavaScript has no pickle module (handles do not cross ranks as values)',
  };

  info!: MyInfo;

  override setUp(): void {
    const info = MPI.Info.Create();
    this.info = new MyInfo(info);
  }

  override tearDown(): void {
    this.info.free();
  }

  testSubType(): void {
    this.assertIsNot(this.info.constructor, MPI.Info);
    this.assertIsInstance(this.info, MPI.Info);
    this.assertIsInstance(this.info, MyInfo);
  }

  testFree(): void {
    this.assertTrue(bool(this.info));
    this.info.free();
    this.assertFalse(bool(this.info));
  }

  testCreateDupType(): void {
    for (const info of [MyInfo.Create(), this.info.Dup(), this.info.copy()]) {
      this.assertIsNot(info.constructor, MPI.Info);
      this.assertIsInstance(info, MPI.Info);
      this.assertIsInstance(info, MyInfo);
      info.free();
    }
  }

  testCreateEnvType(): void {
    const info = MyInfo.Create_env();
    this.assertIsNot(info.constructor, MPI.Info);
    this.assertIsInstance(info, MPI.Info);
    this.assertIsInstance(info, MyInfo);
  }

  testPickle(): void {}
}

// ---

class MyWin extends MPI.Win {
  constructor(win: InstanceType<typeof MPI.Win> | null = null) {
    super(win);
  }

  override free(): void {
    if (!this.isNull) this.Free();
  }
}

export class TestMyWin extends TestCase {
  win!: MyWin;

  override setUp(): void {
    const win = MPI.Win.Create(MPI.BOTTOM);
    this.win = new MyWin(win);
  }

  override tearDown(): void {
    this.win.free();
  }

  testSubType(): void {
    this.assertIsNot(this.win.constructor, MPI.Win);
    this.assertIsInstance(this.win, MPI.Win);
    this.assertIsInstance(this.win, MyWin);
  }

  testFree(): void {
    this.assertTrue(bool(this.win));
    this.win.free();
    this.assertFalse(bool(this.win));
  }
}

// ---

class MyFile extends MPI.File {
  constructor(file: InstanceType<typeof MPI.File> | null = null) {
    super(file);
  }

  close(): void {
    if (!this.isNull) this.Close();
  }
}

let serial = 0;

export class TestMyFile extends TestCase {
  file!: MyFile;

  /** tempfile.mkstemp(prefix="mpi4py") + close, opened with MODE_DELETE_ON_CLOSE. */
  static openfile(): InstanceType<typeof MPI.File> {
    const fname = path.join(os.tmpdir(), `mpi4py${process.pid.toString(36)}${MPI.COMM_WORLD.Get_rank()}${(serial++).toString(36)}${Math.random().toString(36).slice(2, 8)}`);
    fs.closeSync(fs.openSync(fname, 'wx', 0o600));
    const amode = MPI.MODE_RDWR | MPI.MODE_CREATE | MPI.MODE_DELETE_ON_CLOSE;
    try {
      return MPI.File.Open(MPI.COMM_SELF, pathToFileURL(fname), amode, MPI.INFO_NULL);
    } catch (e) {
      fs.rmSync(fname, { force: true });
      throw e;
    }
  }

  override setUp(): void {
    const file = TestMyFile.openfile();
    this.file = new MyFile(file);
  }

  override tearDown(): void {
    this.file.close();
  }

  testSubType(): void {
    this.assertIsNot(this.file.constructor, MPI.File);
    this.assertIsInstance(this.file, MPI.File);
    this.assertIsInstance(this.file, MyFile);
  }

  testFree(): void {
    this.assertTrue(bool(this.file));
    this.file.close();
    this.assertFalse(bool(this.file));
  }
}
