"""Geometry kernels against brute force (ray marching with pymap3d altitudes) and the closed forms
of docs/references.md#sensors-and-geometry (limb, mutual visibility, radar horizon,
triangulation)."""

import numpy as np
import pymap3d
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import SPHERICAL, WGS84
from hyperdef.sensors.geometry import Background, access_cone, background, in_box, los_clear
from hyperdef.sensors.horizon import (
    effective_earth_clear,
    mutual_visibility_angle_rad,
    radar_horizon_m,
)
from hyperdef.sensors.stereo import parallax_rad, triangulation_cov_m2

N_MARCH = 20_000


def _min_alt_along(a, b, lam0=0.0, lam1=1.0):
    """Brute force: the lowest WGS84 geodetic altitude [m] on points a + λ(b − a), λ ∈ [lam0, lam1],
    sampled N_MARCH times (pymap3d's ecef2geodetic, an independent implementation)."""
    lam = np.linspace(lam0, lam1, N_MARCH)[:, None]
    p = a + lam * (b - a)
    _, _, alt = pymap3d.ecef2geodetic(p[:, 0], p[:, 1], p[:, 2], deg=False)
    return float(np.min(alt))


def _point(lat, lon, alt):
    return np.asarray(geodetic_to_ecef(np.radians(lat), np.radians(lon), alt, WGS84))


lat_s = st.floats(-89.9, 89.9)
lon_s = st.floats(-180.0, 180.0)


@settings(max_examples=40, deadline=None)
@given(lat1=lat_s, lon1=lon_s, alt1=st.floats(200e3, 40_000e3), lat2=lat_s, lon2=lon_s,
       alt2=st.floats(0.0, 2_000e3), graze=st.sampled_from([0.0, 20e3]))
def test_occlusion_matches_ray_marching(lat1, lon1, alt1, lat2, lon2, alt2, graze):
    s, t = _point(lat1, lon1, alt1), _point(lat2, lon2, alt2)
    h_min = _min_alt_along(s, t)
    # Samples are ≤ 2 km apart (segments < 40 000 km); near the lowest point the altitude varies
    # as x²/2R, i.e. < 0.1 m between samples. The kernel's scaled ellipsoid differs from a
    # constant-altitude surface by ≤ h_g·f = 70 m; cases within 200 m of grazing are ambiguous.
    if abs(h_min - graze) < 200.0:
        return
    got = bool(los_clear(s, t, WGS84, graze))
    # measured worst case: agrees in every drawn case (30 to 31) (hyperdef 0.1.0, float64).
    assert got == (h_min > graze)


@settings(max_examples=30, deadline=None)
@given(lat1=lat_s, lon1=lon_s, alt1=st.floats(300e3, 36_000e3), lat2=lat_s, lon2=lon_s,
       alt2=st.floats(1e3, 200e3))
def test_background_matches_ray_marching(lat1, lon1, alt1, lat2, lon2, alt2):
    s, t = _point(lat1, lon1, alt1), _point(lat2, lon2, alt2)
    if not los_clear(s, t, WGS84, 0.0):
        return
    # March beyond the target far enough to pass the lowest point (2 × the range suffices for
    # any ray that comes back up, since the lowest point is at most one range past the target).
    h_min = _min_alt_along(s, t, 1.0, 3.0)
    limb_top = 100e3
    if min(abs(h_min), abs(h_min - limb_top)) < 500.0:
        return  # within the f·h approximation band of the kernel's altitude
    expected = (Background.EARTH if h_min < 0 else
                Background.LIMB if h_min < limb_top else Background.SPACE)
    assert int(background(s, t, limb_top, WGS84)) == expected


@settings(max_examples=30, deadline=None)
@given(lat=st.floats(-60, 60), lon=lon_s, alt=st.floats(500e3, 2000e3),
       dlat=st.floats(-30, 30), dlon=st.floats(-30, 30))
def test_glider_seen_from_above_is_never_against_space(lat, lon, alt, dlat, dlon):
    # docs/references.md#limb: a target below the tangent altitude of its line of sight is seen
    # against the Earth or the lower limb; a 40 km glider seen from orbit is a look-down target.
    s, t = _point(lat, lon, alt), _point(lat + dlat, lon + dlon, 40e3)
    if los_clear(s, t, WGS84, 0.0):
        assert int(background(s, t, 100e3, WGS84)) != Background.SPACE


def test_mutual_visibility_angle_on_a_sphere():
    # Two altitudes see each other over h_g up to λ_max = acos((R+h_g)/(R+h1)) +
    # acos((R+h_g)/(R+h2)) (Wertz & Larson 1999, §5.2); check the kernel on both sides of it.
    r = SPHERICAL.a_m
    for h1, h2, hg in [(1000e3, 40e3, 0.0), (35_786e3, 30e3, 20e3), (500e3, 100e3, 10e3)]:
        lam = float(mutual_visibility_angle_rad(h1, h2, r, hg))
        for d, expect in [(-1e-5, True), (1e-5, False)]:  # ±64 m along the surface
            ang = lam + d
            s = np.array([r + h1, 0.0, 0.0])
            t = (r + h2) * np.array([np.cos(ang), np.sin(ang), 0.0])
            assert bool(los_clear(s, t, SPHERICAL, hg)) is expect


def test_earth_angular_radius_and_nadir_cone():
    # sin ρ_E = R/(R+H) (Wertz & Larson 1999): a nadir cone of half-angle ρ_E ± 0.01° just reaches /
    # just misses a target on the horizon (alt 0) seen from H.
    r, h = SPHERICAL.a_m, 1000e3
    rho_e = np.arcsin(r / (r + h))
    lam0 = np.pi / 2 - rho_e
    s = np.array([r + h, 0.0, 0.0])
    t = r * np.array([np.cos(lam0 - 1e-7), np.sin(lam0 - 1e-7), 0.0])
    nadir = -s / np.linalg.norm(s)
    inf = np.inf
    assert bool(access_cone(s, t, nadir, np.cos(rho_e + np.radians(0.01)), inf, SPHERICAL, 0.0))
    assert not bool(access_cone(s, t, nadir, np.cos(rho_e - np.radians(0.01)), inf, SPHERICAL,
                                0.0))


def test_box_field_of_regard_matches_angles():
    rng = np.random.default_rng(1)
    frame = np.eye(3)  # x, y, z = boresight along +z
    d = rng.normal(size=(2000, 3))
    half_x, half_y = np.radians(20.0), np.radians(35.0)
    got = np.asarray(in_box(np.zeros(3), d, frame, np.tan(half_x), np.tan(half_y)))
    ax = np.arctan2(d[:, 0], d[:, 2])
    ay = np.arctan2(d[:, 1], d[:, 2])
    expect = (np.abs(ax) <= half_x) & (np.abs(ay) <= half_y) & (d[:, 2] > 0)
    assert (got == expect).all()


def test_radar_horizon_formula():
    # d = √((kR+h_t)² − (kR)²) + √((kR+h_r)² − (kR)²) (Skolnik 2001): the effective-Earth ray
    # clears the sphere for slant range just below d and not just above it.
    r, k = SPHERICAL.a_m, 4.0 / 3.0
    for h_r, h_t in [(10.0, 40e3), (30.0, 100e3), (0.0, 20e3), (3000.0, 60e3)]:
        d = float(radar_horizon_m(h_r, h_t, r, k))
        assert bool(effective_earth_clear(d * (1 - 1e-6), h_r, h_t, r, k))
        assert not bool(effective_earth_clear(d * (1 + 1e-6), h_r, h_t, r, k))
    # Skolnik's rule of thumb for k = 4/3: d[km] ≈ 4.12(√h_r[m] + √h_t[m]) (Skolnik 2001, §8.3).
    d = float(radar_horizon_m(25.0, 40e3, r, k)) / 1e3
    # measured worst case: 1.6e-3 (hyperdef 0.1.0, float64).
    assert abs(d / (4.12 * (5.0 + np.sqrt(40e3))) - 1) < 0.01


def test_triangulation_axes_of_two_sensors():
    # docs/references.md#triangulation: parallax γ, equal range ρ and noise σ → 1σ axes
    # ρσ/(√2 sin(γ/2)), ρσ/(√2 cos(γ/2)), ρσ/√2.
    rho, sigma = 2.0e6, 20e-6
    for gamma in np.radians([20.0, 60.0, 90.0, 140.0]):
        obs = rho * np.array([[np.sin(gamma / 2), np.cos(gamma / 2), 0.0],
                              [-np.sin(gamma / 2), np.cos(gamma / 2), 0.0]])
        tgt = np.zeros(3)
        assert abs(float(parallax_rad(obs[0], obs[1], tgt)) - gamma) < 1e-12
        axes = np.sqrt(np.linalg.eigvalsh(np.asarray(triangulation_cov_m2(obs, tgt, sigma))))
        expect = np.sort(rho * sigma / np.sqrt(2) * np.array(
            [1 / np.sin(gamma / 2), 1 / np.cos(gamma / 2), 1.0]))
        assert np.allclose(np.sort(axes), expect, rtol=1e-9)


def test_triangulation_covariance_matches_monte_carlo():
    from hyperdef.measurement.los import los_unit, perturb_los
    from hyperdef.random import stream

    obs = np.array([[7.0e6, 0.0, 0.0], [0.0, 7.2e6, 0.0], [4e6, 4e6, 3e6]])
    tgt = np.array([6.4e6, 0.5e6, 0.2e6])
    sigma = 30e-6
    n = 4000
    u = perturb_los(np.broadcast_to(np.asarray(los_unit(obs, tgt)), (n, 3, 3)), sigma,
                    key=stream(0, 0, "test/triangulation"))
    u = np.asarray(u)
    # The estimator whose covariance is P weights each projector by 1/(ρ_i² σ²) (the
    # unweighted x̂ of docs/references.md#triangulation is the equal-range special case).
    w = 1.0 / np.sum((tgt - obs) ** 2, axis=-1)
    proj = (np.eye(3) - u[..., :, None] * u[..., None, :]) * w[:, None, None]
    x = np.linalg.solve(proj.sum(1), np.einsum("nkij,kj->ni", proj, obs)[..., None])[..., 0]
    emp = np.cov((x - tgt).T)
    pred = np.asarray(triangulation_cov_m2(obs, tgt, sigma))
    # Sample covariance of 4000 draws: each variance within ±3·√(2/n) ≈ ±7 %; 12 % is the bound.
    assert np.allclose(np.diag(emp), np.diag(pred), rtol=0.12)
