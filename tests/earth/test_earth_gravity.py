"""Point-mass + J2 gravitation against finite differences of the textbook potential and the
published WGS84 normal gravity."""

import numpy as np
from numpy.polynomial import legendre

import hyperdef  # noqa: F401  (enables float64)
from hyperdef.earth.gravity import gravity_accel_mps2, gravity_potential_m2ps2
from hyperdef.earth.model import SPHERICAL, WGS84

MU, A, J2 = WGS84.gm_m3ps2, WGS84.a_m, WGS84.j2


def _j2_potential_textbook(r_vec):
    """J2 part of the geopotential, U_J2 = −(μ/r) J2 (a/r)² P2(sin φc), φc the geocentric
    latitude (Vallado 2013, ch. 8, zonal-harmonic expansion), written here in spherical
    coordinates with NumPy's Legendre series, independently of the module."""
    r = np.linalg.norm(r_vec, axis=-1)
    sin_phi = r_vec[..., 2] / r
    p2 = legendre.legval(sin_phi, [0.0, 0.0, 1.0])
    return -(MU / r) * J2 * (A / r) ** 2 * p2


def _random_positions(n, seed):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=(n, 3))
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    return d * rng.uniform(WGS84.b_m, 42_164e3, size=(n, 1))  # surface to GEO


def test_j2_acceleration_is_gradient_of_textbook_potential():
    r = _random_positions(200, seed=11)
    r[:3] = [[A, 0, 0], [0, 0, WGS84.b_m], [4e6, 3e6, 4e6]]
    h = 20.0  # m: rounding ε·U_J2/h ≈ 1e-16·1e5/20 ~ 1e-12, truncation h²·U'''/6 ~ 1e-13 m/s²
    grad = np.zeros_like(r)
    for k in range(3):
        dr = np.zeros(3)
        dr[k] = h
        grad[:, k] = (_j2_potential_textbook(r + dr) - _j2_potential_textbook(r - dr)) / (2 * h)
    a = np.asarray(gravity_accel_mps2(r))
    a_point = -MU * r / np.linalg.norm(r, axis=-1, keepdims=True) ** 3
    a_j2 = a - a_point
    rel = np.linalg.norm(a_j2 - grad, axis=-1) / np.linalg.norm(grad, axis=-1)
    # The J2 term is ~1e-3 of gravity; 1e-6 of it is < 2e-8 m/s², yet a wrong sign or factor
    # in the J2 term would be an O(1) relative error.
    # measured worst case: 3.9e-10 relative (hyperdef 0.1.0, float64).
    assert rel.max() < 1e-6, f"worst relative J2 error {rel.max():.3g}"


def test_potential_matches_textbook_and_point_mass():
    r = _random_positions(100, seed=12)
    u = np.asarray(gravity_potential_m2ps2(r))
    u_ref = MU / np.linalg.norm(r, axis=-1) + _j2_potential_textbook(r)
    np.testing.assert_allclose(u, u_ref, rtol=1e-13)
    # Sphere: pure point mass, −μ r/|r|³ and μ/|r|.
    a_sph = np.asarray(gravity_accel_mps2(r, SPHERICAL))
    norm = np.linalg.norm(r, axis=-1, keepdims=True)
    np.testing.assert_allclose(a_sph, -MU * r / norm**3, rtol=1e-14)
    np.testing.assert_allclose(gravity_potential_m2ps2(r, SPHERICAL), MU / norm[:, 0], rtol=1e-14)


def test_surface_gravity_matches_wgs84_normal_gravity():
    # WGS84 normal gravity (NIMA TR8350.2, 3rd ed., Somigliana's closed form): γe = 9.7803253359
    # m/s² at the equator, γp = 9.8321849378 m/s² at the poles. γ includes the centrifugal
    # term ω²ρ, which gravitation does not (it belongs to the rotating-frame equations of
    # motion), so ω²a is subtracted at the equator; it is zero at the poles. The normal field
    # also has J4 = −3·C̄40 with C̄40 = 0.790303733511e-6 (TR8350.2), which point mass + J2
    # lacks; its radial term at r on the axis/equator is 5·J4·P4·μa⁴/r⁶ (P4 = 3/8 at the
    # equator, 1 at the poles) — about 4e-5 and 1.2e-4 m/s² — and is put back here. What is
    # left is J6 and beyond, < 1e-6 m/s².
    j4 = -3.0 * 0.790303733511e-6
    omega = WGS84.omega_radps
    g_eq = np.linalg.norm(gravity_accel_mps2(np.array([A, 0.0, 0.0])))
    g_eq_j4 = -5.0 * j4 * (3.0 / 8.0) * MU / A**2  # inward, adds to |g|
    # measured worst case: equator 1.8e-7 m/s², pole 5.2e-7 m/s² (hyperdef 0.1.0, float64).
    assert abs(g_eq - omega**2 * A + g_eq_j4 - 9.7803253359) < 2e-6
    b = WGS84.b_m
    g_pole = np.linalg.norm(gravity_accel_mps2(np.array([0.0, 0.0, -b])))
    g_pole_j4 = -5.0 * j4 * MU * A**4 / b**6
    assert abs(g_pole + g_pole_j4 - 9.8321849378) < 2e-6
    # Without the J2 term the equator would be off by 1.5·J2·g ≈ 0.016 m/s²: the check bites.
    assert abs(np.linalg.norm(gravity_accel_mps2(np.array([A, 0, 0]), SPHERICAL)) - g_eq) > 0.01
