/**
 * mpi4py's own test suite, ported: every module test/mpi4py/test_*.ts runs
 * through the CLI at 1, 2, 3 and 4 ranks on the embedded runtime (2 ranks on
 * the native transport), and each of its test methods becomes one node:test
 * test here, named `<module> np=<n> <Class.method>`. A test passes when every
 * rank ran it without failure; a skip carries the module's reason. A test
 * the module marks as a known gap (`static todo`) is a node:test todo while
 * it fails, and fails once it passes (remove the mark then).
 *
 * When a test kills or hangs the job, the job runs again without the tests
 * already settled, so one failure does not hide the verdict on later ones.
 *
 * MPI4PY_TESTS=test_info,test_op runs only those modules; repro of one
 * test: node bin/mpi4ts.js -n 2 test/mpi4py/run.ts test_info --only TestInfo.testDup
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mpirun, onNative, repoRoot, type RunResult } from '../helpers/spmd.ts';

/**
 * The records ranks print, found anywhere in the output rather than per line:
 * under mpiexec two ranks' lines can arrive joined (Open MPI forwards each
 * rank's output in chunks), so a record ends where its JSON string ends.
 */
const JSON_STRING = '("(?:[^"\\\\\\n]|\\\\.)*")';
const RECORD = new RegExp(`TEST (\\d+) (\\S+) (ok|skip|fail) ${JSON_STRING}|TODO (\\S+) ${JSON_STRING}|DONE (\\d+)`, 'g');
const chosen = process.env['MPI4PY_TESTS']?.split(',').filter(Boolean) ?? null;
const modules = fs.readdirSync(path.join(repoRoot, 'test/mpi4py'))
  .filter((f) => /^test_\w+\.ts$/.test(f))
  .map((f) => f.slice(0, -3))
  .filter((m) => chosen === null || chosen.includes(m))
  .sort();
const rankCounts = onNative ? [2] : [1, 2, 3, 4];
/**
 * Launcher options a module needs: test_spawn's "Many" classes start as many
 * children per rank as there are ranks, from every rank at once (COMM_SELF),
 * beyond the default universe (mpi4py's runs have no such bound).
 */
const launcherArgs: Record<string, string[]> = { test_spawn: ['--usize', '64'] };

interface Verdict { status: 'ok' | 'skip' | 'fail'; detail: string }

/**
 * node:test starts the body of every describe() at once, so without a bound
 * every module at every rank count (some 240 jobs) would run together: on 2
 * cores that is gigabytes of workers and minutes of waiting, and jobs died
 * of it (killed by memory pressure, or a rank's wait outlasting the
 * deadlock watch). At most JOBS of them run at a time (MPI4PY_JOBS=n).
 */
const JOBS = Math.max(1, Number(process.env['MPI4PY_JOBS']) || 3);
let running = 0;
const queued: (() => void)[] = [];
async function limited<T>(job: () => Promise<T>): Promise<T> {
  if (running >= JOBS) await new Promise<void>((resolve) => queued.push(resolve));
  else running++;
  try {
    return await job();
  } finally {
    const next = queued.shift();
    if (next !== undefined) next();
    else running--;
  }
}

/** Per test id, per rank, what the rank printed; reruns after a job that died. */
async function runModule(module: string, np: number): Promise<{ order: string[]; verdicts: Map<string, Verdict>; todo: Map<string, string>; runs: RunResult[] }> {
  const order: string[] = [];
  const todo = new Map<string, string>();
  const seen = new Map<string, Map<number, Verdict>>();
  const verdicts = new Map<string, Verdict>();
  const runs: RunResult[] = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    const settled = [...verdicts.keys()];
    const result = await limited(() => mpirun(np, 'test/mpi4py/run.ts', {
      args: [module, ...(settled.length ? ['--skip', settled.join(',')] : [])],
      launcherArgs: launcherArgs[module] ?? [],
      timeoutMs: 180_000,
    }));
    runs.push(result);
    const done = new Set<number>();
    for (const m of result.stdout.matchAll(RECORD)) {
      const [, r, id, status, json, todoId, todoJson, doneRank] = m;
      if (doneRank !== undefined) done.add(Number(doneRank));
      else if (todoId !== undefined) todo.set(todoId, JSON.parse(todoJson!) as string);
      else {
        if (!seen.has(id!)) { seen.set(id!, new Map()); order.push(id!); }
        seen.get(id!)!.set(Number(r), { status: status as Verdict['status'], detail: JSON.parse(json!) as string });
      }
    }
    for (const [id, byRank] of seen) {
      if (verdicts.has(id) || byRank.size < np) continue;
      const all = [...byRank.entries()];
      const failed = all.filter(([, v]) => v.status === 'fail');
      if (failed.length) verdicts.set(id, { status: 'fail', detail: failed.map(([rk, v]) => `rank ${rk}: ${v.detail}`).join('\n') });
      else if (all.some(([, v]) => v.status === 'skip')) verdicts.set(id, { status: 'skip', detail: all.find(([, v]) => v.status === 'skip')![1].detail });
      else verdicts.set(id, { status: 'ok', detail: '' });
    }
    if (done.size === np && result.code === 0) break;
    // The job died or hung: the first test some rank started but not every
    // rank finished is the culprit; it fails with the job's own words.
    const culprit = order.find((id) => !verdicts.has(id));
    const why = `the job ended (exit ${result.code ?? result.signal}) during this test:\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`;
    if (culprit === undefined) {
      // Died between tests or before the first: blame the module as a whole.
      order.push(`${module}.<job>`);
      verdicts.set(`${module}.<job>`, { status: 'fail', detail: why });
      break;
    }
    const byRank = seen.get(culprit)!;
    verdicts.set(culprit, {
      status: 'fail',
      detail: `${[...byRank.entries()].filter(([, v]) => v.status === 'fail').map(([rk, v]) => `rank ${rk}: ${v.detail}\n`).join('')}${why}`,
    });
  }
  return { order, verdicts, todo, runs };
}

for (const module of modules) {
  describe(`mpi4py ${module}`, () => {
    for (const np of rankCounts) {
      describe(`np=${np}`, async () => {
        const { order, verdicts, todo } = await runModule(module, np);
        test(`${module} np=${np} ran`, () => assert.ok(order.length > 0, 'no test reported'));
        for (const id of order) {
          const v = verdicts.get(id) ?? { status: 'fail', detail: 'not run by every rank' };
          const name = `${module} np=${np} ${id}`;
          const gap = todo.get(id);
          if (v.status === 'skip') test(name, { skip: v.detail || true }, () => {});
          else if (gap !== undefined && v.status === 'fail') test(name, { todo: gap }, () => assert.fail(v.detail));
          else if (gap !== undefined) test(name, () => assert.fail(`passes now: remove it from ${module}'s todo list (${gap})`));
          else test(name, () => assert.equal(v.status, 'ok', v.detail));
        }
      });
    }
  });
}
