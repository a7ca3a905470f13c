/**
 * Unit tests for the tags of Create_from_group(s) (src/core/stringtag.ts):
 * equal string tags and members agree, in range; a different string, member,
 * or member order gives another tag.
 *
 * Run: node --import tsx --test test/unit/stringtag.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringtagKey } from '../../src/core/stringtag.ts';

test('stringtag: the same string and members give the same tag, within [0, 2^30)', () => {
  for (const s of ['', 'org.mpi4py', 'x'.repeat(256), 'é∑😀']) {
    const a = stringtagKey(s, Int32Array.of(0, 1, 2));
    assert.equal(a, stringtagKey(s, [0, 1, 2]));
    assert.ok(Number.isInteger(a) && a >= 0 && a < 2 ** 30, `${a} in range`);
  }
});

test('stringtag: another string, another member set or another order gives another tag', () => {
  const base = stringtagKey('org.mpi4py', [0, 1, 2]);
  assert.notEqual(stringtagKey('org.mpi4pz', [0, 1, 2]), base);
  assert.notEqual(stringtagKey('org.mpi4py', [0, 1]), base);
  assert.notEqual(stringtagKey('org.mpi4py', [2, 1, 0]), base);
  assert.notEqual(stringtagKey('org.mpi4py', [0, 1, 3]), base);
  // Members are not confused with the string's characters.
  assert.notEqual(stringtagKey('a', [98]), stringtagKey('ab', []));
  // Few collisions over many groups of one string.
  const seen = new Set<number>();
  for (let i = 0; i < 10000; i++) seen.add(stringtagKey('org.mpi4py', [i, i + 1]));
  assert.ok(seen.size >= 9999, `${seen.size} distinct tags of 10000`);
});
