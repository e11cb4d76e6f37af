"""kill -9 of the campaign process at random points, then --resume: the uninterrupted result.

The campaign process is campaign_driver.py (run_campaign with the stand-in), started in its own
session. Each kill waits until a random number of parts is stored (0 … all but one) plus a random
delay inside the next chunk (the stand-in sleeps per batch, so the window includes part writes),
then sends SIGKILL to the campaign process, and afterwards to its process group so no Dask worker
of it outlives the test. The delays come from a seeded generator: a failure can be replayed.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import time

import campaign_standin
import pytest
from campaign_helpers import assert_same_table, drive, write_campaign

from hyperdef.campaign.query import results
from hyperdef.campaign.run import run_campaign

WAIT_S = 120.0  # a driver start (Python + JAX import) on a loaded machine, with margin


def _parts(out) -> int:
    parts = out / "parts"
    return len(list(parts.glob("part-*.parquet"))) if parts.is_dir() else 0


def _sessions(out) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["sessions"])
    except FileNotFoundError:
        return 0


def _kill_at_random(campaign, out, rng: random.Random, *, chunks: int, workers: int,
                    resume: bool) -> int:
    """Start the driver, kill -9 it at a random point of its run; returns the parts stored.

    The point: once the driver has opened the store (its session is in the manifest), after
    0, 1 or 2 more parts (never past the last), plus a uniform 0–0.3 s (up to about one chunk
    of the slowed stand-in).
    """
    before, sessions = _parts(out), _sessions(out)
    target = before + rng.randrange(0, min(3, chunks - before))
    args = (["--resume"] if resume else []) + ["--workers", str(workers)]
    proc = drive(campaign, out, *args)
    try:
        deadline = time.monotonic() + WAIT_S
        while (_sessions(out) <= sessions or _parts(out) < target) and proc.poll() is None:
            assert time.monotonic() < deadline, "driver made no progress"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(proc.pid, signal.SIGKILL)  # Dask workers the driver had spawned
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    return _parts(out)


def _check_final(out, reference, *, same_chunking: bool) -> None:
    _, ref_out, ref = reference
    doc = run_campaign(out.parent / "standin.yaml", out, workers=0, resume=True,
                       evaluate=campaign_standin.evaluate)
    assert doc["complete"]
    final = results(out)
    assert_same_table(final, ref)
    assert final.groupby(["point", "sample"]).size().eq(1).all()  # no duplicate sample ids
    assert len(final) == len(ref)  # no missing ones
    if same_chunking:  # the very same bytes
        for part in (ref_out / "parts").iterdir():
            assert (out / "parts" / part.name).read_bytes() == part.read_bytes()
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".partial"))]
    assert leftovers == []


@pytest.fixture
def slow_standin(monkeypatch, reference, tmp_path):
    """The reference campaign file in tmp_path, each batch sleeping 0.1 s in the driver."""
    monkeypatch.setenv(campaign_standin.SLEEP_ENV, "0.1")
    path = tmp_path / "standin.yaml"
    path.write_text(reference[0].read_text())
    return path


def test_one_kill_then_resume(slow_standin, reference, monkeypatch):
    out = slow_standin.parent / "store"
    seen = _kill_at_random(slow_standin, out, random.Random(7), chunks=6, workers=0,
                           resume=False)
    assert seen < 6  # killed before the end
    monkeypatch.delenv(campaign_standin.SLEEP_ENV)
    _check_final(out, reference, same_chunking=True)


@pytest.mark.slow
def test_repeated_kills_then_resume(slow_standin, reference, monkeypatch):
    """Six kills of one store at random points (in-process and 2-worker Dask), then resumed;
    12 chunks of 4 samples, so every kill lands inside the run."""
    write_campaign(slow_standin, chunk_size=4)
    out = slow_standin.parent / "store"
    rng = random.Random(2030)
    seen = []
    for i in range(6):
        if _parts(out) == 12:
            break
        seen.append(_kill_at_random(slow_standin, out, rng, chunks=12, workers=2 * (i % 2),
                                    resume=i > 0))
    print("parts at each kill:", seen)
    assert seen == sorted(seen)  # parts only accumulate across kills
    assert len(seen) >= 5
    monkeypatch.delenv(campaign_standin.SLEEP_ENV)
    _check_final(out, reference, same_chunking=False)
