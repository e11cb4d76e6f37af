"""Radar az/el/range/range-rate against pymap3d and finite differences; wrap and poles."""

import jax
import numpy as np
import pymap3d
import pytest

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.measurement.radar import radar_innovation, radar_measure, wrap_pi

SITES = [(0.5, 2.0, 100.0), (-0.7, -3.1, 0.0), (np.pi / 2, 0.0, 10.0), (-np.pi / 2, 1.0, 0.0),
         (0.0, np.pi, 0.0), (0.0, -np.pi, 0.0)]  # incl. both poles and the ±π meridian


def _site(lat, lon, alt):
    return np.asarray(geodetic_to_ecef(lat, lon, alt))


@pytest.mark.parametrize("site", SITES)
def test_against_pymap3d(site):
    lat, lon, alt = site
    r_obs = _site(lat, lon, alt)
    rng = np.random.default_rng(3)
    tgt = r_obs + rng.normal(size=(50, 3)) * 8e5
    z = np.asarray(radar_measure(r_obs, np.zeros(3), lat, lon, tgt, np.zeros((50, 3))))
    az, el, rng_m = pymap3d.ecef2aer(tgt[:, 0], tgt[:, 1], tgt[:, 2], lat, lon, alt, deg=False)
    # pymap3d solves the same ENU rotation (independent code): 1e-6 m on ~1000 km is rounding;
    # angles to 1e-12 rad. Azimuths compared on the circle (0 and 2π are the same direction).
    # measured worst case: range 1.9e-9 m, el 3.9e-15 rad, az 4.4e-15 rad (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(z[:, 0], rng_m, atol=1e-6)
    np.testing.assert_allclose(z[:, 2], el, atol=1e-12)
    assert np.max(np.abs(np.asarray(wrap_pi(z[:, 1] - az)))) < 1e-11
    assert np.all((z[:, 1] >= 0) & (z[:, 1] < 2 * np.pi))


def test_range_rate_is_derivative_of_range():
    lat, lon = 0.3, -1.2
    r_obs, v_obs = _site(lat, lon, 0.0), np.zeros(3)
    r_t = r_obs + np.array([3e5, -2e5, 4e5])
    v_t = np.array([-2000.0, 5000.0, 1000.0])
    rr = float(radar_measure(r_obs, v_obs, lat, lon, r_t, v_t)[3])
    h = 1e-3
    rng_p = radar_measure(r_obs, v_obs, lat, lon, r_t + h * v_t, v_t)[0]
    rng_m = radar_measure(r_obs, v_obs, lat, lon, r_t - h * v_t, v_t)[0]
    # Central difference over ±1 ms: truncation ~ (v²/ρ)h² ≈ 1e-10 m/s, rounding ~1e-7 m/s.
    # measured worst case: 8.9e-8 m/s (hyperdef 0.1.0, float64).
    assert abs(rr - float(rng_p - rng_m) / (2 * h)) < 1e-5


def test_azimuth_innovation_wraps_at_north():
    lat, lon = 0.8, 0.1
    r_obs = _site(lat, lon, 0.0)
    # Target just east of north: predicted az ≈ +δ; the measurement says 2π − δ (just west).
    from hyperdef.earth.frames import R_enu_from_ecef
    enu = np.array([100.0, 1e5, 2e4])
    tgt = r_obs + np.asarray(R_enu_from_ecef(lat, lon)).T @ enu
    h = np.asarray(radar_measure(r_obs, np.zeros(3), lat, lon, tgt, np.zeros(3)))
    z = h.copy()
    z[1] = 2 * np.pi - h[1]
    nu = np.asarray(radar_innovation(z, r_obs, np.zeros(3), lat, lon, tgt, np.zeros(3)))
    assert abs(nu[1] + 2 * h[1]) < 1e-12  # −2δ, not 2π − 2δ
    np.testing.assert_allclose(nu[[0, 2, 3]], 0.0, atol=1e-9)


def test_innovation_continuous_when_sweeping_across_north():
    lat, lon = -0.4, 2.5
    r_obs = _site(lat, lon, 0.0)
    from hyperdef.earth.frames import R_enu_from_ecef
    rot = np.asarray(R_enu_from_ecef(lat, lon)).T
    z = np.array([1e5, 0.0, 0.2, 0.0])
    xs = np.linspace(-2e3, 2e3, 401)
    tgts = r_obs + (np.stack([xs, np.full_like(xs, 1e5), np.full_like(xs, 2e4)], -1) @ rot.T)
    nu = np.asarray(radar_innovation(z, r_obs, np.zeros(3), lat, lon, tgts, np.zeros((401, 3))))
    # 10 m east steps at 100 km move az by 1e-4 rad: no jump anywhere near ±π or 0.
    assert np.max(np.abs(np.diff(nu[:, 1]))) < 1.1e-4


@pytest.mark.parametrize("site", SITES[2:4])
def test_jacobian_finite_at_pole_site_and_zenith(site):
    lat, lon, alt = site
    r_obs = _site(lat, lon, alt)
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    v = np.array([10.0, 20.0, 30.0])
    f = lambda r, v: radar_measure(r_obs, np.zeros(3), lat, lon, r, v)  # noqa: E731
    for tgt in (r_obs + 1e5 * up, r_obs + 1e5 * up + np.array([5e4, 0.0, 0.0])):
        jr, jv = jax.jacfwd(f, argnums=(0, 1))(tgt, v)
        assert np.all(np.isfinite(np.asarray(jr))) and np.all(np.isfinite(np.asarray(jv)))
    # Away from the zenith, autodiff equals central differences (1 m steps on 100 km: the
    # truncation error is ~(1/ρ)² ≈ 1e-10 relative).
    tgt = r_obs + 1e5 * up + np.array([5e4, -3e4, 0.0])
    jr = np.asarray(jax.jacfwd(f)(tgt, v))
    fd = np.stack([(np.asarray(f(tgt + d, v)) - np.asarray(f(tgt - d, v))) / 2.0
                   for d in np.eye(3)], -1)
    np.testing.assert_allclose(jr, fd, rtol=1e-6, atol=1e-11)
