/**
 * Port of mpi4py's test/test_exceptions.py: calls on null and predefined
 * handles raise MPI.Exception with the right error class. mpi4py's keyword
 * arguments (`Split(color=0, key=0)`, `Merge(high=True)`) are positional here.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const WIN_FILE = 'issue 15 (Win/File not implemented yet)';
const anyMPI = MPI as unknown as Record<string, any>;

const errclasscache = new Map<number, string>();
function ErrClassName(ierr: number): string {
  if (errclasscache.size === 0) {
    errclasscache.set(MPI.SUCCESS, 'SUCCESS');
    for (const [entry, value] of Object.entries(MPI)) if (entry.startsWith('ERR_')) errclasscache.set(value as number, entry);
  }
  return errclasscache.get(ierr) ?? '<unknown>';
}

/** mpi4py's BaseTestCase: ERRORS_RETURN on COMM_WORLD and COMM_SELF around each test, and its own assertRaisesMPI. */
abstract class BaseTestCase extends TestCase {
  errhdl_world!: MPI.Errhandler;
  errhdl_self!: MPI.Errhandler;

  override setUp(): void {
    this.errhdl_world = MPI.COMM_WORLD.Get_errhandler();
    MPI.COMM_WORLD.Set_errhandler(MPI.ERRORS_RETURN);
    this.errhdl_self = MPI.COMM_SELF.Get_errhandler();
    MPI.COMM_SELF.Set_errhandler(MPI.ERRORS_RETURN);
  }

  override tearDown(): void {
    MPI.COMM_WORLD.Set_errhandler(this.errhdl_world);
    this.errhdl_world.Free();
    MPI.COMM_SELF.Set_errhandler(this.errhdl_self);
    this.errhdl_self.Free();
  }

  override assertRaisesMPI<A extends unknown[]>(IErrClass: number | readonly number[], callableObj: (...args: A) => unknown, ...args: A): Error {
    let error_class: number | null = null;
    let caught: Error | null = null;
    try {
      callableObj(...args);
    } catch (excValue) {
      if (!(excValue instanceof MPI.Exception)) throw excValue;
      error_class = excValue.Get_error_class();
      caught = excValue;
    }
    if (error_class === null) this.fail('Exception not raised');
    const list = Array.isArray(IErrClass) ? IErrClass : [IErrClass as number];
    if (!list.includes(error_class)) {
      this.fail(`generated error class is '${ErrClassName(error_class)}' (${error_class}), but expected '${list.map(ErrClassName).join(', ')}' (${list.join(', ')})`);
    }
    return caught!;
  }
}

// -----------------------------------------------------------------------------

export class TestExcDatatypeNull extends BaseTestCase {
  testDup(): void {
    this.assertRaisesMPI(MPI.ERR_TYPE, () => MPI.DATATYPE_NULL.Dup());
  }

  testCommit(): void {
    this.assertRaisesMPI(MPI.ERR_TYPE, () => MPI.DATATYPE_NULL.Commit());
  }

  testFree(): void {
    this.assertRaisesMPI(MPI.ERR_TYPE, () => MPI.DATATYPE_NULL.Free());
  }
}

/** A datatype mpi4ts lacks reads as DATATYPE_NULL, as a missing one does in mpi4py. */
const dt = (name: string): MPI.Datatype => (anyMPI[name] as MPI.Datatype | undefined) ?? MPI.DATATYPE_NULL;

export class TestExcDatatype extends BaseTestCase {
  static DATATYPES = [
    'BYTE', 'PACKED', 'CHAR', 'WCHAR', 'SIGNED_CHAR', 'UNSIGNED_CHAR', 'SHORT', 'UNSIGNED_SHORT', 'INT', 'UNSIGNED',
    'UNSIGNED_INT', 'LONG', 'UNSIGNED_LONG', 'LONG_LONG', 'UNSIGNED_LONG_LONG', 'FLOAT', 'DOUBLE', 'LONG_DOUBLE',
    'SHORT_INT', 'TWOINT', 'INT_INT', 'LONG_INT', 'FLOAT_INT', 'DOUBLE_INT', 'LONG_DOUBLE_INT',
  ].map(dt);

  ERR_TYPE = MPI.ERR_TYPE;

  testFreePredefined(): void {
    for (const dtype of TestExcDatatype.DATATYPES) {
      if (dtype.equals(MPI.DATATYPE_NULL)) continue;
      this.assertRaisesMPI(this.ERR_TYPE, () => dtype.Free());
      this.assertNotEqual(dtype, MPI.DATATYPE_NULL);
    }
  }

  testKeyvalInvalid(): void {
    for (const dtype of TestExcDatatype.DATATYPES) {
      if (dtype.equals(MPI.DATATYPE_NULL)) continue;
      this.assertRaisesMPI([MPI.ERR_KEYVAL, MPI.ERR_OTHER], () => dtype.Get_attr(MPI.KEYVAL_INVALID));
    }
  }
}

// -----------------------------------------------------------------------------

export class TestExcStatus extends BaseTestCase {
  testGetCount(): void {
    const status = new MPI.Status();
    this.assertRaisesMPI(MPI.ERR_TYPE, () => status.Get_count(MPI.DATATYPE_NULL));
  }

  testGetElements(): void {
    const status = new MPI.Status();
    this.assertRaisesMPI(MPI.ERR_TYPE, () => status.Get_elements(MPI.DATATYPE_NULL));
  }

  testSetElements(): void {
    const status = new MPI.Status();
    this.assertRaisesMPI(MPI.ERR_TYPE, () => status.Set_elements(MPI.DATATYPE_NULL, 0));
  }
}

// -----------------------------------------------------------------------------

export class TestExcRequestNull extends BaseTestCase {
  testFree(): void {
    this.assertRaisesMPI(MPI.ERR_REQUEST, () => MPI.REQUEST_NULL.Free());
  }

  testCancel(): void {
    this.assertRaisesMPI(MPI.ERR_REQUEST, () => MPI.REQUEST_NULL.Cancel());
  }
}

// -----------------------------------------------------------------------------

export class TestExcOpNull extends BaseTestCase {
  testFree(): void {
    this.assertRaisesMPI([MPI.ERR_OP, MPI.ERR_ARG], () => MPI.OP_NULL.Free());
  }
}

export class TestExcOp extends BaseTestCase {
  static OPS = [
    MPI.MAX, MPI.MIN, MPI.SUM, MPI.PROD, MPI.LAND, MPI.BAND, MPI.LOR, MPI.BOR, MPI.LXOR, MPI.BXOR, MPI.MAXLOC,
    MPI.MINLOC, MPI.REPLACE, MPI.NO_OP,
  ];

  testFreePredefined(): void {
    for (const op of TestExcOp.OPS) {
      if (op === MPI.OP_NULL) continue;
      this.assertRaisesMPI([MPI.ERR_OP, MPI.ERR_ARG], () => op.Free());
      this.assertNotEqual(op, MPI.OP_NULL);
    }
  }
}

// -----------------------------------------------------------------------------

export class TestExcInfoNull extends BaseTestCase {
  testFree(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Free());
  }

  testTruth(): void {
    this.assertFalse(!MPI.INFO_NULL.isNull);
  }

  testDup(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Dup());
  }

  testGet(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Get('key'));
  }

  testSet(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Set('key', 'value'));
  }

  testDelete(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Delete('key'));
  }

  testGetNKeys(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Get_nkeys());
  }

  testGetNthKey(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_NULL.Get_nthkey(0));
  }
}

export class TestExcInfoEnv extends BaseTestCase {
  testFree(): void {
    this.assertRaisesMPI([MPI.ERR_INFO, MPI.ERR_ARG], () => MPI.INFO_ENV.Free());
  }
}

export class TestExcInfo extends BaseTestCase {
  INFO!: MPI.Info;

  override setUp(): void {
    super.setUp();
    this.INFO = MPI.Info.Create();
  }

  override tearDown(): void {
    this.INFO.Free();
    super.tearDown();
  }

  testDelete(): void {
    this.assertRaisesMPI(MPI.ERR_INFO_NOKEY, () => this.INFO.Delete('key'));
  }

  testGetNthKey(): void {
    this.assertRaisesMPI([MPI.ERR_INFO_KEY, MPI.ERR_ARG], () => this.INFO.Get_nthkey(0));
  }
}

// -----------------------------------------------------------------------------

export class TestExcGroupNull extends BaseTestCase {
  testCompare(): void {
    const GROUP_NULL = anyMPI['GROUP_NULL'] as MPI.Group;
    this.assertRaisesMPI(MPI.ERR_GROUP, () => MPI.Group.Compare(GROUP_NULL, GROUP_NULL));
    this.assertRaisesMPI(MPI.ERR_GROUP, () => MPI.Group.Compare(GROUP_NULL, MPI.GROUP_EMPTY));
    this.assertRaisesMPI(MPI.ERR_GROUP, () => MPI.Group.Compare(MPI.GROUP_EMPTY, GROUP_NULL));
  }

  testAccessors(): void {
    for (const method of ['Get_size', 'Get_rank']) {
      this.assertRaisesMPI(MPI.ERR_GROUP, () => (anyMPI['GROUP_NULL'] as Record<string, () => unknown>)[method]!());
    }
  }

}

export class TestExcGroup extends BaseTestCase {}

// -----------------------------------------------------------------------------

export class TestExcSessionNull extends BaseTestCase {
  get SESSION_NULL(): MPI.Session { return MPI.SESSION_NULL; }

  testGetNumPsets(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Get_num_psets());
  }

  testGetNthPset(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Get_nth_pset(0));
  }

  testGetInfo(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Get_info());
  }

  testGetPsetInfo(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Get_pset_info('mpi://SELF'));
  }

  testCreateGroup(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Create_group('mpi://SELF'));
  }

  testGetErrhandler(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Get_errhandler());
  }

  testSetErrhandler(): void {
    this.assertRaisesMPI(MPI.ERR_SESSION, () => this.SESSION_NULL.Set_errhandler(MPI.ERRORS_RETURN));
  }
}

export class TestExcSession extends BaseTestCase {
  SESSION!: MPI.Session;

  override setUp(): void {
    super.setUp();
    this.SESSION = MPI.Session.Init();
    this.SESSION.Set_errhandler(MPI.ERRORS_RETURN);
  }

  override tearDown(): void {
    this.SESSION.Finalize();
    super.tearDown();
  }

  testGetNthPsetNeg(): void {
    this.assertRaisesMPI(MPI.ERR_ARG, () => this.SESSION.Get_nth_pset(-1));
  }

  testGetNthPsetPos(): void {
    this.assertRaisesMPI(MPI.ERR_ARG, () => this.SESSION.Get_nth_pset(this.SESSION.Get_num_psets()));
  }

  testGetPsetInfo(): void {
    this.assertRaisesMPI(MPI.ERR_ARG, () => this.SESSION.Get_pset_info('@qerty!#$'));
  }

  testCreateGroup(): void {
    this.assertRaisesMPI([MPI.ERR_ARG, MPI.ERR_UNSUPPORTED_OPERATION], () => this.SESSION.Create_group('@qerty!#$'));
  }
}

// -----------------------------------------------------------------------------

export class TestExcCommNull extends BaseTestCase {
  ERR_COMM = MPI.ERR_COMM;

  testFree(): void {
    this.assertRaisesMPI(MPI.ERR_COMM, () => MPI.COMM_NULL.Free());
  }

  testCompare(): void {
    this.assertRaisesMPI(this.ERR_COMM, () => MPI.Comm.Compare(MPI.COMM_NULL, MPI.COMM_NULL));
    this.assertRaisesMPI(this.ERR_COMM, () => MPI.Comm.Compare(MPI.COMM_SELF, MPI.COMM_NULL));
    this.assertRaisesMPI(this.ERR_COMM, () => MPI.Comm.Compare(MPI.COMM_WORLD, MPI.COMM_NULL));
    this.assertRaisesMPI(this.ERR_COMM, () => MPI.Comm.Compare(MPI.COMM_NULL, MPI.COMM_SELF));
    this.assertRaisesMPI(this.ERR_COMM, () => MPI.Comm.Compare(MPI.COMM_NULL, MPI.COMM_WORLD));
  }

  testAccessors(): void {
    for (const method of ['Get_size', 'Get_rank', 'Is_inter', 'Is_intra', 'Get_group', 'Get_topology']) {
      this.assertRaisesMPI(MPI.ERR_COMM, () => (MPI.COMM_NULL as unknown as Record<string, () => unknown>)[method]!());
    }
  }

  testDisconnect(): void {
    this.assertRaisesMPI(MPI.ERR_COMM, () => (MPI.COMM_NULL as unknown as MPI.Intracomm).Disconnect());
  }

  testGetAttr(): void {
    this.assertRaisesMPI(MPI.ERR_COMM, () => MPI.COMM_NULL.Get_attr(MPI.TAG_UB));
  }

  testGetErrhandler(): void {
    this.assertRaisesMPI([MPI.ERR_COMM, MPI.ERR_ARG], () => MPI.COMM_NULL.Get_errhandler());
  }

  testSetErrhandler(): void {
    this.assertRaisesMPI(MPI.ERR_COMM, () => MPI.COMM_NULL.Set_errhandler(MPI.ERRORS_RETURN));
  }

  testIntraNull(): void {
    const comm_null = new (MPI.Intracomm as unknown as new () => MPI.Intracomm)();
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Dup());
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Create(MPI.GROUP_EMPTY));
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Split(0, 0));
  }

  testInterNull(): void {
    const comm_null = new (MPI.Intercomm as unknown as new () => MPI.Intercomm)();
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Get_remote_group());
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Get_remote_size());
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Dup());
    this.assertRaisesMPI(MPI.ERR_COMM, () => (comm_null as unknown as MPI.Intracomm).Create(MPI.GROUP_EMPTY));
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Split(0, 0));
    this.assertRaisesMPI(MPI.ERR_COMM, () => comm_null.Merge(true));
  }
}

export class TestExcComm extends BaseTestCase {
  testFreeSelf(): void {
    const errhdl = MPI.COMM_SELF.Get_errhandler();
    try {
      MPI.COMM_SELF.Set_errhandler(MPI.ERRORS_RETURN);
      this.assertRaisesMPI([MPI.ERR_COMM, MPI.ERR_ARG], () => MPI.COMM_SELF.Free());
    } finally {
      MPI.COMM_SELF.Set_errhandler(errhdl);
      errhdl.Free();
    }
  }

  testFreeWorld(): void {
    this.assertRaisesMPI([MPI.ERR_COMM, MPI.ERR_ARG], () => MPI.COMM_WORLD.Free());
  }

  testKeyvalInvalid(): void {
    this.assertRaisesMPI([MPI.ERR_KEYVAL, MPI.ERR_OTHER], () => MPI.COMM_WORLD.Get_attr(MPI.KEYVAL_INVALID));
  }
}

// -----------------------------------------------------------------------------

export class TestExcWinNull extends BaseTestCase {

  ERRORS = [anyMPI['ERR_WIN'] as number, MPI.ERR_ARG];

  get WIN_NULL(): any { return anyMPI['WIN_NULL']; }

  testFree(): void {
    this.assertRaisesMPI(this.ERRORS, () => this.WIN_NULL.Free());
  }

  testGetErrhandler(): void {
    this.assertRaisesMPI(this.ERRORS, () => this.WIN_NULL.Get_errhandler());
  }

  testSetErrhandler(): void {
    this.assertRaisesMPI(this.ERRORS, () => this.WIN_NULL.Set_errhandler(MPI.ERRORS_RETURN));
  }

  testCallErrhandler(): void {
    this.assertRaisesMPI(this.ERRORS, () => this.WIN_NULL.Call_errhandler(0));
  }
}

export class TestExcWin extends BaseTestCase {
  WIN: any;

  override setUp(): void {
    super.setUp();
    this.WIN = anyMPI['Win'].Create(null, 1, MPI.INFO_NULL, MPI.COMM_SELF);
    this.WIN.Set_errhandler(MPI.ERRORS_RETURN);
  }

  override tearDown(): void {
    this.WIN.Free();
    super.tearDown();
  }

  testKeyvalInvalid(): void {
    this.assertRaisesMPI([MPI.ERR_KEYVAL, MPI.ERR_OTHER], () => this.WIN.Get_attr(MPI.KEYVAL_INVALID));
  }
}

// -----------------------------------------------------------------------------

export class TestExcErrhandlerNull extends BaseTestCase {
  testFree(): void {
    this.assertRaisesMPI([MPI.ERR_ERRHANDLER, MPI.ERR_ARG], () => MPI.ERRHANDLER_NULL.Free());
  }

  testCommSelfSetErrhandler(): void {
    this.assertRaisesMPI([MPI.ERR_ERRHANDLER, MPI.ERR_ARG], () => MPI.COMM_SELF.Set_errhandler(MPI.ERRHANDLER_NULL));
  }

  testCommWorldSetErrhandler(): void {
    this.assertRaisesMPI([MPI.ERR_ERRHANDLER, MPI.ERR_ARG], () => MPI.COMM_WORLD.Set_errhandler(MPI.ERRHANDLER_NULL));
  }
}

export class TestExcErrhandler extends BaseTestCase {}
