"""Range-parameterised start from a lone satellite; the tracker: section and TrackerParams."""

import math

import numpy as np
import pytest
from pydantic import ValidationError
from tracking_scene import make_detections, make_truth

from hyperdef.assessment.track_scoring import score_tracks
from hyperdef.scenario.tracker import TrackerSpec
from hyperdef.tracking.config import THREAT_DEFAULTS, TrackerParams, threat_params
from hyperdef.tracking.tracker import run_tracker


def test_lone_satellite_track_becomes_firm_when_a_second_one_joins():
    # One satellite sees the target from t = 0, a second only from t = 15 s. Angle-only from one
    # moving observer leaves the range unresolved over 15 s (Peach 1995: the hypotheses keep
    # similar weights), so the track stays tentative; the second line of sight collapses the
    # range hypotheses and the *same* track becomes firm.
    truth = make_truth(1, 40.0)
    det = make_detections(truth, seed=5, n_sats=2, radar=False, los_fa_per_frame=1,
                          sat_from_s=[0.0, 15.0])
    ts = run_tracker(TrackerParams(motion_params={"cv": {"q_m2ps3": 1.0}}), det,
                     t_grid_s=truth.t_s, sample_ids=[0])
    (sc,) = score_tracks(ts, truth, det)
    assert sc.track_ids == [0]  # the track started at t = 0 from the lone line of sight
    assert 15.0 <= sc.first_firm_track_t_s <= 18.0
    k = int(np.flatnonzero(ts.track_ids == 0)[0])
    assert (ts.state[0, k, :15] == 1).all()  # tentative while the range is unresolved
    # after convergence: two lines of sight at ≈ 2 000 km with 20 µrad → tens of metres
    err = np.linalg.norm(ts.x[0, k, 25:, :3] - truth.r_ecef_m[0, 0, 25:], axis=-1)
    assert err.max() < 300.0


def test_spec_defaults_and_units():
    spec = TrackerSpec()
    p = spec.to_params()
    # no filter or motion given: the threat-fitted IMM, every other field TrackerParams' default
    assert p == threat_params(min_parallax_rad=math.radians(spec.min_parallax_deg))
    assert p.filter == "imm" and p.motions == THREAT_DEFAULTS["motion"]
    # a parameter the file gives overrides the tuned one and keeps the rest
    tuned = THREAT_DEFAULTS["motion_params"]
    mine = TrackerSpec(motion_params={"cv": {"q_m2ps3": 7.0}}).to_params().motion_params
    assert mine == {**tuned, "cv": {**tuned["cv"], "q_m2ps3": 7.0}}
    # naming the filter or the motion opts out: TrackerParams' own defaults fill the rest
    assert TrackerSpec(filter="ekf").to_params().motions == ("cv",)
    assert TrackerSpec(motion="glide").to_params().filter == "ekf"
    assert TrackerSpec(filter="ekf").to_params().motion_params == {}
    assert TrackerSpec(filter="ekf").to_params().single_sensor_init
    assert not p.single_sensor_init and TrackerSpec(single_sensor_init=True).to_params(
        ).single_sensor_init
    q = TrackerSpec(min_parallax_deg=10, single_sensor_ranges_km=[500, 1000, 2000],
                    target_alt_band_km=(20, 80), motion=["cv", "singer"], filter="imm",
                    motion_params={"singer": {"tau_s": 10.0}}).to_params()
    assert abs(q.min_parallax_rad - math.radians(10)) < 1e-15
    assert q.single_sensor_ranges_m == (5e5, 1e6, 2e6)
    assert q.target_alt_band_m == (2e4, 8e4) and q.motions == ("cv", "singer")
    assert q.motion_params == {"singer": {"tau_s": 10.0}}


@pytest.mark.parametrize("bad, field", [
    ({"confirm_m": 6, "confirm_n": 5}, "confirm_m"),
    ({"filter": "imm", "motion": "cv"}, "motion"),
    ({"motion": ["cv", "ca"]}, "motion"),
    ({"filter": "imm", "motion": ["cv", "ca"], "imm_transition": [[0.5, 0.6], [0.5, 0.5]]},
     "imm_transition"),
    ({"association": "mht"}, "association"),
    ({"gate_probability": 1.0}, "gate_probability"),
    ({"tracker_typo": 1}, "tracker_typo"),
])
def test_spec_errors_name_the_field(bad, field):
    with pytest.raises(ValidationError, match=field):
        TrackerSpec(**bad)


def test_params_reject_nonsense():
    with pytest.raises(ValueError, match="fusion"):
        TrackerParams(fusion="magic")
    with pytest.raises(ValueError, match="delete_after_s"):
        TrackerParams(delete_after_s=-1.0)
