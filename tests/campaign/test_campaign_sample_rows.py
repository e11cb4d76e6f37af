"""The assessment reads a sample's rows alone, from the run's tables or found once for the batch.

A campaign batch hands each sample's `assess` only that sample's NIS rows, and the positions of
its detections and track assignments (`SampleRows`), all found once for the batch; a single run
hands it the run's whole tables. Both must give the same scores and assessment, and no other
sample's rows may reach it. The cruise-vs-radar run (test_campaign_pipeline.py) withholds
nothing on its own NIS, so sample 1's innovations are made 50 times too large: more of its
estimates are then withheld, which shows the rows are read at all.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_campaign_pipeline import SCENARIO

from hyperdef.assessment.sample_rows import SampleRows
from hyperdef.assessment.summary import AssessOptions, assess
from hyperdef.assessment.track_scoring import score_tracks
from hyperdef.earth.model import earth_model
from hyperdef.io.jsonable import json_safe
from hyperdef.pipeline import consistency_tables, simulate
from hyperdef.scenario.load import validate


@pytest.fixture(scope="module")
def run():
    result = simulate(validate({**SCENARIO, "samples": 2}, "cruise"), None,
                      sample_ids=np.arange(2), summarise=False)
    nis = consistency_tables(result)[1]
    bad = nis.copy()
    bad.loc[bad["sample"] == 1, "nis"] *= 50.0
    return result, nis, bad


def _assess(result, s, nis, rows=None):
    return json_safe(assess(result.scenario, result.truth, result.observation, result.trackset,
                            epoch=result.epoch, earth=earth_model(result.scenario.earth),
                            options=AssessOptions(sample_index=s, max_footprints=0),
                            nis=nis, rows=rows))["per_threat"]


def test_the_samples_own_rows_give_what_the_runs_table_gives(run):
    result, nis, bad = run
    for table in (nis, bad):
        for s in (0, 1):
            own = table[table["sample"] == s]
            assert _assess(result, s, own) == _assess(result, s, table)


def test_only_the_samples_own_rows_count(run):
    result, nis, bad = run
    doctored, plain = _assess(result, 1, bad), _assess(result, 1, nis)
    steps = [a["cruiser"]["estimates_withheld"]["steps"] for a in (doctored, plain)]
    assert steps[0] > steps[1]  # the inflated innovations withhold more estimates
    assert _assess(result, 0, bad) == _assess(result, 0, nis)  # sample 1's rows stay its own


def test_the_indexed_tables_give_what_the_scans_give(run):
    """Detections and assignments found once for the batch give the scores and the assessment
    that a scan of the run's whole tables gives, for each sample."""
    result, nis, _ = run
    det, ts = result.observation.detections, result.trackset
    rows = SampleRows.of(det, ts.assignments)
    for s in (0, 1):
        assert len(rows.detections_of(s)) and len(rows.assignments_of(s))
        scanned = score_tracks(ts, result.truth, det, sample_index=s)
        assert json_safe(score_tracks(ts, result.truth, det, sample_index=s, rows=rows)) \
            == json_safe(scanned)
        assert _assess(result, s, nis, rows) == _assess(result, s, nis)
