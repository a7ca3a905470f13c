#!/usr/bin/env python3
"""mpi4py side of the mpi4ts vs mpi4py point-to-point benchmark (issue #2).

Run:  mpiexec --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 bench/peer/pingpong.py

Twin of bench/pingpong.ts: same cases, same iteration counts, same protocol
(zero-byte handshake before every case and every timed repetition, warm-up,
one verified exchange outside the timed loop, R repetitions of N/R
ping-pongs timed with MPI.Wtime on rank 0). Rank 0 prints exactly one line
    BENCH_JSON {...}
with the results and the versions of this side.

Environment:
  BENCH_SCALE   multiply every iteration count (default 1; e.g. 0.1 for a smoke run)
  BENCH_CASES   comma-separated case ids to run (default: all)
  BENCH_BUDGET  seconds of timed ping-pong allowed per case (default 10); a case
                whose probe round trip says it would take longer runs fewer
                iterations and is flagged "capped" (never happens for mpi4py on
                a sane machine; it keeps a pathologically slow side finite)
"""
import json
import math
import os
import platform
import sys

import numpy as np
from mpi4py import MPI

import mpi4py

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

TAG_DATA = 1
TAG_SYNC = 2
TAG_CHECK = 3
TAG_PLAN = 4
REPS = 5
# Warm-up iterations per timed iteration, as on the mpi4ts side (bench/pingpong.ts).
WARMUP_FACTOR = 3
# Untimed round trips before the probe, as on the mpi4ts side.
PRE_PROBE = 100
PROBES = 5

KiB = 1024
MiB = 1024 * 1024

# Keep this list identical to CASES in bench/pingpong.ts.
CASES = [
    dict(id="buf-8", label="Send/Recv 8 B", kind="buffer", bytes=8, iters=20000),
    dict(id="buf-1k", label="Send/Recv 1 KiB", kind="buffer", bytes=1 * KiB, iters=20000),
    dict(id="buf-64k", label="Send/Recv 64 KiB", kind="buffer", bytes=64 * KiB, iters=5000),
    dict(id="buf-1m", label="Send/Recv 1 MiB", kind="buffer", bytes=1 * MiB, iters=1000),
    dict(id="buf-16m", label="Send/Recv 16 MiB", kind="buffer", bytes=16 * MiB, iters=200),
    dict(id="obj-small", label="send/recv small object", kind="object-small", bytes=None, iters=20000),
    dict(id="obj-1m", label="send/recv 1 MiB object", kind="object-f64", bytes=1 * MiB, iters=1000),
]

EMPTY = np.empty(0, dtype=np.uint8)


def fail(msg):
    sys.stderr.write("pingpong.py rank %d: %s\n" % (rank, msg))
    sys.stderr.flush()
    comm.Abort(1)


def sync():
    """Zero-byte handshake: rank 1 -> rank 0, then rank 0 -> rank 1.

    Used instead of Barrier so that both sides run exactly the same protocol
    (mpi4ts has no Barrier yet)."""
    if rank == 0:
        comm.Recv(EMPTY, source=1, tag=TAG_SYNC)
        comm.Send(EMPTY, dest=1, tag=TAG_SYNC)
    else:
        comm.Send(EMPTY, dest=0, tag=TAG_SYNC)
        comm.Recv(EMPTY, source=0, tag=TAG_SYNC)


def plan(step, iters, warmup, budget):
    """Time PROBES single round trips on rank 0 (after an untimed one that pays
    for first touches; the fastest counts, so one scheduling hiccup does not
    cap a case), cap warm-up and timed iterations to the time budget, and tell
    rank 1. Returns (warmup, iters, capped, probe_s)."""
    msg = np.zeros(2, dtype=np.uint32)
    step(PRE_PROBE)  # untimed: first touches (and, on the mpi4ts side, JIT compilation)
    if rank == 0:
        rtt = math.inf
        for _ in range(PROBES):
            t0 = MPI.Wtime()
            step(1)
            rtt = min(rtt, MPI.Wtime() - t0)
        max_timed = int(budget / rtt) if rtt > 0 else iters
        max_timed = max(REPS, max_timed - max_timed % REPS)
        msg[0] = max(1, min(warmup, int(0.3 * budget / rtt) if rtt > 0 else warmup))
        msg[1] = min(iters, max_timed)
        comm.Send(msg, dest=1, tag=TAG_PLAN)
    else:
        step(PROBES)  # the partner of rank 0's timed probes
        rtt = float("nan")
        comm.Recv(msg, source=0, tag=TAG_PLAN)
    return int(msg[0]), int(msg[1]), int(msg[1]) < iters, rtt


def scaled(n, scale):
    n = int(round(n * scale))
    return max(REPS, n - n % REPS)


# ---------------------------------------------------------------- buffers

def pingpong_buffer(buf, n):
    if rank == 0:
        for _ in range(n):
            comm.Send(buf, dest=1, tag=TAG_DATA)
            comm.Recv(buf, source=1, tag=TAG_DATA)
    else:
        for _ in range(n):
            comm.Recv(buf, source=0, tag=TAG_DATA)
            comm.Send(buf, dest=0, tag=TAG_DATA)


def verify_buffer(buf):
    last = buf.size - 1
    if rank == 0:
        buf[0], buf[last] = 0xA5, 0x5A
        comm.Send(buf, dest=1, tag=TAG_CHECK)
        buf[0], buf[last] = 0, 0
        comm.Recv(buf, source=1, tag=TAG_CHECK)
        if buf[0] != 0x3C or buf[last] != 0xC3:
            fail("buffer of %d B: bad echo (%d, %d)" % (buf.size, buf[0], buf[last]))
    else:
        buf[0], buf[last] = 0, 0
        comm.Recv(buf, source=0, tag=TAG_CHECK)
        if buf[0] != 0xA5 or buf[last] != 0x5A:
            fail("buffer of %d B: bad data (%d, %d)" % (buf.size, buf[0], buf[last]))
        buf[0], buf[last] = 0x3C, 0xC3
        comm.Send(buf, dest=0, tag=TAG_CHECK)


# ---------------------------------------------------------------- objects

def make_object(kind):
    if kind == "object-small":
        return {"a": 1, "b": [1, 2, 3]}
    return {"data": np.zeros(131072)}


def pingpong_object(obj, n):
    if rank == 0:
        for _ in range(n):
            comm.send(obj, dest=1, tag=TAG_DATA)
            obj = comm.recv(source=1, tag=TAG_DATA)
    else:
        for _ in range(n):
            obj = comm.recv(source=0, tag=TAG_DATA)
            comm.send(obj, dest=0, tag=TAG_DATA)
    return obj


def check_object(kind, o, first, last):
    if kind == "object-small":
        return isinstance(o, dict) and o.get("a") == first and o.get("b") == [1, 2, 3]
    d = o.get("data") if isinstance(o, dict) else None
    return (isinstance(d, np.ndarray) and d.dtype == np.float64 and d.size == 131072
            and d[0] == first and d[-1] == last)


def verify_object(kind):
    if rank == 0:
        o = make_object(kind)
        if kind == "object-small":
            o["a"] = 7
        else:
            o["data"][0], o["data"][-1] = 1.5, 2.5
        comm.send(o, dest=1, tag=TAG_CHECK)
        back = comm.recv(source=1, tag=TAG_CHECK)
        ok = check_object(kind, back, 8, None) if kind == "object-small" else check_object(kind, back, 3.5, 4.5)
        if not ok:
            fail("%s: bad echo %r" % (kind, back if kind == "object-small" else type(back)))
    else:
        o = comm.recv(source=0, tag=TAG_CHECK)
        ok = check_object(kind, o, 7, None) if kind == "object-small" else check_object(kind, o, 1.5, 2.5)
        if not ok:
            fail("%s: bad data %r" % (kind, o if kind == "object-small" else type(o)))
        if kind == "object-small":
            o["a"] = 8
        else:
            o["data"][0], o["data"][-1] = 3.5, 4.5
        comm.send(o, dest=0, tag=TAG_CHECK)


# ---------------------------------------------------------------- driver

def run_case(case, scale, budget):
    planned = scaled(case["iters"], scale)
    kind = case["kind"]

    if kind == "buffer":
        buf = np.zeros(case["bytes"], dtype=np.uint8)
        step = lambda n: pingpong_buffer(buf, n)
    else:
        obj = make_object(kind)
        step = lambda n: pingpong_object(obj, n)

    sync()
    warmup, iters, capped, probe = plan(step, planned, WARMUP_FACTOR * planned, budget)
    per_rep = iters // REPS
    # The verified exchange, then the warm-up in whole repetitions (as bench/pingpong.ts).
    if kind == "buffer":
        verify_buffer(buf)
    else:
        verify_object(kind)
    for _ in range(max(1, round(warmup / per_rep))):
        sync()
        step(per_rep)

    rep_times = []  # half round-trip, seconds, one per repetition
    for _ in range(REPS):
        sync()
        t0 = MPI.Wtime()
        step(per_rep)
        t1 = MPI.Wtime()
        rep_times.append((t1 - t0) / (2 * per_rep))

    if rank != 0:
        return None
    mean = sum(rep_times) / len(rep_times)  # equal-size reps: mean over all iterations
    var = sum((t - mean) ** 2 for t in rep_times) / (len(rep_times) - 1) if len(rep_times) > 1 else 0.0
    res = dict(
        id=case["id"], label=case["label"], kind=kind, bytes=case["bytes"],
        warmup=warmup, iters=per_rep * REPS, reps=REPS,
        planned_iters=planned, capped=capped, probe_rtt_us=probe * 1e6,
        latency_us=dict(mean=mean * 1e6, min=min(rep_times) * 1e6, stddev=math.sqrt(var) * 1e6,
                        reps=[t * 1e6 for t in rep_times]),
    )
    if case["bytes"]:
        res["bandwidth_MBps"] = dict(mean=case["bytes"] / mean / 1e6, max=case["bytes"] / min(rep_times) / 1e6)
    return res


def transport():
    pml = os.environ.get("OMPI_MCA_pml")
    btl = os.environ.get("OMPI_MCA_btl")
    if pml or btl:
        t = "Open MPI pml=%s btl=%s" % (pml or "default", btl or "default")
        if btl and "vader" in btl.split(","):
            t += " (shared memory)"
        return t
    return "Open MPI default component selection"


def main():
    if size != 2:
        if rank == 0:
            sys.stderr.write("pingpong.py needs exactly 2 ranks (got %d)\n" % size)
        sys.exit(2)
    scale = float(os.environ.get("BENCH_SCALE", "1") or "1")
    wanted = [c for c in os.environ.get("BENCH_CASES", "").split(",") if c]
    cases = [c for c in CASES if not wanted or c["id"] in wanted]
    budget = float(os.environ.get("BENCH_BUDGET", "10") or "10")

    comm.Barrier()  # once, at start-up; each case is synchronised with the handshake
    t_start = MPI.Wtime()
    results = [run_case(c, scale, budget) for c in cases]
    if rank == 0:
        out = dict(
            bench="pingpong", side="mpi4py", ranks=size, scale=scale, budget_s=budget,
            elapsed_s=MPI.Wtime() - t_start,
            versions=dict(
                python=platform.python_version(),
                mpi4py=mpi4py.__version__,
                numpy=np.__version__,
                mpi_library=MPI.Get_library_version().replace("\x00", "").strip().split("\n")[0],
                mpi_standard="%d.%d" % MPI.Get_version(),
            ),
            transport=transport(),
            processor=MPI.Get_processor_name(),
            wtick=MPI.Wtick(),
            results=results,
        )
        sys.stdout.write("BENCH_JSON " + json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
