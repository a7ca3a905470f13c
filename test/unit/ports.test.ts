/**
 * The embedded runtime's port registry (src/transport/threads/ports.ts),
 * the launcher's side of Open_port, Close_port, the name service and the
 * meeting of Accept with Connect, in one process:
 *   node --import tsx --test test/unit/ports.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortRegistry, type PortReply } from '../../src/transport/threads/ports.ts';
import { ERR_NAME, ERR_PORT, ERR_SERVICE } from '../../src/core/errorcodes.ts';

function registry(): { reg: PortRegistry; replies: [number, PortReply][] } {
  const replies: [number, PortReply][] = [];
  return { reg: new PortRegistry('port:', (gpid, r) => replies.push([gpid, r])), replies };
}

const failed = (r: PortReply): number | null => ('error' in r ? r.errorClass : null);

test('ports: unique names; closing twice or an unknown one is ERR_PORT', () => {
  const { reg, replies } = registry();
  reg.handle(3, { op: 'open' });
  reg.handle(4, { op: 'open' });
  const [a, b] = replies.map(([, r]) => (r as { value: string }).value);
  assert.notEqual(a, b);
  replies.length = 0;
  reg.handle(3, { op: 'close', port: a! });
  reg.handle(3, { op: 'close', port: a! });
  reg.handle(3, { op: 'close', port: 'nope' });
  assert.deepEqual(replies.map(([, r]) => failed(r)), [null, ERR_PORT, ERR_PORT]);
});

test('accept and connect meet in either order; both get the other group and the larger context', () => {
  for (const acceptFirst of [true, false]) {
    const { reg, replies } = registry();
    reg.handle(0, { op: 'open' });
    const port = (replies[0]![1] as { value: string }).value;
    replies.length = 0;
    const accept = { op: 'meet', port, accept: true, group: [0, 1], ctx: 10 } as const;
    const connect = { op: 'meet', port, accept: false, group: [5, 6, 7], ctx: 14 } as const;
    reg.handle(acceptFirst ? 0 : 5, acceptFirst ? accept : connect);
    assert.equal(replies.length, 0, 'the first side waits');
    reg.handle(acceptFirst ? 5 : 0, acceptFirst ? connect : accept);
    const byGpid = new Map(replies.map(([g, r]) => [g, (r as { value: unknown }).value]));
    assert.deepEqual(byGpid.get(0), { remote: [5, 6, 7], ctx: 14 });
    assert.deepEqual(byGpid.get(5), { remote: [0, 1], ctx: 14 });
  }
});

test('a closed port fails the roots waiting at it, and later meetings there', () => {
  const { reg, replies } = registry();
  reg.handle(0, { op: 'open' });
  const port = (replies[0]![1] as { value: string }).value;
  replies.length = 0;
  reg.handle(2, { op: 'meet', port, accept: true, group: [2], ctx: 4 });
  reg.handle(0, { op: 'close', port });
  reg.handle(3, { op: 'meet', port, accept: false, group: [3], ctx: 4 });
  assert.deepEqual(replies.map(([g, r]) => [g, failed(r)]), [[2, ERR_PORT], [0, null], [3, ERR_PORT]]);
});

test('names: publish, lookup, unpublish; ERR_SERVICE and ERR_NAME for the wrong ones', () => {
  const { reg, replies } = registry();
  reg.handle(1, { op: 'publish', service: 's', port: 'p' });
  reg.handle(2, { op: 'publish', service: 's', port: 'q' });
  reg.handle(2, { op: 'lookup', service: 's' });
  reg.handle(2, { op: 'unpublish', service: 's', port: 'q' });
  reg.handle(1, { op: 'unpublish', service: 's', port: 'p' });
  reg.handle(1, { op: 'unpublish', service: 's', port: 'p' });
  reg.handle(2, { op: 'lookup', service: 's' });
  assert.deepEqual(replies.map(([, r]) => failed(r)), [null, ERR_SERVICE, null, ERR_SERVICE, null, ERR_SERVICE, ERR_NAME]);
  assert.equal((replies[2]![1] as { value: string }).value, 'p');
});
