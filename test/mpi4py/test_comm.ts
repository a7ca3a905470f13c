/**
 * Port of mpi4py's test/test_comm.py. `==` between handles is assertEqual's
 * handle comparison (unittest.ts handleEqual); `is` is `===`.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
const PICKLE = 'JavaScript has no pickle module (objects cross ranks by structured clone)';
const M = MPI as unknown as Record<string, unknown>;

/** Python's tuple comparison MPI.Get_version() < (major, minor). */
function versionBelow(major: number, minor: number): boolean {
  const [a, b] = MPI.Get_version();
  return a < major || (a === major && b < minor);
}

export class TestCommNull extends TestCase {
  static override skips = { testPickle: PICKLE };

  testConstructor(): void {
    const comm = new MPI.Comm();
    this.assertEqual(comm, MPI.COMM_NULL);
    this.assertIsNot(comm, MPI.COMM_NULL);
    const construct = (): void => { new (MPI.Comm as unknown as new (x: unknown) => unknown)([1, 2, 3]); };
    this.assertRaises(TypeError, construct);
  }

  testConstructorIntra(): void {
    const comm_null = new MPI.Intracomm();
    this.assertEqual(comm_null, MPI.COMM_NULL);
    this.assertIsNot(comm_null, MPI.COMM_NULL);
  }

  testConstructorInter(): void {
    const comm_null = new MPI.Intercomm();
    this.assertEqual(comm_null, MPI.COMM_NULL);
    this.assertIsNot(comm_null, MPI.COMM_NULL);
  }

  testGetName(): void {
    const name = MPI.COMM_NULL.Get_name();
    this.assertEqual(name, 'MPI_COMM_NULL');
  }

  testPickle(): void {}
}

abstract class BaseTestComm extends TestCase {
  static override skips: Record<string, string> = { testPickle: PICKLE };
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);

  testConstructor(): void {
    const comm = new MPI.Comm(this.COMM);
    this.assertEqual(comm, this.COMM);
    this.assertIsNot(comm, this.COMM);
  }

  testSize(): void {
    const size = this.COMM.Get_size();
    this.assertGreaterEqual(size, 1);
  }

  testRank(): void {
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    this.assertGreaterEqual(rank, 0);
    this.assertLess(rank, size);
  }

  testGroup(): void {
    const comm = this.COMM;
    const group = this.COMM.Get_group();
    this.assertEqual(comm.Get_size(), group.Get_size());
    this.assertEqual(comm.Get_rank(), group.Get_rank());
    group.Free();
    this.assertEqual(group, MPI.GROUP_NULL);
  }

  testCloneFree(): void {
    const comm = this.COMM.Clone();
    comm.Free();
    this.assertEqual(comm, MPI.COMM_NULL);
  }

  testCompare(): void {
    const results = [MPI.IDENT, MPI.CONGRUENT, MPI.SIMILAR, MPI.UNEQUAL];
    let ccmp = MPI.Comm.Compare(this.COMM, MPI.COMM_WORLD);
    this.assertIn(ccmp, results);
    ccmp = MPI.Comm.Compare(this.COMM, this.COMM);
    this.assertEqual(ccmp, MPI.IDENT);
    const comm = this.COMM.Dup();
    ccmp = MPI.Comm.Compare(this.COMM, comm);
    comm.Free();
    this.assertEqual(ccmp, MPI.CONGRUENT);
  }

  testIsInter(): void {
    const is_inter = this.COMM.Is_inter();
    this.assertIs(typeof is_inter, 'boolean');
  }

  testGetSetName(): void {
    const name = this.COMM.Get_name();
    this.COMM.Set_name('mycomm');
    this.assertEqual(this.COMM.Get_name(), 'mycomm');
    this.COMM.Set_name(name);
    this.assertEqual(this.COMM.Get_name(), name);
    this.COMM.name = this.COMM.name;
  }

  testGetParent(): void {
    const parent = MPI.Comm.Get_parent();
    this.assertIsInstance(parent, MPI.Intercomm);
  }

  testDupWithInfo(): void {
    const C = this.COMM as unknown as { Dup(i: unknown): Intracomm; Dup_with_info(i: unknown): Intracomm };
    let info: unknown = null;
    C.Dup(info).Free();
    info = MPI.INFO_NULL;
    C.Dup(info).Free();
    C.Dup_with_info(info).Free();
    info = (M['Info'] as { Create(): unknown }).Create();
    C.Dup(info).Free();
    C.Dup_with_info(info).Free();
    (info as { Free(): void }).Free();
  }

  testIDup(): void {
    const [comm, request] = (this.COMM as unknown as { Idup(): [Intracomm, { Wait(): void }] }).Idup();
    request.Wait();
    const ccmp = MPI.Comm.Compare(this.COMM, comm);
    comm.Free();
    this.assertEqual(ccmp, MPI.CONGRUENT);
  }

  testIDupWithInfo(): void {
    const C = this.COMM as unknown as { Idup(i?: unknown): [Intracomm, { Wait(): void }]; Idup_with_info(i: unknown): [Intracomm, { Wait(): void }] };
    let [comm, request] = C.Idup_with_info(MPI.INFO_NULL);
    request.Wait();
    let ccmp = MPI.Comm.Compare(this.COMM, comm);
    comm.Free();
    this.assertEqual(ccmp, MPI.CONGRUENT);
    const new_info = (M['Info'] as { Create(): { Free(): void } }).Create();
    for (const info of [null, MPI.INFO_NULL, new_info]) {
      [comm, request] = C.Idup(info);
      request.Wait();
      ccmp = MPI.Comm.Compare(this.COMM, comm);
      comm.Free();
      this.assertEqual(ccmp, MPI.CONGRUENT);
    }
    new_info.Free();
  }

  testGetSetInfo(): void {
    const C = this.COMM as unknown as { Set_info(i: unknown): void; Get_info(): { Free(): void } };
    let info = (M['Info'] as { Create(): { Free(): void } }).Create();
    C.Set_info(info);
    info.Free();
    info = C.Get_info();
    C.Set_info(info);
    info.Free();
  }

  testCreate(): void {
    const group = this.COMM.Get_group();
    const comm = this.COMM.Create(group);
    let ccmp = MPI.Comm.Compare(this.COMM, comm);
    this.assertEqual(ccmp, MPI.CONGRUENT);
    ccmp = this.COMM.Compare(comm);
    this.assertEqual(ccmp, MPI.CONGRUENT);
    comm.Free();
    group.Free();
  }

  testCreateGroup(): void {
    const group = this.COMM.Get_group();
    try {
      const comm = this.COMM.Create_group(group);
      const ccmp = MPI.Comm.Compare(this.COMM, comm);
      comm.Free();
      this.assertEqual(ccmp, MPI.CONGRUENT);
    } finally {
      group.Free();
    }
  }

  testCreateFromGroup(): void {
    const group = this.COMM.Get_group();
    try {
      const comm = MPI.Intracomm.Create_from_group(group);
      const ccmp = MPI.Comm.Compare(this.COMM, comm);
      comm.Free();
      this.assertEqual(ccmp, MPI.CONGRUENT);
    } finally {
      group.Free();
    }
  }

  testSplit(): void {
    const base = this.COMM;
    let comm = base.Split(42, 42);
    this.assertEqual(comm.Get_rank(), base.Get_rank());
    this.assertEqual(comm.Get_size(), base.Get_size());
    comm.Free();
    const color = base.Get_rank();
    comm = base.Split(color, 42);
    this.assertEqual(comm.Get_rank(), 0);
    this.assertEqual(comm.Get_size(), 1);
    comm.Free();
  }

  testSplitTypeShared(): void {
    MPI.COMM_SELF.Split_type(MPI.COMM_TYPE_SHARED).Free();
    let comm = this.COMM.Split_type(MPI.UNDEFINED);
    this.assertEqual(comm, MPI.COMM_NULL);
    comm = this.COMM.Split_type(MPI.COMM_TYPE_SHARED);
    this.assertNotEqual(comm, MPI.COMM_NULL);
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    if (size === 1) {
      this.assertEqual(comm.size, 1);
      this.assertEqual(comm.rank, 0);
    }
    comm.Free();
    for (const root of range(size)) {
      const split_type = rank === root ? MPI.COMM_TYPE_SHARED : MPI.UNDEFINED;
      comm = this.COMM.Split_type(split_type);
      if (rank === root) {
        this.assertNotEqual(comm, MPI.COMM_NULL);
        this.assertEqual(comm.size, 1);
        this.assertEqual(comm.rank, 0);
        comm.Free();
      } else {
        this.assertEqual(comm, MPI.COMM_NULL);
      }
    }
  }

  testSplitTypeHWGuided(): void {
    MPI.COMM_SELF.Split_type(MPI.COMM_TYPE_SHARED).Free();
    if (versionBelow(4, 0)) this.skipTest('mpi-comm-split_type-hw_guided');
    const Info = M['Info'] as { Create(): { Set(k: string, v: string): void; Get(k: string): unknown; Free(): void } };
    let split_type = MPI.COMM_TYPE_HW_GUIDED;
    let comm = this.COMM.Split_type(split_type);
    this.assertEqual(comm, MPI.COMM_NULL);
    comm = this.COMM.Split_type(split_type, 0, MPI.INFO_NULL);
    this.assertEqual(comm, MPI.COMM_NULL);
    let info = Info.Create();
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Set('foo', 'bar');
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Set('mpi_hw_resource_type', '@dont-thread-on-me@');
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Free();
    const restype = 'mpi_hw_resource_type';
    const shmem = 'mpi_shared_memory';
    info = Info.Create();
    info.Set(restype, shmem);
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertNotEqual(comm, MPI.COMM_NULL);
    this.assertEqual(info.Get(restype), shmem);
    comm.Free();
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const root of range(size)) {
      split_type = rank === root ? MPI.COMM_TYPE_HW_GUIDED : MPI.UNDEFINED;
      comm = this.COMM.Split_type(split_type, 0, info);
      this.assertEqual(info.Get(restype), shmem);
      if (rank === root) {
        this.assertNotEqual(comm, MPI.COMM_NULL);
        this.assertEqual(comm.size, 1);
        this.assertEqual(comm.rank, 0);
        comm.Free();
      } else {
        this.assertEqual(comm, MPI.COMM_NULL);
      }
    }
    info.Free();
  }

  testSplitTypeResourceGuided(): void {
    MPI.COMM_SELF.Split_type(MPI.COMM_TYPE_SHARED).Free();
    if (versionBelow(4, 1)) this.skipTest('mpi-comm-split_type-resource_guided');
    const split_type = M['COMM_TYPE_RESOURCE_GUIDED'] as number;
    const Info = M['Info'] as { Create(): { Set(k: string, v: string): void; Get(k: string): unknown; Free(): void } };
    let comm = this.COMM.Split_type(split_type);
    this.assertEqual(comm, MPI.COMM_NULL);
    comm = this.COMM.Split_type(split_type, 0, MPI.INFO_NULL);
    this.assertEqual(comm, MPI.COMM_NULL);
    let info = Info.Create();
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Set('foo', 'bar');
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Set('mpi_hw_resource_type', '@dont-thread-on-me@');
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertEqual(comm, MPI.COMM_NULL);
    info.Free();
    const restype = 'mpi_hw_resource_type';
    const shmem = 'mpi_shared_memory';
    info = Info.Create();
    info.Set(restype, shmem);
    comm = this.COMM.Split_type(split_type, 0, info);
    this.assertNotEqual(comm, MPI.COMM_NULL);
    this.assertEqual(info.Get(restype), shmem);
    comm.Free();
    const size = this.COMM.Get_size();
    const rank = this.COMM.Get_rank();
    for (const root of range(size)) {
      comm = this.COMM.Split_type(rank === root ? split_type : MPI.UNDEFINED, 0, info);
      this.assertEqual(info.Get(restype), shmem);
      if (rank === root) {
        this.assertNotEqual(comm, MPI.COMM_NULL);
        this.assertEqual(comm.size, 1);
        this.assertEqual(comm.rank, 0);
        comm.Free();
      } else {
        this.assertEqual(comm, MPI.COMM_NULL);
      }
    }
    info.Free();
  }

  testSplitTypeHWUnguided(): void {
    MPI.COMM_SELF.Split_type(MPI.COMM_TYPE_SHARED).Free();
    if (versionBelow(4, 0)) this.skipTest('mpi-comm-split_type-hw_unguided');
    const Info = M['Info'] as { Create(): { Get(k: string): unknown; Free(): void } };
    const hwcomm: Intracomm[] = [this.COMM];
    while (hwcomm.length < 32) {
      const rank = hwcomm.at(-1)!.Get_rank();
      const info = Info.Create();
      const comm = hwcomm.at(-1)!.Split_type(MPI.COMM_TYPE_HW_UNGUIDED, rank, info);
      if (!comm.isNull) {
        this.assertTrue(info.Get('mpi_hw_resource_type'));
        this.assertLess(comm.Get_size(), hwcomm.at(-1)!.Get_size());
      }
      info.Free();
      if (comm === MPI.COMM_NULL || comm.isNull) break;
      hwcomm.push(comm);
    }
    for (const comm of hwcomm.slice(1)) comm.Free();
  }

  testBuffering(): void {
    const comm = this.COMM.Dup() as unknown as Record<string, (...a: unknown[]) => unknown> & Intracomm;
    const buf = (M['Alloc_mem'] as (n: number) => unknown)((1 << 16) + (M['BSEND_OVERHEAD'] as number));
    try {
      this.catchNotImplementedError(() => { comm['Attach_buffer']!(buf); });
      this.catchNotImplementedError(() => { comm['Flush_buffer']!(); });
      this.catchNotImplementedError(() => { (comm['Iflush_buffer']!() as { Wait(): void }).Wait(); });
    } finally {
      this.catchNotImplementedError(() => {
        const oldbuf = comm['Detach_buffer']!() as InstanceType<typeof MPI.buffer>;
        this.assertIsInstance(oldbuf, MPI.buffer);
        this.assertIs(oldbuf.constructor, MPI.buffer);
        // mpi4py compares addresses (omitted in mpi4ts): the same memory.
        this.assertIs(oldbuf.obj, (buf as InstanceType<typeof MPI.buffer>).obj);
        this.assertEqual(oldbuf.nbytes, (buf as InstanceType<typeof MPI.buffer>).nbytes);
      });
      (M['Free_mem'] as (b: unknown) => void)(buf);
      this.catchNotImplementedError(() => {
        comm['Attach_buffer']!(M['BUFFER_AUTOMATIC']);
        const bufauto = comm['Detach_buffer']!();
        this.assertEqual(bufauto, M['BUFFER_AUTOMATIC']);
      });
      comm.Free();
    }
  }

  testPickle(): void {}

  testPyProps(): void {
    const comm = this.COMM;
    this.assertEqual(comm.Get_size(), comm.size);
    this.assertEqual(comm.Get_rank(), comm.rank);
    this.assertEqual(comm.Is_intra(), comm.is_intra);
    this.assertEqual(comm.Is_inter(), comm.is_inter);
    this.assertEqual(comm.Get_topology(), comm.topology);
    const group = comm.group;
    this.assertIs(Object.getPrototypeOf(group), MPI.Group.prototype);
    group.Free();
    const C = comm as unknown as { info: { Free(): void } };
    const info = C.info;
    this.assertIs(Object.getPrototypeOf(info), (M['Info'] as { prototype: unknown }).prototype);
    C.info = info;
    info.Free();
  }
}

export class TestCommSelf extends BaseTestComm {
  override setUp(): void { this.COMM = MPI.COMM_SELF; }

  override testSize(): void {
    this.assertEqual(this.COMM.Get_size(), 1);
  }

  override testRank(): void {
    this.assertEqual(this.COMM.Get_rank(), 0);
  }
}

export class TestCommWorld extends BaseTestComm {
  override setUp(): void { this.COMM = MPI.COMM_WORLD; }
}

export class TestCommSelfDup extends TestCommSelf {
  override setUp(): void { this.COMM = MPI.COMM_SELF.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}

export class TestCommWorldDup extends TestCommWorld {
  override setUp(): void { this.COMM = MPI.COMM_WORLD.Dup(); }
  override tearDown(): void { this.COMM.Free(); }
}
