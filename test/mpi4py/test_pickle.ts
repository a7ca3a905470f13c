/**
 * Port of mpi4py's test/test_pickle.py. mpi4ts's MPI.pickle encodes with its
 * own codec (structured-clone semantics, one protocol); Python's pickle
 * module's counterpart in Node is v8.serialize / v8.deserialize, the
 * structured-clone serializer, installed as custom dumps/loads.
 */
import * as v8 from 'node:v8';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

// Python's `1 + 2j` has no JavaScript counterpart; a tuple is an array.
const OBJS: unknown[] = [
  null,
  true,
  false,
  7,
  2 ** 32,
  1.62,
  'qwerty',
  [0, 1, 2],
  [0, 1, 2],
  { a: 0, b: 1 },
];
/** Indices of the float and the "tuple" in OBJS (excluded where mpi4py excludes float and tuple). */
const FLOAT_TUPLE = new Set([5, 7]);

const tobytes = (s: Uint8Array): Uint8Array => s.slice();

export class TestPickle extends TestCase {
  static override skips = {
    testDill: 'dill is a Python package',
    testMarshal: "marshal is Python's own serialisation of code objects",
    testYAML: 'yaml (PyYAML) is a Python package',
  };

  pickle = MPI.pickle;

  override setUp(): void {
    this.pickle = MPI.pickle;
  }

  override tearDown(): void {
    this.pickle.__init__();
  }

  do_pickle(obj: unknown, pickle: InstanceType<typeof MPI.Pickle>): void {
    const comm = MPI.COMM_SELF;
    let o = comm.sendrecv(obj, 0, 0, 0, 0);
    this.assertEqual(obj, o);
    const s = pickle.dumps(obj);
    o = pickle.loads(s);
    this.assertEqual(obj, o);
  }

  testDefault(): void {
    const pickle = this.pickle;
    // mpi4py: range(pyPickle.HIGHEST_PROTOCOL + 1), -1, None; mpi4ts's codec has protocol 1.
    const protocols = [0, 1, -1, null];
    for (const proto of protocols) {
      pickle.__init__(null, null, proto);
      for (const obj of OBJS) this.do_pickle(obj, pickle);
      this.do_pickle(OBJS, pickle);
    }
  }

  testPyPickle(): void {
    const pickle = this.pickle;
    const dumps = v8.serialize;
    const loads = v8.deserialize;
    const protocols = [0, 1, -1, null];
    for (const proto of protocols) {
      pickle.__init__(dumps, loads, proto);
      for (const obj of OBJS) this.do_pickle(obj, pickle);
      this.do_pickle(OBJS, pickle);
    }
  }

  testDill(): void {}

  testMarshal(): void {}

  testJson(): void {
    const pickle = this.pickle;
    const dumps = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
    const loads = (s: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(tobytes(s)));
    pickle.__init__(dumps, loads);
    const OBJS2 = OBJS.filter((_, i) => !FLOAT_TUPLE.has(i));
    for (const obj of OBJS2) this.do_pickle(obj, pickle);
    this.do_pickle(OBJS2, pickle);
  }

  testYAML(): void {}
}
