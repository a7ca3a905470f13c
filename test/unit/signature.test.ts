/**
 * Unit tests for type signatures (src/core/signature.ts) and the matching
 * rules of `--check` (src/coll/check.ts `findMismatch`).
 *
 * Run: node --import tsx --test test/unit/signature.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { predefined as P, pairTypes, contiguousDesc, hvectorDesc, structDesc, resizedDesc, subarrayDesc, ORDER_C } from '../../src/core/datatype.ts';
import { signatureOf, signaturesMatch, describeMessage } from '../../src/core/signature.ts';
import { findMismatch, compared, encodeRecord, decodeRecord, NO_ROOT, type CallRecord } from '../../src/coll/check.ts';

const sig = signatureOf;
const match = (a: ReturnType<typeof sig>, b: ReturnType<typeof sig>, strict = false): boolean => signaturesMatch(a, b, strict);

describe('type signatures', () => {
  test('the same basic types in the same order match, whatever the layout', () => {
    const vec4 = contiguousDesc('INTx4', 4, P.INT);
    assert.ok(match(sig(vec4, 1), sig(P.INT, 4)));
    assert.ok(match(sig(vec4, 3), sig(P.INT, 12)));
    const strided = hvectorDesc('v', 4, 1, 12, P.INT);
    assert.ok(match(sig(strided, 2), sig(vec4, 2)));
    assert.ok(match(sig(resizedDesc('r', P.DOUBLE, 0, 16), 5), sig(P.DOUBLE, 5)));
    assert.ok(match(sig(subarrayDesc('s', [4, 4], [2, 3], [1, 1], ORDER_C, P.FLOAT), 1), sig(P.FLOAT, 6)));
    assert.ok(match(sig(P.INT, 0), sig(P.DOUBLE, 0)), 'empty messages match');
  });

  test('different counts or basic types do not', () => {
    assert.ok(!match(sig(P.INT, 4), sig(P.INT, 8)));
    assert.ok(!match(sig(P.INT, 2), sig(P.DOUBLE, 1)), 'same bytes, different types');
    assert.ok(!match(sig(P.INT, 1), sig(P.UNSIGNED, 1)));
    assert.ok(!match(sig(P.DOUBLE, 2), sig(P.FLOAT, 2)));
  });

  test('representation decides: INT is INT32_T, LONG is INT64_T', () => {
    assert.ok(match(sig(P.INT, 3), sig(P.INT32_T, 3)));
    assert.ok(match(sig(P.LONG, 3), sig(P.INT64_T, 3)));
  });

  test('heterogeneous types compare by sequence', () => {
    const s = structDesc('s', [2, 1], [0, 8], [P.INT, P.DOUBLE]);
    const t = structDesc('t', [1, 1, 1], [0, 4, 8], [P.INT, P.INT, P.DOUBLE]);
    const u = structDesc('u', [1, 2], [0, 8], [P.DOUBLE, P.INT]);
    assert.ok(match(sig(s, 3), sig(t, 3)));
    assert.ok(!match(sig(s, 1), sig(u, 1)), 'INT INT DOUBLE is not DOUBLE INT INT');
    assert.ok(!match(sig(s, 1), sig(P.INT, 4)));
    // Runs merge across copies: 2 x (INT, DOUBLE, INT) = INT DOUBLE INT INT DOUBLE INT.
    const idi = structDesc('idi', [1, 1, 1], [0, 8, 16], [P.INT, P.DOUBLE, P.INT]);
    const seq = structDesc('seq', [1, 1, 2, 1, 1], [0, 8, 16, 24, 32], [P.INT, P.DOUBLE, P.INT, P.DOUBLE, P.INT]);
    assert.ok(match(sig(idi, 2), sig(seq, 1)));
    assert.ok(match(sig(pairTypes.DOUBLE_INT, 2), sig(structDesc('di', [1, 1], [0, 8], [P.DOUBLE, P.INT]), 2)));
  });

  test('BYTE matches anything of as many bytes, except in a strict (reduction) comparison', () => {
    assert.ok(match(sig(P.BYTE, 16), sig(P.INT, 4)));
    assert.ok(!match(sig(P.BYTE, 12), sig(P.INT, 4)));
    assert.ok(!match(sig(P.BYTE, 16), sig(P.INT, 4), true));
  });

  test('a million-element vector costs what one element does', () => {
    const big = hvectorDesc('big', 1 << 20, 1, 8, P.DOUBLE);
    const t0 = performance.now();
    assert.ok(match(sig(big, 1000), sig(P.DOUBLE, 1000 * (1 << 20))));
    assert.ok(performance.now() - t0 < 50);
  });

  test('descriptions show a derived type\'s basic content', () => {
    assert.equal(describeMessage(P.INT, 4), '4 INT');
    assert.equal(describeMessage(contiguousDesc('INTx4', 4, P.INT), 1), '1 INTx4 (4 INT)');
    assert.equal(describeMessage(structDesc('s', [2, 1], [0, 8], [P.INT, P.DOUBLE]), 1), '1 s (2 INT, 1 DOUBLE)');
  });
});

const full = (over: Partial<CallRecord>): CallRecord => ({
  routine: 'Bcast', root: NO_ROOT, op: null, uniform: null, strict: false, agree: null, agreeName: null, sends: [], recvs: [], ...over,
});
/** A record as rank 0 gets it from another rank: through the wire format. */
const rec = (over: Partial<CallRecord>) => decodeRecord(encodeRecord(full(over)));
const intra = { label: (i: number) => `rank ${i}`, peer: (_: number, t: { peer: number }) => t.peer, groupA: 0 };
const texts = (n: number, routine = 'Gather', op: string[] = []) => Array.from({ length: n }, (_, i) => ({
  routine, op: op[i] ?? null, agree: null, agreeName: null, call: '', at: '', uniform: `u${i}`, sends: ['s0', 's1'], recvs: ['r0', 'r1'],
}));

describe('findMismatch', () => {
  test('matching records: none', () => {
    const u = sig(P.INT, 4);
    assert.equal(findMismatch([rec({ root: 0, uniform: u }), rec({ root: 0, uniform: sig(contiguousDesc('v', 2, P.INT), 2) })], intra), null);
  });

  test('barrier and Barrier are one call; Barrier and Ibarrier are not', () => {
    assert.equal(findMismatch([rec({ routine: 'barrier' }), rec({ routine: 'Barrier' })], intra), null);
    assert.match(findMismatch([rec({ routine: 'Barrier' }), rec({ routine: 'Ibarrier' })], intra)!.line(texts(2)), /different collectives/);
  });

  test('routine, then root, then op, then signatures', () => {
    const m = findMismatch([rec({ root: 0, op: 'MPI.SUM' }), rec({ root: 1, op: 'MPI.MAX' })], intra)!;
    assert.equal(m.line(texts(2, 'Bcast')), 'Bcast called with different roots: rank 0 root 0, rank 1 root 1');
    const o = findMismatch([rec({ op: 'MPI.SUM' }), rec({ op: 'MPI.MAX' })], intra)!;
    assert.equal(o.line(texts(2, 'reduce', ['MPI.SUM', 'MPI.MAX'])), 'reduce called with different ops: rank 0 MPI.SUM, rank 1 MPI.MAX');
  });

  test('pairs: the k-th send from a to b against the k-th receive at b from a', () => {
    const i4 = sig(P.INT, 4), i3 = sig(P.INT, 3);
    const ok = findMismatch([
      rec({ routine: 'Gather', root: 0, recvs: [{ peer: 0, remote: false, sig: i4 }, { peer: 1, remote: false, sig: i3 }], sends: [{ peer: 0, remote: false, sig: i4 }] }),
      rec({ routine: 'Gather', root: 0, sends: [{ peer: 0, remote: false, sig: i3 }] }),
    ], intra);
    assert.equal(ok, null);
    const bad = findMismatch([
      rec({ routine: 'Gather', root: 0, recvs: [{ peer: 0, remote: false, sig: i4 }, { peer: 1, remote: false, sig: i4 }], sends: [{ peer: 0, remote: false, sig: i4 }] }),
      rec({ routine: 'Gather', root: 0, sends: [{ peer: 0, remote: false, sig: i3 }] }),
    ], intra)!;
    assert.equal(bad.line(texts(2)), 'Gather called with type signatures that do not match: rank 1 sends s0 to rank 0, rank 0 receives r1 from rank 1');
  });

  test('the wire format keeps what is compared', () => {
    const r = full({ routine: 'Gather', root: 2, op: 'MPI.SUM', uniform: sig(P.BYTE, 3), strict: true, agree: '[1, 2]',
      sends: [{ peer: 1, remote: true, sig: sig(P.DOUBLE, 5) }], recvs: [{ peer: 0, remote: false, sig: sig(P.INT, 2) }] });
    assert.deepEqual(decodeRecord(encodeRecord(r)), compared(r));
    // An odd byte offset (a received message inside a larger buffer) decodes too.
    const bytes = encodeRecord(r);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    assert.deepEqual(decodeRecord(shifted), compared(r));
  });

  test('records of arguments that could not be read compare by routine only', () => {
    assert.equal(findMismatch([rec({ root: 0 }), rec({ wild: true })], intra), null);
  });
});
