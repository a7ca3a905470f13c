import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines } from '../helpers/spmd.ts';

test('helloworld prints one line per rank', async () => {
  for (const np of [1, 2, 3, 4]) {
    const r = await mpirun(np, 'examples/helloworld.ts');
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout).sort();
    assert.equal(out.length, np);
    out.forEach((l, i) => assert.match(l, new RegExp(`^Hello. This is rank ${i} of ${np} on processor \\S+$`)));
  }
});
