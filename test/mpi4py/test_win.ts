/**
 * Port of mpi4py's test/test_win.py. Window memory over more than one
 * process must be SharedArrayBuffer-backed in mpi4ts (MPI.Alloc_mem gives
 * such memory, as the module uses). A dynamic window's `tomemory()` is an
 * empty Uint8Array, which has an address of its own in JavaScript
 * (MPI.Get_address), where mpi4py's has address 0: the module checks its
 * length and WIN_BASE instead.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';


const PICKLE = 'JavaScript has no pickle module (handles do not cross ranks as values)';

function memzero(m: Uint8Array): void {
  m.fill(0);
}

export class TestWinNull extends TestCase {
  testConstructor(): void {
    const win = new MPI.Win();
    this.assertEqual(win, MPI.WIN_NULL);
    this.assertIsNot(win, MPI.WIN_NULL);
    this.assertRaises(TypeError, () => new MPI.Win([1, 2, 3] as unknown as MPI.Win));
  }

  testGetName(): void {
    const name = MPI.WIN_NULL.Get_name();
    this.assertEqual(name, 'MPI_WIN_NULL');
  }
}

abstract class BaseTestWin extends TestCase {
  static override skips: Record<string, string> = { testPickle: PICKLE };
  COMM: MPI.Intracomm = MPI.COMM_WORLD;
  INFO: MPI.Info = MPI.INFO_NULL;
  CREATE_FLAVOR: number = MPI.UNDEFINED;
  WIN!: MPI.Win;
  memory!: Uint8Array;

  testGetAttr(): void {
    const base = MPI.Get_address(this.memory);
    const size = this.memory.length;
    const unit = 1;
    this.assertEqual(size, this.WIN.Get_attr(MPI.WIN_SIZE));
    this.assertEqual(unit, this.WIN.Get_attr(MPI.WIN_DISP_UNIT));
    this.assertEqual(base, this.WIN.Get_attr(MPI.WIN_BASE));
  }

  testMemory(): void {
    const memory = this.WIN.tomemory();
    this.assertIsInstance(memory, Uint8Array);
    const pointer = MPI.Get_address(memory);
    const length = memory.length;
    const [base, size, dunit] = this.WIN.attrs;
    this.assertEqual(size, length);
    this.assertEqual(dunit, 1);
    this.assertEqual(base, pointer);
  }

  testAttributes(): void {
    const [base, size, unit] = this.WIN.attrs;
    this.assertEqual(base, MPI.Get_address(this.memory));
    this.assertEqual(size, this.memory.length);
    this.assertEqual(unit, 1);
  }

  testGetGroup(): void {
    const cgroup = this.COMM.Get_group();
    const wgroup = this.WIN.Get_group();
    const grpcmp = MPI.Group.Compare(cgroup, wgroup);
    cgroup.Free();
    wgroup.Free();
    this.assertEqual(grpcmp, MPI.IDENT);
  }

  testGetSetInfo(): void {
    let info = MPI.Info.Create();
    this.WIN.Set_info(info);
    info.Free();
    info = this.WIN.Get_info();
    this.WIN.Set_info(info);
    info.Free();
  }

  testGetSetName(): void {
    const name = this.WIN.Get_name();
    this.WIN.Set_name('mywin');
    this.assertEqual(this.WIN.Get_name(), 'mywin');
    this.WIN.Set_name(name);
    this.assertEqual(this.WIN.Get_name(), name);
    this.WIN.name = this.WIN.name;
  }

  testCreateFlavor(): void {
    const flavors = [MPI.WIN_FLAVOR_CREATE, MPI.WIN_FLAVOR_ALLOCATE, MPI.WIN_FLAVOR_DYNAMIC, MPI.WIN_FLAVOR_SHARED];
    const flavor = this.WIN.Get_attr(MPI.WIN_CREATE_FLAVOR);
    this.assertIn(flavor, flavors);
    this.assertEqual(flavor, this.WIN.flavor);
    this.assertEqual(flavor, this.CREATE_FLAVOR);
  }

  testMemoryModel(): void {
    const models = [MPI.WIN_SEPARATE, MPI.WIN_UNIFIED];
    const model = this.WIN.Get_attr(MPI.WIN_MODEL);
    this.assertIn(model, models);
    this.assertEqual(model, this.WIN.model);
  }

  testSharedQuery(): void {
    const flavor = this.WIN.Get_attr(MPI.WIN_CREATE_FLAVOR);
    if (flavor !== MPI.WIN_FLAVOR_SHARED) {
      const [major, minor] = MPI.Get_version();
      if (major < 4 || (major === 4 && minor < 1)) return;
      if (flavor === MPI.WIN_FLAVOR_DYNAMIC) return;
    }
    const memory = this.WIN.tomemory();
    const address = MPI.Get_address(memory);
    const length = memory.length;
    const memories = this.COMM.allgather([address, length]) as [number, number][];
    for (let i = 0; i < this.COMM.Get_size(); i++) {
      const query = i, target = i;
      const [mem, disp] = this.WIN.Shared_query(query);
      const base = MPI.Get_address(mem);
      const size = mem.length;
      if (flavor === MPI.WIN_FLAVOR_SHARED || size !== 0) {
        if (this.COMM.Get_rank() === target) this.assertEqual(base, memories[target]![0]);
        this.assertEqual(size, memories[target]![1]);
        this.assertEqual(disp, 1);
      }
    }
    const query = MPI.PROC_NULL, target = 0;
    const [mem, disp] = this.WIN.Shared_query(query);
    const base = MPI.Get_address(mem);
    const size = mem.length;
    if (flavor === MPI.WIN_FLAVOR_SHARED || size !== 0) {
      if (this.COMM.Get_rank() === target) this.assertEqual(base, memories[target]![0]);
      this.assertEqual(size, memories[target]![1]);
      this.assertEqual(disp, 1);
    }
  }

  testPyProps(): void {
    const win = this.WIN;
    const group = win.group;
    this.assertIsInstance(group, MPI.Group);
    this.assertEqual(win.group_size, group.Get_size());
    this.assertEqual(win.group_rank, group.Get_rank());
    group.Free();
    const info = win.info;
    this.assertIsInstance(info, MPI.Info);
    win.info = info;
    info.Free();
    this.assertTrue(Array.isArray(win.attrs));
    this.assertEqual(typeof win.flavor, 'number');
    this.assertEqual(typeof win.model, 'number');
    this.assertEqual(typeof win.name, 'string');
    win.name = 'mywin';
    this.assertEqual(win.name, 'mywin');
  }

  testPickle(): void {}
}

abstract class BaseTestWinCreate extends BaseTestWin {
  override CREATE_FLAVOR = MPI.WIN_FLAVOR_CREATE;

  override setUp(): void {
    const blen = 10 + this.COMM.Get_rank();
    this.memory = MPI.Alloc_mem(blen);
    memzero(this.memory);
    this.WIN = MPI.Win.Create(this.memory, 1, this.INFO, this.COMM);
  }

  override tearDown(): void {
    this.WIN.Free();
    MPI.Free_mem(this.memory);
  }
}

abstract class BaseTestWinAllocate extends BaseTestWin {
  override CREATE_FLAVOR = MPI.WIN_FLAVOR_ALLOCATE;

  override setUp(): void {
    const blen = 10 + this.COMM.Get_rank();
    this.WIN = MPI.Win.Allocate(blen, 1, this.INFO, this.COMM);
    this.memory = this.WIN.tomemory();
    memzero(this.memory);
  }

  override tearDown(): void {
    this.WIN.Free();
  }
}

abstract class BaseTestWinAllocateShared extends BaseTestWin {
  override CREATE_FLAVOR = MPI.WIN_FLAVOR_SHARED;

  override setUp(): void {
    const sharedcomm = this.COMM.Get_size() > 1 ? this.COMM.Split_type(MPI.COMM_TYPE_SHARED) : this.COMM.Dup();
    this.COMM = sharedcomm;
    try {
      const blen = 10 + this.COMM.Get_rank();
      this.WIN = MPI.Win.Allocate_shared(blen, 1, this.INFO, this.COMM);
    } catch (e) {
      this.COMM.Free();
      throw e;
    }
    this.memory = this.WIN.tomemory();
    memzero(this.memory);
  }

  override tearDown(): void {
    this.COMM.Free();
    this.WIN.Free();
  }
}

abstract class BaseTestWinCreateDynamic extends BaseTestWin {
  override CREATE_FLAVOR = MPI.WIN_FLAVOR_DYNAMIC;

  override setUp(): void {
    this.WIN = MPI.Win.Create_dynamic(this.INFO, this.COMM);
  }

  override tearDown(): void {
    this.WIN.Free();
  }

  override testGetAttr(): void {
    const base = this.WIN.Get_attr(MPI.WIN_BASE);
    const size = this.WIN.Get_attr(MPI.WIN_SIZE);
    this.assertEqual(base, 0);
    this.assertEqual(size, 0);
  }

  override testMemory(): void {
    const memory = this.WIN.tomemory();
    this.assertIsInstance(memory, Uint8Array);
    // mpi4py: MPI.Get_address(memory) == 0; an empty JavaScript array has an address of its own.
    const base = this.WIN.Get_attr(MPI.WIN_BASE);
    const size = memory.length;
    this.assertEqual(base, 0);
    this.assertEqual(size, 0);
  }

  override testAttributes(): void {
    const [base, size] = this.WIN.attrs;
    this.assertEqual(base, 0);
    this.assertEqual(size, 0);
  }

  testAttachDetach(): void {
    const mem1 = MPI.Alloc_mem(8);
    const mem2 = MPI.Alloc_mem(16);
    const mem3 = MPI.Alloc_mem(32);
    for (const mem of [mem1, mem2, mem3]) {
      this.WIN.Attach(mem);
      this.testMemory();
      this.WIN.Detach(mem);
    }
    for (const mem of [mem1, mem2, mem3]) this.WIN.Attach(mem);
    this.testMemory();
    for (const mem of [mem1, mem2, mem3]) this.WIN.Detach(mem);
    for (const mem of [mem1, mem2, mem3]) this.WIN.Attach(mem);
    this.testMemory();
    for (const mem of [mem3, mem2, mem1]) this.WIN.Detach(mem);
    MPI.Free_mem(mem1);
    MPI.Free_mem(mem2);
    MPI.Free_mem(mem3);
  }
}

export class TestWinCreateSelf extends BaseTestWinCreate { override COMM = MPI.COMM_SELF; }
export class TestWinCreateWorld extends BaseTestWinCreate { override COMM = MPI.COMM_WORLD; }
export class TestWinAllocateSelf extends BaseTestWinAllocate { override COMM = MPI.COMM_SELF; }
export class TestWinAllocateWorld extends BaseTestWinAllocate { override COMM = MPI.COMM_WORLD; }
export class TestWinAllocateSharedSelf extends BaseTestWinAllocateShared { override COMM = MPI.COMM_SELF; }
export class TestWinAllocateSharedWorld extends BaseTestWinAllocateShared { override COMM = MPI.COMM_WORLD; }
export class TestWinCreateDynamicSelf extends BaseTestWinCreateDynamic { override COMM = MPI.COMM_SELF; }
export class TestWinCreateDynamicWorld extends BaseTestWinCreateDynamic { override COMM = MPI.COMM_WORLD; }
