/**
 * Port of mpi4py's test/test_spawn.py.
 *
 * COMMAND is the Node.js executable (Python's sys.executable) and ARGS the
 * child script spawn_child.ts and the repository's path (mpi4py's path,
 * which the child ignores here too); childscript() writes a TypeScript
 * child to a temporary file (mpi4ts runs .ts scripts; no shebang or mode
 * needed). Where mpi4py raises ValueError for lists of the wrong length,
 * mpi4ts raises TypeError (plain misuse of the arguments).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MPI } from 'mpi4ts';
import { TestCase } from './unittest.ts';

type Intracomm = InstanceType<typeof MPI.Intracomm>;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MPI4PYPATH = path.resolve(HERE, '../..');
const CHILDSCRIPT = path.join(HERE, 'spawn_child.ts');

function childscript(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi4py-'));
  const script = path.join(dir, 'child.ts');
  fs.writeFileSync(script, [
    "import { MPI } from 'mpi4ts';",
    'let parent = MPI.Comm.Get_parent();',
    'parent.Barrier();',
    'parent.Disconnect();',
    "if (!parent.isNull) throw new Error('parent is not COMM_NULL');",
    'parent = MPI.Comm.Get_parent();',
    "if (!parent.isNull) throw new Error('Get_parent is not COMM_NULL');",
    '',
  ].join('\n'));
  return script;
}

function unlink(script: string): void {
  fs.rmSync(path.dirname(script), { recursive: true, force: true });
}

/** mpitestutil.disable_mpi_spawn(): where the library cannot start processes. */
const noSpawn = process.env['MPI4TS_TRANSPORT'] === 'native' && process.env['MPI4TS_MPI'] === 'mpich'
  ? 'mpi-spawn: MPICH 4.0 over UCX (ch4:ucx) cannot spawn (MPI_Comm_spawn is not supported with the ucx netmod)'
  : null;

abstract class BaseTestSpawn extends TestCase {
  static override skip: string | null = noSpawn;
  COMM: Intracomm = new MPI.Intracomm(MPI.COMM_NULL);
  COMMAND = process.execPath;
  ARGS = [CHILDSCRIPT, MPI4PYPATH];
  MAXPROCS = 1;
  INFO = MPI.INFO_NULL;
  ROOT = 0;
}

abstract class BaseTestSpawnSingle extends BaseTestSpawn {
  testCommSpawn(): void {
    this.COMM.Barrier();
    const child = this.COMM.Spawn(this.COMMAND, this.ARGS, this.MAXPROCS, this.INFO, this.ROOT);
    const local_size = child.Get_size();
    const remote_size = child.Get_remote_size();
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(local_size, this.COMM.Get_size());
    this.assertEqual(remote_size, this.MAXPROCS);
  }

  testErrcodes(): void {
    this.COMM.Barrier();
    const errcodes: number[] = [];
    const child = this.COMM.Spawn(this.COMMAND, this.ARGS, this.MAXPROCS, this.INFO, this.ROOT, errcodes);
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(errcodes.length, this.MAXPROCS);
    for (const errcode of errcodes) this.assertEqual(errcode, MPI.SUCCESS);
  }

  testArgsOnlyAtRoot(): void {
    this.COMM.Barrier();
    let child;
    if (this.COMM.Get_rank() === this.ROOT) {
      child = this.COMM.Spawn(this.COMMAND, this.ARGS, this.MAXPROCS, this.INFO, this.ROOT);
    } else {
      child = this.COMM.Spawn('', null, -1, MPI.INFO_NULL, this.ROOT);
    }
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
  }

  testNoArgs(): void {
    this.COMM.Barrier();
    let script: string | null = null;
    if (this.COMM.Get_rank() === this.ROOT) script = childscript();
    this.COMM.Barrier();
    script = this.COMM.bcast(script, this.ROOT);
    const child = this.COMM.Spawn(script!, null, this.MAXPROCS, this.INFO, this.ROOT);
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    if (this.COMM.Get_rank() === this.ROOT) unlink(script!);
    this.COMM.Barrier();
  }
}

abstract class BaseTestSpawnMultiple extends BaseTestSpawn {
  testCommSpawn(): void {
    this.COMM.Barrier();
    const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
    const COMMAND = Array<string>(count).fill(this.COMMAND);
    const ARGS = COMMAND.map(() => this.ARGS);
    const MAXPROCS = COMMAND.map(() => this.MAXPROCS);
    const INFO = COMMAND.map(() => this.INFO);
    const child = this.COMM.Spawn_multiple(COMMAND, ARGS, MAXPROCS, INFO, this.ROOT);
    const local_size = child.Get_size();
    const remote_size = child.Get_remote_size();
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(local_size, this.COMM.Get_size());
    this.assertEqual(remote_size, MAXPROCS.reduce((a, b) => a + b, 0));
  }

  testCommSpawnDefaults1(): void {
    this.COMM.Barrier();
    const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
    const COMMAND = Array<string>(count).fill(this.COMMAND);
    const ARGS = COMMAND.map(() => this.ARGS);
    const child = this.COMM.Spawn_multiple(COMMAND, ARGS);
    const local_size = child.Get_size();
    const remote_size = child.Get_remote_size();
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(local_size, this.COMM.Get_size());
    this.assertEqual(remote_size, COMMAND.length);
  }

  testCommSpawnDefaults2(): void {
    this.COMM.Barrier();
    const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
    const COMMAND = Array<string>(count).fill(this.COMMAND);
    const ARGS = COMMAND.map(() => this.ARGS);
    const child = this.COMM.Spawn_multiple(COMMAND, ARGS, 1, MPI.INFO_NULL);
    const local_size = child.Get_size();
    const remote_size = child.Get_remote_size();
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(local_size, this.COMM.Get_size());
    this.assertEqual(remote_size, COMMAND.length);
  }

  testErrcodes(): void {
    this.COMM.Barrier();
    const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
    const COMMAND = Array<string>(count).fill(this.COMMAND);
    const ARGS = COMMAND.map(() => this.ARGS);
    const MAXPROCS = COMMAND.map((_, i) => i + 1);
    const INFO = MPI.INFO_NULL;
    const errcodelist: number[][] = [];
    const child = this.COMM.Spawn_multiple(COMMAND, ARGS, MAXPROCS, INFO, this.ROOT, errcodelist);
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    this.assertEqual(errcodelist.length, COMMAND.length);
    errcodelist.forEach((errcodes, i) => {
      this.assertEqual(errcodes.length, MAXPROCS[i]);
      for (const errcode of errcodes) this.assertEqual(errcode, MPI.SUCCESS);
    });
  }

  testArgsOnlyAtRoot(): void {
    this.COMM.Barrier();
    let child;
    if (this.COMM.Get_rank() === this.ROOT) {
      const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
      const COMMAND = Array<string>(count).fill(this.COMMAND);
      const ARGS = COMMAND.map(() => this.ARGS);
      const MAXPROCS = COMMAND.map((_, i) => i + 1);
      const INFO = COMMAND.map(() => MPI.INFO_NULL);
      child = this.COMM.Spawn_multiple(COMMAND, ARGS, MAXPROCS, INFO, this.ROOT);
    } else {
      child = this.COMM.Spawn_multiple([], null, [], MPI.INFO_NULL, this.ROOT);
    }
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
  }

  testNoArgs(): void {
    this.COMM.Barrier();
    let script: string | null = null;
    if (this.COMM.Get_rank() === this.ROOT) script = childscript();
    this.COMM.Barrier();
    script = this.COMM.bcast(script, this.ROOT);
    const count = 2 + (this.COMM.Get_size() === 0 ? 1 : 0);
    const COMMAND = Array<string>(count).fill(script!);
    const MAXPROCS = COMMAND.map((_, i) => i + 1);
    const INFO = COMMAND.map(() => this.INFO);
    const child = this.COMM.Spawn_multiple(COMMAND, null, MAXPROCS, INFO, this.ROOT);
    child.Barrier();
    child.Disconnect();
    this.COMM.Barrier();
    if (this.COMM.Get_rank() === this.ROOT) unlink(script!);
    this.COMM.Barrier();
  }

  testArgsBad(): void {
    if (this.COMM.Get_size() > 1) return;
    const CMDS = [this.COMMAND];
    const ARGS = [this.ARGS];
    const MAXP = [this.MAXPROCS];
    const INFO = [this.INFO];
    const spawn = (...a: unknown[]): unknown => (this.COMM.Spawn_multiple as (...x: unknown[]) => unknown).call(this.COMM, ...a, 0);
    this.assertRaises(TypeError, () => spawn(CMDS[0], ARGS, MAXP, INFO));
    this.assertRaises(TypeError, () => spawn(CMDS, [...ARGS, ...ARGS], MAXP, INFO));
    this.assertRaises(TypeError, () => spawn(CMDS, ARGS[0]![0], [...MAXP, ...MAXP], INFO));
    this.assertRaises(TypeError, () => spawn(CMDS, ARGS, MAXP[0], [...INFO, ...INFO]));
  }
}

export class TestSpawnSingleSelf extends BaseTestSpawnSingle {
  override COMM = MPI.COMM_SELF;
}

export class TestSpawnSingleWorld extends BaseTestSpawnSingle {
  override COMM = MPI.COMM_WORLD;
}

export class TestSpawnSingleSelfMany extends TestSpawnSingleSelf {
  override MAXPROCS = MPI.COMM_WORLD.Get_size();
}

export class TestSpawnSingleWorldMany extends TestSpawnSingleWorld {
  override MAXPROCS = MPI.COMM_WORLD.Get_size();
}

export class TestSpawnMultipleSelf extends BaseTestSpawnMultiple {
  override COMM = MPI.COMM_SELF;
}

export class TestSpawnMultipleWorld extends BaseTestSpawnMultiple {
  override COMM = MPI.COMM_WORLD;
}

export class TestSpawnMultipleSelfMany extends TestSpawnMultipleSelf {
  override MAXPROCS = MPI.COMM_WORLD.Get_size();
}

export class TestSpawnMultipleWorldMany extends TestSpawnMultipleWorld {
  override MAXPROCS = MPI.COMM_WORLD.Get_size();
}
