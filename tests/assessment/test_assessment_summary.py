"""assess() end to end on small stand-ins: no sensors, nothing at all, a defended area on the
antimeridian; the records always make JSON without NaN."""

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from assess_fakes import level_flight, scenario, truth

from hyperdef.assessment.records import Assessment, WithheldEstimates
from hyperdef.assessment.summary import assess
from hyperdef.constants import R_EARTH_MEAN_M, WGS84_A_M
from hyperdef.earth.model import WGS84
from hyperdef.io.jsonable import json_safe

T = np.arange(0.0, 800.0, 1.0)
AREA = SimpleNamespace(name="dateline", lat_deg=0.0, lon_deg=180.0, radius_km=100.0)
SITE = SimpleNamespace(name="site", lat_deg=0.0, lon_deg=179.0, alt_m=0.0,
                       flyout_speed_mps=3000.0, max_range_km=200.0, min_alt_km=15.0,
                       max_alt_km=60.0, reaction_time_s=30.0)


def _one_glider():
    r, fly = level_flight(T, 0.0, 170.0, 20e3, 2000.0, 90.0, 0.0, 790.0)
    return truth(T, r[None], fly[None], names=["g"], kinds=["glide"], lift_to_drag=2.6)


def _dump(result):
    return json.dumps(json_safe(result), allow_nan=False)  # raises on NaN/inf


def test_no_threats_gives_an_empty_result():
    out = assess(scenario(), None, None, None, epoch=None, earth=WGS84)
    assert out == Assessment()
    assert json_safe(out) == {"per_threat": {}, "footprints": [], "timelines": {},
                              "engagement": {}}


def test_no_sensors_is_never_detected_not_a_crash():
    out = assess(scenario([AREA], [SITE]), _one_glider(), None, None, epoch=None, earth=WGS84)
    _dump(out)
    g = out.per_threat["g"]
    assert g.detection == "never detected"
    assert g.first_detection_t_s is None and g.first_firm_track_t_s is None
    assert g.warning_time_s is None and g.warning_from_detection_s is None
    assert g.custody_fraction == 0.0 and g.longest_gap_s is None
    assert g.engagement_window_s == {"site": 0.0}
    assert g.predicted_impact is None and g.footprint_area_km2_at == {}
    # The arrival over the antimeridian area is still a fact of the truth (hand value as in
    # test_assessment_custody: the path advances at speed/R_mean, the geodesic uses radius a).
    expected = (math.radians(10.0) - 100e3 / WGS84_A_M) * R_EARTH_MEAN_M / 2000.0
    assert abs(g.defended_area_arrival_t_s["dateline"] - expected) < 1e-3
    assert g.warning_to == "defended_area:dateline"


def test_sensor_that_sees_nothing_and_one_that_sees_everything():
    from assess_fakes import observation

    tr = _one_glider()
    fly = tr.in_flight[0, 0]
    obs = observation({"blind": np.zeros((1, T.size), bool), "all": fly[None]}, T)
    out = assess(scenario([AREA]), tr, obs, None, epoch=None, earth=WGS84)
    g = out.per_threat["g"]
    assert g.first_detection_t_s == 0.0 and g.detection == "detected"
    arrival = g.defended_area_arrival_t_s["dateline"]
    assert g.warning_from_detection_s == arrival  # seen from launch (t = 0)
    tl = out.timelines["g"]
    assert tl.custody.sensors["blind"] == [] and tl.custody.sensors["all"] == [[0.0, 791.0]]


def test_json_safe_turns_nan_into_none():
    doc = json_safe({"a": np.float64("nan"), "b": [np.int64(3), np.inf], "c": np.array([1.5])})
    assert doc == {"a": None, "b": [3, None], "c": [1.5]}


@pytest.mark.parametrize("untrusted_from_s", [None, 200.0])
def test_tracked_ballistic_threat_custody_impact_and_coasted_engagement(untrusted_from_s):
    # Truth: a ballistic body (β 5000 kg/m², US76) flown by the footprint dynamics from 150 km;
    # a firm track follows it with 100 m / 5 m/s noise except for a 40 s gap and the last 10 s
    # (the flight lasts ≈ 400 s). With untrusted_from_s, the estimates from then on claim a
    # 100 km position 1σ: the quality gate withholds them and the engagement window coasts the
    # last trusted estimate instead, which still gives the true window.
    from assess_fakes import enu_velocity, trackset

    from hyperdef.assessment import flyout as fp
    from hyperdef.assessment.engagement import engagement_window
    from hyperdef.assessment.ground import to_local_km
    from hyperdef.earth.geodetic import geodetic_to_ecef

    r0 = np.asarray(geodetic_to_ecef(np.radians(5.0), np.radians(179.0), 150e3))
    x0 = np.concatenate([r0, enu_velocity(r0, [2500.0, 500.0, 1000.0])])
    veh = fp.VehicleClass(beta_kgpm2=5000.0, lift_to_drag=0.0, beta_log_sd=0.0)
    t = np.arange(0.0, 900.0, 1.0)
    r = fp.coast(x0[None], [0.0], veh, t, atmosphere="us76")[0]
    fly = np.all(np.isfinite(r), axis=1)
    v = np.gradient(np.where(fly[:, None], r, np.nan), t, axis=0)
    t_imp = t[fly][-1]
    tr = truth(t, r[None], fly[None], names=["rv"], kinds=["ballistic"], beta=5000.0)
    rng = np.random.default_rng(0)
    sd = np.array([100.0] * 3 + [5.0] * 3)
    on = fly & (t >= 20.0) & ~((t >= 100.0) & (t < 140.0)) & (t <= t_imp - 10.0)
    x = np.full((1, t.size, 6), np.nan)
    x[0, on] = np.concatenate([r, v], -1)[on] + rng.normal(size=(on.sum(), 6)) * sd
    P = np.full((1, t.size, 6, 6), np.nan)
    P[0, on] = np.diag(sd**2)
    bad = on & (t >= (np.inf if untrusted_from_s is None else untrusted_from_s))
    P[0, bad, 0, 0] = 100e3**2
    ts = trackset(t, x, P, np.where(on, 2, 0)[None], track_ids=[5])
    lat_i, lon_i = np.degrees(tr.impact_lat_rad[0, 0]), np.degrees(tr.impact_lon_rad[0, 0])
    site = SimpleNamespace(name="s", lat_deg=lat_i, lon_deg=lon_i, alt_m=0.0,
                           flyout_speed_mps=3000.0, max_range_km=300.0, min_alt_km=15.0,
                           max_alt_km=60.0, reaction_time_s=30.0)
    out = assess(scenario([], [site]), tr, None, ts, epoch=None, earth=WGS84)
    _dump(out)
    g = out.per_threat["rv"]
    assert g.first_firm_track_t_s == 20.0
    assert g.estimates_withheld == WithheldEstimates(
        steps=int(bad.sum()), held_steps=int(on.sum()),
        reason="track not converged: position 1σ 100.0 km > 15.0 km" if bad.any() else None)
    assert g.custody_fraction == pytest.approx(on.sum() / fly.sum())
    assert g.track_breaks == 2 and g.longest_gap_s == 40.0
    assert g.warning_time_s == pytest.approx(tr.t_end_s[0, 0] - 20.0)
    miss_km = to_local_km(np.radians(g.predicted_impact.lat_deg),
                             np.radians(g.predicted_impact.lon_deg),
                             tr.impact_lat_rad[0, 0], tr.impact_lon_rad[0, 0])
    # Predicted from a state 100 m / 5 m/s off, seconds to minutes before impact: within ~3σ.
    assert np.hypot(*miss_km) < 3.0 * max(g.predicted_impact.sigma_km, 0.3)
    # The engagement window from the track (coasted over the gap and the last 10 s) matches the
    # window the true positions give, to a few grid steps.
    win_true = engagement_window(t, np.where(fly[:, None], r, np.nan), site, 20.0).window_s
    assert win_true > 0.0
    assert abs(g.engagement_window_s["s"] - win_true) <= 3.0
