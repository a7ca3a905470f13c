/**
 * Port of mpi4py's test/test_attributes.py.
 *
 * A copy callback returning Python's `NotImplemented` (do not copy) returns
 * `MPI.DO_NOT_COPY` here. mpi4py's keyword arguments of Create_keyval
 * (`copy_fn=`, `delete_fn=`, `nopython=`) are one options object.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const anyMPI = MPI as unknown as Record<string, any>;

/** Python's ValueError, for the callbacks that raise one. */
class ValueError extends Error {}
ValueError.prototype.name = 'ValueError';

/** mpitestutil.capture_stderr: what `fn` writes to process.stderr. */
function captureStderr(fn: () => void): string {
  let text = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

type AttrObject = {
  isNull: boolean;
  Free(): void;
  Get_attr(k: number): any;
  Set_attr(k: number, v: unknown): void;
  Delete_attr(k: number): void;
  Dup?(): AttrObject;
};
type AttrClass = {
  Create_keyval(copy_fn?: unknown, delete_fn?: unknown, nopython?: boolean): number;
  Free_keyval(k: number): number;
};

/** mpi4py's BaseTestAttr (a mixin: not exported, run through its subclasses). */
abstract class BaseTestAttr extends TestCase {
  obj!: AttrObject;
  keyval = MPI.KEYVAL_INVALID;

  get cls(): AttrClass {
    return this.obj.constructor as unknown as AttrClass;
  }

  override tearDown(): void {
    if (!this.obj.isNull) this.obj.Free();
    if (this.keyval !== MPI.KEYVAL_INVALID) {
      this.keyval = this.cls.Free_keyval(this.keyval);
      this.assertEqual(this.keyval, MPI.KEYVAL_INVALID);
    }
  }

  testAttr(copy_fn: unknown = null, delete_fn: unknown = null): void {
    const [cls, obj] = [this.cls, this.obj];
    this.keyval = cls.Create_keyval(copy_fn, delete_fn);
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    let attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
    const attrval = [1, 2, 3];
    obj.Set_attr(this.keyval, attrval);
    attr = obj.Get_attr(this.keyval);
    this.assertIs(attr, attrval);
    if (obj instanceof MPI.Comm || obj instanceof MPI.Datatype) {
      const dup = (obj as AttrObject).Dup!();
      attr = dup.Get_attr(this.keyval);
      if (copy_fn === true) this.assertIs(attr, attrval);
      else if (!copy_fn) this.assertIsNone(attr);
      dup.Free();
    }
    obj.Delete_attr(this.keyval);
    attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
  }

  testAttrCopyFalse(): void {
    this.testAttr(false);
  }

  testAttrCopyTrue(): void {
    this.testAttr(true);
  }

  testAttrNoCopy(): void {
    const [cls, obj] = [this.cls, this.obj];
    let attrval: number[] | null = null;
    const copy_fn = (o: AttrObject, k: number, v: unknown): unknown => {
      if (o.isNull) throw new Error('assert o');
      if (k !== this.keyval) throw new Error('assert k == self.keyval');
      if (v !== attrval) throw new Error('assert v is attrval');
      return MPI.DO_NOT_COPY;
    };
    this.keyval = cls.Create_keyval(copy_fn, null);
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    let attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
    attrval = [1, 2, 3];
    obj.Set_attr(this.keyval, attrval);
    attr = obj.Get_attr(this.keyval);
    this.assertIs(attr, attrval);
    if (obj instanceof MPI.Comm || obj instanceof MPI.Datatype) {
      const dup = (obj as AttrObject).Dup!();
      attr = dup.Get_attr(this.keyval);
      this.assertIsNone(attr);
      dup.Free();
    }
    obj.Delete_attr(this.keyval);
    attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
  }

  testAttrNoPython(intval = 123456789): void {
    const [cls, obj] = [this.cls, this.obj];
    const copy_fn = (o: AttrObject, k: number, v: unknown): unknown => {
      if (o.isNull || k !== this.keyval || v !== intval) throw new Error('copy_fn: unexpected arguments');
      return v;
    };
    const del_fn = (o: AttrObject, k: number, v: unknown): void => {
      if (o.isNull || k !== this.keyval || v !== intval) throw new Error('del_fn: unexpected arguments');
    };
    this.keyval = cls.Create_keyval({ copy_fn, delete_fn: del_fn, nopython: true });
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    let attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
    obj.Set_attr(this.keyval, intval);
    attr = obj.Get_attr(this.keyval);
    this.assertEqual(attr, intval);
    if (obj instanceof MPI.Comm || obj instanceof MPI.Datatype) {
      const dup = (obj as AttrObject).Dup!();
      attr = dup.Get_attr(this.keyval);
      this.assertEqual(attr, intval);
      dup.Free();
    }
    obj.Delete_attr(this.keyval);
    attr = obj.Get_attr(this.keyval);
    this.assertIsNone(attr);
  }

  testAttrNoPythonZero(): void {
    this.testAttrNoPython(0);
  }

  testAttrNoPythonArray(): void {}

  testAttrCopyException(): void {
    const [cls, obj] = [this.cls, this.obj];
    if (!(obj instanceof MPI.Datatype)) return;
    const copy_fn = (): never => {
      throw new ValueError();
    };
    this.keyval = cls.Create_keyval(copy_fn, null);
    try {
      obj.Set_attr(this.keyval, 'value');
      let exc: Error | null = null;
      const stderr = captureStderr(() => {
        exc = this.assertRaises(MPI.Exception, () => obj.Dup().Free());
      });
      const ierr = (exc as unknown as MPI.Exception).Get_error_class();
      this.assertEqual(ierr, MPI.ERR_OTHER);
      this.assertIn('ValueError', stderr);
    } finally {
      obj.Delete_attr(this.keyval);
      this.keyval = cls.Free_keyval(this.keyval);
    }
  }

  testAttrDeleteException(): void {
    const [cls, obj] = [this.cls, this.obj];
    const delete_fn = (): never => {
      throw new ValueError();
    };
    this.keyval = cls.Create_keyval(null, delete_fn);
    obj.Set_attr(this.keyval, 'value');
    try {
      let exc: Error | null = null;
      const stderr = captureStderr(() => {
        exc = this.assertRaises(MPI.Exception, () => obj.Delete_attr(this.keyval));
      });
      const ierr = (exc as unknown as MPI.Exception).Get_error_class();
      this.assertEqual(ierr, MPI.ERR_OTHER);
      this.assertIn('ValueError', stderr);
    } finally {
      this.keyval = cls.Free_keyval(this.keyval);
    }
  }

  static override skips: Record<string, string> = {
    testAttrNoPythonArray: 'typed arrays have no address in JavaScript (array.array.buffer_info)',
  };
}

abstract class BaseTestCommAttr extends BaseTestAttr {
  declare obj: MPI.Intracomm;
  NULL: unknown = MPI.COMM_NULL;

  testAttrCopyDelete(): void {
    const [obj, nul] = [this.obj, this.NULL];
    const cls = MPI.Intracomm;
    this.keyval = cls.Create_keyval({
      copy_fn: (_o, _k, v: MPI.Intracomm) => cls.prototype.Dup.call(v),
      delete_fn: (_o, _k, v: MPI.Intracomm) => cls.prototype.Free.call(v),
    });
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    //
    const obj1 = obj;
    const dup1 = obj1.Dup();
    obj1.Set_attr(this.keyval, dup1);
    this.assertNotEqual(dup1, nul);
    const obj2 = obj1.Dup();
    const dup2 = obj2.Get_attr(this.keyval);
    this.assertNotEqual(dup1, dup2);
    obj2.Free();
    this.assertEqual(dup2, nul);
    this.obj.Delete_attr(this.keyval);
    this.assertEqual(dup1, nul);
  }
}

export class TestCommAttrWorld extends BaseTestCommAttr {
  override setUp(): void {
    this.obj = MPI.COMM_WORLD.Dup();
  }
}

export class TestCommAttrSelf extends BaseTestCommAttr {
  override setUp(): void {
    this.obj = MPI.COMM_SELF.Dup();
  }
}

abstract class BaseTestDatatypeAttr extends BaseTestAttr {
  declare obj: MPI.Datatype;
  NULL: unknown = MPI.DATATYPE_NULL;

  testAttrCopyDelete(): void {
    const [obj, nul] = [this.obj, this.NULL];
    const cls = MPI.Datatype;
    this.keyval = cls.Create_keyval({
      copy_fn: (_o, _k, v: MPI.Datatype) => cls.prototype.Dup.call(v),
      delete_fn: (_o, _k, v: MPI.Datatype) => cls.prototype.Free.call(v),
    });
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    //
    const obj1 = obj;
    const dup1 = obj1.Dup();
    obj1.Set_attr(this.keyval, dup1);
    this.assertNotEqual(dup1, nul);
    const obj2 = obj1.Dup();
    const dup2 = obj2.Get_attr(this.keyval);
    this.assertNotEqual(dup1, dup2);
    obj2.Free();
    this.assertEqual(dup2, nul);
    this.obj.Delete_attr(this.keyval);
    this.assertEqual(dup1, nul);
  }
}

export class TestDatatypeAttrBYTE extends BaseTestDatatypeAttr {
  override setUp(): void {
    this.obj = MPI.BYTE.Dup();
  }
}

export class TestDatatypeAttrINT extends BaseTestDatatypeAttr {
  override setUp(): void {
    this.obj = MPI.INT.Dup();
  }
}

export class TestDatatypeAttrFLOAT extends BaseTestDatatypeAttr {
  override setUp(): void {
    this.obj = MPI.FLOAT.Dup();
  }
}

const winTests = [
  'testAttr', 'testAttrCopyFalse', 'testAttrCopyTrue', 'testAttrNoCopy', 'testAttrNoPython', 'testAttrNoPythonZero',
  'testAttrCopyException', 'testAttrDeleteException', 'testAttrCopyDelete',
];

export class TestWinAttr extends BaseTestAttr {
  NULL: unknown = anyMPI['WIN_NULL'];

  override setUp(): void {
    this.obj = anyMPI['Win'].Create(MPI.BOTTOM, 1, MPI.INFO_NULL, MPI.COMM_SELF);
  }

  override tearDown(): void {
    if (this.obj) super.tearDown();
  }

  testAttrCopyDelete(): void {
    const nul = this.NULL;
    let win: any = null;
    const delete_fn = (o: AttrObject, k: number, v: unknown): void => {
      if (o.isNull || k !== this.keyval || v !== win) throw new Error('delete_fn: unexpected arguments');
      anyMPI['Win'].prototype.Free.call(v);
    };
    this.keyval = anyMPI['Win'].Create_keyval({ delete_fn });
    this.assertNotEqual(this.keyval, MPI.KEYVAL_INVALID);
    //
    win = anyMPI['Win'].Create(MPI.BOTTOM, 1, MPI.INFO_NULL, MPI.COMM_SELF);
    this.obj.Set_attr(this.keyval, win);
    this.assertNotEqual(win, nul);
    this.obj.Delete_attr(this.keyval);
    this.assertEqual(win, nul);
  }
}
