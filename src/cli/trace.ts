/**
 * `--trace out.json` on the launcher's side, and `mpi4ts trace summary`:
 * the ranks write their parts into a folder beside the output (where every
 * host of a cluster job sees it too, on a shared file system); once the job
 * has ended the launcher merges them into the Trace Event file and removes
 * the folder (src/core/tracefile.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeParts, summarize, formatSummary, expandPart, traceFileText, TRACE_PART_VERSION, type CompactPart, type TracePart, type TraceFile } from '../core/tracefile.js';
import { packageVersion } from './version.js';

/**
 * Run the job `run` with tracing into `out` (none when `out` is undefined):
 * it is given the folder for the ranks' parts. Resolves with the job's exit
 * status, or 1 when the job went well but the trace cannot be written.
 */
export async function withTrace(out: string | undefined, about: Record<string, string | number>, run: (folder: string | undefined) => Promise<number>): Promise<number> {
  if (out === undefined) return run(undefined);
  const file = path.resolve(out);
  let folder: string;
  try {
    folder = fs.mkdtempSync(path.join(path.dirname(file), `.${path.basename(file)}.parts-`));
  } catch (e) {
    process.stderr.write(`mpi4ts: --trace ${out}: cannot make a folder beside it for the ranks' parts: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let code = 1;
  try {
    code = await run(folder);
  } finally {
    const parts: TracePart[] = [];
    for (const name of fs.readdirSync(folder).sort()) {
      try {
        const part = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as CompactPart;
        if (part.version === TRACE_PART_VERSION) parts.push(expandPart(part));
      } catch { /* a rank killed while writing: its part is left out */ }
    }
    fs.rmSync(folder, { recursive: true, force: true });
    try {
      writeTrace(file, mergeParts(parts, { mpi4ts: packageVersion(), ...about }));
      process.stderr.write(`mpi4ts: trace of ${parts.length} process${parts.length === 1 ? '' : 'es'} written to ${out} (open it in ui.perfetto.dev; mpi4ts trace summary ${out})\n`);
    } catch (e) {
      process.stderr.write(`mpi4ts: --trace ${out}: cannot write it: ${e instanceof Error ? e.message : String(e)}\n`);
      if (code === 0) code = 1;
    }
  }
  return code;
}

/** Write `trace` to `file` in pieces of about 1 MB. */
function writeTrace(file: string, trace: TraceFile): void {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = '';
    for (const piece of traceFileText(trace)) {
      chunk += piece;
      if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** `mpi4ts trace summary out.json`: time in MPI per rank and the message matrix. */
export function traceSummary(file: string): number {
  let trace: TraceFile;
  try {
    trace = JSON.parse(fs.readFileSync(file, 'utf8')) as TraceFile;
    if (!Array.isArray(trace.traceEvents)) throw new Error('no traceEvents array (not a Trace Event file in its object form)');
  } catch (e) {
    process.stderr.write(`mpi4ts: trace summary: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  process.stdout.write(formatSummary(summarize(trace)));
  return 0;
}
