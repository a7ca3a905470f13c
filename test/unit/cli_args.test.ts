/**
 * Unit tests for the launcher's argument rewriting (src/cli/main.ts, normaliseArgv).
 *
 * Run: node --import tsx --test test/unit/cli_args.test.ts
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseArgv } from '../../src/cli/main.ts';

const norm = (...argv: string[]): string[] => normaliseArgv(argv);

describe('normaliseArgv: mpiexec spellings', () => {
  test('-np 4 app.ts -> run --np 4 app.ts', () => {
    assert.deepEqual(norm('-np', '4', 'app.ts'), ['run', '--np', '4', 'app.ts']);
  });

  test('-n 4 app.ts -> run -n 4 app.ts', () => {
    assert.deepEqual(norm('-n', '4', 'app.ts'), ['run', '-n', '4', 'app.ts']);
  });

  test('-usize is rewritten too, and valued options are skipped with their value', () => {
    assert.deepEqual(norm('-usize', '8', '-np', '2', 'app.ts'), ['run', '--usize', '8', '--np', '2', 'app.ts']);
    assert.deepEqual(norm('--tag-output', '-n', '2', 'app.ts'), ['run', '--tag-output', '-n', '2', 'app.ts']);
    // A value that looks like a subcommand is still a value.
    assert.deepEqual(norm('--usize', 'info', 'app.ts'), ['run', '--usize', 'info', 'app.ts']);
  });

  test('--check is a flag of the launcher before the script, a script argument after it', () => {
    assert.deepEqual(norm('--check', '-np', '2', 'app.ts'), ['run', '--check', '--np', '2', 'app.ts']);
    assert.deepEqual(norm('-n', '2', 'app.ts', '--check'), ['run', '-n', '2', 'app.ts', '--check']);
  });

  test('a bare script is run', () => {
    assert.deepEqual(norm('app.ts'), ['run', 'app.ts']);
    assert.deepEqual(norm('./dir/app.mjs', 'x'), ['run', './dir/app.mjs', 'x']);
  });

  test('the input array is not modified', () => {
    const argv = ['-np', '4', 'bench', 'helloworld'];
    normaliseArgv(argv);
    assert.deepEqual(argv, ['-np', '4', 'bench', 'helloworld']);
  });
});

describe('normaliseArgv: subcommands', () => {
  test('-n 4 bench helloworld -> bench -n 4 helloworld', () => {
    assert.deepEqual(norm('-n', '4', 'bench', 'helloworld'), ['bench', '-n', '4', 'helloworld']);
    assert.deepEqual(norm('-np', '3', 'bench', 'pingpong', '-n', '10'), ['bench', '--np', '3', 'pingpong', '-n', '10']);
  });

  test('python -m mpi4py\'s --mpi-std-version, --mpi-lib-version, --mpi-vendor are info\'s', () => {
    assert.deepEqual(norm('--mpi-std-version'), ['info', '--mpi-std-version']);
    assert.deepEqual(norm('--mpi-vendor', '--json'), ['info', '--mpi-vendor', '--json']);
    assert.deepEqual(norm('--mpi-lib-version'), ['info', '--mpi-lib-version']);
    assert.deepEqual(norm('info', '-v', '-t'), ['info', '-v', '-t']);
  });

  test('-rc (python -m mpi4py -rc) -> --rc, a launcher option taking a value', () => {
    assert.deepEqual(norm('-rc', 'errors=fatal', 'app.ts'), ['run', '--rc', 'errors=fatal', 'app.ts']);
    assert.deepEqual(norm('-n', '2', '-rc', 'a=1', 'app.ts', '-rc', 'x'), ['run', '-n', '2', '--rc', 'a=1', 'app.ts', '-rc', 'x']);
  });

  test('a subcommand already first is left alone', () => {
    assert.deepEqual(norm('info'), ['info']);
    assert.deepEqual(norm('bench', '-n', '2', 'ringtest'), ['bench', '-n', '2', 'ringtest']);
    assert.deepEqual(norm('run', '-n', '2', 'app.ts'), ['run', '-n', '2', 'app.ts']);
    assert.deepEqual(norm('help', 'bench'), ['help', 'bench']);
  });

  test('--help, -h, --version, -V alone are not given a subcommand', () => {
    assert.deepEqual(norm('--help'), ['--help']);
    assert.deepEqual(norm('-h'), ['-h']);
    assert.deepEqual(norm('--version'), ['--version']);
    assert.deepEqual(norm('-V'), ['-V']);
  });

  test('options then --help go to run', () => {
    assert.deepEqual(norm('-n', '2', '--help'), ['run', '-n', '2', '--help']);
  });

  test('no arguments: run (which then reports the missing script)', () => {
    assert.deepEqual(norm(), ['run']);
  });
});

describe('normaliseArgv: script arguments are untouched', () => {
  test('-n 2 app.ts -n 5 --x', () => {
    assert.deepEqual(norm('-n', '2', 'app.ts', '-n', '5', '--x'), ['run', '-n', '2', 'app.ts', '-n', '5', '--x']);
  });

  test('subcommand names after the script stay script arguments', () => {
    assert.deepEqual(norm('-n', '2', 'app.ts', 'bench', 'info'), ['run', '-n', '2', 'app.ts', 'bench', 'info']);
    assert.deepEqual(norm('app.ts', 'info'), ['run', 'app.ts', 'info']);
  });

  test('benchmark options after the benchmark name stay as they are', () => {
    assert.deepEqual(norm('-n', '2', 'bench', 'pingpong', '--help'), ['bench', '-n', '2', 'pingpong', '--help']);
  });

  // normaliseArgv maps '-np' and '-usize' over the whole argv, so the
  // script's own arguments are rewritten as well.
  test('mpiexec spellings after the script are not rewritten', () => {
    assert.deepEqual(norm('-n', '2', 'app.ts', '-np', '5', '-usize', '3'),
      ['run', '-n', '2', 'app.ts', '-np', '5', '-usize', '3']);
    assert.deepEqual(norm('app.ts', '-np'), ['run', 'app.ts', '-np']);
    assert.deepEqual(norm('-np', '2', 'bench', 'pingpong', '-np', '1'), ['bench', '--np', '2', 'pingpong', '-np', '1']);
  });
});
