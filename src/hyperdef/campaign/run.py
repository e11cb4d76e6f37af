"""Run a campaign: every pending chunk is one Dask task; the campaign process writes the parts.

Workers only compute (they never touch the store), so a worker lost mid-task costs a retry, and a
killed campaign process loses at most the chunks in flight. Where the work runs:

- `workers=K` (default 2): a `LocalCluster` of K single-threaded worker processes (spawned, so
  JAX starts fresh in each), XLA asked for one thread per worker (its pool still takes ≈ 0.15
  of a core), and each bound to a core of its own when K is the machine's core count (`cores`);
- `scheduler="tcp://HOST:PORT"`: an existing cluster (`dask scheduler` + `dask worker`s); the
  connection must succeed within `connect_timeout_s` or the run fails naming the URL;
- `workers=0`: in this process, no Dask (debugging, profiling).

JAX picks the device in each worker (a GPU when one is present): nothing here depends on it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from hyperdef.campaign.cores import bind_worker, should_bind
from hyperdef.campaign.plan import Chunk, Plan, make_plan
from hyperdef.campaign.store import Store, _now
from hyperdef.campaign.table import chunk_frame, chunk_table

# One XLA thread per worker where XLA takes the setting (a sample's arithmetic never depends on a
# thread pool's split; its pool still runs part of each computation: `cores` binds for that), and
# no up-front grab of a GPU's memory by each of several workers.
WORKER_ENV = {
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
    "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
}
# No statistical profiler in local workers: it samples the task's Python stack every 10 ms, and
# the tracker's scan loop is Python; off, a worker runs the example 7 % faster (64.0 → 59.3 s of
# run time for 750 samples). Nothing here reads the profiles (no dashboard).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


COMPILE_CACHE = "jax-cache"  # inside the store: a resumed run reuses its compiled kernels
IN_FLIGHT_PER_WORKER = 2  # chunks queued per worker: one running, one ready to start


class SchedulerUnreachable(ConnectionError):
    """No Dask scheduler answered at the given address in time."""


class ChunkFailed(RuntimeError):
    """A chunk's evaluation raised; parts already written stay (continue with --resume)."""


@dataclasses.dataclass(frozen=True)
class Progress:
    """What the progress callback sees after each stored chunk."""

    chunk: Chunk
    samples_done: int
    samples_total: int
    elapsed_s: float


def local_cache(store_folder: Path) -> Path:
    """The compilation cache of a local cluster's workers: the user's (`HYPERDEF_JAX_CACHE`,
    shared with `hyperdef run` and every later campaign on this machine, so only the first
    campaign compiles), or the store's own folder when the user's is turned off (a resume or a
    second worker still loads what one compiled). A user's cluster uses each worker's own."""
    from hyperdef.jaxcache import cache_dir

    return (cache_dir() or store_folder / COMPILE_CACHE).resolve()


def _holds_kernels(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def default_evaluator():
    from hyperdef.campaign.evaluate import pipeline_rows

    return pipeline_rows


def run_chunk(scenario, base_dir, batches, start: int, stop: int, evaluate,
              compile_cache: str | None = None, own_core: bool | None = None):
    """Evaluate one chunk batch by batch: (the rows of samples start … stop−1 as a DataFrame,
    {"compile_s", "run_s"}: seconds compiling or loading kernels, and the rest of the chunk).

    compile_cache: JAX's persistent compilation cache folder ("" the user cache folder, None:
    JAX left as it is), set here because this runs in the worker that compiles (hyperdef.jaxcache
    says why an environment variable comes too late). own_core: in a local cluster's worker, run
    on the worker's own core (True) or on all of them (False); None leaves the process as it is
    (hyperdef.campaign.cores says when and why).
    """
    import pandas as pd

    from hyperdef.jaxcache import compile_timer, enable_compilation_cache

    if compile_cache is not None:
        enable_compilation_cache(compile_cache or None)
    if own_core is not None:
        bind_worker(own_core)
    t0 = time.perf_counter()
    with compile_timer() as clock:
        frames = [chunk_frame(evaluate(scenario, base_dir, ids), start, stop) for ids in batches]
    wall = time.perf_counter() - t0
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"sample": []})
    return frame, {"compile_s": clock["compile_s"], "run_s": wall - clock["compile_s"]}


@contextlib.contextmanager
def dask_client(*, workers: int, scheduler: str | None, connect_timeout_s: float):
    """A distributed.Client on a new LocalCluster or on the scheduler at `scheduler`."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(
                f"--scheduler {scheduler}: no Dask scheduler answered within "
                f"{connect_timeout_s:g} s ({type(exc).__name__}: {exc}); check the host and "
                "port, or start one with `dask scheduler`") from None
        try:
            try:
                client.wait_for_workers(1, timeout=connect_timeout_s)
            except TimeoutError:
                raise SchedulerUnreachable(
                    f"--scheduler {scheduler}: the scheduler answered but has no workers "
                    f"after {connect_timeout_s:g} s; start some with `dask worker "
                    f"{scheduler}`") from None
            yield client
        finally:
            client.close()
        return
    import dask

    env = dict(WORKER_ENV)
    # Workers take the configuration their nanny had when it was made (`WORKER_CONFIG`).
    with dask.config.set(WORKER_CONFIG):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR, env=env)
    try:
        with Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close()


def _execute_local(plan: Plan, pending: list[Chunk], evaluate):
    for chunk in pending:
        try:
            out = run_chunk(plan.scenarios[chunk.point], plan.base_dir, plan.batches(chunk),
                            chunk.start, chunk.stop, evaluate)
        except Exception as exc:
            raise _failure(chunk, plan, exc) from exc
        yield chunk, out


def _execute_dask(client, plan: Plan, pending: list[Chunk], evaluate, compile_cache,
                  first_alone: bool, own_cores: bool = False):
    """Chunks as Dask tasks, at most `IN_FLIGHT_PER_WORKER` per worker submitted at a time: the
    scheduler never holds a whole campaign's results, so memory stays bounded however many
    samples stream through.

    first_alone: run the first chunk by itself, then the rest. On an empty compilation cache
    every worker would otherwise compile the same kernels at once, each on one core, where one
    compiling alone uses both (XLA compiles in parallel; measured on the example: 43 s for one
    worker alone, 71 s each for two at once) and the others then load its kernels (≈ 10 s).
    Each point's first chunk also goes ahead of the rest, so the kernels only that point needs
    (its sensors' shapes) are compiled while the other workers are busy elsewhere rather than by
    every worker at once when they all reach that point.

    own_cores: bind each worker to a core of its own (`hyperdef.campaign.cores`), except for
    the first chunk run alone, which compiles faster on every core.
    """
    from distributed import as_completed

    tag = uuid.uuid4().hex[:8]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    firsts = {c.point: c for c in reversed(pending)}  # each point's first pending chunk
    todo = iter(sorted(firsts.values(), key=lambda c: c.point)
                + [c for c in pending if firsts[c.point] is not c])
    futures = {}
    order = itertools.count()  # the first submitted chunk runs alone when first_alone

    def submit(n):
        for chunk in itertools.islice(todo, n):
            alone = first_alone and next(order) == 0
            fut = client.submit(run_chunk, plan.scenarios[chunk.point], plan.base_dir,
                                plan.batches(chunk), chunk.start, chunk.stop, evaluate,
                                compile_cache, (not alone) if own_cores else None,
                                key=f"hyperdef-{chunk.name}-{tag}")
            futures[fut.key] = (fut, chunk)
            queue.add(fut)

    window = IN_FLIGHT_PER_WORKER * workers
    queue = as_completed([], loop=client.loop)
    submit(1 if first_alone else window)
    try:
        for fut in queue:
            chunk = futures.pop(fut.key)[1]
            if fut.status == "error":
                raise _failure(chunk, plan, fut.exception())
            yield chunk, fut.result()
            fut.release()
            submit(window - len(futures))
    finally:
        for fut, _ in futures.values():
            fut.cancel()


def _name_of(evaluate) -> str:
    """module.qualname of the evaluator, recorded in the store so a resume cannot mix models."""
    qual = getattr(evaluate, "__qualname__", type(evaluate).__qualname__)
    return f"{getattr(evaluate, '__module__', '?')}.{qual}"


def _failure(chunk: Chunk, plan: Plan, exc: BaseException) -> ChunkFailed:
    point = plan.points[chunk.point]
    return ChunkFailed(
        f"point {point.id} ({point.label}), samples {chunk.start}…{chunk.stop - 1}: "
        f"{type(exc).__name__}: {exc}; the chunks already stored are kept — fix the cause and "
        "rerun with --resume")


def run_campaign(source, out: Path, *, samples: int | None = None, workers: int = 2,
                 scheduler: str | None = None, resume: bool = False, yes: bool = False,
                 chunk_size: int | None = None, connect_timeout_s: float = 10.0,
                 on_progress: Callable[[Progress], None] | None = None,
                 evaluate=None, plan: Plan | None = None) -> dict:
    """Plan (unless `plan` is given), open the store, run the pending chunks; a summary dict.

    source: campaign path or built-in name; out: the store folder. evaluate(scenario, base_dir,
    sample_ids) -> rows (one per sample × threat, with a `sample` column) defaults to the full
    pipeline (hyperdef.campaign.evaluate.pipeline_rows); it must be importable by the workers.
    Raises CampaignError/PlanTooLarge (the file), StoreError (the folder),
    SchedulerUnreachable (the cluster) and ChunkFailed (a chunk's computation).
    """
    if workers < 0:
        raise ValueError(f"--workers: must be >= 0, got {workers}")
    plan = plan or make_plan(source, samples=samples, chunk_size=chunk_size, yes=yes)
    evaluate = evaluate or default_evaluator()
    mode = (f"scheduler {scheduler}" if scheduler else
            f"local cluster, {workers} worker(s)" if workers else "in process")
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        client = None
        if scheduler is not None:  # reach the cluster before touching the store: fail fast
            client = stack.enter_context(dask_client(
                workers=workers, scheduler=scheduler, connect_timeout_s=connect_timeout_s))
        store = Store.open(out, plan, resume=resume, evaluator=_name_of(evaluate))
        # On failure, save the records of the parts stored so far and release the store.
        stack.push(lambda kind, exc, tb: store.close() if kind is not None else None)
        done = store.completed()
        pending = [c for c in plan.chunks if c.name not in done]
        session = {"started_utc": _now(), "mode": mode, "resumed": resume,
                   "chunks_pending": len(pending), "chunks_skipped": len(done),
                   "parts_repaired": store.repaired}
        store.record_session(session)
        samples_done = sum(c.samples for c in plan.chunks if c.name in done)
        if pending and client is None and workers > 0:
            client = stack.enter_context(dask_client(
                workers=workers, scheduler=None, connect_timeout_s=connect_timeout_s))
        compute_t0 = time.perf_counter()
        if client is not None:
            cache = None if scheduler is not None else local_cache(store.folder)
            results = _execute_dask(client, plan, pending, evaluate,
                                    "" if cache is None else str(cache),
                                    first_alone=cache is not None and not _holds_kernels(cache),
                                    own_cores=scheduler is None and should_bind(workers))
        else:
            results = _execute_local(plan, pending, evaluate)
        rows = 0
        times = {"compile_s": 0.0, "run_s": 0.0}
        for chunk, (frame, spent) in results:
            for k in times:
                times[k] += spent[k]
            table: pa.Table = chunk_table(frame, plan.points[chunk.point])
            store.write_part(chunk, table)
            rows += table.num_rows
            samples_done += chunk.samples
            if on_progress is not None:
                on_progress(Progress(chunk, samples_done, plan.runs, time.perf_counter() - t0))
        compute = time.perf_counter() - compute_t0  # cluster shutdown excluded
    wall = time.perf_counter() - t0
    run_samples = sum(c.samples for c in pending)
    session.update({"ended_utc": _now(), "wall_time_s": round(wall, 3),
                    "compute_time_s": round(compute, 3), "samples_run": run_samples,
                    "rows_written": rows, "worker_compile_time_s": round(times["compile_s"], 3),
                    "worker_run_time_s": round(times["run_s"], 3)})
    store.manifest["sessions"][-1] = session
    store.finish()
    store.close()
    return {
        "campaign": plan.spec.name, "out": str(out), "mode": mode, "complete": True,
        "points": len(plan.points), "samples": plan.samples, "runs": plan.runs,
        "chunks": len(plan.chunks), "chunks_run": len(pending), "chunks_skipped": len(done),
        "parts_repaired": store.repaired,
        "rows_written": rows, "wall_time_s": round(wall, 3),
        "compute_time_s": round(compute, 3),
        # summed over workers: tracing, lowering and compiling (or loading cached) kernels, and
        # the rest of the chunks' time
        "worker_compile_time_s": round(times["compile_s"], 3),
        "worker_run_time_s": round(times["run_s"], 3),
        "samples_per_s": round(run_samples / compute, 3) if run_samples and compute > 0 else None,
        "satellites": {p.label: p.satellites for p in plan.points},
    }

