"""The batched tracker against the per-sample oracle on a dispersed campaign chunk.

Three samples of the built-in `example` campaign's 28-satellite point (the demo's glider with β,
L/D, release speed and launch point dispersed; a space layer, a GEO satellite and two radars):
the real detections of the pipeline, tracked by `run_sequential` one sample at a time and by
`run_tracker` all at once. Same decisions and estimates equal to 1e-9 relative (see
test_batched_equivalence.same for the tolerance's meaning). Slow: the per-sample oracle takes
several seconds per sample.
"""

import numpy as np
import pytest
from test_batched_equivalence import same

from hyperdef.campaign.plan import make_plan
from hyperdef.pipeline import simulate
from hyperdef.time import t_grid_s
from hyperdef.tracking.sequential import run_sequential
from hyperdef.tracking.tracker import run_tracker


@pytest.mark.slow
def test_batched_equals_per_sample_on_a_campaign_chunk():
    plan = make_plan("example", samples=3)
    scenario = plan.scenarios[1]
    ids = np.arange(3)
    result = simulate(scenario, plan.base_dir, sample_ids=ids, summarise=False)
    det = result.observation.detections
    grid = t_grid_s(scenario.duration_s, scenario.step_s)
    params = scenario.tracker.to_params()
    a = run_sequential(params, det, t_grid_s=grid, sample_ids=ids)
    b = run_tracker(params, det, t_grid_s=grid, sample_ids=ids)
    assert (a.state == 2).any(axis=(1, 2)).all()  # every sample confirms a track
    same(a, b)
