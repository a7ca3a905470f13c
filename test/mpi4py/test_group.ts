/**
 * Port of mpi4py's test/test_group.py. Python's truth value of a handle
 * (`bool(MPI.GROUP_NULL)` is False) becomes `isNull`, since JavaScript
 * objects are always truthy; `==` between handles is assertEqual's
 * comparison, `is` is `===`.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';
import { range } from './arrayimpl.ts';

type Group = InstanceType<typeof MPI.Group>;
const PICKLE = 'JavaScript has no pickle module (objects cross ranks by structured clone)';

abstract class BaseTestGroup extends TestCase {
  static override skips: Record<string, string> = { testPickle: PICKLE };
  GROUP: Group = MPI.GROUP_NULL;

  testProperties(): void {
    const group = this.GROUP;
    this.assertEqual(group.Get_size(), group.size);
    this.assertEqual(group.Get_rank(), group.rank);
  }

  testCompare(): void {
    const results = [MPI.IDENT, MPI.SIMILAR, MPI.UNEQUAL];
    const group = MPI.COMM_WORLD.Get_group();
    let gcmp = MPI.Group.Compare(this.GROUP, group);
    group.Free();
    this.assertIn(gcmp, results);
    gcmp = MPI.Group.Compare(this.GROUP, this.GROUP);
    this.assertEqual(gcmp, MPI.IDENT);
    gcmp = this.GROUP.Compare(this.GROUP);
    this.assertEqual(gcmp, MPI.IDENT);
  }

  testDup(): void {
    const group = this.GROUP.Dup();
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
  }

  testUnion(): void {
    let group = MPI.Group.Union(MPI.GROUP_EMPTY, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
    group = MPI.Group.Union(this.GROUP, MPI.GROUP_EMPTY);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
    group = MPI.Group.Union(this.GROUP, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
  }

  testDifference(): void {
    let group = MPI.Group.Difference(MPI.GROUP_EMPTY, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
    group = MPI.Group.Difference(this.GROUP, MPI.GROUP_EMPTY);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
    group = MPI.Group.Difference(this.GROUP, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
  }

  testIntersection(): void {
    let group = MPI.Group.Intersection(MPI.GROUP_EMPTY, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
    group = MPI.Group.Intersection(this.GROUP, MPI.GROUP_EMPTY);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
    group = MPI.Group.Intersection(this.GROUP, this.GROUP);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
  }

  testIncl(): void {
    const group = this.GROUP.Incl([]);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
  }

  testExcl(): void {
    const group = this.GROUP.Excl([]);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
  }

  testRangeIncl(): void {
    if (this.GROUP === MPI.GROUP_EMPTY) return;
    let group = this.GROUP.Range_incl([]);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
    const ranges: [number, number, number][] = [[0, this.GROUP.Get_size() - 1, 1]];
    group = this.GROUP.Range_incl(ranges);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
  }

  testRangeExcl(): void {
    if (this.GROUP === MPI.GROUP_EMPTY) return;
    let group = this.GROUP.Range_excl([]);
    this.assertEqual(MPI.Group.Compare(group, this.GROUP), MPI.IDENT);
    group.Free();
    const ranges: [number, number, number][] = [[0, this.GROUP.Get_size() - 1, 1]];
    group = this.GROUP.Range_excl(ranges);
    this.assertEqual(MPI.Group.Compare(group, MPI.GROUP_EMPTY), MPI.IDENT);
    group.Free();
  }

  testTranslRanks(): void {
    const group1 = this.GROUP;
    const group2 = this.GROUP;
    let ranks1 = [...range(group1.Get_size()), ...range(group1.Get_size()), ...range(group1.Get_size())];
    let ranks2 = MPI.Group.Translate_ranks(group1, ranks1, group2);
    this.assertEqual(ranks1, ranks2);
    const group = this.GROUP;
    ranks1 = range(group.Get_size());
    ranks2 = group.Translate_ranks(null, group);
    this.assertEqual(ranks1, ranks2);
    ranks2 = group.Translate_ranks();
    this.assertEqual(ranks2.length, group.Get_size());
    this.assertNotIn(MPI.UNDEFINED, new Set(ranks2));
  }

  testTranslRanksWorld(): void {
    const group1 = this.GROUP;
    const ranks1 = [...range(group1.Get_size()), ...range(group1.Get_size()), ...range(group1.Get_size())];
    const ranks2 = MPI.Group.Translate_ranks(group1, ranks1);
    this.assertEqual(ranks1.length, ranks2.length);
    if (this.GROUP !== MPI.GROUP_EMPTY) {
      const wsize = MPI.COMM_WORLD.Get_size();
      this.assertGreaterEqual(Math.min(...ranks2), 0);
      this.assertLess(Math.max(...ranks2), wsize);
    }
  }

  testTranslRanksProcNull(): void {
    if (this.GROUP === MPI.GROUP_EMPTY) return;
    const group1 = this.GROUP;
    const group2 = this.GROUP;
    const ranks1 = Array<number>(10).fill(MPI.PROC_NULL);
    const ranks2 = MPI.Group.Translate_ranks(group1, ranks1, group2);
    this.assertEqual(ranks1, ranks2);
  }

  testTranslRanksGroupEmpty(): void {
    if (this.GROUP === MPI.GROUP_EMPTY) return;
    const group1 = this.GROUP;
    const group2 = MPI.GROUP_EMPTY;
    const ranks1 = [...range(group1.Get_size()), ...range(group1.Get_size())];
    const ranks2 = MPI.Group.Translate_ranks(group1, ranks1, group2);
    for (const rank of ranks2) this.assertEqual(rank, MPI.UNDEFINED);
  }

  testPickle(): void {}
}

export class TestGroupNull extends TestCase {
  static override skips = { testPickle: PICKLE };

  testConstructor(): void {
    const group = new MPI.Group();
    this.assertIsNot(group, MPI.GROUP_NULL);
    this.assertEqual(group, MPI.GROUP_NULL);
  }

  testNull(): void {
    const GROUP_NULL = MPI.GROUP_NULL;
    const group_null = new MPI.Group();
    this.assertTrue(GROUP_NULL.isNull);
    this.assertTrue(group_null.isNull);
    this.assertEqual(group_null, GROUP_NULL);
  }

  testPickle(): void {}
}

export class TestGroupEmpty extends BaseTestGroup {
  override setUp(): void { this.GROUP = MPI.GROUP_EMPTY; }

  testEmpty(): void {
    this.assertFalse(this.GROUP.isNull);
  }

  testSize(): void {
    this.assertEqual(this.GROUP.Get_size(), 0);
  }

  testRank(): void {
    this.assertEqual(this.GROUP.Get_rank(), MPI.UNDEFINED);
  }
}

export class TestGroupSelf extends BaseTestGroup {
  override setUp(): void { this.GROUP = MPI.COMM_SELF.Get_group(); }
  override tearDown(): void { this.GROUP.Free(); }

  testSize(): void {
    this.assertEqual(this.GROUP.Get_size(), 1);
  }

  testRank(): void {
    this.assertEqual(this.GROUP.Get_rank(), 0);
  }
}

export class TestGroupWorld extends BaseTestGroup {
  override setUp(): void { this.GROUP = MPI.COMM_WORLD.Get_group(); }
  override tearDown(): void { this.GROUP.Free(); }

  testSize(): void {
    this.assertGreaterEqual(this.GROUP.Get_size(), 1);
  }

  testRank(): void {
    const size = this.GROUP.Get_size();
    const rank = this.GROUP.Get_rank();
    this.assertTrue(rank >= 0 && rank < size);
  }
}
