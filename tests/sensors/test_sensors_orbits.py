"""Orbits against independent oracles: numerical two-body / J2 integration (scipy), the
sun-synchronous condition, Kepler's equation by root finding, Walker's definitions, GEO."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from hyperdef.constants import GM_M3PS2, J2, OMEGA_EARTH_RADPS, WGS84_A_M
from hyperdef.earth.model import SPHERICAL, WGS84
from hyperdef.sensors.orbits import (
    elements,
    elements_to_eci,
    j2_secular_rates,
    propagate_ecef,
    propagate_eci,
    solve_kepler,
)
from hyperdef.sensors.walker import walker
from hyperdef.time import Epoch

EPOCH = Epoch.parse("2030-01-01T00:00:00Z")


@settings(max_examples=30, deadline=None)
@given(m=st.floats(0.0, 2 * np.pi), e=st.floats(0.0, 0.95))
def test_kepler_equation_matches_root_finding(m, e):
    ecc = float(solve_kepler(m, e))
    ref = brentq(lambda x: x - e * np.sin(x) - m, 0.0, 2 * np.pi, xtol=1e-15)
    # brentq brackets the unique root of the monotone Kepler function; 1e-12 rad is 7 µm on GEO.
    # Compared as angles: solve_kepler reduces M to [0, 2π), so M = 2π gives E = 0 ≡ 2π.
    # measured worst case: 4.4e-16 rad (hyperdef 0.1.0, float64).
    assert abs(np.angle(np.exp(1j * (ecc - ref)))) < 1e-12


def _two_body(t, y, mu):
    r = y[:3]
    return np.r_[y[3:], -mu * r / np.linalg.norm(r) ** 3]


def test_kepler_propagation_matches_numerical_two_body():
    # A Molniya-like orbit (e = 0.7) exercises Kepler's equation far from circular.
    el = elements(26_600e3, 0.7, np.radians(63.4), 1.0, np.radians(270.0), 0.3)
    r0, v0 = elements_to_eci(*(x[0] for x in el), GM_M3PS2)
    period = 2 * np.pi * np.sqrt(26_600e3**3 / GM_M3PS2)
    t = np.linspace(0.0, 1.3 * period, 40)
    sol = solve_ivp(_two_body, (0, t[-1]), np.r_[r0, v0], t_eval=t, args=(GM_M3PS2,),
                    method="DOP853", rtol=1e-12, atol=1e-6)
    r, v = propagate_eci(el, t, SPHERICAL)  # SPHERICAL: J2 = 0, pure two-body
    err_m = np.linalg.norm(np.asarray(r[0]) - sol.y[:3].T, axis=-1).max()
    err_mps = np.linalg.norm(np.asarray(v[0]) - sol.y[3:].T, axis=-1).max()
    # DOP853 at rtol 1e-12 over 1.3 revolutions drifts by < 1 cm; 0.5 m / 1 mm/s leave margin
    # while any error in the anomaly (1e-7 rad = 3 m here) would fail.
    # measured worst case: 4.3e-3 m, 9.3e-7 m/s; J2 nodal rate 4.1e-3 relative (hyperdef 0.1.0,
    # float64).
    assert err_m < 0.5
    assert err_mps < 1e-3


def _j2_accel(r, mu, re, j2):
    # Vallado 2013, Eq. 8-31: the J2 perturbing acceleration, typed here independently.
    x, y, z = r
    rn = np.linalg.norm(r)
    k = -1.5 * j2 * mu * re**2 / rn**5
    f = 5 * z**2 / rn**2
    return np.array([k * x * (1 - f), k * y * (1 - f), k * z * (3 - f)])


def test_j2_nodal_regression_matches_numerical_integration():
    a, e, inc = WGS84_A_M + 800e3, 0.001, np.radians(50.0)
    r0, v0 = elements_to_eci(a, e, inc, 0.5, 0.0, 0.0, GM_M3PS2)
    period = 2 * np.pi * np.sqrt(a**3 / GM_M3PS2)
    t = np.linspace(0.0, 15 * period, 600)

    def rhs(_, y):
        r = y[:3]
        acc = -GM_M3PS2 * r / np.linalg.norm(r) ** 3 + _j2_accel(r, GM_M3PS2, WGS84_A_M, J2)
        return np.r_[y[3:], acc]

    sol = solve_ivp(rhs, (0, t[-1]), np.r_[r0, v0], t_eval=t, method="DOP853", rtol=1e-11,
                    atol=1e-5)
    h = np.cross(sol.y[:3].T, sol.y[3:].T)
    raan = np.unwrap(np.arctan2(h[:, 0], -h[:, 1]))
    rate_num = np.polyfit(t, raan, 1)[0]
    rate, _, _ = j2_secular_rates(a, e, inc, WGS84)
    # Over 15 whole revolutions the short-period node oscillation (≈ J2 amplitude) averages out
    # and the mean-vs-osculating offset in a changes the rate by O(J2) ≈ 0.1 %; 1 % is the bound.
    assert abs(float(rate) / rate_num - 1.0) < 0.01


def test_sun_synchronous_orbit_at_800_km():
    # A sun-synchronous orbit precesses 360°/365.2422 d; at 800 km that needs i ≈ 98.6°
    # (Wertz & Larson, SMAD 3rd ed., 1999, Fig. 6-7 / Table 6-6; Vallado 2013, Example 9-4).
    rate, _, _ = j2_secular_rates(WGS84_A_M + 800e3, 0.0, np.radians(98.6), WGS84)
    sso_deg_per_day = 360.0 / 365.2422
    # i is quoted to 0.1°: d(ln cos i)/di · 0.05° = 0.6 % of the rate, so 1 % is the bound.
    assert abs(np.degrees(float(rate)) * 86400 / sso_deg_per_day - 1.0) < 0.01


def test_walker_delta_matches_walker_notation():
    # Walker (1984): 24/3/1 has 8 per plane, nodes 120° apart, 45° in-plane spacing and a
    # relative phase F·360°/T = 15° between adjacent planes.
    el = walker(24, 3, 1, 23_222e3, np.radians(56.0))
    raan = np.degrees(np.asarray(el.raan_rad)).reshape(3, 8)
    u = np.degrees(np.asarray(el.m0_rad)).reshape(3, 8)
    assert np.allclose(raan[:, 0], [0.0, 120.0, 240.0]) and np.allclose(raan.std(axis=1), 0)
    assert np.allclose(np.diff(u, axis=1), 45.0)
    assert np.allclose(u[1, 0] - u[0, 0], 15.0) and np.allclose(u[2, 0] - u[1, 0], 15.0)
    star = walker(28, 4, 0, 1000e3, np.radians(90.0), pattern="star")
    assert np.allclose(np.degrees(np.asarray(star.raan_rad))[::7], [0, 45, 90, 135])


@pytest.mark.parametrize("kwargs, field", [
    (dict(total=28, planes=5, phasing=0, alt_m=1e6), "planes"),
    (dict(total=28, planes=4, phasing=4, alt_m=1e6), "phasing"),
    (dict(total=28, planes=4, phasing=0, alt_m=90e3), "alt_km"),
])
def test_walker_rejects_bad_patterns(kwargs, field):
    with pytest.raises(ValueError, match=field):
        walker(inc_rad=1.0, **kwargs)


def test_geostationary_platform_stays_over_its_longitude():
    from hyperdef.scenario.resolve_sensors import space_platforms_of
    from hyperdef.scenario.sensors import SpaceIRSpec
    from hyperdef.sensors.platforms import space_platforms

    spec = SpaceIRSpec(name="g", kind="space_ir", geo={"lons_deg": [-75.0, 179.5]},
                       threshold_w_sr=6e3)
    t = np.linspace(0.0, 86400.0, 25)
    plat = space_platforms(space_platforms_of(spec), t, epoch=EPOCH, earth=WGS84)
    lon = np.degrees(plat.lon_rad)
    # A geostationary satellite keeps its longitude: the J2-corrected synchronous radius makes
    # the mean rate equal ω⊕, so the drift over a day must be < 1e-4° (70 m at GEO).
    assert np.abs(lon[0] + 75.0).max() < 1e-4
    assert np.abs(np.mod(lon[1] - 179.5 + 180, 360) - 180).max() < 1e-4
    # Synchronous radius: with J2 the rate Ω̇ + ω̇ + Ṁ = n(1 + 3 J2 (R/a)²) (Vallado Eq. 9-41 at
    # i = e = 0) must equal ω⊕, so a = a0 (1 + 2 J2 (R/a0)²) to first order, a0 = (μ/ω⊕²)^(1/3)
    # = 42 164.2 km; the O(J2²) remainder is < 1 m, 10 m is the bound.
    a0 = (GM_M3PS2 / OMEGA_EARTH_RADPS**2) ** (1 / 3)
    a_expected = a0 * (1 + 2 * J2 * (WGS84_A_M / a0) ** 2)
    assert abs(np.linalg.norm(plat.r_ecef_m[0, 0]) - a_expected) < 10.0
    assert np.abs(plat.v_ecef_mps).max() < 0.5


def test_ecef_velocity_is_the_derivative_of_position():
    el = walker(6, 2, 1, 700e3, np.radians(97.0))
    t = np.array([1000.0 - 0.5, 1000.0, 1000.0 + 0.5])
    r, v = propagate_ecef(el, t, epoch=EPOCH, earth=WGS84)
    fd = (np.asarray(r)[:, 2] - np.asarray(r)[:, 0]) / 1.0
    # Central difference over 1 s: truncation |jerk|·h²/24 ≈ 1e-3 m/s for LEO.
    assert np.abs(fd - np.asarray(v)[:, 1]).max() < 5e-3
