/**
 * Process topologies through the CLI: test/fixtures/topo/topo.ts runs at 1 to
 * 6 ranks (non-powers of two included, so grids of 3x1, 5x1, 3x2 ... appear)
 * and prints `OK <rank> <check>` per check and rank; each check is one test
 * here. A failing check stops the run (see test/fixtures/topo/_lib.ts), so
 * later checks of that size report "not run".
 *
 * Repro of one check: node bin/mpi4ts.js -n 4 test/fixtures/topo/topo.ts --only <check>
 * (after `npm run build`: fixtures import the built package).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mpirun, lines, type RunResult } from '../helpers/spmd.ts';

const PROC_NULL = -2;

/** Checks of the fixture, in order, with the fewest ranks each needs. */
const checks: [string, number][] = [
  ['compute-dims-fits-the-job', 1],
  ['periodic-shift-wraps-and-non-periodic-edge-gives-proc-null', 1],
  ['coords-and-cart-rank-round-trip', 1],
  ['sub-keeps-rows-and-columns', 1],
  ['halo-exchange-1d-with-sendrecv', 1],
  ['ranks-beyond-the-grid-get-comm-null', 2],
  ['neighbor-allgather-objects-cart', 1],
  ['neighbor-alltoall-objects-cart', 1],
  ['neighbor-collectives-buffers-cart', 1],
  ['neighbor-alltoallw-cart', 1],
  ['cart-dup-and-topology-kind', 1],
  ['graph-ring', 1],
  ['dist-graph-adjacent', 1],
  ['dist-graph-inconsistent-edges-fail-everywhere', 2],
  ['bad-arguments', 1],
];

/** What MPI_Dims_create gives for 1 to 6 processes in 2 and 3 dimensions. */
const DIMS: Record<number, { d2: number[]; d3: number[] }> = {
  1: { d2: [1, 1], d3: [1, 1, 1] },
  2: { d2: [2, 1], d3: [2, 1, 1] },
  3: { d2: [3, 1], d3: [3, 1, 1] },
  4: { d2: [2, 2], d3: [2, 2, 1] },
  5: { d2: [5, 1], d3: [5, 1, 1] },
  6: { d2: [3, 2], d3: [3, 2, 1] },
};

interface Run {
  np: number;
  result: RunResult;
  ok: Map<string, Set<number>>;
  fail: Map<string, string[]>;
  /** check -> rank -> value */
  json: Map<string, Map<number, unknown>>;
  done: Set<number>;
}

const LINE = /^(OK|FAIL|JSON|DONE) (\d+)(?: (\S+))?(?: (.*))?$/;

async function runFixture(np: number): Promise<Run> {
  const result = await mpirun(np, 'test/fixtures/topo/topo.ts', { timeoutMs: 30_000 });
  const run: Run = { np, result, ok: new Map(), fail: new Map(), json: new Map(), done: new Set() };
  for (const l of lines(result.stdout)) {
    const m = LINE.exec(l);
    if (!m) continue;
    const [, kind, r, name, rest] = m;
    const rk = Number(r);
    if (kind === 'DONE') run.done.add(rk);
    else if (kind === 'OK') (run.ok.get(name!) ?? run.ok.set(name!, new Set()).get(name!)!).add(rk);
    else if (kind === 'FAIL') (run.fail.get(name!) ?? run.fail.set(name!, []).get(name!)!).push(`rank ${rk}: ${JSON.parse(rest!) as string}`);
    else (run.json.get(name!) ?? run.json.set(name!, new Map()).get(name!)!).set(rk, JSON.parse(rest!));
  }
  return run;
}

function how(run: Run): string {
  const r = run.result;
  const end = r.signal ? `killed by ${r.signal} after ${Math.round(r.ms)} ms (hang?)` : `exit code ${r.code}`;
  const failed = [...run.fail.keys()];
  const err = r.stderr.trim().split('\n').slice(0, 20).join('\n');
  return `topo.ts at ${run.np} ranks: ${end}${failed.length ? `; failed check: ${failed.join(', ')}` : ''}${err ? `\n--- stderr ---\n${err}` : ''}`;
}

function expectOk(run: Run, name: string): void {
  const fails = run.fail.get(name);
  if (fails) assert.fail(`check ${name} failed:\n  ${fails.join('\n  ')}\n${how(run)}`);
  const ok = run.ok.get(name) ?? new Set();
  const missing = [...Array(run.np).keys()].filter((r) => !ok.has(r));
  if (missing.length) assert.fail(`check ${name} did not complete on rank(s) ${missing.join(', ')}\n${how(run)}`);
}

function json<T>(run: Run, name: string, rank: number): T {
  const v = run.json.get(name)?.get(rank);
  assert.ok(v !== undefined, `no JSON of ${name} from rank ${rank}\n${how(run)}`);
  return v as T;
}

/** Independent expectation: ranks `delta` away along dimension d of a row-major grid. */
function shifted(r: number, dims: number[], periods: boolean[], d: number, delta: number): number {
  const coords = [r / dims[1]! | 0, r % dims[1]!];
  const c = coords[d]! + delta;
  if (!periods[d] && (c < 0 || c >= dims[d]!)) return PROC_NULL;
  coords[d] = ((c % dims[d]!) + dims[d]!) % dims[d]!;
  return coords[0]! * dims[1]! + coords[1]!;
}

for (const np of [1, 2, 3, 4, 5, 6]) {
  describe(`topologies at ${np} rank${np > 1 ? 's' : ''}`, () => {
    let run: Run;
    before(async () => { run = await runFixture(np); });

    for (const [name, min] of checks) {
      if (np < min) continue;
      test(name, () => {
        expectOk(run, name);
        if (name === 'compute-dims-fits-the-job') {
          const v = json<{ d2: number[]; d3: number[]; fixed: number[] }>(run, name, 0);
          assert.deepEqual({ d2: v.d2, d3: v.d3 }, DIMS[np]);
          assert.deepEqual(v.fixed, [np, 1]);
        }
        if (name === 'periodic-shift-wraps-and-non-periodic-edge-gives-proc-null') {
          // The issue's "done" example: dimension 0 periodic, dimension 1 not.
          const dims = DIMS[np]!.d2;
          for (let r = 0; r < np; r++) {
            const v: { dims: number[]; shift0: number[]; shift1: number[] } = json(run, name, r);
            assert.deepEqual(v.dims, dims);
            assert.deepEqual(v.shift0, [shifted(r, dims, [true, false], 0, -1), shifted(r, dims, [true, false], 0, 1)], `rank ${r} Shift(0, 1)`);
            assert.deepEqual(v.shift1, [shifted(r, dims, [true, false], 1, -1), shifted(r, dims, [true, false], 1, 1)], `rank ${r} Shift(1, 1)`);
          }
          // Rank 0 sits in the first row and column: wraps up, stops left.
          const first = json<{ shift0: number[]; shift1: number[] }>(run, name, 0);
          assert.equal(first.shift0[0], (dims[0]! - 1) * dims[1]!, 'periodic dimension wraps from the first row to the last');
          assert.equal(first.shift1[0], PROC_NULL, 'non-periodic edge gives PROC_NULL');
        }
        if (name === 'sub-keeps-rows-and-columns') {
          const [a, b] = DIMS[np]!.d2 as [number, number];
          for (let r = 0; r < np; r++) {
            const v: { cols: number[]; rows: number[] } = json(run, name, r);
            assert.deepEqual(v.cols, Array.from({ length: a }, (_, k) => k * b + (r % b)), `rank ${r}: Sub([true, false])`);
            assert.deepEqual(v.rows, Array.from({ length: b }, (_, k) => (r - (r % b)) + k), `rank ${r}: Sub([false, true])`);
          }
        }
      });
    }

    test('the run ends cleanly', () => {
      assert.equal(run.result.code, 0, how(run));
      assert.equal(run.done.size, np, `not every rank finished\n${how(run)}`);
      const known = new Set(checks.map(([n]) => n));
      assert.deepEqual([...run.ok.keys()].filter((k) => !known.has(k)), [], 'the fixture ran checks this test does not know');
    });
  });
}
