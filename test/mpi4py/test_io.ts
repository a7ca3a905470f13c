/**
 * Port of mpi4py's test/test_io.py (arrayimpl's array.array backend as typed
 * arrays). `rbuf[:-1]` is every element but the last, `rbuf[-1]` the last.
 */
import * as fs from 'node:fs';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { loop, ArrayArray, scalar, range, type ArrayImpl } from './arrayimpl.ts';
import { maketemp } from './test_file.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;
type Datatype = InstanceType<typeof MPI.Datatype>;

/** arrayimpl_loop_io(): every typecode (none of mpi4py's exclusions applies: no long double, no i386, no Windows). */
const arrayimpl_loop_io = (): ReturnType<typeof loop> => loop(ArrayArray);

const head = (a: ArrayImpl): (number | bigint)[] => Array.from(a).slice(0, -1);
const last = (a: ArrayImpl): number | bigint => a.get(a.length - 1);

/** mpi4py's BaseTestIO (not exported: a mixin, run through its subclasses). */
abstract class BaseTestIO extends TestCase {
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);
  FILE: MPI.File = MPI.FILE_NULL;
  prefix = 'mpi4py-';

  override setUp(): void {
    const comm = this.COMM;
    const world_size = MPI.COMM_WORLD.Get_size();
    const world_rank = MPI.COMM_WORLD.Get_rank();
    let prefix = this.prefix;
    if (comm.Get_size() < world_size) prefix += `${world_rank}-`;
    let fname: string | null = null;
    if (comm.Get_rank() === 0) fname = maketemp(prefix);
    fname = comm.bcast(fname, 0);
    let amode = MPI.MODE_RDWR | MPI.MODE_CREATE;
    amode |= MPI.MODE_DELETE_ON_CLOSE;
    amode |= MPI.MODE_UNIQUE_OPEN;
    const info = MPI.INFO_NULL;
    try {
      this.FILE = MPI.File.Open(comm, fname!, amode, info);
    } catch (e) {
      if (comm.Get_rank() === 0) fs.unlinkSync(fname!);
      throw e;
    }
  }

  override tearDown(): void {
    if (!this.FILE.isNull) this.FILE.Close();
    this.COMM.Barrier();
  }
}

abstract class BaseTestIOBasic extends BaseTestIO {
  // non-collective

  testReadWriteAt(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(42, typecode, count);
      fh.Write_at(count * rank, wbuf.as_raw());
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      fh.Read_at(count * rank, rbuf.as_mpi_c(count));
      for (const value of head(rbuf)) this.assertEqual(value, scalar(42));
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  testIReadIWriteAt(): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(42, typecode, count);
      fh.Iwrite_at(count * rank, wbuf.as_raw()).Wait();
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      fh.Iread_at(count * rank, rbuf.as_mpi_c(count)).Wait();
      for (const value of head(rbuf)) this.assertEqual(value, scalar(42));
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  #readWrite(nonblocking: boolean): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(42, typecode, count);
      for (const r of range(size)) {
        if (r === rank) {
          fh.Seek(0, MPI.SEEK_SET);
          if (nonblocking) fh.Iwrite(wbuf.as_raw()).Wait();
          else fh.Write(wbuf.as_raw());
        }
        fh.Sync();
        comm.Barrier();
        fh.Sync();
        for (const n of range(wbuf.length)) {
          const rbuf = array(-1, typecode, n + 1);
          fh.Seek(0, MPI.SEEK_SET);
          if (nonblocking) fh.Iread(rbuf.as_mpi_c(n)).Wait();
          else fh.Read(rbuf.as_mpi_c(n));
          for (const value of head(rbuf)) this.assertEqual(value, scalar(42));
          this.assertEqual(last(rbuf), scalar(-1));
        }
        comm.Barrier();
      }
    }
  }

  testReadWrite(): void { this.#readWrite(false); }

  testIReadIWrite(): void { this.#readWrite(true); }

  #readWriteShared(nonblocking: boolean): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(rank % 42, typecode, count);
      fh.Seek_shared(0, MPI.SEEK_SET);
      if (nonblocking) fh.Iwrite_shared(wbuf.as_raw()).Wait();
      else fh.Write_shared(wbuf.as_raw());
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      fh.Seek_shared(0, MPI.SEEK_SET);
      if (nonblocking) fh.Iread_shared(rbuf.as_mpi_c(count)).Wait();
      else fh.Read_shared(rbuf.as_mpi_c(count));
      for (const value of head(rbuf)) {
        this.assertTrue(0 <= Number(value) && Number(value) < 42);
        this.assertEqual(value, rbuf.get(0));
      }
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  testReadWriteShared(): void { this.#readWriteShared(false); }

  testIReadIWriteShared(): void { this.#readWriteShared(true); }

  // collective

  #readWriteAtAll(mode: 'blocking' | 'nonblocking' | 'split'): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(42, typecode, count);
      if (mode === 'blocking') fh.Write_at_all(count * rank, wbuf.as_raw());
      else if (mode === 'nonblocking') fh.Iwrite_at_all(count * rank, wbuf.as_raw()).Wait();
      else {
        fh.Write_at_all_begin(count * rank, wbuf.as_raw());
        fh.Write_at_all_end(wbuf.as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      if (mode === 'blocking') fh.Read_at_all(count * rank, rbuf.as_mpi_c(count));
      else if (mode === 'nonblocking') fh.Iread_at_all(count * rank, rbuf.as_mpi_c(count)).Wait();
      else {
        fh.Read_at_all_begin(count * rank, rbuf.as_mpi_c(count));
        fh.Read_at_all_end(rbuf.as_raw());
      }
      for (const value of head(rbuf)) this.assertEqual(value, scalar(42));
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  testReadWriteAtAll(): void { this.#readWriteAtAll('blocking'); }

  testIReadIWriteAtAll(): void { this.#readWriteAtAll('nonblocking'); }

  testReadWriteAtAllBeginEnd(): void { this.#readWriteAtAll('split'); }

  #readWriteAll(mode: 'blocking' | 'nonblocking' | 'split'): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(42, typecode, count);
      fh.Seek(count * rank, MPI.SEEK_SET);
      if (mode === 'blocking') fh.Write_all(wbuf.as_raw());
      else if (mode === 'nonblocking') fh.Iwrite_all(wbuf.as_raw()).Wait();
      else {
        fh.Write_all_begin(wbuf.as_raw());
        fh.Write_all_end(wbuf.as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      fh.Seek(count * rank, MPI.SEEK_SET);
      if (mode === 'blocking') fh.Read_all(rbuf.as_mpi_c(count));
      else if (mode === 'nonblocking') fh.Iread_all(rbuf.as_mpi_c(count)).Wait();
      else {
        fh.Read_all_begin(rbuf.as_mpi_c(count));
        fh.Read_all_end(rbuf.as_raw());
      }
      for (const value of head(rbuf)) this.assertEqual(value, scalar(42));
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  testReadWriteAll(): void { this.#readWriteAll('blocking'); }

  testIReadIWriteAll(): void { this.#readWriteAll('nonblocking'); }

  testReadWriteAllBeginEnd(): void { this.#readWriteAll('split'); }

  #readWriteOrdered(split: boolean): void {
    const comm = this.COMM;
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      const etype = array.TypeMap[typecode]!;
      fh.Set_size(0);
      fh.Set_view(0, etype);
      const count = 13;
      const wbuf = array(rank % 42, typecode, count);
      fh.Seek_shared(0, MPI.SEEK_SET);
      if (split) {
        fh.Write_ordered_begin(wbuf.as_raw());
        fh.Write_ordered_end(wbuf.as_raw());
      } else {
        fh.Write_ordered(wbuf.as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Sync();
      const rbuf = array(-1, typecode, count + 1);
      fh.Seek_shared(0, MPI.SEEK_SET);
      if (split) {
        fh.Read_ordered_begin(rbuf.as_mpi_c(count));
        fh.Read_ordered_end(rbuf.as_raw());
      } else {
        fh.Read_ordered(rbuf.as_mpi_c(count));
      }
      for (const value of head(rbuf)) this.assertEqual(value, scalar(rank % 42));
      this.assertEqual(last(rbuf), scalar(-1));
      comm.Barrier();
    }
  }

  testReadWriteOrdered(): void { this.#readWriteOrdered(false); }

  testReadWriteOrderedBeginEnd(): void { this.#readWriteOrdered(true); }
}

abstract class BaseTestIOView extends BaseTestIO {
  _test_contiguous(combiner: number): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      comm.Barrier();
      fh.Set_size(0);
      const btype = array.TypeMap[typecode]!;
      let etype: Datatype = btype;
      let ftype: Datatype = btype;
      if (combiner === MPI.COMBINER_NAMED) {
        etype = btype;
        ftype = btype;
      }
      if (combiner === MPI.COMBINER_DUP) {
        etype = btype.Dup().Commit();
        ftype = etype.Dup().Commit();
      }
      if (combiner === MPI.COMBINER_CONTIGUOUS) {
        etype = btype;
        ftype = etype.Create_contiguous(7).Commit();
      }
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const wval = 10 * (rank + 1) + i;
        const wbuf = array(wval, typecode, 7);
        fh.Write_ordered(wbuf.as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const rval = 10 * (rank + 1) + i;
        const rbuf = array(0, typecode, 7);
        fh.Read_ordered(rbuf.as_raw());
        for (const value of rbuf) this.assertEqual(value, scalar(rval));
      }
      if (!ftype.equals(btype)) ftype.Free();
      fh.Set_view(0, etype, etype);
      for (const i of range(3)) {
        for (const r of range(size)) {
          const rval = 10 * (r + 1) + i;
          const rbuf = array(0, typecode, 7);
          fh.Read_all(rbuf.as_raw());
          for (const value of rbuf) this.assertEqual(value, scalar(rval));
        }
      }
      if (!etype.equals(btype)) etype.Free();
    }
  }

  _test_strided(combiner: number): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      comm.Barrier();
      fh.Set_size(0);
      const etype = array.TypeMap[typecode]!;
      const esize = etype.size;
      const index1 = [0, 2, 4, 6];
      const index2 = [1, 3, 5];
      let ftype1!: Datatype;
      let ftype2!: Datatype;
      if (combiner === MPI.COMBINER_VECTOR || combiner === MPI.COMBINER_HVECTOR) {
        if (combiner === MPI.COMBINER_VECTOR) ftype1 = etype.Create_vector(4, 1, 2).Commit();
        if (combiner === MPI.COMBINER_HVECTOR) ftype1 = etype.Create_hvector(4, 1, esize * 2).Commit();
        const fbase2 = etype.Create_indexed([1, 1, 1], index2);
        ftype2 = fbase2.Create_resized(0, ftype1.extent).Commit();
        fbase2.Free();
      }
      if ([MPI.COMBINER_INDEXED, MPI.COMBINER_INDEXED_BLOCK, MPI.COMBINER_HINDEXED, MPI.COMBINER_HINDEXED_BLOCK].includes(combiner)) {
        const h = combiner === MPI.COMBINER_HINDEXED || combiner === MPI.COMBINER_HINDEXED_BLOCK;
        const disps1 = h ? index1.map((i) => esize * i) : index1;
        const disps2 = h ? index2.map((i) => esize * i) : index2;
        // mpi4py calls the unbound methods (MPI.Datatype.Create_indexed(etype, ...)); the bound calls are the same.
        let fbase2: Datatype;
        if (combiner === MPI.COMBINER_INDEXED) {
          ftype1 = etype.Create_indexed([1, 1, 1, 1], disps1);
          fbase2 = etype.Create_indexed([1, 1, 1], disps2);
        } else if (combiner === MPI.COMBINER_HINDEXED) {
          ftype1 = etype.Create_hindexed([1, 1, 1, 1], disps1);
          fbase2 = etype.Create_hindexed([1, 1, 1], disps2);
        } else if (combiner === MPI.COMBINER_INDEXED_BLOCK) {
          ftype1 = etype.Create_indexed_block(1, disps1);
          fbase2 = etype.Create_indexed_block(1, disps2);
        } else {
          ftype1 = etype.Create_hindexed_block(1, disps1);
          fbase2 = etype.Create_hindexed_block(1, disps2);
        }
        ftype2 = fbase2.Create_resized(0, ftype1.extent);
        fbase2.Free();
        ftype1.Commit();
        ftype2.Commit();
      }
      if (combiner === MPI.COMBINER_STRUCT) {
        ftype1 = MPI.Datatype.Create_struct([1, 1, 1, 1], index1.map((i) => esize * i), [etype, etype, etype, etype]).Commit();
        const fbase2 = MPI.Datatype.Create_struct([1, 1, 1], index2.map((i) => esize * i), [etype, etype, etype]);
        ftype2 = fbase2.Create_resized(0, ftype1.extent).Commit();
        fbase2.Free();
      }
      fh.Set_view(0, etype, ftype1);
      for (const i of range(3)) {
        const wval = 10 * (rank + 1) + i;
        const warg = [0, 2, 4, 6].map((j) => wval + j);
        fh.Write_ordered(array(warg, typecode).as_raw());
      }
      fh.Set_view(0, etype, ftype2);
      for (const i of range(3)) {
        const wval = 10 * (rank + 1) + i;
        const warg = [1, 3, 5].map((j) => wval + j);
        fh.Write_ordered(array(warg, typecode).as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Set_view(0, etype, ftype1);
      for (const i of range(3)) {
        const rval = 10 * (rank + 1) + i;
        const rbuf = array(0, typecode, 4);
        fh.Read_ordered(rbuf.as_raw());
        [0, 2, 4, 6].forEach((j, k) => this.assertEqual(rbuf.get(k), scalar(rval + j)));
      }
      fh.Set_view(0, etype, ftype2);
      for (const i of range(3)) {
        const rval = 10 * (rank + 1) + i;
        const rbuf = array(0, typecode, 3);
        fh.Read_ordered(rbuf.as_raw());
        [1, 3, 5].forEach((j, k) => this.assertEqual(rbuf.get(k), scalar(rval + j)));
      }
      ftype1.Free();
      ftype2.Free();
      fh.Set_view(0, etype, etype);
      for (const i of range(3)) {
        for (const r of range(size)) {
          const rval = 10 * (r + 1) + i;
          const rbuf = array(0, typecode, 7);
          fh.Read_all(rbuf.as_raw());
          Array.from(rbuf).forEach((value, j) => this.assertEqual(value, scalar(rval + j)));
        }
      }
    }
  }

  testNamed(): void { this._test_contiguous(MPI.COMBINER_NAMED); }
  testDup(): void { this._test_contiguous(MPI.COMBINER_DUP); }
  testContiguous(): void { this._test_contiguous(MPI.COMBINER_CONTIGUOUS); }
  testVector(): void { this._test_strided(MPI.COMBINER_VECTOR); }
  testHVector(): void { this._test_strided(MPI.COMBINER_HVECTOR); }
  testIndexed(): void { this._test_strided(MPI.COMBINER_INDEXED); }
  testHIndexed(): void { this._test_strided(MPI.COMBINER_HINDEXED); }
  testIndexedBlock(): void { this._test_strided(MPI.COMBINER_INDEXED_BLOCK); }
  testHIndexedBlock(): void { this._test_strided(MPI.COMBINER_HINDEXED_BLOCK); }
  testStruct(): void { this._test_strided(MPI.COMBINER_STRUCT); }

  testSubarray(): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const fh = this.FILE;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      comm.Barrier();
      fh.Set_size(0);
      const etype = array.TypeMap[typecode]!;
      const ftype = etype.Create_subarray([size * 7, 5], [7, 5], [rank * 7, 0]).Commit();
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const wval = 10 * (rank + 1) + i;
        fh.Write_all(array(wval, typecode, 7 * 5).as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const rval = 10 * (rank + 1) + i;
        const rbuf = array(0, typecode, 7 * 5);
        fh.Read_all(rbuf.as_raw());
        for (const value of rbuf) this.assertEqual(value, scalar(rval));
      }
      ftype.Free();
      fh.Set_view(0, etype, etype);
      for (const i of range(3)) {
        for (const r of range(size)) {
          const rval = 10 * (r + 1) + i;
          const rbuf = array(0, typecode, 7 * 5);
          fh.Read_all(rbuf.as_raw());
          for (const value of rbuf) this.assertEqual(value, scalar(rval));
        }
      }
    }
  }

  #darray(distrib: number, darg: number, cyclic: boolean): void {
    const comm = this.COMM;
    const size = comm.Get_size();
    const rank = comm.Get_rank();
    const fh = this.FILE;
    const none = MPI.DISTRIBUTE_NONE;
    const dflt = MPI.DISTRIBUTE_DFLT_DARG;
    for (const [array, typecode] of arrayimpl_loop_io()) {
      comm.Barrier();
      fh.Set_size(0);
      const etype = array.TypeMap[typecode]!;
      const ftype = etype.Create_darray(size, rank, [size * 7, 5], [distrib, none], [darg, dflt], [size, 1]).Commit();
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const wval = 10 * (rank + 1) + i;
        fh.Write_all(array(wval, typecode, 7 * 5).as_raw());
      }
      fh.Sync();
      comm.Barrier();
      fh.Set_view(0, etype, ftype);
      for (const i of range(3)) {
        const rval = 10 * (rank + 1) + i;
        const rbuf = array(0, typecode, 7 * 5);
        fh.Read_all(rbuf.as_raw());
        for (const value of rbuf) this.assertEqual(value, scalar(rval));
      }
      ftype.Free();
      fh.Set_view(0, etype, etype);
      for (const i of range(3)) {
        if (!cyclic) {
          for (const r of range(size)) {
            for (const _j of range(7)) {
              const rval = 10 * (r + 1) + i;
              const rbuf = array(0, typecode, 5);
              fh.Read_all(rbuf.as_raw());
              for (const value of rbuf) this.assertEqual(value, scalar(rval));
            }
          }
        } else {
          for (const _j of range(7)) {
            for (const r of range(size)) {
              const rval = 10 * (r + 1) + i;
              const rbuf = array(0, typecode, 5);
              fh.Read_all(rbuf.as_raw());
              for (const value of rbuf) this.assertEqual(value, scalar(rval));
            }
          }
        }
      }
    }
  }

  testDarrayBlock(): void { this.#darray(MPI.DISTRIBUTE_BLOCK, MPI.DISTRIBUTE_DFLT_DARG, false); }

  testDarrayCyclic(): void { this.#darray(MPI.DISTRIBUTE_CYCLIC, 1, true); }
}

export class TestIOBasicSelf extends BaseTestIOBasic {
  override COMM = MPI.COMM_SELF;
}

export class TestIOBasicWorld extends BaseTestIOBasic {
  override COMM = MPI.COMM_WORLD;
}

export class TestIOViewSelf extends BaseTestIOView {
  override COMM = MPI.COMM_SELF;
}

export class TestIOViewWorld extends BaseTestIOView {
  override COMM = MPI.COMM_WORLD;
}

export class TestDatarep extends TestCase {
  testRegister(): void {
    const extent_fn = (dtype: Datatype): number => dtype.extent;
    MPI.Register_datarep('mpi4py-datarep-dummy', null, null, extent_fn);
    const e = this.assertRaisesMPI(MPI.ERR_DUP_DATAREP, () => MPI.Register_datarep('mpi4py-datarep-dummy', null, null, extent_fn));
    this.assertEqual((e as MPI.Exception).Get_error_class(), MPI.ERR_DUP_DATAREP);
  }
}
