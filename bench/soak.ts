/**
 * Long soak run (issue #6): the integrity test's program at a size of your
 * choice, with its rate and heap use. Every message is checked (content,
 * checksum, MPI order); the run fails on the first report of an error.
 *
 *   npx tsx bench/soak.ts [--np 4] [--messages 1000000] [--seed 1] [--max-bytes 1048576]
 *
 * --messages is the total over all ranks. Prints one summary line and exits
 * non-zero if any rank reported an error or the job failed.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function opt(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got '${process.argv[i + 1]}'`);
  return v;
}
const np = opt('--np', 4);
const messages = opt('--messages', 100_000);
const seed = opt('--seed', 1);
const maxBytes = opt('--max-bytes', 1 << 20);

const t0 = performance.now();
const r = spawnSync(process.execPath, [
  path.join(root, 'bin/mpi4ts.js'), '-n', String(np), path.join(root, 'test/fixtures/faults/soak.ts'),
  '--messages', String(Math.ceil(messages / np)), '--seed', String(seed), '--max-bytes', String(maxBytes),
], { encoding: 'utf8', maxBuffer: 1 << 26 });
const wall = (performance.now() - t0) / 1000;
interface Soak { sent: number; received: number; bytesReceived: number; seconds: number; errors: string[]; heap: number[] }
const ranks: Soak[] = r.stdout.split('\n').filter((l) => l.startsWith('SOAK ')).map((l) => JSON.parse(l.replace(/^SOAK \d+ /, '')) as Soak);
const sent = ranks.reduce((n, s) => n + s.sent, 0);
const received = ranks.reduce((n, s) => n + s.received, 0);
const bytes = ranks.reduce((n, s) => n + s.bytesReceived, 0);
const seconds = Math.max(...ranks.map((s) => s.seconds));
const errors = ranks.flatMap((s) => s.errors);
const heapMB = ranks.flatMap((s) => s.heap).map((h) => h / 2 ** 20);
const ok = r.status === 0 && ranks.length === np && errors.length === 0 && sent === received;
console.log([
  `soak: ${np} ranks, ${sent} messages sent, ${received} received, ${(bytes / 1e9).toFixed(2)} GB`,
  `in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)} messages/s, ${(bytes / seconds / 1e6).toFixed(0)} MB/s; wall ${wall.toFixed(1)} s)`,
  `heap per rank ${Math.min(...heapMB).toFixed(0)}-${Math.max(...heapMB).toFixed(0)} MB`,
  `errors: ${errors.length}`, ok ? 'OK' : 'FAILED',
].join(', '));
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}; node ${process.version}`);
if (!ok) {
  if (errors.length) console.log(errors.slice(0, 10).join('\n'));
  process.stderr.write(r.stderr.slice(0, 4000));
  process.exit(1);
}
