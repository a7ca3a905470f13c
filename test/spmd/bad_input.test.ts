/**
 * Bad input everywhere (issue #6): each mistake gives MPI.Exception with the
 * right error class, or TypeError for plain misuse, with a message naming the
 * call, the argument and the value, raised on the rank that made it; the
 * other ranks see nothing, and communication works afterwards.
 *
 * Repro: node bin/mpi4ts.js -n 2 test/fixtures/faults/bad_input.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, onNative } from '../helpers/spmd.ts';

/** case -> [kind, error class (MPI.Exception only), what the message must say]. */
const table: Record<string, [string, string | null, RegExp]> = {
  // TAG_UB + 1; TAG_UB is checked below (the library's on the native transport).
  'tag-above-TAG_UB': ['MPI.Exception', 'ERR_TAG', /^Send: invalid tag (\d+) \(tags are 0 to (\d+)\)$/],
  'tag-negative': ['MPI.Exception', 'ERR_TAG', /^send: invalid tag -5\b/],
  'tag-NaN': ['TypeError', null, /^Send: tag must be an integer, got NaN$/],
  'tag-string': ['TypeError', null, /^isend: tag must be an integer, got '3'$/],
  'recv-tag-negative': ['MPI.Exception', 'ERR_TAG', /^recv: invalid tag -2 .*or ANY_TAG/],
  'dest-out-of-range': ['MPI.Exception', 'ERR_RANK', /^send: invalid destination rank (\d+) \(communicator of size \1\)$/],
  'dest-negative': ['MPI.Exception', 'ERR_RANK', /^Isend: invalid destination rank -3\b/],
  'dest-fraction': ['TypeError', null, /^send: dest must be an integer, got 0\.5$/],
  'source-out-of-range': ['MPI.Exception', 'ERR_RANK', /^Recv: invalid source rank \d+ \(communicator of size \d+\)$/],
  'root-out-of-range': ['MPI.Exception', 'ERR_ROOT', /^bcast: invalid root (\d+) \(communicator of size \1\)$/],
  'root-not-integer': ['TypeError', null, /^Bcast: root must be an integer, got '0'$/],
  'count-exceeds-buffer': ['MPI.Exception', 'ERR_COUNT', /^Send: buf: 5 INT .*need 20 bytes, buffer has 8$/],
  'count-negative': ['MPI.Exception', 'ERR_COUNT', /^Send: buf: negative count -1$/],
  'count-fraction': ['TypeError', null, /^Send: buf: count must be an integer, got number 1\.5$/],
  'recv-count-exceeds-buffer': ['MPI.Exception', 'ERR_COUNT', /^Irecv: buf: 3 INT .*need 12 bytes, buffer has 8$/],
  'datatype-uncommitted': ['MPI.Exception', 'ERR_TYPE', /^Send: datatype INTx2 is not committed/],
  'datatype-freed': ['MPI.Exception', 'ERR_TYPE', /^Send: datatype INTx2 was freed$/],
  'datatype-freed-twice': ['MPI.Exception', 'ERR_TYPE', /^Free: datatype INTx2 was freed$/],
  'datatype-predefined-free': ['MPI.Exception', 'ERR_TYPE', /^Free: cannot free predefined datatype DOUBLE$/],
  'datatype-unknown-code': ['MPI.Exception', 'ERR_TYPE', /^Send: buf: unknown type code 'INT'$/],
  'communicator-freed-send': ['MPI.Exception', 'ERR_COMM', /^send: invalid communicator/],
  'communicator-freed-barrier': ['MPI.Exception', 'ERR_COMM', /^Barrier: invalid communicator/],
  'communicator-world-free': ['MPI.Exception', 'ERR_COMM', /^Free: cannot free MPI_COMM_WORLD$/],
  'object-function': ['TypeError', null, /^send: cannot serialise function at value$/],
  'object-with-method': ['TypeError', null, /^send: cannot serialise function at value\.run$/],
  'object-native-state': ['TypeError', null, /^send: cannot serialise MessagePort at value$/],
  'object-WeakMap': ['TypeError', null, /^isend: cannot serialise WeakMap at value$/],
  'object-symbol': ['TypeError', null, /^send: cannot serialise symbol at value$/],
  'buffer-detached-Send': ['MPI.Exception', 'ERR_BUFFER', /^Send: buf: the buffer's ArrayBuffer is detached/],
  'buffer-detached-Recv': ['MPI.Exception', 'ERR_BUFFER', /^Recv: buf: the buffer's ArrayBuffer is detached/],
  'buffer-detached-in-object': ['TypeError', null, /^send: cannot serialise Float64Array on a detached ArrayBuffer at value\.data$/],
  'buffer-not-a-buffer': ['TypeError', null, /^Send: buf must be a typed array or a buffer spec .*got Object$/],
  'recv-buffer-as-source': ['TypeError', null, /^recv: source must be an integer or an options object \{ source, tag, status \}, got Int32Array$/],
  'recv-unknown-option': ['TypeError', null, /^recv: unknown option 'src' \(expected source, tag, status\)$/],
  'send-unknown-option': ['TypeError', null, /^send: unknown option 'tga' \(expected dest, tag\)$/],
  'op-not-an-op': ['TypeError', null, /^Allreduce: op must be an MPI\.Op, got 'sum'$/],
  'op-undefined-for-type': ['MPI.Exception', 'ERR_OP', /^Allreduce: MPI\.BAND is not defined for datatype DOUBLE/],
  'Waitall-not-requests': ['TypeError', null, /^Waitall: requests\[0\] is not an MPI\.Request \(got number\)$/],
  'Get_count-not-a-datatype': ['TypeError', null, /^Get_count: datatype must be an MPI\.Datatype, got string$/],
  'Split-negative-color': ['MPI.Exception', 'ERR_ARG', /^Split: color must be >= 0 or UNDEFINED, got -5$/],
  'Group-Incl-bad-rank': ['MPI.Exception', 'ERR_RANK', /^Incl: rank (\d+) is not in a group of size \1$/],
  'Create_cart-too-many': ['MPI.Exception', 'ERR_DIMS', /^Create_cart: dims \[\d+\] make a grid of \d+ processes/],
  'Abort-not-integer': ['TypeError', null, /^Abort: errorcode must be an integer, got 'x'$/],
};

for (const np of [2, 3]) {
  test(`every case at ${np} ranks: the right error on the rank that made the mistake, then the job goes on`, async () => {
    const r = await mpirun(np, 'test/fixtures/faults/bad_input.ts', { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const got = new Map<string, { rank: number; v: { kind: string; cls?: string; message?: string; [k: string]: unknown } }>();
    for (const l of lines(r.stdout)) {
      const m = /^CASE (\d+) (\S+) (.*)$/.exec(l);
      if (m) got.set(m[2]!, { rank: Number(m[1]), v: JSON.parse(m[3]!) });
    }
    for (const [name, [kind, cls, message]] of Object.entries(table)) {
      const g = got.get(name);
      assert.ok(g, `case ${name} ran`);
      assert.equal(g.rank, np - 1, `${name}: raised on the rank that made the mistake`);
      assert.equal(g.v.kind, kind, `${name}: ${JSON.stringify(g.v)}`);
      if (cls !== null) assert.equal(g.v.cls, cls, `${name}: error class`);
      assert.match(g.v.message!, message, name);
    }
    // TAG_UB: 2**31 - 1 on the embedded runtime; the library's own (MPICH's is 2**28 - 1) on the native transport.
    const [, tag, ub] = table['tag-above-TAG_UB']![2].exec(got.get('tag-above-TAG_UB')!.v.message!)!;
    assert.equal(Number(tag), Number(ub) + 1, 'the tag sent is TAG_UB + 1');
    assert.ok(onNative ? Number(ub) >= 32767 : ub === '2147483647', `TAG_UB ${ub}`);
    assert.deepEqual([...got.keys()].filter((k) => !(k in table) && k !== 'request-waited-twice'), [], 'the table covers every case');
    // A Request waited twice: inactive, MPI_REQUEST_NULL semantics: at once, empty status, no object (mpi4py's None).
    const twice = got.get('request-waited-twice')!.v;
    assert.deepEqual({ ...twice, ms: undefined }, { kind: 'none', first: 'first', second: null, source: -1, tag: -1, count: 0, ms: undefined });
    const alive = lines(r.stdout).filter((l) => l.startsWith('ALIVE ')).sort();
    assert.deepEqual(alive, Array.from({ length: np }, (_, k) => `ALIVE ${k} from ${(k - 1 + np) % np}`));
  });
}
