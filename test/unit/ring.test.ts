/**
 * Unit tests for the shared-memory SPSC byte ring (src/transport/threads/ring.ts).
 *
 * Run: node --import tsx --test test/unit/ring.test.ts
 *
 * Single-threaded tests use two Ring objects over one SharedArrayBuffer
 * (`Ring.create` for the producer, `Ring.attach` for the consumer): each side
 * caches the other's counter, so one object must never play both roles.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  Ring, HEADER_BYTES, F_LEN, F_KIND, F_A, F_B, F_C, F_D, F_SIZE_LO, F_SIZE_HI, align8,
} from '../../src/transport/threads/ring.ts';
import { frameLength, fnv1a, FRAME_KIND, SEQ_MASK } from './fixtures/ring_frames.ts';

/**
 * Source of an eval worker that loads a TypeScript module: Node 20 does not
 * apply the parent's `--import tsx` hooks to a worker's .ts entry point.
 */
function tsWorkerSource(url: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
}

/** Int32 indices of the control words (mirrors ring.ts; used to start counters near int32 overflow). */
const CTL_HEAD = 0;
const CTL_TAIL = 16;
const WRAP = -1;

function pair(capacity = 4096): { p: Ring; c: Ring } {
  const p = Ring.create(capacity, 3, 7);
  return { p, c: Ring.attach(p.region) };
}

/** Write a frame of `frameBytes` (8-aligned, >= HEADER_BYTES) tagged `tag`; returns its offset or -1. */
function put(p: Ring, frameBytes: number, tag: number, commit = true): number {
  const pos = p.reserve(frameBytes);
  if (pos < 0) return pos;
  const i = pos >> 2;
  p.words[i + F_LEN] = frameBytes;
  p.words[i + F_KIND] = 1;
  p.words[i + F_A] = tag;
  p.bytes.fill(tag & 255, pos + HEADER_BYTES, pos + frameBytes);
  if (commit) p.commit(frameBytes);
  return pos;
}

interface Taken { pos: number; frameBytes: number; tag: number; woke: boolean }

/** Read and release the front frame, checking its payload; null when the ring is empty. */
function take(c: Ring): Taken | null {
  const pos = c.peek();
  if (pos < 0) return null;
  const i = pos >> 2;
  const frameBytes = c.words[i + F_LEN]!;
  const tag = c.words[i + F_A]!;
  assert.ok(frameBytes >= HEADER_BYTES && frameBytes % 8 === 0 && pos + frameBytes <= c.capacity,
    `sane frame at ${pos}: ${frameBytes} bytes`);
  for (let j = pos + HEADER_BYTES; j < pos + frameBytes; j++) {
    if (c.bytes[j] !== (tag & 255)) assert.fail(`frame ${tag} at ${pos}: byte ${j} is ${c.bytes[j]}`);
  }
  const woke = c.release(frameBytes);
  return { pos, frameBytes, tag, woke };
}

describe('Ring: construction', () => {
  test('create sets capacity, ids and views; attach sees the same ring', () => {
    const p = Ring.create(8192, 5, 9);
    assert.equal(p.capacity, 8192);
    assert.equal(p.producer, 5);
    assert.equal(p.consumer, 9);
    assert.equal(p.bytes.length, 8192);
    assert.equal(p.words.length, 2048);
    assert.equal(p.bytes.buffer, p.region.sab);
    assert.equal(p.words.buffer, p.region.sab);
    assert.equal(p.bytes.byteOffset, p.words.byteOffset);
    assert.equal(p.region.sab.byteLength, 8192 + p.bytes.byteOffset);
    const c = Ring.attach(p.region);
    assert.equal(c.capacity, 8192);
    assert.equal(c.producer, 5);
    assert.equal(c.consumer, 9);
    assert.equal(c.peek(), -1, 'a new ring is empty');
  });

  test('maxChunk leaves room for several frames; align8 and HEADER_BYTES', () => {
    assert.equal(HEADER_BYTES, 32);
    assert.equal(Ring.create(4096, 0, 1).maxChunk, 4096 >> 3);
    assert.equal(Ring.create(1 << 16, 0, 1).maxChunk, (1 << 16) >> 3);
    assert.deepEqual([0, 1, 7, 8, 9, 15, 16, 1001].map(align8), [0, 8, 8, 8, 16, 16, 16, 1008]);
  });

  test('power-of-two capacities >= 4096 are accepted', () => {
    for (const cap of [4096, 8192, 1 << 16, 1 << 20]) assert.equal(Ring.create(cap, 0, 1).capacity, cap);
  });

  test('capacity that is not a power of two, or below 4096, throws RangeError', () => {
    for (const cap of [0, 1, 8, 2048, 4095, 4097, 6000, 12288, 3 << 12, (1 << 16) + 8, -4096]) {
      assert.throws(() => Ring.create(cap, 0, 1), (e: unknown) => {
        assert.ok(e instanceof RangeError, `capacity ${cap}: ${String(e)}`);
        assert.match(e.message, /power of two/);
        assert.match(e.message, new RegExp(String(cap)));
        return true;
      });
    }
  });

  // The check `(capacity & (capacity - 1)) !== 0` works on ToInt32 values, so a
  // fractional capacity passes and the ring silently gets floor(capacity).
  test('non-integer capacity throws RangeError', () => {
    for (const cap of [4096.5, 8192.25]) {
      assert.throws(() => Ring.create(cap, 0, 1), RangeError, `capacity ${cap} should be rejected`);
    }
  });
});

describe('Ring: reserve / commit / peek / release', () => {
  test('a frame is invisible until committed, then read once', () => {
    const { p, c } = pair();
    assert.equal(put(p, 64, 11, false), 0);
    assert.equal(c.peek(), -1, 'reserved but uncommitted');
    assert.equal(p.reserve(64), 0, 'reserve does not advance: reserving again gives the same offset');
    p.commit(64);
    assert.equal(c.peek(), 0);
    assert.equal(c.peek(), 0, 'peek does not consume');
    const t = take(c);
    assert.deepEqual(t, { pos: 0, frameBytes: 64, tag: 11, woke: false });
    assert.equal(c.peek(), -1);
  });

  test('frames are read in order at consecutive offsets', () => {
    const { p, c } = pair();
    const sizes = [32, 40, 64, 1000 + 8 - (1000 % 8), 256, 32];
    const offsets: number[] = [];
    let at = 0;
    sizes.forEach((fb, k) => {
      offsets.push(at);
      assert.equal(put(p, fb, 100 + k), at);
      at += fb;
    });
    for (let k = 0; k < sizes.length; k++) {
      const t = take(c)!;
      assert.equal(t.tag, 100 + k);
      assert.equal(t.pos, offsets[k]);
      assert.equal(t.frameBytes, sizes[k]);
    }
    assert.equal(take(c), null);
  });

  test('a frame that ends exactly at the end of the data area needs no WRAP', () => {
    const { p, c } = pair();
    assert.equal(put(p, 2048, 1), 0);
    assert.equal(put(p, 1024, 2), 2048);
    assert.equal(put(p, 1024, 3), 3072, 'fits exactly before the end');
    assert.equal(p.reserve(8), -1, 'ring is now full');
    assert.equal(take(c)!.tag, 1);
    assert.equal(put(p, 2048, 4), 0, 'a half-ring frame starts at 0 without padding');
    assert.equal(p.reserve(8), -1, 'full again');
    assert.deepEqual(take(c), { pos: 2048, frameBytes: 1024, tag: 2, woke: false });
    assert.deepEqual(take(c), { pos: 3072, frameBytes: 1024, tag: 3, woke: false });
    // head at 2048: a half-ring frame ends exactly at the end of the data area.
    assert.equal(put(p, 2048, 5), 2048, 'a half-ring frame fits exactly before the end');
    assert.notEqual(p.words[2048 >> 2], WRAP);
    assert.deepEqual(take(c), { pos: 0, frameBytes: 2048, tag: 4, woke: false });
    assert.deepEqual(take(c), { pos: 2048, frameBytes: 2048, tag: 5, woke: false });
    assert.equal(take(c), null);
    assert.equal(put(p, 2048, 6), 0, 'and the next one starts at 0, again without padding');
    assert.deepEqual(take(c), { pos: 0, frameBytes: 2048, tag: 6, woke: false });
  });

  test('a frame that does not fit before the end is preceded by a WRAP marker', () => {
    const { p, c } = pair();
    assert.equal(put(p, 1024, 1), 0);
    assert.equal(put(p, 1024, 2), 1024);
    assert.equal(put(p, 1024, 3), 2048);
    assert.equal(take(c)!.tag, 1);
    assert.equal(take(c)!.tag, 2);
    // head at 3072, 1024 bytes to the end: a 1536-byte frame forces padding.
    assert.equal(put(p, 1536, 4), 0, 'frame placed at the start of the data area');
    assert.equal(p.words[3072 >> 2], WRAP, 'WRAP marker written at the old head');
    const t3 = take(c)!;
    assert.equal(t3.tag, 3);
    assert.equal(t3.pos, 2048);
    const t4 = take(c)!;
    assert.equal(t4.tag, 4, 'consumer skipped the padding');
    assert.equal(t4.pos, 0);
    assert.equal(take(c), null);
    // Everything consumed: the whole capacity is free again (head at 1536).
    assert.equal(put(p, 2048, 5), 1536);
    assert.equal(put(p, 512, 6), 3584, 'ends exactly at the end');
    assert.equal(put(p, 1536, 7), 0, 'no padding needed');
    assert.equal(p.reserve(8), -1, 'the ring is full');
    assert.deepEqual([take(c)!.tag, take(c)!.tag, take(c)!.tag, take(c)], [5, 6, 7, null]);
  });

  test('padding is published even when the frame itself does not fit yet', () => {
    const { p, c } = pair();
    assert.equal(put(p, 2048, 1), 0);
    assert.equal(put(p, 1024, 2), 2048);
    // 1024 bytes to the end, 1024 free: the padding fits, a 1536-byte frame does not.
    assert.equal(p.reserve(1536), -1);
    assert.equal(p.words[3072 >> 2], WRAP);
    assert.equal(take(c)!.tag, 1);
    assert.equal(take(c)!.tag, 2);
    assert.equal(c.peek(), -1, 'only padding left: the ring reads as empty');
    assert.equal(put(p, 1536, 3), 0, 'after the padding the frame goes to offset 0');
    assert.deepEqual(take(c), { pos: 0, frameBytes: 1536, tag: 3, woke: false });
    assert.equal(take(c), null);
  });

  test('no WRAP is written while the padding itself is not free', () => {
    const { p, c } = pair();
    assert.equal(put(p, 2048, 1), 0);
    assert.equal(put(p, 1024, 2), 2048);
    assert.equal(put(p, 1024, 3), 3072);
    assert.equal(take(c)!.tag, 1);
    assert.equal(take(c)!.tag, 2);
    assert.equal(put(p, 2048, 4), 0);
    assert.equal(put(p, 512, 5), 2048);
    // head at 2560 with 1536 bytes to the end, but only 512 bytes free (frame 3 at 3072..4096 unread).
    assert.equal(p.reserve(2048), -1);
    assert.notEqual(p.words[2560 >> 2], WRAP, 'no padding published');
    assert.equal(c.peek(), 3072, 'the consumer sees frame 3 next, not padding');
    assert.deepEqual(take(c), { pos: 3072, frameBytes: 1024, tag: 3, woke: false });
    // Now exactly the 1536 bytes of padding are free.
    assert.equal(put(p, 2048, 6), -1, 'padding (1536) published; the frame waits for frame 4');
    assert.equal(p.words[2560 >> 2], WRAP);
    assert.deepEqual(take(c), { pos: 0, frameBytes: 2048, tag: 4, woke: false });
    assert.equal(put(p, 2048, 6), 0,
      'placed at 0 while frame 5 and the padding are still unread: the padding is shorter than the frame');
    assert.equal(p.reserve(8), -1, 'full: frame 5, the padding and frame 6');
    assert.deepEqual(take(c), { pos: 2048, frameBytes: 512, tag: 5, woke: false });
    assert.deepEqual(take(c), { pos: 0, frameBytes: 2048, tag: 6, woke: false }, 'consumer skips the padding');
    assert.equal(take(c), null);
  });

  test('full ring: reserve returns -1 until the consumer releases', () => {
    const { p, c } = pair();
    assert.equal(put(p, 2048, 1), 0, 'a frame may fill half the ring');
    assert.equal(put(p, 2048, 2), 2048, 'two such frames fill the whole ring');
    assert.equal(p.reserve(8), -1);
    assert.equal(p.reserve(2048), -1);
    assert.equal(c.peek(), 0, 'a full ring is not mistaken for an empty one');
    assert.equal(take(c)!.tag, 1);
    assert.equal(p.reserve(2048), 0, 'the freed half is reusable (reserve does not advance)');
    assert.equal(take(c)!.tag, 2);
    assert.equal(c.peek(), -1);
    for (let k = 0; k < 4; k++) assert.equal(put(p, 1024, 10 + k), k * 1024);
    assert.equal(p.reserve(8), -1);
    assert.equal(p.reserve(1024), -1);
    assert.equal(take(c)!.tag, 10);
    assert.equal(p.reserve(1032), -1, 'only 1024 bytes free');
    assert.equal(put(p, 1024, 14), 0);
    assert.deepEqual([10, 11, 12, 13].map(() => take(c)!.tag), [11, 12, 13, 14]);
    assert.equal(take(c), null);
  });

  test('frames larger than half the capacity are refused with RangeError', () => {
    for (const cap of [4096, 8192, 1 << 16]) {
      const { p, c } = pair(cap);
      const half = cap >> 1;
      const refused = (fb: number, why: string): void => {
        assert.throws(() => p.reserve(fb), (e: unknown) => {
          assert.ok(e instanceof RangeError, `capacity ${cap}, frame ${fb} (${why}): ${String(e)}`);
          assert.match(e.message, /half the ring/);
          assert.match(e.message, new RegExp(`\\b${fb}\\b`));
          return true;
        }, `capacity ${cap}, frame ${fb} (${why})`);
      };
      for (const fb of [half + 8, cap - 8, cap, cap + 8, 2 * cap]) refused(fb, 'empty ring');
      // The limit itself is accepted.
      assert.equal(put(p, half, 1), 0);
      assert.equal(put(p, 32, 2), half);
      // head at half + 32: the padding to the end would be free, but the frame is still refused,
      // without publishing a WRAP marker.
      refused(half + 8, 'padding free');
      assert.equal(p.words[(half + 32) >> 2], 0, 'no padding published by a refused reserve');
      assert.equal(put(p, half - 32, 3), half + 32, 'the ring still fills up to the end');
      refused(half + 8, 'full ring: an error, not -1');
      assert.equal(p.reserve(8), -1);
      assert.deepEqual([take(c)!.tag, take(c)!.tag, take(c)!.tag, take(c)], [1, 2, 3, null]);
      assert.equal(put(p, half, 4), 0);
      assert.deepEqual(take(c), { pos: 0, frameBytes: half, tag: 4, woke: false });
    }
  });

  test('counters crossing int32 overflow keep working', () => {
    const p0 = Ring.create(4096, 0, 1);
    const ctl = new Int32Array(p0.region.sab, 0, 64);
    const start = 0x7fffe800; // offset 2048, 6 KiB below 2^31
    ctl[CTL_HEAD] = start;
    ctl[CTL_TAIL] = start;
    const p = Ring.attach(p0.region);
    const c = Ring.attach(p0.region);
    let written = 0;
    let read = 0;
    const sizes = [40, 1024, 2000, 512, 2048, 64, 2048, 1536, 32];
    for (let round = 0; round < 60; round++) {
      const fb = sizes[round % sizes.length]!;
      let idle = 0;
      while (put(p, fb, written) < 0) {
        const t = take(c); // null when it only skipped padding
        // With frames <= capacity/2, once everything (and any padding) is read the frame fits.
        if (t === null) assert.ok(++idle < 2, `no progress at frame ${written}`);
        else assert.equal(t.tag, read++);
      }
      written++;
    }
    for (let t = take(c); t !== null; t = take(c)) assert.equal(t.tag, read++);
    assert.equal(read, written);
    assert.ok(Atomics.load(ctl, CTL_HEAD) < 0, 'head wrapped past int32 max');
    assert.equal(Atomics.load(ctl, CTL_HEAD), Atomics.load(ctl, CTL_TAIL));
  });

  test('random interleaving matches a FIFO model (frames up to half the capacity)', () => {
    let s = 12345;
    const rnd = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % n;
    };
    for (const cap of [4096, 8192]) {
      const { p, c } = pair(cap);
      const model: { tag: number; fb: number }[] = [];
      let tag = 0;
      let pendingFb = 0;
      let halfFrames = 0;
      for (let step = 0; step < 20000; step++) {
        if (rnd(2) === 0) {
          if (pendingFb === 0) {
            const big = rnd(10) === 0;
            pendingFb = HEADER_BYTES + align8(big ? rnd((cap >> 1) - HEADER_BYTES + 1) : rnd(cap >> 3));
            if (pendingFb === cap >> 1) halfFrames++;
          }
          if (put(p, pendingFb, tag) >= 0) {
            model.push({ tag, fb: pendingFb });
            tag++;
            pendingFb = 0;
          } else {
            // Unread padding alone never blocks a frame of at most half the ring.
            assert.ok(model.length > 0, `step ${step}: a ${pendingFb}-byte frame does not fit in a drained ring`);
          }
        } else {
          const t = take(c);
          const m = model.shift();
          if (m === undefined) {
            assert.equal(t, null, `step ${step}: ring should be empty`);
          } else {
            assert.ok(t !== null, `step ${step}: frame ${m.tag} missing`);
            assert.equal(t.tag, m.tag);
            assert.equal(t.frameBytes, m.fb);
          }
        }
      }
      assert.ok(tag > 1000, `enough traffic (${tag} frames)`);
      assert.ok(halfFrames > 0, `some frames of exactly capacity/2 (${halfFrames})`);
    }
  });
});

describe('Ring: producer waiting', () => {
  test('release returns false when the producer never announced waiting', () => {
    const { p, c } = pair();
    put(p, 64, 1);
    put(p, 64, 2);
    assert.equal(take(c)!.woke, false);
    assert.equal(take(c)!.woke, false);
  });

  test('announceWaiting on a full ring returns false; the next release returns true, once', () => {
    const { p, c } = pair();
    for (let k = 0; k < 4; k++) put(p, 1024, k);
    assert.equal(p.reserve(1024), -1);
    assert.equal(p.announceWaiting(1024), false, 'no room: the producer must wait');
    const t0 = take(c)!;
    assert.equal(t0.woke, true, 'release reports the waiting producer');
    assert.equal(take(c)!.woke, false, 'the flag was cleared by the first release');
    assert.equal(put(p, 1024, 4), 0);
    assert.equal(put(p, 1024, 5), 1024);
  });

  test('announceWaiting returns true when room appeared since the failed reserve', () => {
    const { p, c } = pair();
    for (let k = 0; k < 4; k++) put(p, 1024, k);
    assert.equal(p.reserve(512), -1, 'producer sees a full ring');
    assert.equal(take(c)!.woke, false, 'consumer frees a frame before the producer announces');
    assert.equal(p.announceWaiting(512), true, 'producer re-reads tail and must not wait');
    assert.equal(put(p, 512, 9), 0);
  });

  test('announceWaiting for a frame that needs padding counts only the padding', () => {
    const { p, c } = pair();
    put(p, 2048, 0);
    put(p, 1024, 1); // head at 3072: 1024 to the end, 1024 free
    assert.equal(p.announceWaiting(1536), true, '1024 bytes of padding are free: retry reserve');
    assert.equal(p.reserve(1536), -1, 'padding published, frame still too big');
    assert.equal(p.words[3072 >> 2], WRAP);
    assert.equal(p.announceWaiting(1536), false, 'at offset 0 the whole frame is needed');
    const t = take(c)!;
    assert.equal(t.tag, 0);
    assert.equal(t.woke, true, 'the release of the frame before the padding wakes the producer');
    assert.equal(put(p, 1536, 2), 0, 'and then the frame fits');
    assert.deepEqual([take(c), take(c)].map((x) => [x!.tag, x!.woke]), [[1, false], [2, false]]);
    assert.equal(take(c), null);
  });

  // skipping WRAP padding in peek() stores tail without looking at
  // PRODUCER_WAITING, so a producer that could only be freed by that skip would
  // never be rung. With frames <= capacity/2 the padding is shorter than the
  // frame, so the producer never waits on padding alone: the release of some
  // frame before the padding always frees enough and rings it.
  test('a producer waiting behind WRAP padding is woken by the release of the frame before it', () => {
    const { p, c } = pair(4096);
    assert.equal(put(p, 2048, 1), 0);
    assert.equal(put(p, 32, 2), 2048); // head at 2080: 2016 bytes to the end, 2016 free
    assert.equal(p.reserve(2048), -1, 'pads to the end (2016 free), then no room for 2048');
    assert.equal(p.words[2080 >> 2], WRAP);
    assert.equal(p.announceWaiting(2048), false, 'producer sleeps');
    const t1 = take(c)!;
    assert.equal(t1.tag, 1);
    assert.equal(t1.woke, true, 'consumer frees frame 1 and rings');
    // Producer wakes and retries: frame 2 and the padding are unread, yet 2048 bytes are free.
    assert.equal(put(p, 2048, 3), 0, 'the frame fits after a single wake-up');
    assert.deepEqual(take(c), { pos: 2048, frameBytes: 32, tag: 2, woke: false });
    assert.deepEqual(take(c), { pos: 0, frameBytes: 2048, tag: 3, woke: false }, 'padding skipped');
    assert.equal(take(c), null);
  });

  test('with frames <= capacity/2 a waiting producer is always woken: every head offset and frame size', () => {
    const cap = 4096;
    const half = cap >> 1;
    let combos = 0;
    let behindPadding = 0;
    // Ring filled with two frames up to the head at `at` (so only the padding
    // to the end is free), then three frames of `fb` that need padding.
    for (let at = half + 8; at < cap; at += 8) {
      const a = (at >> 4) << 3;
      for (let fb = Math.max(HEADER_BYTES, cap - at + 8); fb <= half; fb += 8) {
        const { p, c } = pair(cap);
        const st = runWaitingProtocol(p, c, [a, at - a, fb, fb, fb], () => true);
        assert.equal(st.frames, 5);
        assert.ok(st.sleeps > 0, `producer waits (head ${at}, frame ${fb})`);
        behindPadding += st.sleepsAfterPadding;
        combos++;
      }
    }
    assert.ok(combos > 30_000, `${combos} cases`);
    assert.ok(behindPadding >= combos, `the producer slept behind fresh padding in every case (${behindPadding})`);
  });

  test('with frames <= capacity/2 a waiting producer is always woken: random sizes and schedules', () => {
    let s = 777;
    const rnd = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % n;
    };
    for (const cap of [4096, 8192]) {
      const half = cap >> 1;
      const sizes: number[] = [];
      for (let k = 0; k < 20_000; k++) {
        const r = rnd(3);
        if (r === 0) sizes.push(HEADER_BYTES + align8(rnd(cap >> 4))); // small: move the head around
        else if (r === 1) sizes.push(half - 8 * rnd(cap >> 6)); // close to the limit
        else sizes.push(HEADER_BYTES + align8(rnd(half - HEADER_BYTES + 1)));
      }
      for (const bias of [2, 4, 8]) {
        const { p, c } = pair(cap);
        // The producer moves with probability 1 - 1/bias: mostly a full ring and a lazy consumer.
        const st = runWaitingProtocol(p, c, sizes, () => rnd(bias) !== 0);
        assert.equal(st.frames, sizes.length);
        assert.ok(st.sleeps > 1000, `capacity ${cap}, bias ${bias}: producer waited often (${st.sleeps})`);
        assert.ok(st.sleepsAfterPadding > 100,
          `capacity ${cap}, bias ${bias}: producer waited behind fresh padding (${st.sleepsAfterPadding})`);
      }
    }
  });
});

interface WaitStats { frames: number; sleeps: number; sleepsAfterPadding: number }

/**
 * Single-threaded model of the engine's waiting protocol (as in
 * fixtures/ring_producer.ts and streamFrames): the producer reads the
 * doorbell, calls announceWaiting and, if that returns false, sleeps until the
 * doorbell changes; the consumer rings the doorbell when release() returns
 * true. `producerMoves()` picks who moves next when both can. Fails on a lost
 * wake-up: the consumer finds the ring empty while the producer sleeps and has
 * not been rung since it read the doorbell (both threads would sleep forever).
 */
function runWaitingProtocol(p: Ring, c: Ring, sizes: readonly number[], producerMoves: () => boolean): WaitStats {
  const ctl = new Int32Array(p.region.sab, 0, 1);
  const st: WaitStats = { frames: 0, sleeps: 0, sleepsAfterPadding: 0 };
  let bell = 0;
  let seen = 0;
  let asleep = false;
  let written = 0;
  for (let moves = 0; st.frames < sizes.length; moves++) {
    assert.ok(moves < 100 * sizes.length + 1000, `no progress after ${st.frames} frames`);
    const producerCan = written < sizes.length && (!asleep || bell !== seen);
    if (producerCan && producerMoves()) {
      asleep = false;
      const fb = sizes[written]!;
      const headBefore = Atomics.load(ctl, CTL_HEAD);
      if (put(p, fb, written) >= 0) {
        written++;
        continue;
      }
      seen = bell;
      if (p.announceWaiting(fb)) continue;
      asleep = true;
      st.sleeps++;
      if (Atomics.load(ctl, CTL_HEAD) !== headBefore) st.sleepsAfterPadding++;
      continue;
    }
    const t = take(c);
    if (t === null) {
      if (!producerCan) {
        assert.fail(`lost wake-up: the producer sleeps for frame ${written} (${sizes[written]} bytes), `
          + `the consumer is idle on an empty ring and never rang it`);
      }
      continue;
    }
    assert.equal(t.tag, st.frames, 'FIFO order');
    assert.equal(t.frameBytes, sizes[st.frames]);
    st.frames++;
    if (t.woke) bell++;
  }
  assert.equal(c.peek(), -1);
  return st;
}

interface StreamStats { wraps: number; maxLen: number; bytes: number }

/**
 * Stream `frames` frames from a producer worker (fixtures/ring_producer.ts)
 * through a ring of `capacity` bytes, consuming and checking them here. Every
 * wait has a timeout, so a lost wake-up or a stall fails instead of hanging.
 */
async function streamFrames(capacity: number, frames: number, seed: number, cycle?: number[]): Promise<StreamStats> {
  const ring = Ring.create(capacity, 1, 0);
  const c = Ring.attach(ring.region);
  const bell = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(tsWorkerSource(new URL('./fixtures/ring_producer.ts', import.meta.url)), {
    eval: true,
    workerData: { region: ring.region, bell: bell.buffer, frames, seed, cycle, waitMs: 1000 },
  });
  let workerError: unknown = null;
  worker.on('error', (e) => { workerError = e; });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  try {
    const ready = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      void exited.then((code) => reject(new Error(`producer exited (${code}) before starting: ${String(workerError)}`)));
    });
    assert.equal(ready, 'ready');

    const expectLength = frameLength(seed, c.maxChunk, cycle);
    const stats: StreamStats = { wraps: 0, maxLen: 0, bytes: 0 };
    let lastPos = -1;
    for (let seq = 0; seq < frames;) {
      const seen = Atomics.load(bell, 1);
      const pos = c.peek();
      if (pos < 0) {
        // Empty: sleep on the consumer doorbell (the producer bumps it after each commit).
        if (Atomics.wait(bell, 1, seen, 3000) === 'timed-out') {
          assert.fail(`no frame for 3 s after ${seq} frames (producer committed ${Atomics.load(bell, 3)}`
            + `${workerError === null ? '' : `, producer failed: ${String(workerError)}`})`);
        }
        const stuck = Atomics.load(bell, 2);
        if (stuck !== 0) assert.fail(`lost wake-up: the producer waited 1 s for room at frame ${stuck - 1}`);
        continue;
      }
      if (pos <= lastPos) stats.wraps++;
      lastPos = pos;
      const w = c.words;
      const i = pos >> 2;
      const len = expectLength();
      const frameBytes = HEADER_BYTES + align8(len);
      if (w[i + F_A] !== seq || w[i + F_D] !== (seq ^ SEQ_MASK) || w[i + F_KIND] !== FRAME_KIND) {
        assert.fail(`frame ${seq}: header says seq ${w[i + F_A]} kind ${w[i + F_KIND]} at offset ${pos}`);
      }
      if (w[i + F_LEN] !== frameBytes || w[i + F_B] !== len) {
        assert.fail(`frame ${seq}: length ${w[i + F_B]}/${w[i + F_LEN]}, expected ${len}/${frameBytes}`);
      }
      if (w[i + F_SIZE_LO] !== pos || w[i + F_SIZE_HI] !== frameBytes) {
        assert.fail(`frame ${seq}: written at ${w[i + F_SIZE_LO]}, read at ${pos}`);
      }
      if (pos + frameBytes > c.capacity) assert.fail(`frame ${seq} crosses the end of the data area`);
      const sum = fnv1a(c.bytes, pos + HEADER_BYTES, len);
      if (sum !== w[i + F_C]) assert.fail(`frame ${seq}: checksum ${sum} != ${w[i + F_C]}`);
      stats.maxLen = Math.max(stats.maxLen, len);
      stats.bytes += frameBytes;
      seq++;
      if (c.release(frameBytes)) {
        Atomics.add(bell, 0, 1);
        Atomics.notify(bell, 0);
      }
    }
    assert.equal(c.peek(), -1, 'nothing after the last frame');
    const code = await exited;
    assert.equal(workerError, null);
    assert.equal(code, 0);
    assert.equal(Atomics.load(bell, 3), frames);
    assert.equal(Atomics.load(bell, 2), 0, 'a producer wait timed out (lost wake-up)');
    return stats;
  } finally {
    await worker.terminate();
  }
}

describe('Ring: two threads', () => {
  test('200k variable-size frames through a 64 KiB ring arrive once, in order, intact', { timeout: 30_000 }, async () => {
    const capacity = 1 << 16;
    const { wraps, maxLen, bytes } = await streamFrames(capacity, 200_000, 0xc0ffee);
    assert.ok(wraps > 100, `the ring wrapped many times (${wraps})`);
    assert.ok(maxLen > (capacity >> 4), `some frames near maxChunk (${maxLen})`);
    assert.ok(bytes > 16 * capacity, `traffic ${bytes} bytes`);
  });

  // Two-thread form of 'a producer waiting behind WRAP padding is woken by
  // the release of the frame before it'. Frames of 2040, 2048 and 40 bytes in a
  // 4 KiB ring: the producer keeps waiting for a frame of up to capacity/2
  // behind WRAP padding (8, 2016 and 2008 bytes). Before the capacity/2 limit,
  // frames of 2040 and 3000 bytes deadlocked here.
  test('frames up to capacity/2 behind WRAP padding do not deadlock the producer', { timeout: 30_000 }, async () => {
    const cycle = [2040, 2048, 40].map((fb) => fb - HEADER_BYTES);
    const { wraps, maxLen } = await streamFrames(4096, 20_000, 1, cycle);
    assert.equal(maxLen, 2048 - HEADER_BYTES, 'frames of exactly capacity/2');
    assert.ok(wraps > 6000, `the ring wrapped (with padding) every few frames (${wraps})`);
  });
});
