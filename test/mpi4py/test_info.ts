/**
 * Port of mpi4py's test/test_info.py.
 *
 * Python's mapping protocol on MPI.Info maps to methods: `len(info)` is
 * `info.length`, `key in info` is `info.has(key)`, `info[key]` is
 * `info.getitem(key)`, `info[key] = v` is `info.setitem(key, v)`, `del
 * info[key]` is `info.delitem(key)`; Python's KeyError is the RangeError
 * (name 'KeyError') mpi4ts raises there. `bool(handle)` is `!handle.isNull`.
 */
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

const PICKLE = 'JavaScript has no pickle module (handles do not cross ranks as values)';

function bool(h: { isNull: boolean }): boolean {
  return !h.isNull;
}

export class TestInfoNull extends TestCase {
  static override skips = { testPickle: PICKLE };

  testTruth(): void {
    this.assertFalse(bool(MPI.INFO_NULL));
  }

  testPickle(): void {}

  testPyMethods(): void {
    const inull = MPI.INFO_NULL;
    this.assertEqual(inull.length, 0);
    this.assertFalse(inull.has('key'));
    this.assertRaises(RangeError, () => inull.getitem('k'));
    this.assertRaises(RangeError, () => inull.setitem('k', 'v'));
    this.assertRaises(RangeError, () => inull.delitem('k'));
    this.assertRaises(RangeError, () => inull.update([]));
    this.assertRaises(RangeError, () => inull.pop('k'));
    this.assertRaises(RangeError, () => inull.popitem());
    this.assertIsNone(inull.get('key', null));
    this.assertIsNone(inull.pop('key', null));
    this.assertEqual(inull.keys(), []);
    this.assertEqual(inull.values(), []);
    this.assertEqual(inull.items(), []);
    this.assertEqual(inull.copy(), inull);
    inull.clear();
  }
}

export class TestInfoEnv extends TestCase {
  static override skips = { testPickle: PICKLE };

  static KEYS = ['command', 'argv', 'maxprocs', 'soft', 'host', 'arch', 'wdir', 'file', 'thread_level'];

  testTruth(): void {
    this.assertTrue(bool(MPI.INFO_ENV));
  }

  testPickle(): void {}

  testPyMethods(): void {
    const env = MPI.INFO_ENV;
    for (const key of TestInfoEnv.KEYS) {
      const v = env.Get(key);
      void v;
    }
  }

  testDup(): void {
    const env = MPI.INFO_ENV;
    const dup = env.Dup();
    try {
      for (const key of TestInfoEnv.KEYS) this.assertEqual(env.Get(key), dup.Get(key));
    } finally {
      dup.Free();
    }
  }

  testCreateEnv(): void {
    const env = MPI.Info.Create_env();
    for (const key of TestInfoEnv.KEYS) {
      const v = env.Get(key);
      void v;
    }
    try {
      const dup = env.Dup();
      try {
        for (const key of TestInfoEnv.KEYS) this.assertEqual(env.Get(key), dup.Get(key));
      } finally {
        dup.Free();
      }
    } finally {
      env.Free();
    }
    for (const args of [null, [], [], process.execPath, [process.execPath], [process.execPath]]) {
      MPI.Info.Create_env(args).Free();
      // mpi4py's Create_env(args=args): the same positional argument here.
      MPI.Info.Create_env(args).Free();
    }
  }
}

export class TestInfo extends TestCase {
  static override skips = { testPickle: PICKLE };

  INFO!: MPI.Info;

  override setUp(): void {
    this.INFO = MPI.Info.Create();
  }

  override tearDown(): void {
    this.INFO.Free();
    this.assertEqual(this.INFO, MPI.INFO_NULL);
  }

  testTruth(): void {
    this.assertTrue(bool(this.INFO));
  }

  testCreate(): void {
    const data = { key1: 'value1', key2: 'value2' };
    for (const items of [null, {}, [], data, Object.entries(data)] as (MPI.InfoItems | null)[]) {
      const info = MPI.Info.Create(items);
      if (items !== null) {
        const dict = Array.isArray(items) ? Object.fromEntries(items) : items as Record<string, string>;
        this.assertEqual(info.Get_nkeys(), Object.keys(dict).length);
        for (const [k, v] of Object.entries(dict)) this.assertEqual(info.Get(k), v);
      }
      info.Free();
    }
  }

  testCreateBad(): void {
    this.assertRaises(TypeError, () => MPI.Info.Create(123 as unknown as MPI.InfoItems));
  }

  testDup(): void {
    const info = this.INFO.Dup();
    this.assertNotEqual(this.INFO, info);
    this.assertEqual(info.Get_nkeys(), 0);
    info.Free();
    this.assertFalse(bool(info));
  }

  testGet(): void {
    const value = this.INFO.Get('key');
    this.assertIsNone(value);
  }

  testGetNKeys(): void {
    this.assertEqual(this.INFO.Get_nkeys(), 0);
  }

  testGetSetDelete(): void {
    const INFO = this.INFO;
    this.assertEqual(INFO.Get_nkeys(), 0);
    INFO.Set('key', 'value');
    let nkeys = INFO.Get_nkeys();
    this.assertEqual(nkeys, 1);
    const key = INFO.Get_nthkey(0);
    this.assertEqual(key, 'key');
    let value = INFO.Get('key');
    this.assertEqual(value, 'value');
    INFO.Delete('key');
    nkeys = INFO.Get_nkeys();
    this.assertEqual(nkeys, 0);
    value = INFO.Get('key');
    this.assertIsNone(value);
  }

  testPickle(): void {}

  testPyMethods(): void {
    const INFO = this.INFO;

    this.assertEqual(INFO.length, 0);
    this.assertFalse(INFO.has('key'));
    this.assertEqual(INFO.keys(), []);
    this.assertEqual(INFO.values(), []);
    this.assertEqual(INFO.items(), []);

    INFO.setitem('key', 'value');
    this.assertEqual(INFO.length, 1);
    this.assertTrue(INFO.has('key'));
    this.assertEqual(INFO.getitem('key'), 'value');
    let key = '';
    for (key of INFO) this.assertEqual(key, 'key');
    this.assertEqual(INFO.keys(), ['key']);
    this.assertEqual(INFO.values(), ['value']);
    this.assertEqual(INFO.items(), [['key', 'value']]);
    this.assertEqual(key, 'key');
    INFO.delitem('key');
    this.assertEqual(INFO.length, 0);

    INFO.setitem('key', 'value');
    this.assertEqual(INFO.pop('key'), 'value');
    this.assertEqual(INFO.length, 0);
    this.assertEqual(INFO.pop('key', 'value'), 'value');
    this.assertRaises(RangeError, () => INFO.pop('key'));
    INFO.setitem('key1', 'value1');
    INFO.setitem('key2', 'value2');
    this.assertEqual(INFO.pop('key1'), 'value1');
    this.assertEqual(INFO.length, 1);
    this.assertEqual(INFO.pop('key2'), 'value2');
    this.assertEqual(INFO.length, 0);

    INFO.setitem('key', 'value');
    this.assertEqual(INFO.popitem(), ['key', 'value']);
    this.assertEqual(INFO.length, 0);
    this.assertRaises(RangeError, () => INFO.popitem());
    INFO.setitem('key1', 'value1');
    INFO.setitem('key2', 'value2');
    this.assertEqual(INFO.popitem(), ['key2', 'value2']);
    this.assertEqual(INFO.length, 1);
    this.assertEqual(INFO.popitem(), ['key1', 'value1']);
    this.assertEqual(INFO.length, 0);

    this.assertEqual(INFO.length, 0);
    this.assertFalse(INFO.has('key'));
    this.assertEqual(INFO.keys(), []);
    this.assertEqual(INFO.values(), []);
    this.assertEqual(INFO.items(), []);
    this.assertRaises(RangeError, () => INFO.getitem('key'));
    this.assertRaises(RangeError, () => INFO.delitem('key'));

    INFO.clear();
    INFO.update([['key1', 'value1']]);
    this.assertEqual(INFO.length, 1);
    this.assertEqual(INFO.getitem('key1'), 'value1');
    this.assertEqual(INFO.get('key1'), 'value1');
    this.assertIsNone(INFO.get('key2'));
    this.assertEqual(INFO.get('key2', 'value2'), 'value2');
    INFO.update([], { key2: 'value2' });
    this.assertEqual(INFO.length, 2);
    this.assertEqual(INFO.getitem('key1'), 'value1');
    this.assertEqual(INFO.getitem('key2'), 'value2');
    this.assertEqual(INFO.get('key1'), 'value1');
    this.assertEqual(INFO.get('key2'), 'value2');
    this.assertIsNone(INFO.get('key3'));
    this.assertEqual(INFO.get('key3', 'value3'), 'value3');
    INFO.update([['key1', 'newval1']], { key2: 'newval2' });
    this.assertEqual(INFO.length, 2);
    this.assertEqual(INFO.getitem('key1'), 'newval1');
    this.assertEqual(INFO.getitem('key2'), 'newval2');
    this.assertEqual(INFO.get('key1'), 'newval1');
    this.assertEqual(INFO.get('key2'), 'newval2');
    this.assertIsNone(INFO.get('key3'));
    this.assertEqual(INFO.get('key3', 'newval3'), 'newval3');
    INFO.update({ key1: 'val1', key2: 'val2', key3: 'val3' });
    this.assertEqual(INFO.length, 3);
    this.assertEqual(INFO.getitem('key1'), 'val1');
    this.assertEqual(INFO.getitem('key2'), 'val2');
    this.assertEqual(INFO.getitem('key3'), 'val3');
    const dupe = INFO.copy();
    this.assertEqual(INFO.items(), dupe.items());
    dupe.Free();
    INFO.clear();
    this.assertEqual(INFO.length, 0);
    this.assertIsNone(INFO.get('key1'));
    this.assertIsNone(INFO.get('key2'));
    this.assertIsNone(INFO.get('key3'));
    this.assertEqual(INFO.get('key1', 'value1'), 'value1');
    this.assertEqual(INFO.get('key2', 'value2'), 'value2');
    this.assertEqual(INFO.get('key3', 'value3'), 'value3');
  }
}
