"""score_tracks on a hand-built TrackSet whose every figure is known in closed form."""

import dataclasses
import json
import types

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.assessment.sample_rows import SampleRows
from hyperdef.assessment.track_scoring import _majorities, score_tracks, track_threats
from hyperdef.io.jsonable import json_safe
from hyperdef.status import Status
from hyperdef.tracking.trackset import TrackSet


def build():
    T = 10
    t = np.arange(T, dtype=float)
    r = np.zeros((1, 2, T, 3))
    r[0, 0, :, 0] = 1000.0 * t
    r[0, 1, :, 1] = 5e5 + 2000.0 * t
    v = np.zeros((1, 2, T, 3))
    v[0, 0, :, 0] = 1000.0
    v[0, 1, :, 1] = 2000.0
    fly = np.ones((1, 2, T), bool)
    fly[0, 1, :2] = False
    fly[0, 1, 8:] = False  # threat 1 flies at t = 2..7 (6 steps)
    truth = types.SimpleNamespace(names=("a", "b"), t_s=t, sample_ids=np.array([0]),
                                  r_ecef_m=r, v_ecef_mps=v, in_flight=fly)
    K = 3
    x = np.full((1, K, T, 6), np.nan)
    P = np.full((1, K, T, 6, 6), np.nan)
    state = np.zeros((1, K, T), np.int8)
    # track 0 on threat a, firm from t = 3, 10 m off in x with σ = 10 m: NEES = 1 each step
    x[0, 0, 3:, :3] = r[0, 0, 3:] + [10.0, 0, 0]
    x[0, 0, 3:, 3:] = v[0, 0, 3:]
    P[0, 0, 3:] = np.diag([100.0, 100, 100, 25, 25, 25])
    state[0, 0, 2], state[0, 0, 3:] = 1, 2
    # track 5 on threat b: tentative at t = 3, firm at t = 4, 5; deleted after; 3 m/s off in vy
    x[0, 1, 3:6, :3] = r[0, 1, 3:6]
    x[0, 1, 3:6, 3:] = v[0, 1, 3:6] + [0, 3.0, 0]
    P[0, 1, 3:6] = np.diag([1e4, 1e4, 1e4, 9.0, 9.0, 9.0])
    state[0, 1, 3], state[0, 1, 4:6], state[0, 1, 6:] = 1, 2, 3
    # track 7: firm on clutter far away
    x[0, 2, 5:, :3] = [7e6, 0, 0]
    x[0, 2, 5:, 3:] = 0.0
    P[0, 2, 5:] = np.eye(6)
    state[0, 2, 5:] = 2
    det = pd.DataFrame({"truth_id": [0, 0, 0, 1, 1, 1, 0, -1, -1, -1]})
    assign = pd.DataFrame({"sample": 0, "detection": np.arange(10),
                           "track_id": [0, 0, 0, 5, 5, 5, 5, 7, 7, 7]})
    ts = TrackSet(track_ids=np.array([0, 5, 7]), t_s=t, sample_ids=np.array([0]), x=x, P=P,
                  state=state, state_dim=6, assignments=assign, problems={})
    return ts, truth, det


def test_scores_by_majority_vote():
    ts, truth, det = build()
    a, b = score_tracks(ts, truth, det)
    assert {k: getattr(a, k) for k in ("threat", "first_firm_track_t_s", "custody_fraction",
                              "rmse_pos_m", "rmse_vel_mps", "nees_mean", "nees_dof",
                              "state_dim", "track_ids")} == {
        "threat": "a", "first_firm_track_t_s": 3.0, "custody_fraction": 7 / 10,
        "rmse_pos_m": 10.0, "rmse_vel_mps": 0.0, "nees_mean": 1.0, "nees_dof": 6,
        "state_dim": 6, "track_ids": [0]}
    # threat b: in flight 6 steps (t = 2..7), firm at t = 4, 5 → 2/6; velocity 3 m/s off with
    # σ = 3 m/s on that axis → NEES = 1
    assert b.track_ids == [5] and b.first_firm_track_t_s == 4.0
    assert abs(b.custody_fraction - 2 / 6) < 1e-15
    assert b.rmse_pos_m == 0.0 and abs(b.rmse_vel_mps - 3.0) < 1e-12
    assert abs(b.nees_mean - 1.0) < 1e-12
    json.dumps(json_safe([a, b]), allow_nan=False)  # JSON without NaN at the edge


def test_nearest_position_rule_without_detections():
    ts, truth, _ = build()
    # without detections, tracks are matched by position: the same mapping, clutter unmatched
    assert track_threats(ts, truth, None) == {0: 0, 5: 1}
    a, b = score_tracks(ts, truth, None)
    assert a.track_ids == [0] and b.track_ids == [5]


def test_never_tracked_gives_none():
    ts, truth, det = build()
    ts = TrackSet(**{**ts.__dict__, "state": np.zeros_like(ts.state)})
    for sc in score_tracks(ts, truth, det):
        assert sc.first_firm_track_t_s is None and sc.rmse_pos_m is None
        assert sc.custody_fraction == 0.0 and sc.track_ids == []


def test_accuracy_by_phase_with_median_and_p90():
    # Threat a: speed grows for t = 0..4 (boost), then holds; it impacts at t = 9 (terminal =
    # the last 60 s: every non-boost step here, so use a 10-step flight with a long grid below).
    ts, truth, det = build()
    T = len(truth.t_s)
    t = np.arange(T, dtype=float) * 20.0  # 0..180 s: terminal is t > 180 − 60 = 120 s
    v = truth.v_ecef_mps.copy()
    v[0, 0, :5, 0] = [600.0, 700.0, 800.0, 900.0, 1000.0]
    x = ts.x.copy()
    x[0, 0, 3:, 3:] = v[0, 0, 3:]
    x[0, 0, 8:, 0] += 90.0  # 100 m error in the last two steps only
    ts = dataclasses.replace(ts, t_s=t, x=x)
    truth = types.SimpleNamespace(**{**vars(truth), "t_s": t, "v_ecef_mps": v,
                                     "status": np.array([[Status.IMPACT, Status.OK]]),
                                     "t_end_s": np.array([[180.0, np.nan]])})
    a, _ = score_tracks(ts, truth, det)
    # held t = 60..180 s: boost until the speed stops growing (index 4 = 80 s): 60, 80 s;
    # terminal: 140, 160, 180 s; midcourse: 100, 120 s
    assert (a.phases["boost"].held_steps, a.phases["midcourse"].held_steps, a.phases["terminal"].held_steps) == (
        2, 2, 3)
    assert a.phases["boost"].pos_err_median_m == 10.0 and a.phases["midcourse"].pos_err_median_m == 10.0
    # terminal errors 10, 100, 100 m: median 100, p90 (linear, Hyndman & Fan type 7) 100
    assert a.phases["terminal"].pos_err_median_m == 100.0 and a.phases["terminal"].pos_err_p90_m == 100.0
    assert a.phases["midcourse"].nees_mean == 1.0 and a.nees_dof == 6
    # the overall RMSE is ruled by two steps: √((5·100 + 2·10⁴)/7) ≈ 54 m, 5× the 10 m median
    assert abs(a.rmse_pos_m - np.sqrt((5 * 100 + 2 * 1e4) / 7)) < 1e-9


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(-1, 2)),
                min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_each_track_takes_the_truth_id_most_of_its_detections_carry(rows):
    """The majority vote of the module docstring's rule 1, against a count row by row (ties go
    to the smaller id); other samples' rows do not vote."""
    sample, track, truth_id = (np.asarray(c, np.int64) for c in zip(*rows, strict=True))
    detections = pd.DataFrame({"truth_id": truth_id[::-1]})
    a = pd.DataFrame({"sample": sample, "track_id": track,
                      "detection": np.arange(len(rows))[::-1]})  # rows point back to front
    for sid in range(3):
        votes: dict[int, dict[int, int]] = {}
        for s, k, o in rows:
            if s == sid:
                votes.setdefault(k, {}).setdefault(o, 0)
                votes[k][o] += 1
        want = {k: min(c, key=lambda o, c=c: (-c[o], o)) for k, c in votes.items()}
        assert _majorities(a, detections, sid) == want
        indexed = SampleRows.of(None, a).assignments_of(sid)  # the batch indexed once
        assert _majorities(a, detections, sid, indexed) == want
