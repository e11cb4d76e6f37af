"""Reproducibility: chunk sizes, local Dask workers and the in-process run agree bit for bit."""

from __future__ import annotations

import campaign_standin
import pytest
from campaign_helpers import assert_same_table

from hyperdef.campaign.cores import should_bind, usable_cores
from hyperdef.campaign.query import results
from hyperdef.campaign.run import local_cache, run_campaign


@pytest.mark.parametrize("chunk_size", [4, 12, 24])
def test_chunk_size_does_not_change_a_bit(reference, tmp_path, chunk_size):
    path, _, ref = reference
    out = tmp_path / "store"
    doc = run_campaign(path, out, workers=0, chunk_size=chunk_size,
                       evaluate=campaign_standin.evaluate)
    assert doc["chunks"] == 2 * -(-24 // chunk_size)
    # measured worst case: bit-identical for chunk sizes 4, 12, 24 and 1, 2 workers (hyperdef 0.1.0,
    # float64).
    assert_same_table(results(out), ref)


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_local_cluster_matches_the_in_process_reference(reference, tmp_path, workers,
                                                         monkeypatch):
    """LocalCluster of 1 (fast suite) and 2 (slow suite) spawned single-threaded workers. Two
    workers are also checked in the fast suite on a real external cluster (test_campaign_dask)."""
    path, _, ref = reference
    out = tmp_path / "store"
    monkeypatch.setenv("HYPERDEF_JAX_CACHE", str(tmp_path / "user-cache"))
    doc = run_campaign(path, out, workers=workers, evaluate=campaign_standin.evaluate)
    assert doc["mode"] == f"local cluster, {workers} worker(s)"
    assert_same_table(results(out), ref)
    # The workers compiled into the user's persistent cache (set in the task, since a worker
    # imports JAX before any environment given to the cluster applies), and the time spent
    # compiling is reported apart from the rest.
    assert any((tmp_path / "user-cache").iterdir())
    assert not (out / "jax-cache").exists()
    assert doc["worker_compile_time_s"] > 0 and doc["worker_run_time_s"] > 0


def test_on_an_empty_cache_one_worker_compiles_first(reference, tmp_path, monkeypatch):
    """Two workers and no compiled kernel yet: the first chunk runs alone (it compiles with both
    cores, and the others then load its kernels instead of compiling them again at once)."""
    path, _, ref = reference
    monkeypatch.setenv("HYPERDEF_JAX_CACHE", str(tmp_path / "empty"))
    monkeypatch.setenv(campaign_standin.CLOCK_ENV, "1")
    monkeypatch.setenv(campaign_standin.SLEEP_ENV, "0.2")
    monkeypatch.setenv(campaign_standin.CORES_ENV, "1")
    run_campaign(path, tmp_path / "s", workers=2, evaluate=campaign_standin.evaluate)
    df = results(tmp_path / "s")
    calls = df.groupby(["point", "started_unix", "ended_unix"]).size().reset_index()
    first = calls.sort_values("ended_unix").iloc[0]
    chunk = (df["point"] == first["point"]) & (df["sample"] // 8 == int(
        df.loc[df["started_unix"] == first["started_unix"], "sample"].iloc[0]) // 8)
    mine, others = df[chunk], df[~chunk]
    assert mine["ended_unix"].max() <= others["started_unix"].min()
    # Where the two workers are all the cores, each later chunk runs bound to one core, and the
    # first, compiling alone, on all of them (hyperdef.campaign.cores).
    assert set(mine["cores"]) == {usable_cores()}
    assert set(others["cores"]) == ({1} if should_bind(2) else {usable_cores()})
    assert_same_table(results(tmp_path / "s").drop(
        columns=["started_unix", "ended_unix", "cores"]), ref)


def test_without_a_user_cache_workers_cache_in_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERDEF_JAX_CACHE", "0")
    assert local_cache(tmp_path / "store") == (tmp_path / "store" / "jax-cache").resolve()
    monkeypatch.setenv("HYPERDEF_JAX_CACHE", str(tmp_path / "mine"))
    assert local_cache(tmp_path / "store") == (tmp_path / "mine").resolve()


def test_every_sample_id_appears_once_per_point(reference):
    _, _, ref = reference
    counts = ref.groupby(["point", "sample"]).size()
    assert counts.eq(1).all() and len(counts) == 2 * 24
    assert sorted(ref["sample"].unique().tolist()) == list(range(24))


def test_local_workers_run_without_the_statistical_profiler():
    """Dask's profiler samples a task's Python stack every 10 ms by default, which slows the
    tracker's Python scan loop; local workers are made without it."""
    import dask

    from hyperdef.campaign.run import dask_client

    with dask_client(workers=1, scheduler=None, connect_timeout_s=30.0) as client:
        seen = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(seen.values()) == [False]
