/**
 * The launcher notices when what started it is gone: the `npx` or shell was
 * killed (SIGTERM or SIGHUP from a batch system's cancel, a closing
 * terminal) and exited without passing the signal on. Left alone, the
 * launcher would run on, re-parented, with its ranks at full CPU and nobody
 * to read its output. Both transports end the job then as for SIGHUP
 * (exit 129).
 *
 * Not only the parent counts: `npx` runs the launcher through `sh -c`, and
 * on SIGHUP (or SIGINT) npm exits while that shell stays, waiting for the
 * launcher. So every ancestor up to the session leader is watched. The
 * session leader itself (the login shell, a batch script run by setsid, a
 * container's first process) is not: a job started in the background of an
 * interactive shell outlives its `exit` as before, and a launcher that is
 * itself a session leader (`setsid mpi4ts ...`) is detached on purpose and
 * watches nothing.
 */
import * as fs from 'node:fs';

/** How often the ancestors are looked at: the delay before a lost one is noticed. */
const PARENT_POLL_MS = 250;

interface Stat { ppid: number; session: number; name: string }

/** The parent, session and name of process `pid` ('self' for this one), or null if it is gone or cannot be read (no /proc). */
function stat(pid: number | 'self'): Stat | null {
  try {
    // `pid (comm) state ppid pgrp session ...`: comm may hold spaces and parentheses, so count from the last ')'.
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    const ppid = Number(f[1]);
    const session = Number(f[3]);
    if (!Number.isInteger(ppid) || !Number.isInteger(session)) return null;
    return { ppid, session, name: text.slice(text.indexOf('(') + 1, close) };
  } catch {
    return null;
  }
}

/** An ancestor that is gone: its pid and name, for the message. */
export interface LostAncestor { pid: number; name: string }

/**
 * The chain to watch: [this process, parent, grandparent, ...] up to the
 * last one below the session leader (and below init), each with the parent
 * it had at start. Null without /proc.
 */
function chain(): { pid: number | 'self'; ppid: number; parentName: string }[] | null {
  const self = stat('self');
  if (self === null) return null;
  const links: { pid: number | 'self'; ppid: number; parentName: string }[] = [];
  if (self.session === process.pid) return links;
  let pid: number | 'self' = 'self';
  let s: Stat | null = self;
  // The session leader and init are not watched; a cycle or a very deep tree ends the walk too.
  while (s !== null && s.ppid > 1 && s.ppid !== self.session && links.length < 64) {
    const parent = stat(s.ppid);
    if (parent === null) break;
    links.push({ pid, ppid: s.ppid, parentName: parent.name });
    pid = s.ppid;
    s = parent;
  }
  return links;
}

/**
 * Call `onLost` once when the parent this process started with, or any
 * ancestor up to the session leader, ends (Linux: its child is re-parented,
 * to init or a subreaper; so each link's parent is compared with the one it
 * had at start). Node's `process.ppid` is read once at start-up, so the
 * kernel is asked again at each poll. Without /proc only the parent is
 * watched, by asking whether it exists. The poll does not keep the process
 * alive. Returns a function that stops it.
 */
export function watchAncestors(onLost: (lost: LostAncestor) => void): () => void {
  const links = chain();
  const parent = process.ppid;
  // The parent may have ended already while the launcher started (but a
  // session leader's may end at once: `setsid` forks and its parent returns).
  const self = stat('self');
  const early = self !== null && self.session !== process.pid && parent > 1 && parent !== self.session && self.ppid !== parent;
  if (!early && (links !== null ? links.length === 0 : parent <= 1)) return () => {};
  const timer = setInterval(() => {
    const lost = early ? { pid: parent, name: 'parent' }
      : links !== null ? lostLink(links) : parentGone(parent) ? { pid: parent, name: 'parent' } : null;
    if (lost === null) return;
    clearInterval(timer);
    onLost(lost);
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function lostLink(links: { pid: number | 'self'; ppid: number; parentName: string }[]): LostAncestor | null {
  for (const l of links) {
    const now = stat(l.pid);
    // A link that is gone itself: its parent (the next link) changed too, or soon will; report the first change.
    if (now === null || now.ppid !== l.ppid) return { pid: l.ppid, name: l.parentName };
  }
  return null;
}

function parentGone(parent: number): boolean {
  // (A dead parent that its own parent has not reaped yet still answers, for a while.)
  try {
    process.kill(parent, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** How the launchers say it: `process 4242 (npm exec mpi4ts), which started the launcher, has ended`. */
export function describeLost(lost: LostAncestor): string {
  return `process ${lost.pid} (${lost.name}), which started the launcher, has ended`;
}
