"""Kill soak of `campaign run`: 20 kill -9, in-process and 2-worker, each followed by --resume.

The campaign process is campaign_driver.py (run_campaign, the code `hyperdef campaign run`
calls, with the stand-in evaluator), killed with its whole process group (its Dask workers too)
at a seeded random moment: after 0 or 1 more stored parts, plus up to 0.3 s (about one slowed
chunk). After every kill the store holds only whole, recorded-or-ignored parts: `verify` finds
no damage, each recorded part has the bytes of the uninterrupted run's part, and a query sees no
sample twice. The next run is a --resume (itself perhaps killed); a store that completes is
compared with the uninterrupted run bit for bit and the soak goes on in a fresh one.
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

from hyperdef.campaign.integrity import verify
from hyperdef.campaign.query import query, results
from hyperdef.campaign.run import run_campaign

KILLS = 20
CHUNKS = 12  # 2 points × 24 samples in parts of 4
WAIT_S = 180.0  # a 2-worker driver start on a loaded two-core machine, with margin


def _sessions(out) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["sessions"])
    except (FileNotFoundError, ValueError):
        return 0


def _recorded(out) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text()).get("parts", {}))
    except (FileNotFoundError, ValueError):
        return 0


def _kill(campaign, out, rng, *, workers: int, resume: bool) -> None:
    sessions, before = _sessions(out), _recorded(out)
    target = before + rng.randrange(0, 2)
    proc = drive(campaign, out, *(["--resume"] if resume else []), "--workers", str(workers))
    try:
        deadline = time.monotonic() + WAIT_S
        while (_sessions(out) <= sessions or _recorded(out) < target) and proc.poll() is None:
            assert time.monotonic() < deadline, "driver made no progress"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the driver and the Dask workers it spawned
        proc.communicate(timeout=60)


def _check_after_kill(out, ref_out) -> int:
    """The store a kill left: no damage, recorded parts = the reference's bytes. Returns the
    number of part files on disk that were not recorded yet (they will be recomputed)."""
    if not (out / "manifest.json").exists():
        return 0
    verdict = verify(out)
    assert verdict.damaged == () and verdict.points_damage is None
    for path in verdict.good:
        assert path.read_bytes() == (ref_out / "parts" / path.name).read_bytes()
    counts = query(out, "SELECT point, sample, count(*) AS n FROM results GROUP BY ALL")
    assert (counts["n"] == 1).all()  # a sample stored twice would show here
    return len(verdict.unrecorded)


@pytest.mark.slow
def test_kill_soak_of_campaign_run(tmp_path, monkeypatch):
    campaign = write_campaign(tmp_path / "standin.yaml", chunk_size=4)
    ref_out = tmp_path / "reference"
    run_campaign(campaign, ref_out, workers=0, evaluate=campaign_standin.evaluate)
    ref = results(ref_out)
    monkeypatch.setenv(campaign_standin.SLEEP_ENV, "0.1")
    rng = random.Random(2031)
    stores, kills, unrecorded, by_mode = 0, 0, 0, {0: 0, 2: 0}
    out = tmp_path / f"store{stores}"
    resume = False
    while kills < KILLS:
        workers = 2 * (kills % 2)
        _kill(campaign, out, rng, workers=workers, resume=resume)
        kills += 1
        by_mode[workers] += 1
        unrecorded += _check_after_kill(out, ref_out)
        resume = True
        if _recorded(out) == CHUNKS or kills == KILLS:  # finish it and compare
            doc = run_campaign(campaign, out, workers=0, resume=True,
                               evaluate=campaign_standin.evaluate)
            assert doc["complete"]
            final = results(out)
            assert_same_table(final, ref)
            assert len(final) == len(ref) and final.groupby(["point", "sample"]).size().eq(1).all()
            for part in (ref_out / "parts").iterdir():
                assert (out / "parts" / part.name).read_bytes() == part.read_bytes()
            assert not [p for p in out.parent.iterdir() if p.name.endswith((".partial",
                                                                             ".owner"))]
            stores += 1
            out, resume = tmp_path / f"store{stores}", False
    print(f"campaign kill soak: {kills} kills survived ({by_mode[0]} in-process, {by_mode[2]} "
          f"2-worker) over {stores} store(s); {unrecorded} part file(s) found unrecorded after "
          "a kill and recomputed; every store bit-identical to the uninterrupted run")
    assert kills == KILLS
