"""A sample's tracking faults stay with that sample (`hyperdef.tracking.faults`).

Two faults, each put into one sample of a three-sample batch of the synthetic scene
(tracking_scene.py): a clutter storm (40 radar false alarms in one scan, each of which starts a
track) against a small `max_tracks`, and a zero-noise radar that makes innovation covariances
singular. Oracles: the same batch without the fault (the other samples must make the same decisions and
estimates) and the per-sample tracker (`tracking.sequential`), which must report the same faults.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tracking_scene import make_detections, make_truth

from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.sequential import run_sequential
from hyperdef.tracking.tracker import run_tracker
from hyperdef.tracking.trackset import DEAD, NONE

SAMPLES = 3
STORM_T_S = 12.5  # a radar scan time (radar scans at whole seconds + 0.5 s)
STORM = 40


@pytest.fixture(scope="module")
def scene():
    truth = make_truth(3, 30.0, step_s=1.0, samples=SAMPLES)
    return truth, make_detections(truth, seed=5)


def storm(det, sample):
    """40 radar false alarms in one scan of one sample, 20 km apart in range and 10 mrad in
    azimuth from each other and far from every target: each starts a tentative track."""
    base = det[(det["sample"] == sample) & (det["kind"] == "radar")
               & (det["t_s"] == STORM_T_S)].iloc[[0]]
    extra = pd.concat([base] * STORM, ignore_index=True)
    k = np.arange(STORM)
    extra["range_m"] = 900e3 + 20e3 * k
    extra["az_rad"] = (base["az_rad"].iloc[0] + 0.3 + 0.01 * k) % (2 * np.pi)
    extra["truth_id"] = -1
    out = pd.concat([det, extra], ignore_index=True)
    return out.sort_values(["sample", "t_s", "sensor", "platform"], kind="stable").reset_index(
        drop=True)


def perfect_radar(det, sample):
    """Six zero-noise radar rows of a phantom 500 km behind target 0 in one sample: the first
    starts a track with zero position variance, so with a noise-free CV filter the innovation
    covariance of the next ones is singular."""
    r = det[(det["sample"] == sample) & (det["kind"] == "radar") & (det["truth_id"] == 0)]
    r = r.iloc[:6].copy()
    r["sensor"] = "perfect-radar"
    r["range_m"] += 500e3
    r["truth_id"] = -1
    for c in ("sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps"):
        r[c] = 0.0
    out = pd.concat([det, r], ignore_index=True)
    return out.sort_values(["sample", "t_s", "sensor", "platform"], kind="stable").reset_index(
        drop=True)


def kept(ts, s):
    return int((ts.state[s] != NONE).any(axis=1).sum())


def assert_same_sample(a, b, s):
    """Sample index s of two TrackSets: the same tracks and states, the same estimates to
    rounding. Not bit for bit: the kernels are compiled per padded batch length, and two
    lengths may round differently (measured: 5e-15 relative); the tolerance is that of the
    batched-vs-per-sample equivalence test (1e-9 relative)."""
    k = kept(a, s)
    assert k == kept(b, s)
    np.testing.assert_array_equal(a.state[s, :k], b.state[s, :k])
    np.testing.assert_allclose(a.x[s, :k], b.x[s, :k], rtol=1e-9, atol=1e-6)
    d = np.sqrt(np.abs(np.diagonal(a.P[s, :k], axis1=-2, axis2=-1)))
    scale = np.maximum(d[..., :, None] * d[..., None, :], 1e-300)
    rel = np.abs(a.P[s, :k] - b.P[s, :k]) / scale
    assert np.array_equal(np.isnan(a.P[s, :k]), np.isnan(b.P[s, :k]))
    assert np.nanmax(rel, initial=0.0) < 1e-9


def rows_of(det, ts, s):
    """The detections sample index s used, as (t_s, sensor, track id) — positional rows differ
    between tables with and without the fault."""
    a = ts.assignments[ts.assignments["sample"] == ts.sample_ids[s]]
    d = det.iloc[a["detection"].to_numpy()]
    return sorted(zip(d["t_s"], d["sensor"], d["range_m"].fillna(0), a["track_id"], strict=True))


def test_capacity_overflow_stops_one_sample_and_names_the_field(scene):
    truth, det = scene
    stormy = storm(det, 2)
    params = TrackerParams(max_tracks=30)
    ts = run_tracker(params, stormy, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    clean = run_tracker(params, det, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    assert len(clean.faults) == 0
    assert len(ts.faults) == 1
    f = ts.faults.iloc[0]
    assert (f["sample"], f["status"], f["t_s"]) == (2, "capacity", STORM_T_S)
    wanted = int(f["detail"].split("wanted ")[1].split(" ")[0])
    assert wanted >= STORM + 3  # the storm's tracks and the three targets'
    assert "tracker.max_tracks = 30" in f["detail"]
    assert f"set tracker.max_tracks >= {wanted}" in f["detail"]
    # the other samples are untouched
    for s in (0, 1):
        assert_same_sample(ts, clean, s)
        assert rows_of(stormy, ts, s) == rows_of(det, clean, s)
    # the stormy sample has no estimate from the overflow on: every track ended there
    k = int(np.searchsorted(truth.t_s, STORM_T_S))
    assert np.isin(ts.state[2, :, k:], (NONE, DEAD)).all()
    assert np.isnan(ts.x[2, :, k:]).all()
    assert np.isfinite(ts.x[2][ts.state[2] != NONE][:1]).all()  # but it was tracked before
    # the per-sample tracker agrees
    seq = run_sequential(params, stormy, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    pd.testing.assert_frame_equal(seq.faults, ts.faults)
    for s in range(SAMPLES):
        assert_same_sample(ts, seq, s)
    # the value named fits that scan: with it the sample passes the storm's scan
    more = run_tracker(dataclasses.replace(params, max_tracks=wanted), stormy,
                       t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    assert (more.faults["t_s"] > STORM_T_S).all()  # (the next scans want more: IR lines of
    # sight triangulate to tracks while the storm's are still tentative)


def test_numerical_failures_are_the_sample_s_own(scene):
    truth, det = scene
    bad = perfect_radar(det, 1)
    params = TrackerParams(motion_params={"cv": {"q_m2ps3": 0.0}})
    ts = run_tracker(params, bad, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    clean = run_tracker(params, det, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    assert len(ts.faults) == 1
    f = ts.faults.iloc[0]
    numerical = sum(ts.problems[k] for k in ("singular_innovation", "update_singular",
                                             "update_non_finite", "non_finite_track"))
    assert (f["sample"], f["status"], f["failures"]) == (1, "numerical", numerical)
    assert numerical > 0
    first_perfect = bad.loc[bad["sensor"] == "perfect-radar", "t_s"].min()
    assert f["t_s"] > first_perfect  # the first perfect row starts a track; later ones fail
    assert "numerical failures" in f["detail"] and "kept their last finite state" in f["detail"]
    # the tracks stay finite where they exist, and the other samples are untouched
    held = ts.state != NONE
    assert np.isfinite(ts.x[held & (ts.state != DEAD)]).all()
    for s in (0, 2):
        assert_same_sample(ts, clean, s)
    seq = run_sequential(params, bad, t_grid_s=truth.t_s, sample_ids=np.arange(SAMPLES))
    pd.testing.assert_frame_equal(seq.faults, ts.faults)
    assert seq.problems == ts.problems


def test_faults_reach_the_tracks_store(scene):
    truth, det = scene
    ts = run_tracker(TrackerParams(max_tracks=30), storm(det, 2), t_grid_s=truth.t_s,
                     sample_ids=np.arange(SAMPLES))
    ds = ts.to_xarray()
    assert ds["sample_status"].values.tolist() == [0, 0, 2]
    assert "sample 2: tracker.max_tracks = 30" in ds.attrs["faults"]


@pytest.mark.parametrize("value", [0, -3])
def test_max_tracks_must_be_positive(value):
    with pytest.raises(ValueError, match="max_tracks: must be >= 1"):
        TrackerParams(max_tracks=value)


@pytest.mark.parametrize("value, why", [(0, "greater than or equal to 1"),
                                        ("many", "valid integer")])
def test_scenario_names_the_capacity_field(value, why):
    from hyperdef.scenario.errors import ScenarioError
    from hyperdef.scenario.load import parse_yaml, resolve_source, validate

    text, _ = resolve_source("demo")
    data = {**parse_yaml(text, "demo"), "tracker": {"max_tracks": value}}
    with pytest.raises(ScenarioError, match=f"tracker.max_tracks: input should be .*{why}"):
        validate(data, "demo")


def test_fused_runs_merge_their_local_trackers_faults():
    """Covariance-intersection fusion runs one tracker per sensor: a sample's faults from each
    are one row, capacity ahead of numerical, failures summed, both details kept."""
    from hyperdef.tracking.faults import merge_faults

    cols = ["sample", "status", "failures", "t_s", "detail"]
    ir = pd.DataFrame([(3, "numerical", 2, 40.0, "ir: 2 numerical failures"),
                       (5, "numerical", 1, 10.0, "ir: 1 numerical failure")], columns=cols)
    radar = pd.DataFrame([(3, "capacity", 1, 60.0, "radar: tracker.max_tracks = 9 exceeded")],
                         columns=cols)
    got = merge_faults(ir, radar, pd.DataFrame(columns=cols))
    assert got["sample"].tolist() == [3, 5]
    assert got["status"].tolist() == ["capacity", "numerical"]
    assert got["failures"].tolist() == [3, 1]
    assert got["t_s"].tolist() == [60.0, 10.0]
    assert got["detail"].iloc[0] == ("radar: tracker.max_tracks = 9 exceeded; "
                                     "ir: 2 numerical failures")
    assert len(merge_faults()) == 0
