/**
 * Port of mpi4py's test/test_file.py. Python's pathlib.Path is a file: URL
 * here, bytes a Buffer; tempfile.mkstemp is made with node:fs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const PICKLE = 'JavaScript has no pickle module (handles do not cross ranks as values)';

type Intracomm = InstanceType<typeof MPI.Intracomm>;

let serial = 0;
/** tempfile.mkstemp(prefix=prefix) + close: a new empty file, its name. */
export function maketemp(prefix: string): string {
  for (;;) {
    const name = path.join(os.tmpdir(), `${prefix}${process.pid.toString(36)}${(serial++).toString(36)}${Math.random().toString(36).slice(2, 8)}`);
    try {
      fs.closeSync(fs.openSync(name, 'wx', 0o600));
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** mpi4py's BaseTestFile (not exported: a mixin, run through its subclasses). */
abstract class BaseTestFile extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);
  FILE: MPI.File = MPI.FILE_NULL;
  prefix = 'mpi4py';
  fname = '';
  amode = 0;

  override setUp(): void {
    this.fname = maketemp(this.prefix);
    this.amode = MPI.MODE_RDWR | MPI.MODE_CREATE;
    // this.amode |= MPI.MODE_DELETE_ON_CLOSE
    try {
      this.FILE = MPI.File.Open(this.COMM, pathToFileURL(this.fname), this.amode, MPI.INFO_NULL);
    } catch (e) {
      fs.unlinkSync(this.fname);
      throw e;
    }
  }

  override tearDown(): void {
    if (this.FILE.equals(MPI.FILE_NULL)) return;
    const amode = this.FILE.amode;
    this.FILE.Close();
    if (!(amode & MPI.MODE_DELETE_ON_CLOSE)) MPI.File.Delete(this.fname, MPI.INFO_NULL);
  }

  testPreallocate(): void {
    let size = this.FILE.Get_size();
    this.assertEqual(size, 0);
    this.FILE.Preallocate(1);
    size = this.FILE.Get_size();
    this.assertEqual(size, 1);
    this.FILE.Preallocate(100);
    size = this.FILE.Get_size();
    this.assertEqual(size, 100);
    this.FILE.Preallocate(10);
    size = this.FILE.Get_size();
    this.assertEqual(size, 100);
    this.FILE.Preallocate(200);
    size = this.FILE.Get_size();
    this.assertEqual(size, 200);
  }

  testGetSetSize(): void {
    let size = this.FILE.Get_size();
    this.assertEqual(size, 0);
    size = this.FILE.size;
    this.assertEqual(size, 0);
    this.FILE.Set_size(100);
    size = this.FILE.Get_size();
    this.assertEqual(size, 100);
    size = this.FILE.size;
    this.assertEqual(size, 100);
  }

  testGetGroup(): void {
    const fgroup = this.FILE.Get_group();
    const cgroup = this.COMM.Get_group();
    const gcomp = MPI.Group.Compare(fgroup, cgroup);
    this.assertEqual(gcomp, MPI.IDENT);
    fgroup.Free();
    cgroup.Free();
  }

  testGetAmode(): void {
    const amode = this.FILE.Get_amode();
    this.assertEqual(this.amode, amode);
    this.assertEqual(this.FILE.amode, this.amode);
  }

  testGetSetInfo(): void {
    let info = MPI.Info.Create();
    this.FILE.Set_info(info);
    info.Free();
    info = this.FILE.Get_info();
    this.FILE.Set_info(info);
    info.Free();
  }

  testGetSetView(): void {
    const fsize = 100 * MPI.DOUBLE.size;
    this.FILE.Set_size(fsize);
    const datatypes = [MPI.SHORT, MPI.INT, MPI.LONG, MPI.FLOAT, MPI.DOUBLE];
    const datareps = ['native']; // ['native', 'internal', 'external32']
    for (let disp = 0; disp < 100; disp++) {
      for (const dtype of datatypes) {
        for (const datarep of datareps) {
          const [etype, ftype] = [dtype, dtype];
          this.FILE.Set_view(disp, etype, ftype, datarep, MPI.INFO_NULL);
          const [of, et, ft, dr] = this.FILE.Get_view();
          this.assertEqual(disp, of);
          this.assertEqual(etype.Get_extent(), et.Get_extent());
          this.assertEqual(ftype.Get_extent(), ft.Get_extent());
          this.assertEqual(datarep, dr);
          if (!et.is_predefined) et.Free();
          if (!ft.is_predefined) ft.Free();
        }
      }
    }
  }

  testGetSetAtomicity(): void {
    const atom = this.FILE.Get_atomicity();
    this.assertFalse(atom);
    for (const atomicity of [true, false, true, false, true, false, true, false]) {
      this.FILE.Set_atomicity(atomicity);
      this.assertEqual(this.FILE.Get_atomicity(), atomicity);
    }
  }

  testSync(): void {
    this.FILE.Sync();
  }

  testSeekGetPosition(): void {
    const offset = 0;
    this.FILE.Seek(offset, MPI.SEEK_END);
    this.FILE.Seek(offset, MPI.SEEK_CUR);
    this.FILE.Seek(offset, MPI.SEEK_SET);
    const pos = this.FILE.Get_position();
    this.assertEqual(pos, offset);
  }

  testSeekGetPositionShared(): void {
    const offset = 0;
    this.FILE.Seek_shared(offset, MPI.SEEK_END);
    this.FILE.Seek_shared(offset, MPI.SEEK_CUR);
    this.FILE.Seek_shared(offset, MPI.SEEK_SET);
    const pos = this.FILE.Get_position_shared();
    this.assertEqual(pos, offset);
  }

  testGetByteOffset(): void {
    for (let offset = 0; offset < 10; offset++) {
      const disp = this.FILE.Get_byte_offset(offset);
      this.assertEqual(disp, offset);
    }
  }

  testGetTypeExtent(): void {
    const extent = this.FILE.Get_type_extent(MPI.BYTE);
    this.assertEqual(extent, 1);
  }

  testGetErrhandler(): void {
    const eh = this.FILE.Get_errhandler();
    this.assertEqual(eh, MPI.ERRORS_RETURN);
    eh.Free();
  }

  testPyProps(): void {
    const file = this.FILE;
    this.assertEqual(file.size, 0);
    this.assertEqual(file.amode, this.amode);
    const group = file.group;
    this.assertTrue(group instanceof MPI.Group);
    this.assertEqual(file.group_size, group.Get_size());
    this.assertEqual(file.group_rank, group.Get_rank());
    group.Free();
    const info = file.info;
    this.assertTrue(info instanceof MPI.Info);
    file.info = info;
    info.Free();
    this.assertEqual(typeof file.atomicity, 'boolean');
    for (const atomicity of [true, false, true, false, true, false, true, false]) {
      file.atomicity = atomicity;
      this.assertEqual(file.atomicity, atomicity);
    }
  }

  testPickle(): void {}
}

export class TestFileSelf extends BaseTestFile {
  static override skips = { testPickle: PICKLE };
  override COMM = MPI.COMM_SELF;
  override prefix = `mpi4py-${MPI.COMM_WORLD.Get_rank()}`;
}

export class TestFilePath extends BaseTestFile {
  static override skips = { testPickle: PICKLE };
  override COMM = MPI.COMM_SELF;
  override prefix = `mpi4py-${MPI.COMM_WORLD.Get_rank()}`;

  static _test_open_close(p: string | URL | Uint8Array, name: string): void {
    const comm = MPI.COMM_SELF;
    let amode = MPI.MODE_CREATE | MPI.MODE_RDWR;
    amode |= MPI.MODE_DELETE_ON_CLOSE;
    let fh: MPI.File;
    try {
      fh = MPI.File.Open(comm, p, amode);
    } catch (e) {
      fs.unlinkSync(name);
      throw e;
    }
    fh.Close();
    if (fs.existsSync(name)) throw new Error(`${name} still exists after Close with MODE_DELETE_ON_CLOSE`);
  }

  testPath(): void {
    const name = maketemp(this.prefix);
    TestFilePath._test_open_close(pathToFileURL(name), name);
  }

  testStr(): void {
    const name = maketemp(this.prefix);
    TestFilePath._test_open_close(name, name);
  }

  testBytes(): void {
    const name = maketemp(this.prefix);
    TestFilePath._test_open_close(Buffer.from(name), name);
  }
}
