/**
 * The launcher notices when it has lost its parent: the `npx` or shell that
 * started it was killed (SIGTERM or SIGHUP from a batch system's cancel, a
 * closing terminal) and exited without passing the signal on. Left alone, the
 * launcher would run on, re-parented, with its ranks at full CPU and nobody
 * to read its output. Both transports end the job then as for SIGHUP
 * (exit 129).
 */
import * as fs from 'node:fs';

/** How often the parent is looked at: the delay before a lost parent is noticed. */
const PARENT_POLL_MS = 250;

/** This process's current parent, or null where that cannot be read (no /proc). */
function currentParent(): number | null {
  try {
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so count from the last ')'.
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

function parentGone(parent: number): boolean {
  const now = currentParent();
  if (now !== null) return now !== parent;
  // Without /proc: ask whether the process still exists. (A dead parent
  // that its own parent has not reaped yet still answers, for a while.)
  try {
    process.kill(parent, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Call `onLost(pid)` once when the parent this process started with ends
 * (Linux: this process is re-parented, to init or a subreaper). Node's
 * `process.ppid` is read once at start-up, so the kernel is asked again at
 * each poll. A process started by init (parent 0 or 1: a container's first
 * process, `setsid`, a daemon) has no parent to lose and is not watched.
 * The poll does not keep the process alive. Returns a function that stops it.
 */
export function watchParent(onLost: (parent: number) => void): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (!parentGone(parent)) return;
    clearInterval(timer);
    onLost(parent);
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
