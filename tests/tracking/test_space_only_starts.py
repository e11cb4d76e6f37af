"""Every motion model and every IMM mix confirms the demo glider from space sensors alone.

Tracks born from a triangulated position fix start with a zero-mean velocity prior; the physical
models (ballistic, glide) once gave a NaN Jacobian there and never confirmed (custody 0) while
CV confirmed within seconds. The demo's first 40 s (boost phase) seen by its two space-IR layers
only are tracked with each configuration; each must confirm a firm track on the glider within
the first 3-of-5 window after the first detections (≤ 12 s) and hold no non-finite state.
"""

import itertools

import numpy as np
import pytest

from hyperdef.api import load_scenario
from hyperdef.assessment.track_scoring import score_tracks
from hyperdef.pipeline import simulate
from hyperdef.time import t_grid_s
from hyperdef.tracking.config import MOTIONS, TrackerParams
from hyperdef.tracking.tracker import run_tracker

pytestmark = pytest.mark.slow
# Every mix the scenario schema allows: any 2 to 5 distinct models (a repeated name is the same
# model twice, which mixes nothing new).
CONFIGS = [("ekf", m) for m in MOTIONS] + [
    ("imm", mix) for k in range(2, len(MOTIONS) + 1)
    for mix in itertools.combinations(MOTIONS, k)]


@pytest.fixture(scope="module")
def space_only():
    scenario, base = load_scenario("demo")
    scenario = scenario.model_copy(update={
        "duration_s": 40.0, "sensors": [s for s in scenario.sensors if s.kind == "space_ir"]})
    res = simulate(scenario, base, summarise=False)
    return res, t_grid_s(scenario.duration_s, scenario.step_s)


@pytest.mark.parametrize("filt, motion", CONFIGS, ids=lambda c: "+".join(np.atleast_1d(c)))
def test_firm_track_from_space_only_detections(space_only, filt, motion):
    res, grid = space_only
    det = res.observation.detections
    ts = run_tracker(TrackerParams(filter=filt, motion=motion), det, t_grid_s=grid,
                     sample_ids=res.sample_ids)
    glider = score_tracks(ts, res.truth, det)[0]
    assert glider.first_firm_track_t_s is not None, f"{filt} {motion}: no firm track"
    assert glider.first_firm_track_t_s <= 12.0
    assert ts.problems["update_non_finite"] == 0 and ts.problems["non_finite_track"] == 0
    live = (ts.state[0] == 1) | (ts.state[0] == 2)  # tentative or firm (dead rows are NaN)
    assert np.isfinite(ts.x[0][live]).all()
