"""One core per local worker, when a campaign's local cluster has exactly as many workers as cores.

A worker is one Python thread, but XLA:CPU runs parts of a computation on its own thread pool
(the `tf_XLAEigen` threads, whatever XLA_FLAGS say about Eigen): a lone worker keeps 1.15 cores
busy. Two such workers on two cores therefore hold four busy threads that the OS moves between
the cores, and each runs 10–15 % slower than when it has its core to itself. Bound to a core
each (every thread of the process, the pool included), they stop competing. Measured on a
2-core machine with two worker-like processes side by side, each tracking 3 warm batches of 250
samples of the example's 28-satellite point (`hyperdef.campaign.evaluate.pipeline_rows`), in two
rounds: unbound 27.3 + 27.4 and 24.4 + 23.7 samples/s, bound 31.0 + 30.2 and 27.5 + 26.5 (+13 %
in both rounds). A lone worker on the same machine loses by being bound (32.6 → 28.5 samples/s:
it no longer has the second core for the pool), and so does one compiling alone, which is why
the campaign binds only when every core has its worker, and not for the first chunk on an empty
compilation cache (`run._execute_dask`), which compiles while the other workers wait.

Linux only (os.sched_setaffinity); elsewhere these calls do nothing.
"""

from __future__ import annotations

import os

_all_cores: set[int] | None = None  # this process's cores before the first binding


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask, else the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def should_bind(workers: int) -> bool:
    """Whether a local cluster of `workers` workers binds each to its own core (never where the
    platform cannot bind)."""
    return hasattr(os, "sched_setaffinity") and workers > 1 and workers == usable_cores()


def bind(slot: int | None) -> set[int] | None:
    """Run every thread of this process on the `slot`-th core of its original mask (taken
    modulo the count), or on the whole original mask again when slot is None.

    Returns the mask set, or None where the platform cannot bind. Threads started later
    inherit the mask of the thread that starts them, so XLA's pool, once bound, stays bound.
    """
    global _all_cores
    if not hasattr(os, "sched_setaffinity"):
        return None
    if _all_cores is None:
        _all_cores = set(os.sched_getaffinity(0))
    cores = sorted(_all_cores)
    mask = set(_all_cores) if slot is None else {cores[slot % len(cores)]}
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), mask)
        except (ProcessLookupError, PermissionError):  # ended meanwhile, or not ours to move
            continue
    return mask


def bind_worker(own_core: bool) -> set[int] | None:
    """In a local cluster's worker (named 0 … K−1): its own core, or all of them again."""
    from distributed import get_worker

    name = get_worker().name
    if own_core and not isinstance(name, int):
        return None  # not a LocalCluster worker: no slot to take
    return bind(name if own_core else None)
