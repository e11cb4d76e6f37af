"""Time scales against independent implementations (sgp4's gstime, Skyfield's ERA/GMST)."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import jday
from sgp4.propagation import gstime

from hyperdef.time import Epoch, earth_rotation_angle_rad, gmst_rad, t_grid_s

EPOCHS = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 1, 1))


@settings(max_examples=200, deadline=None)
@given(EPOCHS, st.floats(0.0, 86400.0 * 3))
def test_gmst_matches_sgp4_gstime(when, t_s):
    # sgp4's gstime is Vallado's IAU-82 GMST, the angle its TEME output is defined against.
    epoch = Epoch(when)
    jd, fr = jday(*when.timetuple()[:5], when.second + when.microsecond * 1e-6)
    ours = float(gmst_rad(t_s, epoch))
    theirs = gstime(jd + fr + t_s / 86400.0)
    diff = (ours - theirs + np.pi) % (2 * np.pi) - np.pi
    # gstime takes the Julian date as one float64 (≈ 40 µs resolution near JD 2.46e6, i.e.
    # 3e-9 rad of rotation); 1e-8 rad is 6 cm at the equator, far below any sensor's resolution.
    # measured worst case: 2.8e-9 rad, the largest seen; the drawn epochs vary a little with
    # the session (hyperdef 0.1.0, float64).
    assert abs(diff) < 1e-8


def test_era_matches_skyfield():
    from skyfield.earthlib import earth_rotation_angle

    epoch = Epoch.parse("2031-06-15T03:21:09Z")
    # Skyfield's earth_rotation_angle takes a UT1 Julian date; hyperdef takes UT1 = UTC.
    jd_whole, jd_frac = epoch.jd_utc
    theirs = earth_rotation_angle(jd_whole, jd_frac) * 2 * np.pi
    ours = float(earth_rotation_angle_rad(0.0, epoch))
    diff = (ours - theirs + np.pi) % (2 * np.pi) - np.pi
    # measured worst case: 0 (identical) (hyperdef 0.1.0, float64).
    assert abs(diff) < 1e-10  # same IERS 2010 formula; 1e-10 rad is 0.6 mm at the equator


def test_era_rate_is_sidereal():
    epoch = Epoch.parse("2030-01-01T00:00:00Z")
    a0, a1 = earth_rotation_angle_rad(np.array([0.0, 60.0]), epoch)
    rate = float((a1 - a0) % (2 * np.pi)) / 60.0
    assert rate == pytest.approx(7.292115e-5, rel=1e-7)  # WGS84 ω⊕ is the same rate to 7 digits


def test_grid_includes_end():
    assert t_grid_s(10.0, 3.0).tolist() == [0.0, 3.0, 6.0, 9.0, 10.0]
    assert t_grid_s(10.0, 2.0).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_epoch_parses_z_and_naive_as_utc():
    a = Epoch.parse("2030-01-01T00:00:00Z")
    b = Epoch.parse("2030-01-01T00:00:00")
    c = Epoch.parse("2030-01-01T01:00:00+01:00")
    assert a == b == c
    assert a.to_datetime(90.0) == dt.datetime(2030, 1, 1, 0, 1, 30, tzinfo=dt.UTC)
