/**
 * The communication timeline's file (`mpi4ts --trace out.json`): what each
 * rank records (a part), how the launcher merges the parts into one file in
 * the Trace Event format that ui.perfetto.dev and chrome://tracing open, and
 * the summary `mpi4ts trace summary` prints from that file.
 *
 * In the file each rank is a process (`pid` = its process id, named
 * `rank N` by "M" metadata events), each public MPI call an "X" complete
 * event with its communicator, peer or root, tag and bytes, and each
 * message a flow from the call that sent it ("s", with the receiver, tag,
 * bytes and communicator in its args) to the call that received it ("f",
 * bound to the enclosing slice). A send is matched to its receive by MPI's
 * non-overtaking rule: the k-th message from one process to another on one
 * communicator with one tag is the k-th received with those.
 */

/** Bumped when the part layout changes (parts are written and read by the same mpi4ts). */
export const TRACE_PART_VERSION = 2;

/** One public MPI call of a rank: times in microseconds from the job's start. */
export interface TraceCall {
  name: string;
  ts: number;
  dur: number;
  /** The communicator's name (`MPI_COMM_WORLD`, or its context); '' for calls not on one. */
  comm: string;
  /** Rank of the first peer in the communicator, and the tag, for point-to-point calls. */
  peer?: number;
  tag?: number;
  root?: number;
  /** Bytes this rank sent and received in the call (the collectives' traffic included). */
  bytes: number;
}

/** A message sent (at the sender) or received (at the receiver): process ids, and the communicator as both sides name it. */
export interface TraceMessage {
  send: boolean;
  ts: number;
  from: number;
  to: number;
  tag: number;
  bytes: number;
  comm: string;
}

/** What one rank writes when it exits. */
export interface TracePart {
  version: number;
  /** Process id in the job (the transport's), and rank and size in its MPI_COMM_WORLD. */
  pid: number;
  rank: number;
  size: number;
  spawned: boolean;
  calls: TraceCall[];
  messages: TraceMessage[];
}

/**
 * A part as a rank writes it: its records in columns, strings numbered.
 * `calls` holds 8 numbers per call (name, ts, dur, comm, peer, tag, root,
 * bytes), `messages` 7 per message (send 1 or receive 0, ts, from, to, tag,
 * bytes, comm); names and communicators index `strings`; null is absent.
 */
export interface CompactPart {
  version: number;
  pid: number;
  rank: number;
  size: number;
  spawned: boolean;
  strings: string[];
  calls: (number | null)[];
  messages: (number | null)[];
}

/** The records of a part, one object each. */
export function expandPart(c: CompactPart): TracePart {
  const calls: TraceCall[] = [];
  const messages: TraceMessage[] = [];
  const str = (i: number | null | undefined): string => c.strings[i ?? -1] ?? '';
  const num = (x: number | null | undefined): number => x ?? 0;
  const opt = (x: number | null | undefined): number | undefined => (x === null || x === undefined ? undefined : x);
  const k = c.calls;
  for (let i = 0; i + 8 <= k.length; i += 8) {
    const call: TraceCall = { name: str(k[i]), ts: num(k[i + 1]), dur: num(k[i + 2]), comm: str(k[i + 3]), bytes: num(k[i + 7]) };
    if (opt(k[i + 4]) !== undefined) { call.peer = k[i + 4]!; call.tag = num(k[i + 5]); }
    if (opt(k[i + 6]) !== undefined) call.root = k[i + 6]!;
    calls.push(call);
  }
  const m = c.messages;
  for (let i = 0; i + 7 <= m.length; i += 7) {
    messages.push({ send: m[i] === 1, ts: num(m[i + 1]), from: num(m[i + 2]), to: num(m[i + 3]), tag: num(m[i + 4]), bytes: num(m[i + 5]), comm: str(m[i + 6]) });
  }
  return { version: c.version, pid: c.pid, rank: c.rank, size: c.size, spawned: c.spawned, calls, messages };
}

/**
 * The file's text, piece by piece (an event per piece): a long run's trace
 * can be larger than the longest string JavaScript has.
 */
export function* traceFileText(file: TraceFile): Generator<string> {
  const { traceEvents, ...rest } = file;
  yield '{"traceEvents":[\n';
  for (let i = 0; i < traceEvents.length; i++) yield `${JSON.stringify(traceEvents[i])}${i + 1 < traceEvents.length ? ',' : ''}\n`;
  yield `],${JSON.stringify(rest).slice(1)}\n`;
}

/** One event of the Trace Event format (the fields mpi4ts writes). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'M' | 's' | 'f';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

/** The merged file. */
export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

const round = (us: number): number => Math.round(us * 1000) / 1000;

/** Merge the ranks' parts into one Trace Event file; `about` goes to `otherData` (version, transport). */
export function mergeParts(parts: readonly TracePart[], about: Record<string, string | number> = {}): TraceFile {
  const sorted = [...parts].sort((a, b) => a.pid - b.pid);
  const events: TraceEvent[] = [];
  for (const p of sorted) {
    const label = p.spawned ? `spawned rank ${p.rank} (process ${p.pid})` : `rank ${p.rank}`;
    events.push({ name: 'process_name', ph: 'M', pid: p.pid, tid: 0, args: { name: label } });
    events.push({ name: 'process_sort_index', ph: 'M', pid: p.pid, tid: 0, args: { sort_index: p.pid } });
    events.push({ name: 'thread_name', ph: 'M', pid: p.pid, tid: 0, args: { name: 'MPI calls' } });
    for (const c of p.calls) {
      const args: Record<string, unknown> = { comm: c.comm, bytes: c.bytes };
      if (c.peer !== undefined) { args['peer'] = c.peer; args['tag'] = c.tag; }
      if (c.root !== undefined) args['root'] = c.root;
      events.push({ name: c.name, cat: 'mpi', ph: 'X', pid: p.pid, tid: 0, ts: round(c.ts), dur: round(c.dur), args });
    }
  }
  // Receives by (from, to, comm, tag), in the order each receiver got them.
  const key = (m: TraceMessage): string => `${m.from}>${m.to}|${m.comm}|${m.tag}`;
  const received = new Map<string, TraceMessage[]>();
  for (const p of sorted) {
    for (const m of p.messages) {
      if (m.send) continue;
      const list = received.get(key(m));
      if (list) list.push(m); else received.set(key(m), [m]);
    }
  }
  const taken = new Map<string, number>();
  let id = 0;
  for (const p of sorted) {
    for (const m of p.messages) {
      if (!m.send) continue;
      const k = key(m);
      const n = taken.get(k) ?? 0;
      taken.set(k, n + 1);
      id++;
      events.push({ name: 'message', cat: 'message', ph: 's', id, pid: m.from, tid: 0, ts: round(m.ts), args: { to: m.to, tag: m.tag, bytes: m.bytes, comm: m.comm } });
      const r = received.get(k)?.[n];
      if (r !== undefined) events.push({ name: 'message', cat: 'message', ph: 'f', bp: 'e', id, pid: r.to, tid: 0, ts: round(r.ts), args: { from: m.from } });
    }
  }
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { producer: 'mpi4ts --trace', ...about } };
}

/** Per rank: its calls and time in them; per pair of ranks: messages and bytes. */
export interface TraceSummary {
  ranks: { pid: number; label: string; calls: number; mpiSeconds: number; spanSeconds: number }[];
  /** Senders and receivers by process id; `count[i][j]` messages from `pids[i]` to `pids[j]`. */
  pids: number[];
  count: number[][];
  bytes: number[][];
  messages: number;
  matched: number;
}

/** Read a Trace Event file made by `--trace` back into its summary. */
export function summarize(file: TraceFile): TraceSummary {
  const labels = new Map<number, string>();
  const ranks = new Map<number, { calls: number; us: number; first: number; last: number }>();
  const sends: TraceEvent[] = [];
  let matched = 0;
  for (const e of file.traceEvents) {
    if (e.ph === 'M' && e.name === 'process_name') labels.set(e.pid, String(e.args?.['name'] ?? `process ${e.pid}`));
    if (!ranks.has(e.pid)) ranks.set(e.pid, { calls: 0, us: 0, first: Infinity, last: -Infinity });
    if (e.ph === 'X') {
      const r = ranks.get(e.pid)!;
      r.calls++;
      r.us += e.dur ?? 0;
      r.first = Math.min(r.first, e.ts ?? 0);
      r.last = Math.max(r.last, (e.ts ?? 0) + (e.dur ?? 0));
    } else if (e.ph === 's' && e.cat === 'message') sends.push(e);
    else if (e.ph === 'f' && e.cat === 'message') matched++;
  }
  const pids = [...ranks.keys()].sort((a, b) => a - b);
  for (const s of sends) if (!pids.includes(Number(s.args?.['to']))) pids.push(Number(s.args?.['to']));
  const at = new Map(pids.map((p, i) => [p, i]));
  const count = pids.map(() => pids.map(() => 0));
  const bytes = pids.map(() => pids.map(() => 0));
  for (const s of sends) {
    const i = at.get(s.pid)!, j = at.get(Number(s.args?.['to']))!;
    count[i]![j]!++;
    bytes[i]![j]! += Number(s.args?.['bytes'] ?? 0);
  }
  return {
    ranks: pids.map((pid) => {
      const r = ranks.get(pid) ?? { calls: 0, us: 0, first: 0, last: 0 };
      return { pid, label: labels.get(pid) ?? `process ${pid}`, calls: r.calls, mpiSeconds: r.us / 1e6, spanSeconds: r.calls > 0 ? (r.last - r.first) / 1e6 : 0 };
    }),
    pids, count, bytes, messages: sends.length, matched,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The summary as `mpi4ts trace summary` prints it. */
export function formatSummary(s: TraceSummary): string {
  const out: string[] = [];
  out.push('Time in MPI per rank');
  out.push(table([
    ['rank', 'calls', 'in MPI (s)', 'first to last call (s)', 'share'],
    ...s.ranks.map((r) => [r.label, String(r.calls), r.mpiSeconds.toFixed(6), r.spanSeconds.toFixed(6),
      r.spanSeconds > 0 ? `${((100 * r.mpiSeconds) / r.spanSeconds).toFixed(1)}%` : '-']),
  ]));
  // Ranks of the job by their rank; other processes (spawned) by process id, with a legend.
  const short = (pid: number): string => {
    const label = s.ranks.find((r) => r.pid === pid)?.label ?? '';
    return /^rank \d+$/.test(label) ? label.slice(5) : `p${pid}`;
  };
  const legend = s.ranks.filter((r) => short(r.pid).startsWith('p')).map((r) => `${short(r.pid)} = ${r.label}`);
  for (const [title, m] of [['Messages (sender x receiver)', s.count], ['Bytes (sender x receiver)', s.bytes]] as const) {
    out.push('', title);
    out.push(table([['from\\to', ...s.pids.map(short)], ...s.pids.map((p, i) => [short(p), ...m[i]!.map(String)])]));
  }
  if (legend.length > 0) out.push('', legend.join(', '));
  out.push('', `${s.messages} messages, ${s.matched} matched to their receive`);
  return `${out.join('\n')}\n`;
}
