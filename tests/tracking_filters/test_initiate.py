"""Initiation: triangulation vs the closed form and Monte Carlo; radar and angle-only starts."""

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.stats import chi2

from hyperdef.measurement.los import los_unit, perturb_los
from hyperdef.measurement.radar import radar_measure
from hyperdef.random import stream
from hyperdef.status import Status
from hyperdef.tracking.association.initiate import (
    los_initiate,
    radar_initiate,
    range_hypotheses,
    triangulate,
    two_point_velocity,
)

TGT = np.array([4.8e6, 1.2e6, 4.0e6])


def _two_sensor_geometry(gamma, rho):
    """Two sensors at range rho from TGT whose LOS meet at parallax angle gamma."""
    a = np.array([1.0, 0.2, -0.3])
    a /= np.linalg.norm(a)
    b = np.cross(a, [0.0, 0.0, 1.0])
    b /= np.linalg.norm(b)
    u1 = np.cos(gamma / 2) * a + np.sin(gamma / 2) * b
    u2 = np.cos(gamma / 2) * a - np.sin(gamma / 2) * b
    return np.stack([TGT - rho * u1, TGT - rho * u2]), np.stack([u1, u2])


@pytest.mark.parametrize("gamma_deg", [5.0, 30.0, 90.0, 150.0])
def test_two_sensor_axes_equal_closed_form(gamma_deg):
    gamma, rho, sigma = np.radians(gamma_deg), 2.0e6, 20e-6
    s, u = _two_sensor_geometry(gamma, rho)
    r, P, status = triangulate(s, u, np.full(2, sigma))
    assert int(status) == Status.OK
    # Noise-free lines meet at the target: 1e-6 m is rounding at 5e6 m.
    assert np.linalg.norm(np.asarray(r) - TGT) < 1e-6
    axes = np.sqrt(np.linalg.eigvalsh(np.asarray(P)))
    k = rho * sigma / np.sqrt(2.0)  # docs/references.md: ρσ/(√2 sin(γ/2)), ρσ/(√2 cos(γ/2)), ρσ/√2
    expected = np.sort([k / np.sin(gamma / 2), k / np.cos(gamma / 2), k])
    # measured worst case: axes 1.1e-13 relative; position 1.3e-7 m (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(axes, expected, rtol=1e-9)
    # docs/references.md#triangulation-error: cross-range ≈ range × angular noise; 20 µrad at
    # 2 000 km ≈ 40 m.
    assert abs(rho * sigma - 40.0) < 1e-9


def test_monte_carlo_spread_matches_covariance():
    # Three sensors, unequal ranges and noises; N = 2000 noisy triangulations with the contract's
    # LOS noise. NEES of the points is χ²(3) if P is right: the N-average must lie in the 95 %
    # interval χ²_{3N}(0.025, 0.975)/N (Bar-Shalom, Li & Kirubarajan 2001, §5.4.2).
    n = 2000
    s = np.array([[7.5e6, -1.0e6, 3.0e6], [3.0e6, 5.5e6, 4.5e6], [6.0e6, 3.0e6, 6.0e6]])
    sig = np.array([20e-6, 40e-6, 10e-6])
    u_true = np.asarray(los_unit(s, TGT))
    keys = jax.random.split(stream(5, 0, "tri"), 3)
    u = np.stack([np.asarray(perturb_los(np.tile(u_true[i], (n, 1)), sig[i], key=keys[i]))
                  for i in range(3)], axis=1)  # (n, 3, 3)
    r, P, status = jax.vmap(triangulate, in_axes=(None, 0, None))(s, u, sig)
    assert np.all(np.asarray(status) == Status.OK)
    e = np.asarray(r) - TGT
    nees = np.einsum("ni,nij,nj->n", e, np.linalg.inv(np.asarray(P)), e)
    lo, hi = chi2.ppf([0.025, 0.975], 3 * n) / n
    # measured worst case: seeded: NEES 2.97 (upper edge 3.11) (hyperdef 0.1.0, float64).
    assert lo < nees.mean() < hi
    assert np.linalg.norm(e.mean(0)) < 3 * np.sqrt(np.trace(np.asarray(P[0])) / n)  # unbiased


def test_triangulate_bad_inputs_give_status():
    s, u = _two_sensor_geometry(np.radians(30.0), 2.0e6)
    sig = np.full(2, 1e-5)
    par = np.stack([u[0], u[0]])
    assert int(triangulate(s, par, sig)[2]) == Status.SINGULAR
    bad = u.copy()
    bad[1, 0] = np.nan
    r, P, st = triangulate(s, bad, sig)
    assert int(st) == Status.NON_FINITE and np.all(np.isnan(np.asarray(r)))
    # The NaN row may be masked out; one valid row remains: INVALID_INPUT, not an exception.
    assert int(triangulate(s, bad, sig, valid=np.array([True, False]))[2]) == Status.INVALID_INPUT
    # Lines that meet behind the sensors.
    assert int(triangulate(s, -u, sig)[2]) == Status.INVALID_INPUT
    # A padded third row is ignored.
    s3, u3 = np.vstack([s, np.full(3, np.nan)]), np.vstack([u, np.full(3, np.nan)])
    r3, _, st3 = triangulate(s3, u3, np.full(3, 1e-5), valid=np.array([True, True, False]))
    assert int(st3) == Status.OK and np.linalg.norm(np.asarray(r3) - TGT) < 1e-6


def test_radar_initiate_inverts_measurement_and_covariance():
    site, lat, lon = sc.radar_site()
    x_true = np.concatenate([site + np.array([2e5, -1e5, 3e5]), [1000.0, -2000.0, 500.0]])
    z = np.asarray(radar_measure(site, np.zeros(3), lat, lon, x_true[:3], x_true[3:]))
    x6, P6 = radar_initiate(sc.radar_row(0.0, z), sigma_vel_mps=3000.0)
    x6, P6 = np.asarray(x6), np.asarray(P6)
    assert np.linalg.norm(x6[:3] - x_true[:3]) < 1e-6  # exact inverse, rounding only
    u = (x_true[:3] - site) / np.linalg.norm(x_true[:3] - site)
    assert abs(u @ x6[3:] - z[3]) < 1e-9  # radial velocity = range rate
    # Position covariance: σ_range along the LOS (closed form); velocity: σ_rr along it and the
    # prior across it.
    rng = z[0]
    assert np.sqrt(u @ P6[:3, :3] @ u) == pytest.approx(sc.RADAR_SIGMA[0], rel=1e-9)
    assert np.sqrt(u @ P6[3:, 3:] @ u) == pytest.approx(sc.RADAR_SIGMA[3], rel=1e-9)
    perp = np.cross(u, [0.0, 0.0, 1.0])
    perp /= np.linalg.norm(perp)
    # Across: the prior, plus the range rate carried by the angle errors (≤ |ṙ|·σ_angle).
    sd_cross = np.sqrt(perp @ P6[3:, 3:] @ perp)
    assert 3000.0 <= sd_cross <= np.hypot(3000.0, abs(z[3]) * 1e-3) + 1e-9
    # Volume element of spherical coordinates: √det P_pos = σr σaz σel ρ² cos(el).
    vol = sc.RADAR_SIGMA[0] * sc.RADAR_SIGMA[1] * sc.RADAR_SIGMA[2] * rng**2 * np.cos(z[2])
    assert np.sqrt(np.linalg.det(P6[:3, :3])) == pytest.approx(vol, rel=1e-9)


def test_los_initiate_hypotheses():
    r_sat = sc.sat_state(0, 0.0)[0]
    u = np.asarray(los_unit(r_sat, TGT))
    ranges = range_hypotheses(5e5, 5e6, 6)
    x6, P6 = los_initiate(sc.los_row(0, 0.0, u), ranges_m=ranges)
    assert x6.shape == (6, 6) and P6.shape == (6, 6, 6)
    k = 10.0 ** (1 / 5)
    cv = 2 * (k - 1) / (np.sqrt(12) * (k + 1))  # Peach (1995)
    for h in range(6):
        d = np.asarray(x6[h, :3]) - r_sat
        np.testing.assert_allclose(d / np.linalg.norm(d), u, atol=1e-12)
        assert np.sqrt(u @ np.asarray(P6[h, :3, :3]) @ u) == pytest.approx(cv * ranges[h])
    # The hypotheses' range intervals (±√3σ, a uniform cell) tile the ladder without gaps.
    assert np.sqrt(3) * cv * (ranges[0] + ranges[1]) == pytest.approx(ranges[1] - ranges[0])


def test_two_point_velocity():
    P = np.eye(3) * 100.0  # noqa: N806
    x6, P6, st = two_point_velocity(jnp.zeros(3), P, 0.0, jnp.array([10.0, 0, 0]), P, 2.0)
    np.testing.assert_allclose(x6, [10.0, 0, 0, 5.0, 0, 0])
    np.testing.assert_allclose(np.diag(P6), [100.0] * 3 + [50.0] * 3)
    assert int(st) == Status.OK
    assert int(two_point_velocity(jnp.zeros(3), P, 1.0, jnp.zeros(3), P, 1.0)[2]) == \
        Status.INVALID_INPUT
