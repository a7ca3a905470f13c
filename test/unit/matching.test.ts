/**
 * Unit tests for MPI message matching (src/core/matching.ts).
 *
 * Run: node --import tsx --test test/unit/matching.test.ts
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatchQueues, ANY_SOURCE, ANY_TAG, PROC_NULL } from '../../src/core/matching.ts';

interface Env { source: number; tag: number; id: string }

const env = (id: string, source: number, tag: number): Env => ({ id, source, tag });
const ids = (xs: readonly Env[]): string[] => xs.map((x) => x.id);

describe('matching: constants', () => {
  test('wildcards and PROC_NULL are distinct negative numbers', () => {
    assert.equal(ANY_SOURCE, -1);
    assert.equal(ANY_TAG, -1);
    assert.equal(PROC_NULL, -2);
  });
});

describe('matching: takeReceive (a message arrives)', () => {
  test('empty queue: no receive', () => {
    const q = new MatchQueues<Env, Env>();
    assert.equal(q.takeReceive(0, 0), undefined);
  });

  test('exact source and tag match; mismatches are left queued', () => {
    const q = new MatchQueues<Env, Env>();
    q.postedReceives.push(env('r1', 1, 5), env('r2', 2, 5), env('r3', 2, 6));
    assert.equal(q.takeReceive(2, 6)?.id, 'r3');
    assert.equal(q.takeReceive(3, 5), undefined, 'no receive for source 3');
    assert.equal(q.takeReceive(1, 6), undefined, 'no receive for tag 6 from 1');
    assert.deepEqual(ids(q.postedReceives), ['r1', 'r2']);
  });

  test('ANY_SOURCE and ANY_TAG receives match any message', () => {
    const q = new MatchQueues<Env, Env>();
    q.postedReceives.push(env('anysrc', ANY_SOURCE, 7), env('anytag', 3, ANY_TAG), env('any', ANY_SOURCE, ANY_TAG));
    assert.equal(q.takeReceive(9, 7)?.id, 'anysrc');
    assert.equal(q.takeReceive(3, 123)?.id, 'anytag');
    assert.equal(q.takeReceive(0, 0)?.id, 'any');
    assert.equal(q.postedReceives.length, 0);
  });

  test('the oldest matching receive wins, wildcard or not', () => {
    const q = new MatchQueues<Env, Env>();
    q.postedReceives.push(env('a', 1, 1), env('b', ANY_SOURCE, ANY_TAG), env('c', 2, 2), env('d', 2, 2));
    assert.equal(q.takeReceive(2, 2)?.id, 'b', 'b was posted before c');
    assert.equal(q.takeReceive(2, 2)?.id, 'c');
    assert.equal(q.takeReceive(2, 2)?.id, 'd');
    assert.equal(q.takeReceive(2, 2), undefined);
    assert.equal(q.takeReceive(1, 1)?.id, 'a');
  });

  test('a wildcard in the message envelope is not a wildcard', () => {
    // Messages always carry a real source and tag; a receive for source 4 must
    // not match a message that claims source ANY_SOURCE.
    const q = new MatchQueues<Env, Env>();
    q.postedReceives.push(env('r', 4, 4));
    assert.equal(q.takeReceive(ANY_SOURCE, ANY_TAG), undefined);
    assert.equal(q.postedReceives.length, 1);
  });
});

describe('matching: findMessage / takeMessage (a receive is posted)', () => {
  test('empty queue: -1', () => {
    const q = new MatchQueues<Env, Env>();
    assert.equal(q.findMessage(ANY_SOURCE, ANY_TAG), -1);
    assert.equal(q.findMessage(0, 0), -1);
  });

  test('finds the oldest match for exact and wildcard receives', () => {
    const q = new MatchQueues<Env, Env>();
    q.unexpectedQueue.push(env('m0', 1, 10), env('m1', 2, 20), env('m2', 1, 20), env('m3', 2, 10));
    assert.equal(q.findMessage(1, 20), 2);
    assert.equal(q.findMessage(2, 10), 3);
    assert.equal(q.findMessage(ANY_SOURCE, 20), 1);
    assert.equal(q.findMessage(2, ANY_TAG), 1);
    assert.equal(q.findMessage(ANY_SOURCE, ANY_TAG), 0);
    assert.equal(q.findMessage(3, ANY_TAG), -1);
    assert.equal(q.findMessage(ANY_SOURCE, 30), -1);
    assert.equal(q.unexpectedQueue.length, 4, 'findMessage does not remove');
  });

  test('takeMessage removes the message at the index (front, middle, last)', () => {
    const q = new MatchQueues<Env, Env>();
    q.unexpectedQueue.push(env('m0', 0, 0), env('m1', 1, 1), env('m2', 2, 2), env('m3', 3, 3));
    assert.equal(q.takeMessage(q.findMessage(2, 2)).id, 'm2');
    assert.deepEqual(ids(q.unexpectedQueue), ['m0', 'm1', 'm3']);
    assert.equal(q.takeMessage(0).id, 'm0');
    assert.deepEqual(ids(q.unexpectedQueue), ['m1', 'm3']);
    assert.equal(q.takeMessage(1).id, 'm3');
    assert.deepEqual(ids(q.unexpectedQueue), ['m1']);
  });

  test('non-overtaking: messages from one sender are received in send order', () => {
    const q = new MatchQueues<Env, Env>();
    for (let k = 0; k < 5; k++) q.unexpectedQueue.push(env(`a${k}`, 1, k % 2), env(`b${k}`, 2, k % 2));
    const got: string[] = [];
    for (let i = q.findMessage(1, ANY_TAG); i >= 0; i = q.findMessage(1, ANY_TAG)) got.push(q.takeMessage(i).id);
    assert.deepEqual(got, ['a0', 'a1', 'a2', 'a3', 'a4']);
    const tag1: string[] = [];
    for (let i = q.findMessage(ANY_SOURCE, 1); i >= 0; i = q.findMessage(ANY_SOURCE, 1)) tag1.push(q.takeMessage(i).id);
    assert.deepEqual(tag1, ['b1', 'b3']);
    assert.deepEqual(ids(q.unexpectedQueue), ['b0', 'b2', 'b4']);
  });

  test('queues of different contexts are independent', () => {
    const a = new MatchQueues<Env, Env>();
    const b = new MatchQueues<Env, Env>();
    a.unexpectedQueue.push(env('m', 0, 0));
    a.postedReceives.push(env('r', 1, 1));
    assert.equal(b.findMessage(ANY_SOURCE, ANY_TAG), -1);
    assert.equal(b.takeReceive(1, 1), undefined);
    assert.equal(a.takeReceive(1, 1)?.id, 'r');
  });
});

describe('matching: removeReceive (cancel)', () => {
  test('removes a queued receive by identity, once', () => {
    const q = new MatchQueues<Env, Env>();
    const r1 = env('r1', 1, 1);
    const r2 = env('r2', 1, 1);
    const twin = env('r2', 1, 1); // equal fields, different object
    q.postedReceives.push(r1, r2);
    assert.equal(q.removeReceive(twin), false, 'identity, not structural equality');
    assert.equal(q.removeReceive(r1), true);
    assert.equal(q.removeReceive(r1), false, 'already removed');
    assert.deepEqual(ids(q.postedReceives), ['r2']);
    assert.equal(q.takeReceive(1, 1), r2, 'the cancelled receive no longer matches');
    assert.equal(q.removeReceive(r2), false, 'a matched receive cannot be cancelled');
  });

  test('removing from the middle keeps the order of the rest', () => {
    const q = new MatchQueues<Env, Env>();
    const rs = [0, 1, 2, 3].map((k) => env(`r${k}`, ANY_SOURCE, ANY_TAG));
    q.postedReceives.push(...rs);
    assert.equal(q.removeReceive(rs[2]!), true);
    assert.deepEqual([q.takeReceive(0, 0)?.id, q.takeReceive(0, 0)?.id, q.takeReceive(0, 0)?.id], ['r0', 'r1', 'r3']);
  });
});
