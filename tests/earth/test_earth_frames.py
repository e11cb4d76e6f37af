"""ENU/AER against pymap3d, ECI↔ECEF against the rotation's meaning and finite differences."""

import hypothesis.strategies as st
import numpy as np
import pymap3d
from hypothesis import given, settings

import hyperdef  # noqa: F401  (enables float64)
from hyperdef.earth.frames import (
    R_enu_from_ecef,
    aer_to_ecef,
    ecef_to_aer,
    ecef_to_eci,
    ecef_to_eci_state,
    ecef_to_enu,
    eci_to_ecef,
    eci_to_ecef_state,
    enu_to_ecef,
)
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84

ELL = pymap3d.Ellipsoid.from_name("wgs84")
HALF_PI = np.pi / 2
OMEGA = WGS84.omega_radps


def _wrap(a):
    return np.abs(np.angle(np.exp(1j * a)))


def _observers_and_targets(n, seed=1):
    """Observers on/near the ground (poles and lon ±π included), targets −10 km … 40 000 km."""
    rng = np.random.default_rng(seed)
    lat0 = np.arcsin(rng.uniform(-1, 1, n))
    lon0 = rng.uniform(-np.pi, np.pi, n)
    h0 = rng.uniform(-100.0, 5e3, n)
    lat0[:50], lat0[50:100], lon0[100:150], lon0[150:200] = HALF_PI, -HALF_PI, np.pi, -np.pi
    lat = np.arcsin(rng.uniform(-1, 1, n))
    lon = rng.uniform(-np.pi, np.pi, n)
    alt = np.where(
        rng.uniform(size=n) < 0.5,
        rng.uniform(-10e3, 100e3, n),
        10.0 ** rng.uniform(5, np.log10(40_000e3), n),
    )
    tgt = np.stack(pymap3d.geodetic2ecef(lat, lon, alt, ELL, deg=False), axis=-1)
    return lat0, lon0, h0, tgt


def test_enu_and_aer_match_pymap3d_on_10k_points():
    lat0, lon0, h0, tgt = _observers_and_targets(10_000)
    e, n, u = pymap3d.ecef2enu(*tgt.T, lat0, lon0, h0, ELL, deg=False)
    enu = np.asarray(ecef_to_enu(tgt, lat0, lon0, h0))
    err_enu = np.linalg.norm(enu - np.stack([e, n, u], axis=-1), axis=-1)
    # Same rotation (Vallado ch. 3) on both sides; ranges to 8e7 m round at ~1e-8 m; 1 mm is
    # GPS-survey grade.
    # measured worst case: ENU 1.5e-8 m (hyperdef 0.1.0, float64).
    assert err_enu.max() < 1e-3, f"worst ENU difference {err_enu.max():.3g} m"

    az_ref, el_ref, rng_ref = pymap3d.ecef2aer(*tgt.T, lat0, lon0, h0, ELL, deg=False)
    obs = np.asarray(geodetic_to_ecef(lat0, lon0, h0))
    az, el, rng = map(np.asarray, ecef_to_aer(obs, tgt, lat0, lon0))
    d_az, d_el, d_rng = _wrap(az - az_ref), np.abs(el - el_ref), np.abs(rng - rng_ref)
    assert np.all((az >= 0) & (az < 2 * np.pi))
    # 1e-9 rad is 1 cm at 10 000 km — far below any sensor's resolution, far above rounding.
    # (pymap3d zeroes ENU components under 1 mm, which moves angles by < 1e-3 m / range.)
    msg = f"worst |Δaz|={d_az.max():.3g} rad, |Δel|={d_el.max():.3g} rad, |Δrange|={d_rng.max():.3g} m"
    # measured worst case: az 1.0e-14 rad, el 3.1e-15 rad, range 1.5e-8 m (hyperdef 0.1.0, float64).
    assert d_az.max() < 1e-9 and d_el.max() < 1e-9 and d_rng.max() < 1e-3, msg


def test_enu_check_values():
    # At lat 0, lon 0 east is +y, north is +z, up is +x (the definition of the ENU axes).
    enu = np.asarray(ecef_to_enu(np.array([WGS84.a_m + 3.0, 1.0, 2.0]), 0.0, 0.0, 0.0))
    np.testing.assert_allclose(enu, [1.0, 2.0, 3.0], atol=1e-9)
    # Straight up from anywhere: elevation π/2; due north at the equator: az 0, el 0.
    obs = np.array([WGS84.a_m, 0.0, 0.0])
    az, el, rng = ecef_to_aer(obs, obs + np.array([0.0, 0.0, 1e5]), 0.0, 0.0)
    assert abs(float(az)) < 1e-15 and abs(float(el)) < 1e-15 and abs(float(rng) - 1e5) < 1e-9
    az, el, rng = ecef_to_aer(obs, obs + np.array([0.0, -1e5, 0.0]), 0.0, 0.0)  # due west
    assert abs(float(az) - 1.5 * np.pi) < 1e-15
    rot = np.asarray(R_enu_from_ecef(0.3, -2.0))
    np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-15)
    assert abs(np.linalg.det(rot) - 1.0) < 1e-15  # proper rotation, right-handed ENU


lat_st = st.floats(-HALF_PI, HALF_PI)
lon_st = st.floats(-np.pi, np.pi)
vec_st = st.tuples(*[st.floats(-5e7, 5e7)] * 3)


@settings(max_examples=50, deadline=None)
@given(vec_st, lat_st, lon_st, st.floats(-1e4, 1e5))
def test_ecef_enu_round_trip(xyz, lat0, lon0, h0):
    r = np.array(xyz)
    back = np.asarray(enu_to_ecef(ecef_to_enu(r, lat0, lon0, h0), lat0, lon0, h0))
    assert np.abs(back - r).max() < 1e-6  # |r| ≤ 9e7 m rounds at ~1e-8 m


@settings(max_examples=50, deadline=None)
@given(vec_st, lat_st, lon_st)
def test_aer_round_trip(xyz, lat0, lon0):
    obs = np.asarray(geodetic_to_ecef(lat0, lon0, 0.0))
    tgt = np.array(xyz)
    back = np.asarray(aer_to_ecef(*ecef_to_aer(obs, tgt, lat0, lon0), obs, lat0, lon0))
    assert np.abs(back - tgt).max() < 1e-6


def test_eci_ecef_rotation_sense():
    # θ is the Earth rotation angle: after a quarter turn the inertial x axis lies over 90°W,
    # and the Earth-fixed x axis points along inertial +y.
    np.testing.assert_allclose(eci_to_ecef(np.array([1.0, 0, 0]), HALF_PI), [0, -1, 0], atol=1e-15)
    np.testing.assert_allclose(ecef_to_eci(np.array([1.0, 0, 0]), HALF_PI), [0, 1, 0], atol=1e-15)


def test_ground_point_moves_at_equatorial_speed_in_eci():
    # A point at rest on the equator moves eastward at ω·a = 465.10 m/s inertially
    # (7.292115e-5 rad/s × 6 378 137 m, WGS84 defining constants).
    r_ecef = np.array([WGS84.a_m, 0.0, 0.0])
    r_eci, v_eci = ecef_to_eci_state(r_ecef, np.zeros(3), 0.0, OMEGA)
    np.testing.assert_allclose(v_eci, [0.0, 465.1011, 0.0], atol=1e-4)


def test_state_velocity_matches_finite_difference_of_position():
    # Transport theorem checked independently: differentiate r_ecef(t) = R3(θ0 + ωt) r_eci(t)
    # numerically along an inertial straight line, using only the position rotation.
    rng = np.random.default_rng(7)
    r0 = rng.normal(size=(20, 3)) * 7e6
    v0 = rng.normal(size=(20, 3)) * 7e3
    theta0 = rng.uniform(0, 2 * np.pi, 20)
    dt = 0.01  # s: rounding ~1e-16·7e6/0.01 ≈ 1e-7 m/s; truncation ~dt²ω²v ≈ 1e-12 m/s
    r_p = np.asarray(eci_to_ecef(r0 + v0 * dt, theta0 + OMEGA * dt))
    r_m = np.asarray(eci_to_ecef(r0 - v0 * dt, theta0 - OMEGA * dt))
    v_fd = (r_p - r_m) / (2 * dt)
    r_ecef, v_ecef = map(np.asarray, eci_to_ecef_state(r0, v0, theta0, OMEGA))
    np.testing.assert_allclose(r_ecef, np.asarray(eci_to_ecef(r0, theta0)), atol=1e-8)
    # ω×r is ~500 m/s here, so 1e-5 m/s would catch a sign or a missing term.
    assert np.abs(v_ecef - v_fd).max() < 1e-5


@settings(max_examples=50, deadline=None)
@given(vec_st, st.tuples(*[st.floats(-1e4, 1e4)] * 3), st.floats(-10.0, 10.0))
def test_eci_ecef_state_round_trip(r, v, theta):
    r, v = np.array(r), np.array(v)
    r_e, v_e = eci_to_ecef_state(r, v, theta, OMEGA)
    r2, v2 = map(np.asarray, ecef_to_eci_state(r_e, v_e, theta, OMEGA))
    # Rounding: |r| ≤ 9e7 m → 1e-8 m; |ω×r| ≤ 6.5e3 m/s → 1e-12 m/s.
    assert np.abs(r2 - r).max() < 1e-6 and np.abs(v2 - v).max() < 1e-9
