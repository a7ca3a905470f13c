/**
 * mpi4ts/util through the CLI, the way a user's script reaches it: a
 * JavaScript and a TypeScript script outside any project that installs
 * mpi4ts import `mpi4ts/util` and `mpi4ts/util/<name>` (the launcher's
 * alias hook and compiler map them to the running copy), and use pkl5 and
 * dtlib at 2 ranks. The modules themselves: test/mpi4py/test_util_*.ts
 * (MPI4PY_TESTS=test_util_pkl5,test_util_dtlib,test_util_pool).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mpirun, lines } from '../helpers/spmd.ts';

const SCRIPT = `import { MPI } from 'mpi4ts';
import { pkl5, pool } from 'mpi4ts/util';
import { from_numpy_dtype } from 'mpi4ts/util/dtlib';
const comm = new pkl5.Intracomm(MPI.COMM_WORLD);
const big = comm.bcast(new Float64Array(1 << 18).fill(comm.rank === 1 ? 2 : 0), 1);
const squares = await new pool.ThreadPool(2).map((x) => x * x, [1, 2, 3]);
console.log(comm.rank, JSON.stringify(comm.allgather(comm.rank)), big.every((x) => x === 2), from_numpy_dtype('i,d').extent, JSON.stringify(squares));
`;

for (const ext of ['mjs', 'ts']) {
  test(`a .${ext} script outside any project imports mpi4ts/util and mpi4ts/util/dtlib`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4ts-util-'));
    try {
      const file = path.join(dir, `script.${ext}`);
      fs.writeFileSync(file, SCRIPT);
      const r = await mpirun(2, file, { cwd: dir, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(lines(r.stdout).sort(), ['0 [0,1] true 12 [1,4,9]', '1 [0,1] true 12 [1,4,9]']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
