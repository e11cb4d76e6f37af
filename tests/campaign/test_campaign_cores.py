"""Binding local workers to cores (hyperdef.campaign.cores): every thread moves, and back."""

from __future__ import annotations

import os
import threading

import pytest

from hyperdef.campaign.cores import bind, bind_worker, should_bind, usable_cores

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"),
    reason="binding threads to cores uses os.sched_setaffinity, which only Linux has; elsewhere "
           "campaign workers run unbound (should_bind is False)")


def _masks() -> list[set[int]]:
    """The affinity mask of every thread of this process."""
    out = []
    for tid in os.listdir("/proc/self/task"):
        try:
            out.append(set(os.sched_getaffinity(int(tid))))
        except ProcessLookupError:
            continue
    return out


def _bound_threads() -> dict[str, list[set[int]]]:
    """In a worker: run XLA (its thread pool exists from the first computation), bind to the
    worker's core, and report every thread's mask, also of a thread started after binding."""
    import jax.numpy as jnp

    float(jnp.sum(jnp.arange(1000.0) ** 2))
    mine = bind_worker(True)
    seen: list[set[int]] = []
    later = threading.Thread(target=lambda: seen.append(set(os.sched_getaffinity(0))))
    later.start()
    later.join()
    out = {"mine": [mine], "threads": _masks(), "later": seen}
    bind_worker(False)
    out["after"] = _masks()
    return out


def test_bind_moves_every_thread_and_back():
    before = set(os.sched_getaffinity(0))
    idle = threading.Event()
    other = threading.Thread(target=idle.wait)  # started before binding: it must move too
    other.start()
    try:
        core = bind(len(before))  # the slot is taken modulo the core count
        assert core == {sorted(before)[0]}
        assert all(m == core for m in _masks())
    finally:
        assert bind(None) == before
        idle.set()
        other.join()
    assert all(m == before for m in _masks())


def test_only_a_cluster_with_a_worker_per_core_binds():
    n = usable_cores()
    assert not should_bind(1)
    assert should_bind(n) == (n > 1)
    assert not should_bind(n + 1)


@pytest.mark.skipif(usable_cores() < 2,
                    reason="this process may use one core only, so two workers cannot each be "
                           "bound to a core of their own (campaigns there run unbound)")
def test_local_workers_take_a_core_each_and_give_it_back():
    from hyperdef.campaign.run import dask_client

    with dask_client(workers=2, scheduler=None, connect_timeout_s=60.0) as client:
        # as tasks, pinned to each worker: a worker knows its name inside a task
        futures = [client.submit(_bound_threads, workers=[w], pure=False)
                   for w in client.scheduler_info()["workers"]]
        seen = client.gather(futures)
    every = set(os.sched_getaffinity(0))  # the workers' mask before binding: inherited
    cores = [r["mine"][0] for r in seen]
    assert all(len(c) == 1 for c in cores) and cores[0] != cores[1]
    for r, core in zip(seen, cores, strict=True):
        assert all(m == core for m in r["threads"] + r["later"])
        assert all(m == every for m in r["after"])
