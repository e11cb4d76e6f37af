"""Custody and warning time on constructed timelines whose answers are counted by hand."""

import numpy as np
import pytest
from assess_fakes import level_flight
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.assessment.custody import custody, holder_timeline, intervals, step_weights_s
from hyperdef.assessment.warning import arrival_time_s, warning_times
from hyperdef.constants import R_EARTH_MEAN_M, WGS84_A_M

T = np.arange(0.0, 101.0)  # 1 s grid, 0 … 100 s
FLY = (T >= 10) & (T <= 90)  # 81 in-flight steps


def _holder(spans):
    h = np.full(T.size, -1)
    for a, b, tid in spans:
        h[(T >= a) & (T <= b)] = tid
    return h


def test_sensor_and_track_for_the_whole_flight():
    # Seen and firmly tracked from t = 10 s to 90 s: custody 1, no gap, no break.
    c = custody(T, FLY, _holder([(10, 90, 7)]), {"radar": FLY})
    assert c.custody_fraction == 1.0
    assert (c.longest_gap_s, c.track_breaks) == (0.0, 0)
    assert (c.first_firm_track_t_s, c.first_detected_t_s) == (10.0, 10.0)
    assert c.timeline.held == [[10.0, 91.0]]  # each grid time covers its 1 s step
    assert c.timeline.holders == [[10.0, 91.0, 7]]


def test_sensor_that_sees_nothing_is_never_detected():
    c = custody(T, FLY, np.full(T.size, -1), {"ir": np.zeros(T.size, bool)})
    assert c.custody_fraction == 0.0
    assert c.longest_gap_s is None and c.first_firm_track_t_s is None
    assert c.first_detected_t_s is None and c.track_breaks == 0
    assert c.timeline.detected == [] and c.timeline.sensors == {"ir": []}


def test_gap_and_breaks_counted_by_hand():
    # Held 20–39 s by track 3, nothing 40–49 s (a 10 s gap), 3 again 50–59, track 9 from 60 s:
    # one loss of custody (40 s) and one handover (60 s) = 2 breaks; held 20+10+31 = 61 of 81.
    h = _holder([(20, 39, 3), (50, 59, 3), (60, 90, 9)])
    c = custody(T, FLY, h, {})
    assert c.custody_fraction == pytest.approx(61 / 81, abs=1e-15)
    assert c.longest_gap_s == 10.0
    assert c.track_breaks == 2
    assert c.timeline.lost == [[40.0, 50.0]]
    assert c.timeline.holders == [[20.0, 40.0, 3], [50.0, 60.0, 3], [60.0, 91.0, 9]]


def test_custody_lost_before_impact_is_a_gap():
    c = custody(T, FLY, _holder([(30, 70, 1)]), {})
    assert c.longest_gap_s == 20.0  # 71 … 90 s: 20 steps of 1 s
    assert c.track_breaks == 1


def test_no_flight_gives_no_fraction():
    c = custody(T, np.zeros(T.size, bool), np.full(T.size, -1), {})
    assert c.custody_fraction is None


def test_holder_is_sticky_and_ignores_other_threats_tracks():
    # Tracks 4 (other threat), 7 and 9 (this threat). 9 firm from 0, 7 firm from 5: 9 keeps it
    # until it drops at 8, then 7 takes over; 4 is never counted.
    state = np.zeros((3, 12), np.int8)
    state[0, :] = 2
    state[1, 5:] = 2
    state[2, :8] = 2
    h = holder_timeline(state, [4, 7, 9], [7, 9])
    assert h.tolist() == [9] * 8 + [7] * 4


def _holder_by_the_rule(state, ids, mine):
    # The rule as written, one grid time at a time: the holder stays while firm, else the
    # lowest firm id of this threat takes custody (-1 where none is firm).
    out, current = [], -1
    for i in range(state.shape[1]):
        firm = sorted(t for t, row in zip(ids, state[:, i], strict=True) if row == 2 and t in mine)
        if current not in firm:
            current = firm[0] if firm else -1
        out.append(current)
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(0, 40), st.data())
def test_holder_timeline_follows_the_rule_at_every_time(k, n_t, data):
    # Property: the spell-by-spell holder equals the rule applied at each grid time, for any
    # pattern of firm (2), tentative (1), dead (3) and absent (0) states and any subset of ids.
    cells = data.draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=k * n_t, max_size=k * n_t))
    state = np.asarray(cells, np.int8).reshape(k, n_t)
    ids = data.draw(st.permutations(range(10, 10 + k)))
    mine = data.draw(st.sets(st.sampled_from(ids)))
    h = holder_timeline(state, ids, sorted(mine))
    assert h.tolist() == _holder_by_the_rule(state, ids, mine)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=60), st.lists(st.booleans(), min_size=2,
                                                                   max_size=60))
def test_fraction_and_intervals_agree(fly, held):
    # Property: the held intervals' total length equals the held steps' weight, and the fraction
    # is held/in-flight counted on the grid (a uniform 2 s grid: every weight is 2 s).
    n = min(len(fly), len(held))
    t = 2.0 * np.arange(n)
    fly, held = np.array(fly[:n]), np.array(held[:n])
    c = custody(t, fly, np.where(held, 1, -1), {})
    total = sum(b - a for a, b in c.timeline.held)
    assert total == pytest.approx(2.0 * np.sum(fly & held))
    if fly.any():
        assert c.custody_fraction == pytest.approx(np.sum(fly & held) / np.sum(fly))
    if c.longest_gap_s is not None:
        assert 0.0 <= c.longest_gap_s <= 2.0 * n


def test_step_weights_with_a_short_last_step():
    assert step_weights_s([0.0, 1.0, 2.0, 2.5]).tolist() == [1.0, 1.0, 0.5, 0.5]
    assert intervals([0.0, 1.0, 2.0, 2.5], [False, True, True, True]) == [[1.0, 3.0]]


# --- warning time -----------------------------------------------------------------------------

def test_warning_to_the_earliest_defended_area_else_impact():
    w = warning_times(10.0, 20.0, {"A": 50.0, "B": None, "C": 70.0}, 100.0)
    assert (w.warning_time_s, w.warning_from_detection_s) == (30.0, 40.0)
    assert w.warning_to == "defended_area:A"
    w = warning_times(10.0, 20.0, {"A": None}, 100.0)
    assert (w.warning_time_s, w.warning_from_detection_s, w.warning_to) == (
        80.0, 90.0, "impact")
    w = warning_times(None, None, {}, 100.0)
    assert w.warning_time_s is None and w.warning_from_detection_s is None
    assert warning_times(1.0, 2.0, {}, None).warning_to == "none"


def test_arrival_across_the_antimeridian_by_hand():
    # Level flight east along the equator from 170°E at 20 km, 2 km/s; a 100 km circle centred
    # on (0°, 180°). On the equator the WGS84 geodesic is the arc of radius a, so the threat
    # arrives when its longitude is 100 km/a short of 180°; the fake's path advances at
    # speed/R_mean rad/s (it is laid out on the mean sphere).
    t = np.arange(0.0, 800.0, 1.0)
    r, fly = level_flight(t, 0.0, 170.0, 20e3, 2000.0, 90.0, 0.0, 790.0)
    from hyperdef.earth.geodetic import ecef_to_geodetic
    lat, lon, alt = (np.asarray(a) for a in ecef_to_geodetic(r))
    got = arrival_time_s(t, lat, lon, alt, fly, area_lat_rad=0.0, area_lon_rad=np.pi,
                         radius_m=100e3)
    expected = (np.radians(10.0) - 100e3 / WGS84_A_M) * R_EARTH_MEAN_M / 2000.0
    # measured worst case: 5.1e-13 s (hyperdef 0.1.0, float64).
    assert abs(got - expected) < 1e-3  # linear margin on the equator: exact to rounding (1 ms)
    # The same area at lon −180° is the same place.
    got2 = arrival_time_s(t, lat, lon, alt, fly, area_lat_rad=0.0, area_lon_rad=-np.pi,
                          radius_m=100e3)
    assert abs(got2 - got) < 1e-6


def test_arrival_needs_the_threat_below_the_ceiling_or_its_impact_inside():
    t = np.arange(0.0, 800.0, 1.0)
    r, fly = level_flight(t, 0.0, 170.0, 150e3, 2000.0, 90.0, 0.0, 790.0)
    from hyperdef.earth.geodetic import ecef_to_geodetic
    lat, lon, alt = (np.asarray(a) for a in ecef_to_geodetic(r))
    kw = dict(area_lat_rad=0.0, area_lon_rad=np.pi, radius_m=100e3)
    assert arrival_time_s(t, lat, lon, alt, fly, **kw) is None  # 150 km up: passing overhead
    # Stop the flight well short; an impact point inside the circle arrives at the impact time.
    fly2 = fly & (t < 100)
    assert arrival_time_s(t, lat, lon, alt, fly2, impact=(123.0, 0.0, np.pi), **kw) == 123.0


def test_warning_says_why_it_is_missing():
    assert warning_times(10.0, 20.0, {}, 100.0).warning_missing is None
    assert warning_times(None, None, {}, 100.0).warning_missing == "never detected"
    assert warning_times(4.0, None, {}, 100.0).warning_missing == (
        "detected from 4 s but never firmly tracked")
    assert "no defended-area arrival or impact" in warning_times(
        2.0, 4.0, {"A": None}, None).warning_missing


def test_cli_headline_does_not_call_a_tracked_threat_undetected(capsys):
    from hyperdef.cli.main import _print_headline

    doc = {"wall_time_s": 1.0, "out": "nowhere", "threats": [], "assessment": {"per_threat": {
        "glider": {"warning_time_s": None,
                   "warning_missing": warning_times(2.0, 4.0, {}, None).warning_missing},
        "mrbm": {"warning_time_s": 300.0, "warning_missing": None,
                 "headline_footprint": "impact_ellipse_95",
                 "predicted_impact": {"lat_deg": 20.0, "lon_deg": 170.0, "sigma_km": 3.0}},
        "hgv": {"warning_time_s": 100.0, "headline_footprint": "reachable",
                "footprint_area_km2_at": {"60": 2.0e5},
                "predicted_impact": {"lat_deg": 1.0, "lon_deg": 2.0, "sigma_km": 50.0}}}}}
    _print_headline(doc)
    err = capsys.readouterr().err
    assert "never detected" not in err
    assert "glider: warning firmly tracked from 4 s" in err
    assert "mrbm: warning 300 s" in err
    assert "impact if no further manoeuvre (extrapolation): 20.00°, 170.00° ± 3 km" in err
    # a glider's headline is where it can reach, never a no-manoeuvre impact point
    assert "reachable footprint at 60 s: 2e+05 km²" in err and "1.00°, 2.00°" not in err


def test_cli_headline_explains_the_threat_status(capsys):
    from hyperdef.cli.main import _print_headline

    doc = {"wall_time_s": 1.0, "out": "nowhere", "assessment": {}, "threats": [
        {"name": "rv", "status": "OUT_OF_REACH", "flight_time_s": 0.0, "ground_track_km": 0.0},
        {"name": "old", "status": "SOMETHING_NEW", "flight_time_s": 1.0, "ground_track_km": 1.0}]}
    _print_headline(doc)
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert "OUT_OF_REACH (the aim point or release state is beyond the vehicle's reach)" in err
    assert "old: SOMETHING_NEW," in err  # a name this version does not know is shown as is
