"""Equations of motion: geometry of the vertical, gravity + frame terms, drag and lift."""

import jax.numpy as jnp
import numpy as np
import pymap3d
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.dynamics.eom import aero_accel_mps2, altitude_and_up, frame_accel_mps2
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import SPHERICAL, SPHERICAL_NONROTATING, WGS84

RNG = np.random.default_rng(7)


def test_altitude_and_up_match_pymap3d():
    n = 2000
    lat = RNG.uniform(-90, 90, n)
    lon = RNG.uniform(-180, 180, n)
    alt = RNG.uniform(-10e3, 3000e3, n)
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt)
    r = np.stack([x, y, z], -1)
    h, up = (np.asarray(a) for a in altitude_and_up(jnp.asarray(r), WGS84))
    lat2, lon2, alt2 = pymap3d.ecef2geodetic(x, y, z)
    # pymap3d solves the same geodetic inverse independently; 1 µm in height is far below any
    # effect on density (a 1 m error changes ρ by 1.5e-4).
    assert np.max(np.abs(h - alt2)) < 1e-6
    la, lo = np.deg2rad(lat2), np.deg2rad(lon2)
    normal = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)
    ang = np.arccos(np.clip(np.sum(normal * up, -1), -1, 1))
    # 1e-7 rad = 0.02 arcsec: the lift plane is defined far better than any vehicle flies it.
    assert np.max(ang) < 1e-7


def test_sphere_up_is_radial_and_altitude_is_height_above_radius():
    r = RNG.normal(size=(50, 3)) * 7e6
    h, up = (np.asarray(a) for a in altitude_and_up(jnp.asarray(r), SPHERICAL))
    rn = np.linalg.norm(r, axis=-1)
    assert np.max(np.abs(h - (rn - SPHERICAL.a_m))) < 1e-8
    assert np.max(np.abs(up - r / rn[:, None])) < 1e-15


def _somigliana_mps2(lat_rad):
    """WGS84 normal gravity on the ellipsoid (NIMA TR8350.2, 3rd ed., Eq. 4-1)."""
    ge, k, e2 = 9.7803253359, 0.00193185265241, 6.69437999014e-3
    s2 = np.sin(lat_rad) ** 2
    return ge * (1 + k * s2) / np.sqrt(1 - e2 * s2)


def test_effective_gravity_at_rest_matches_normal_gravity():
    lat = np.deg2rad(np.linspace(-89.0, 89.0, 37))
    r = np.asarray(geodetic_to_ecef(lat, 0.3, 0.0, WGS84))
    a = np.asarray(frame_accel_mps2(jnp.asarray(r), jnp.zeros_like(r), WGS84))
    g = np.linalg.norm(a, axis=-1)
    # Point mass + J2 + centrifugal omits the normal field's J4 = −2.37e-6 (NIMA TR8350.2),
    # worth about 5·|J4|·g ≈ 1.2e-4 m/s² at the poles: 1.5e-4 m/s² bounds the difference.
    assert np.max(np.abs(g - _somigliana_mps2(lat))) < 1.5e-4
    _, up = altitude_and_up(jnp.asarray(r), WGS84)
    # Plumb line vs ellipsoid normal: the normal field makes the ellipsoid an equipotential;
    # the omitted J4 tilts it by at most |J4|·max|dP4/dφ| ≈ 2.37e-6 · 2.9 ≈ 6.9e-6 rad (1.4").
    cross = np.linalg.norm(np.cross(-a / g[:, None], np.asarray(up)), axis=-1)
    assert np.max(cross) < 8e-6


def test_nonrotating_model_has_no_frame_terms():
    r = np.array([[7e6, 1e5, 2e5]])
    v = np.array([[100.0, 7000.0, -30.0]])
    a_rot = np.asarray(frame_accel_mps2(jnp.asarray(r), jnp.asarray(v), SPHERICAL))
    a_fix = np.asarray(frame_accel_mps2(jnp.asarray(r), jnp.asarray(v), SPHERICAL_NONROTATING))
    w = np.array([0, 0, SPHERICAL.omega_radps])
    expected = -2 * np.cross(w, v) - np.cross(w, np.cross(w, r))
    assert np.max(np.abs((a_rot - a_fix) - expected)) < 1e-12


@settings(max_examples=40, deadline=None)
@given(speed=st.floats(100.0, 8000.0), gamma=st.floats(-1.2, 1.2), psi=st.floats(0, 6.28),
       bank=st.floats(-1.5, 1.5), ld=st.floats(0.0, 4.0))
def test_drag_and_lift_geometry(speed, gamma, psi, bank, ld):
    # Local frame at (lat 0, lon 0) on the sphere: up = x, east = y, north = z.
    r = np.array([SPHERICAL_NONROTATING.a_m + 40e3, 0.0, 0.0])
    v = speed * np.array([np.sin(gamma), np.cos(gamma) * np.sin(psi),
                          np.cos(gamma) * np.cos(psi)])
    rho, beta = 4e-3, 5000.0
    a = np.asarray(aero_accel_mps2(jnp.asarray(r), jnp.asarray(v), rho, beta, ld, bank,
                                   SPHERICAL_NONROTATING))
    v_hat = v / speed
    drag = rho * speed**2 / (2 * beta)
    assert abs(-np.dot(a, v_hat) - drag) < 1e-9 * drag
    lift = a + drag * v_hat
    assert abs(np.linalg.norm(lift) - ld * drag) < 1e-9 * drag + 1e-12
    # Closed form of the lift direction: l0 = up rotated into the plane normal to v.
    up = np.array([1.0, 0.0, 0.0])
    l0 = up - np.dot(up, v_hat) * v_hat
    l0 /= np.linalg.norm(l0)
    right = np.cross(v_hat, l0)
    expected = ld * drag * (np.cos(bank) * l0 + np.sin(bank) * right)
    assert np.max(np.abs(lift - expected)) < 1e-9 * drag + 1e-12


def test_positive_bank_turns_right():
    # Flying north at the equator: the right wing points east (+y in ECEF at lon 0).
    r = np.array([SPHERICAL_NONROTATING.a_m + 40e3, 0.0, 0.0])
    v = np.array([0.0, 0.0, 5000.0])
    a = np.asarray(aero_accel_mps2(jnp.asarray(r), jnp.asarray(v), 4e-3, 5000.0, 2.0,
                                   np.pi / 2, SPHERICAL_NONROTATING))
    assert a[1] > 0 and abs(a[0]) < 1e-9


def test_zero_speed_gives_zero_aero_force():
    a = np.asarray(aero_accel_mps2(jnp.array([7e6, 0.0, 0.0]), jnp.zeros(3), 1.0, 100.0, 2.0,
                                   0.3, WGS84))
    assert np.all(a == 0.0)


def test_rows_layout_gravity_is_the_earth_modules():
    from hyperdef.dynamics.eom import gravity_xyz
    from hyperdef.dynamics.vec3 import V3
    from hyperdef.earth.gravity import gravity_accel_mps2

    r = RNG.normal(size=(200, 3)) * 7e6
    for earth in (WGS84, SPHERICAL):
        got = gravity_xyz(V3.last(r), earth).stack()
        want = np.asarray(gravity_accel_mps2(jnp.asarray(r), earth))
        assert np.max(np.abs(np.asarray(got) - want) / np.linalg.norm(want, axis=-1,
                                                                       keepdims=True)) < 1e-15


def test_vertical_on_the_polar_axis():
    r = np.array([[0.0, 0.0, WGS84.b_m + 100.0], [0.0, 0.0, -(WGS84.b_m + 5.0)]])
    h, up = (np.asarray(a) for a in altitude_and_up(jnp.asarray(r), WGS84))
    assert np.allclose(h, [100.0, 5.0], atol=1e-6)
    assert np.allclose(up, [[0, 0, 1], [0, 0, -1]], atol=1e-12)
