/**
 * The guardian of a native job: a `sh` that outlives a launcher killed with
 * SIGKILL and ends what the launcher started. Without it, mpiexec and every
 * rank run on forever (the launcher's --timeout and signal forwarding die
 * with it) and the job's temporary directory stays.
 *
 * The launcher starts it right after mpiexec and holds the write end of its
 * standard input; the kernel closes that however the launcher ends. A
 * launcher that ends normally writes `done` first and the guardian just
 * exits. At end of file without `done`, the guardian:
 *   1. sends SIGTERM to mpiexec, which stops its ranks and removes its own
 *      session files (Open MPI ~1 s, MPICH ~0.2 s); if mpiexec is already
 *      gone, SIGTERM to every process of the job instead;
 *   2. after at most 1.5 s, SIGKILL to every process of the job still there;
 *   3. removes the temporary directory, and the files in /dev/shm that the
 *      job's processes had mapped (Open MPI's vader segments, which its
 *      ranks leave behind when mpiexec was killed too and cannot remove them).
 * "Every process of the job" is found by a marker in the environment
 * (MPI4TS_JOB=<unique id>, /proc/<pid>/environ): the mpiexecs put ranks in
 * process groups (Open MPI) or sessions (MPICH's proxy) of their own, and
 * spawned processes are children of mpiexec, not of any rank, so neither a
 * process group nor the tree under one rank covers them; the environment
 * is what they all inherit from mpiexec. Remote hosts are mpiexec's to stop.
 *
 * A `sh`, not a second Node process: a fork and an exec of a small program
 * (about 1 ms of the launcher's time on a quiet machine), made after
 * mpiexec has started, so that the job does not wait for it. A launcher
 * killed in the microseconds between the two leaves its job unguarded.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';

/** Grace for mpiexec to stop its ranks before SIGKILL, in tenths of a second (the whole must end within 2 s). */
const GRACE_TENTHS = 15;

// $1: the temporary directory, $2: the marker's value, $3: mpiexec's pid.
// SIGINT and SIGHUP are ignored (it runs in a session of its own anyway,
// out of the terminal's reach). mpiexec's pid is signalled only while that
// process carries the marker: by then it may have ended and the pid been reused.
const SCRIPT = `
trap '' INT HUP
dir=$1 marker=$2 m=$3
while IFS= read -r line; do
  [ "$line" = done ] && exit 0
done
job() { grep -lsxz "MPI4TS_JOB=$marker" /proc/[0-9]*/environ | sed 's,^/proc/\\([0-9]*\\)/environ$,\\1,'; }
left=$(job)
shm=$(for p in $left; do sed -n 's,^.* \\(/dev/shm/[^ ]*\\)$,\\1,p' /proc/$p/maps 2>/dev/null; done | sort -u)
if [ -n "$m" ] && { [ ! -d /proc/self ] || printf '%s\\n' $left | grep -qx "$m"; }; then
  kill -TERM "$m" 2>/dev/null
elif [ -n "$left" ]; then
  kill -TERM $left 2>/dev/null
fi
i=0
while [ -n "$left" ] && [ $i -lt ${GRACE_TENTHS} ]; do
  sleep 0.1
  i=$((i + 1))
  left=$(job)
done
[ -n "$left" ] && kill -KILL $left 2>/dev/null
[ -n "$shm" ] && rm -f $shm
rm -rf "$dir"
`;

/** The guardian of one job: the environment that marks its processes, and the launcher's side of the pipe. */
export interface Guardian {
  /** To add to mpiexec's environment (its ranks and spawned processes inherit it). */
  readonly env: Record<string, string>;
  /** mpiexec has started as process `pid`: start guarding it. */
  watch(pid: number): void;
  /** The job has ended and the temporary directory is removed: the guardian exits without doing anything. */
  release(): void;
}

/**
 * The guardian of a job whose temporary directory is `tmpdir`; it starts at
 * `watch`. Where there is no `sh` the job runs unguarded (as before).
 */
export function jobGuardian(tmpdir: string): Guardian {
  const marker = randomUUID();
  let stdin: Writable | null = null;
  return {
    env: { MPI4TS_JOB: marker },
    watch: (pid) => {
      // detached: a session of its own, so that Ctrl-C at the terminal, or a
      // SIGKILL to the launcher's process group, does not take it along.
      const child = spawn('/bin/sh', ['-c', SCRIPT, 'mpi4ts-guardian', tmpdir, marker, String(pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
      child.on('error', () => { /* no sh: unguarded */ });
      stdin = child.stdin!;
      stdin.on('error', () => { /* the guardian is gone: unguarded */ });
      // Neither the guardian nor its pipe keeps the launcher running.
      child.unref();
      (stdin as unknown as { unref?: () => void }).unref?.();
    },
    release: () => { stdin?.end('done\n'); },
  };
}
