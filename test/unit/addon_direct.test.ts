/**
 * The native addons loaded directly, as a user could, and called with
 * made-up arguments (issue #13): made-up pins, ranges past a buffer,
 * indices of communicators, requests and messages that do not exist, calls
 * before init and after finalize, buffers given away while the library
 * still uses them. Each is an exception, never a crash or a write into
 * memory the process gave to something else. Each addon runs in a child
 * process (test/unit/fixtures/addon_direct.cjs), so a crash is a signal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtLibraries, nativeDir } from '../../src/transport/native/addon.ts';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'addon_direct.cjs');

function run(kind: string, file: string): Map<string, string> {
  const r = spawnSync(process.execPath, ['--expose-gc', script, kind, file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `the process died of ${r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.at(-1), 'alive', r.stdout);
  assert.ok(!lines.some((l) => /wrong bytes|changed/.test(l)), r.stdout);
  return new Map(lines.map((l) => {
    const m = /^(.*?) (threw .*|returned)$/.exec(l);
    return m ? [m[1]!, m[2]!] : [l, ''];
  }));
}

const sched = path.join(nativeDir, 'sched', 'build', 'Release', 'sched.node');
test('native/sched: copies only between live pins and the caller\'s arrays, within bounds', { skip: fs.existsSync(sched) ? false : 'native/sched is not built' }, () => {
  const out = run('sched', sched);
  assert.equal(out.get('copyFrom from a detached, pinned buffer'), 'returned');
  for (const name of ['copyFrom a made-up handle', 'copyFrom an address-like number', 'copyFrom after unpin']) {
    assert.equal(out.get(name), 'threw copyFrom: no such pinned buffer', name);
  }
  assert.equal(out.get('copyFrom past the pin'), 'threw copyFrom: range outside the pinned buffer');
  assert.equal(out.get('copyFrom past dst'), 'threw copyFrom: range outside dst');
  assert.match(out.get('copyFrom a fraction')!, /^threw copyFrom: at, handle, from and n must be integers/);
  assert.equal(out.get('copyTo past the pin'), 'threw copyTo: range outside the pinned buffer');
  assert.equal(out.get('copyTo from a non-array'), 'threw copyTo: src must be a typed array');
  assert.ok(out.has('pin of a resizable buffer 0'), 'a resizable buffer was pinned');
  assert.ok(out.has('pin of an empty array 0'));
});

for (const lib of ['openmpi', 'mpich']) {
  const file = path.join(nativeDir, `build-${lib}`, 'mpi4ts_native.node');
  const skip = builtLibraries().includes(lib) ? false : `native addon not built for ${lib}`;
  test(`native addon (${lib}): made-up indices and counts are exceptions, buffers given away stay pinned`, { skip, timeout: 90_000 }, () => {
    const out = run('native', file);
    assert.match(out.get('send before init')!, /^threw no communicator 0: MPI is not initialized/);
    assert.match(out.get('wait before init')!, /^threw no request 0: MPI is not initialized/);
    assert.match(out.get('init with a resizable status array')!, /^threw the status array must be a typed array over a fixed-length buffer/);
    assert.equal(out.get('init'), 'returned');
    for (const [name, what] of [['commInfo of communicator 99', 'communicator index 99'], ['commInfo of communicator -1', 'communicator index -1'],
      ['commFree of communicator 7', 'communicator index 7'], ['test of request 5', 'request index 5'],
      ['wait of request 1e9', 'request index 1000000000'], ['cancel of request -3', 'request index -3'],
      ['waitany of requests 4, 8', 'request index 4'], ['mrecv of message 3', 'matched message index 3'],
      ['imrecv of message 3', 'matched message index 3']] as const) {
      assert.equal(out.get(name), `threw invalid ${what}`, name);
    }
    assert.equal(out.get('ireduce of 1000 ints from 16 bytes'), 'threw ireduce: count exceeds a buffer');
    assert.equal(out.get('ireduce of type 77'), 'threw ireduce: unknown element type or operation code');
    assert.equal(out.get('allreduce without a result'), 'threw ireduce: an allreduce needs a result buffer');
    assert.match(out.get('isend of a resizable buffer')!, /^threw a resizable ArrayBuffer cannot be/);
    assert.equal(out.get('wait of the receive'), 'returned');
    assert.equal(out.get('wait of the send'), 'returned');
    assert.equal(out.get('winSync of window 3'), 'threw invalid window index 3');
    for (const name of ['winPut past the window', 'winPut at a negative displacement', 'winAccumulate past the window']) {
      assert.equal(out.get(name), 'threw target bytes outside the target\'s window', name);
    }
    assert.equal(out.get('winPut to rank 1'), 'threw target rank out of range');
    assert.equal(out.get('winAccumulate of type 77'), 'threw winAccumulate: bad type, operation or length');
    assert.equal(out.get('winAccumulate of more bytes than the origin'), 'threw winAccumulate: buffers shorter than the data, or misaligned');
    assert.equal(out.get('winSync lock of rank 5'), 'threw winSync: rank out of range');
    for (const name of ['winSync lock', 'winPut get', 'winSync unlock', 'winFree']) assert.equal(out.get(name), 'returned', name);
    assert.ok(out.has('window view after winFree 0'), 'the library memory\'s view is detached at winFree');
    assert.equal(out.get('winPut after winFree'), 'threw invalid window index 0');
    assert.equal(out.get('finalize'), 'returned');
    assert.match(out.get('commInfo after finalize')!, /^threw no communicator 0: MPI is finalized/);
    assert.match(out.get('init after finalize')!, /^threw MPI is finalized/);
  });
}
