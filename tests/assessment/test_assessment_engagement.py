"""Engagement windows against closed-form geometry: a threat flying level along the equator
straight at an interceptor site on the equator."""

from types import SimpleNamespace

import numpy as np
import pytest
from assess_fakes import level_flight
from scipy.optimize import brentq

from hyperdef.assessment.engagement import engagement_window, window_vs_decision
from hyperdef.constants import R_EARTH_MEAN_M, WGS84_A_M

SPEED, ALT, LON0 = 2000.0, 30e3, 5.0
SITE = SimpleNamespace(name="site", lat_deg=0.0, lon_deg=0.0, alt_m=0.0, flyout_speed_mps=3000.0,
                       max_range_km=200.0, min_alt_km=15.0, max_alt_km=60.0,
                       reaction_time_s=30.0)


def _distance_m(t):
    """Straight-line site→threat distance: both on the equator (radii a and a + h), separated by
    the central angle left to fly (the fake flies at SPEED/R_mean rad/s on the mean sphere)."""
    theta = np.radians(LON0) - SPEED * t / R_EARTH_MEAN_M
    r1, r2 = WGS84_A_M, WGS84_A_M + ALT
    return np.sqrt(r1**2 + r2**2 - 2 * r1 * r2 * np.cos(theta))


def _expected_window(t_d, t_max):
    # Feasible while d ≤ R_max (entering at t_in) and t − t_d ≥ τ + d/v (from t_ok), until the
    # threat passes overhead and out of range again at t_out (d is symmetric about overhead).
    t_over = np.radians(LON0) * R_EARTH_MEAN_M / SPEED
    t_in = brentq(lambda t: _distance_m(t) - 200e3, 0.0, t_over)
    t_out = 2 * t_over - t_in
    f = lambda t: t - t_d - SITE.reaction_time_s - _distance_m(t) / SITE.flyout_speed_mps
    start = t_in if f(t_in) >= 0 else brentq(f, t_in, t_out) if f(t_out) > 0 else None
    if start is None:
        return 0.0
    return min(t_out, t_max) - start


def _track(step):
    t = np.arange(0.0, 400.0, step)
    r, fly = level_flight(t, 0.0, LON0, ALT, SPEED, 270.0, 0.0, 399.0)
    return t, r


@pytest.mark.parametrize("t_d", [0.0, 200.0, 250.0])
def test_window_matches_closed_form(t_d):
    t, r = _track(0.05)
    win = engagement_window(t, r, SITE, t_d)
    exp = _expected_window(t_d, t[-1])
    # The grid counts whole 0.05 s steps: each of the two window edges is off by ≤ one step.
    # measured worst case: 0.015 s (hyperdef 0.1.0, float64).
    assert abs(win.window_s - exp) <= 0.1 + 1e-9
    assert len(win.intervals) == (1 if exp > 0 else 0)


def test_no_window_outside_the_altitude_band_or_too_late():
    t, r = _track(0.5)
    high = SimpleNamespace(**{**vars(SITE), "min_alt_km": 40.0, "max_alt_km": 60.0})
    assert engagement_window(t, r, high, 0.0).window_s == 0.0
    assert engagement_window(t, r, SITE, 1e4).window_s == 0.0
    assert engagement_window(t, r, SITE, None).first_intercept_t_s is None


def test_unknown_positions_offer_no_intercept():
    t, r = _track(0.5)
    r[t > 150.0] = np.nan  # the track stops before the threat comes in range
    assert engagement_window(t, r, SITE, 0.0).window_s == 0.0


def test_window_shrinks_with_a_later_decision():
    t, r = _track(0.5)
    decisions = np.linspace(0.0, 400.0, 17)
    w = window_vs_decision(t, r, SITE, decisions)
    assert np.all(np.diff(w) <= 1e-12)  # later decisions can only lose intercept points
    for d, wd in zip(decisions[::4], w[::4], strict=True):
        assert wd == pytest.approx(engagement_window(t, r, SITE, d).window_s)
