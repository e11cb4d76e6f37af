"""A sample whose tracking had a fault keeps its campaign rows, says so, and is counted.

The tracker's part (a fault stays with its sample) is tests/tracking/test_tracker_faults.py; here
the rows and the summary: a capacity fault given to one sample of a real two-sample run of the
cruise-vs-radar scenario (test_campaign_pipeline.py) must leave the other sample's rows as they
were, empty every track-derived figure of its own, say why its warning is missing, and be
counted in the architecture summary.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from campaign_helpers import write_campaign
from test_campaign_pipeline import SCENARIO

from hyperdef.campaign.evaluate import rows_of
from hyperdef.campaign.query import architecture_summary, results
from hyperdef.campaign.run import run_campaign
from hyperdef.pipeline import simulate
from hyperdef.scenario.load import validate

DETAIL = ("tracker.max_tracks = 1 was exceeded at t = 300.000 s: the sample wanted 2 live tracks "
          "at once, so its tracking stopped there; set tracker.max_tracks >= 2")


def test_capacity_sample_rows():
    result = simulate(validate({**SCENARIO, "samples": 2}, "cruise"), None,
                      sample_ids=np.arange(2), summarise=False)
    before = rows_of(result)
    fault = pd.DataFrame([(1, "capacity", 0, 300.0, DETAIL)],
                         columns=["sample", "status", "failures", "t_s", "detail"])
    faulted = dataclasses.replace(result, trackset=dataclasses.replace(result.trackset,
                                                                       faults=fault))
    after = rows_of(faulted)
    assert before[0] == after[0]  # the other sample: untouched
    assert (before[0]["track_status"], before[0]["track_failures"]) == ("ok", 0)
    ok, bad = before[1], after[1]
    assert ok["warning_time_s"] > 0 and ok["rmse_m"] > 0  # tracked: the figures exist
    assert (bad["track_status"], bad["track_fault"]) == ("capacity", DETAIL)
    for key in ("warning_time_s", "custody_fraction", "first_firm_track_t_s", "rmse_m",
                "track_nees_mean", "ospa_mean_m", "nis_mean"):
        assert bad.get(key) is None, key
    assert bad["warning_missing"] == f"tracking stopped: {DETAIL}"
    # what does not depend on tracks stays
    for key in ("first_detection_t_s", "flight_time_s", "status"):
        assert bad[key] == ok[key], key


def test_summary_counts_faulted_samples(tmp_path):
    """Two cruisers 1° apart against a tracker that may hold one track: end to end, every
    sample stops at its capacity, its rows say so and the summary counts it."""
    second = {**SCENARIO["threats"][0], "name": "cruiser-2",
              "initial": {**SCENARIO["threats"][0]["initial"], "lat_deg": 1}}
    scenario = {**SCENARIO, "threats": [*SCENARIO["threats"], second],
                "tracker": {"max_tracks": 1}}
    spec = write_campaign(tmp_path / "c.yaml", scenario=scenario, samples=2, batch_size=2,
                          chunk_size=2, sweep={"parameters": []})
    run_campaign(spec, tmp_path / "out", workers=0, yes=True)
    rows = results(tmp_path / "out")
    assert (rows["track_status"] == "capacity").all()
    assert rows["track_fault"].str.contains("tracker.max_tracks = 1 was exceeded").all()
    assert rows["track_fault"].str.contains("set tracker.max_tracks >= 2").all()
    assert rows["warning_time_s"].isna().all()
    s = architecture_summary(tmp_path / "out")
    assert int(s["track_capacity_samples"].iloc[0]) == 2
    assert int(s["track_numerical_samples"].iloc[0]) == 0
    assert float(s["warning_fraction"].iloc[0]) == 0.0  # counted as unwarned, not dropped
    assert int(s["samples"].iloc[0]) == 2
