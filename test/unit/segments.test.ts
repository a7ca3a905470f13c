/**
 * Unit tests for the shared memory of one-sided windows in the threads
 * transport (src/transport/threads/segment.ts `Segments.share`): a rank's
 * own memory is attached at once and posted to the others; another rank's
 * is attached when it arrives, before or after the rank asks; a forgotten
 * key keeps nothing; memory whose size is not a whole number of Int32s
 * still attaches (window memory has any size).
 *
 * Run: node --import tsx --test test/unit/segments.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Segments } from '../../src/transport/threads/segment.ts';
import { OWN_BUFFERS, type Region } from '../../src/transport/threads/shared.ts';
import type { ProcTable } from '../../src/transport/threads/proctable.ts';

const table = { ring: () => {} } as unknown as ProcTable;

test('Segments.share: own memory attached and posted to the others', () => {
  const segs = new Segments(table, 7, OWN_BUFFERS);
  const posted: [string, Region, number[]][] = [];
  const sab = new SharedArrayBuffer(13);
  const mine = { sab, offset: 0, bytes: 13 };
  const seg = segs.share('win:4:0:7', mine, Int32Array.of(3, 9), (k, s, to) => posted.push([k, s, to]));
  assert.equal(seg.attached, true);
  assert.equal(seg.bytes.buffer, sab);
  assert.equal(seg.bytes.length, 13);
  assert.equal(seg.words.length, 3);
  assert.deepEqual(posted, [['win:4:0:7', mine, [3, 9]]]);
});

test('Segments.share: another rank\'s memory attaches when it arrives, before or after the ask', () => {
  const segs = new Segments(table, 7, OWN_BUFFERS);
  const late = segs.share('win:4:1:3', null, Int32Array.of(3), () => assert.fail('nothing to post'));
  assert.equal(late.attached, false);
  const a = new SharedArrayBuffer(8);
  segs.arrived('win:4:1:3', { sab: a, offset: 0, bytes: 8 });
  assert.equal(late.attached, true);
  assert.equal(late.bytes.buffer, a);
  const b = new SharedArrayBuffer(4);
  segs.arrived('win:4:1:9', { sab: b, offset: 0, bytes: 4 });
  const early = segs.share('win:4:1:9', null, Int32Array.of(9), () => assert.fail('nothing to post'));
  assert.equal(early.attached, true);
  assert.equal(early.bytes.buffer, b);
});

test('Segments.forget: a freed window\'s keys keep nothing', () => {
  const segs = new Segments(table, 7, OWN_BUFFERS);
  segs.arrived('win:6:0:3', { sab: new SharedArrayBuffer(4), offset: 0, bytes: 4 });
  segs.forget('win:6:0:3');
  const seg = segs.share('win:6:0:3', null, Int32Array.of(3), () => {});
  assert.equal(seg.attached, false);
});
