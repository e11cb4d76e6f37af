"""The batched tracker (every sample at once) against the per-sample oracle.

`tracking.sequential.run_sequential` tracks one sample at a time; `run_tracker` tracks all of
them in one pass of batched stages. They must make the same decisions (track ids, confirmations,
deletions, assignments) and give the same estimates up to rounding: 1e-9 relative, i.e. 6 mm at
a 6 400 km ECEF radius, far below any noise in the scene (20 µrad at ≥ 1 000 km = 20 m).
Scene: 3 CV targets, 3 angle-only satellites and a radar with false alarms (tracking_scene.py),
4 samples of different noise and false alarms; filters EKF, UKF and IMM; GNN and JPDA.
"""

import numpy as np
import pytest
from tracking_scene import make_detections, make_truth

from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.sequential import run_sequential
from hyperdef.tracking.tracker import run_tracker

SAMPLES = 4


@pytest.fixture(scope="module")
def scene():
    truth = make_truth(3, 40.0, step_s=1.0, samples=SAMPLES, q_m2ps3=1.0, seed=5)
    return truth, make_detections(truth, seed=8)


def same(a, b):
    assert np.array_equal(a.track_ids, b.track_ids)
    assert np.array_equal(a.state, b.state)
    fin = np.isfinite(a.x)
    assert np.array_equal(fin, np.isfinite(b.x))
    scale = np.maximum(np.abs(a.x[fin]), 1.0)
    # measured worst case: state 3.2e-10, P 4.5e-11 relative (hyperdef 0.1.0, float64).
    assert np.max(np.abs(a.x[fin] - b.x[fin]) / scale, initial=0.0) < 1e-9
    finP = np.isfinite(a.P)
    assert np.array_equal(finP, np.isfinite(b.P))
    # covariance entries relative to their row and column variances (off-diagonal terms carry
    # cancellation): |ΔP_ij| / √(P_ii P_jj)
    d = np.sqrt(np.abs(np.diagonal(a.P, axis1=-2, axis2=-1)))
    scaleP = np.maximum(d[..., :, None] * d[..., None, :], 1e-300)
    rel = np.abs(a.P - b.P) / scaleP
    assert np.max(rel[finP], initial=0.0) < 1e-9
    cols = ["sample", "detection", "track_id"]
    sa = a.assignments.sort_values(cols).reset_index(drop=True)
    sb = b.assignments.sort_values(cols).reset_index(drop=True)
    assert sa.equals(sb)
    assert a.problems == b.problems


@pytest.mark.parametrize("kw", [
    dict(),
    dict(association="jpda"),
    dict(filter="ukf"),
    dict(filter="imm", motion=("cv", "singer")),
    dict(keep_unconfirmed=True, delete_after_s=3.0),
], ids=["ekf-gnn", "ekf-jpda", "ukf-gnn", "imm-gnn", "unconfirmed-stale"])
def test_batched_equals_per_sample(scene, kw):
    truth, det = scene
    params = TrackerParams(motion_params={"cv": {"q_m2ps3": 1.0}}, **kw)
    ids = np.arange(SAMPLES)
    a = run_sequential(params, det, t_grid_s=truth.t_s, sample_ids=ids)
    b = run_tracker(params, det, t_grid_s=truth.t_s, sample_ids=ids)
    assert (a.state == 2).any()  # the scene does confirm tracks: the comparison means something
    same(a, b)


def test_sample_order_and_subsets_do_not_change_a_sample(scene):
    """A sample's tracks do not depend on which other samples share the batch."""
    truth, det = scene
    params = TrackerParams(motion_params={"cv": {"q_m2ps3": 1.0}})
    full = run_tracker(params, det, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    one = run_tracker(params, det, t_grid_s=truth.t_s, sample_ids=[2])
    cols = np.searchsorted(full.track_ids, one.track_ids)
    np.testing.assert_array_equal(full.state[2][cols], one.state[0])
    np.testing.assert_allclose(full.x[2][cols], one.x[0], rtol=1e-9, atol=1e-6)
