"""Motion models: process noise against published closed forms and FilterPy; physics integrals."""

from decimal import Decimal, localcontext

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from filterpy.common import Q_continuous_white_noise
from scipy.integrate import solve_ivp

from hyperdef.atmosphere.us76 import density_kgpm3
from hyperdef.dynamics.eom import aero_accel_mps2, altitude_and_up, frame_accel_mps2
from hyperdef.earth.model import SPHERICAL_NONROTATING, WGS84
from hyperdef.tracking.motion import (
    Ballistic,
    ConstantAcceleration,
    ConstantVelocity,
    Glide,
    Singer,
    embed6,
    motion_model,
    singer_transition,
)


@pytest.mark.parametrize("dt", [0.1, 1.0, 7.5])
def test_cv_ca_noise_equal_filterpy(dt):
    # FilterPy's Q_continuous_white_noise implements the same Bar-Shalom continuous models;
    # block_size=3, order_by_dim=False orders states [x, y, z, vx, ...] as hyperdef does.
    q_cv = Q_continuous_white_noise(2, dt, 3.0, block_size=3, order_by_dim=False)
    # measured worst case: 4.2e-16 relative (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(ConstantVelocity(3.0).Q(None, dt), q_cv, rtol=1e-14)
    q_ca = Q_continuous_white_noise(3, dt, 0.5, block_size=3, order_by_dim=False)
    np.testing.assert_allclose(ConstantAcceleration(0.5).Q(None, dt), q_ca, rtol=1e-14)


def _singer_closed_form(tau, t, sigma_m):
    """Singer (1970) discrete F and Q, as restated by Li & Jilkov, IEEE TAES 39(4), 2003 (Singer
    model), evaluated in 120-digit decimal arithmetic: q₁₁ is O(1) terms summing to ~(αT)⁵/20,
    so at αT = 1e-10 the sum needs 50 digits beyond float64's 16 to be exact to rounding."""
    with localcontext() as ctx:
        ctx.prec = 120
        alpha, t = 1 / Decimal(tau), Decimal(t)
        at = alpha * t
        e1, e2 = (-at).exp(), (-2 * at).exp()
        q11 = (1 - e2 + 2 * at + 2 * at**3 / 3 - 2 * at**2 - 4 * at * e1) / (2 * alpha**5)
        q12 = (e2 + 1 - 2 * e1 + 2 * at * e1 - 2 * at + at**2) / (2 * alpha**4)
        q13 = (1 - e2 - 2 * at * e1) / (2 * alpha**3)
        q22 = (4 * e1 - 3 - e2 + 2 * at) / (2 * alpha**3)
        q23 = (e2 + 1 - 2 * e1) / (2 * alpha**2)
        q33 = (1 - e2) / (2 * alpha)
        scale = (-1 if t < 0 else 1) * 2 * alpha * Decimal(sigma_m) ** 2  # sign: backward step
        q = [[q11, q12, q13], [q12, q22, q23], [q13, q23, q33]]
        f = [[1, t, (at - 1 + e1) / alpha**2], [0, 1, (1 - e1) / alpha], [0, 0, e1]]
        return (np.array([[float(v) for v in row] for row in f]),
                np.array([[float(scale * v) for v in row] for row in q]))


@pytest.mark.parametrize("tau", [1.0, 20.0, 1e4])
@pytest.mark.parametrize("dt", [1e-6, 0.05, 1.0, 19.9, 20.1, 100.0, -3.0, -30.0])
def test_singer_matches_closed_form(tau, dt):
    # Series below αT = 1, closed forms above (both sides of the switch at 20 s for τ = 20 s),
    # backward steps, and αT from 1e-10 to 100. Every entry to 1e-13 relative: measured worst
    # 6.5e-15; a matrix exponential (Van Loan 1978) of the same model is off by 7.9e-10 at
    # αT = 0.05 and by orders of magnitude at αT = 1e-10, where q₁₁ is 1e-36 of q₃₃.
    f_ref, q_ref = _singer_closed_form(tau, dt, 30.0)
    f, q = singer_transition(tau, 30.0, dt)
    np.testing.assert_allclose(f, f_ref, rtol=1e-13, atol=0.0)
    np.testing.assert_allclose(q, q_ref, rtol=1e-13, atol=0.0)


def test_singer_short_tau_limit_is_ca_like_and_backward_noise_is_psd():
    # τ → ∞: the acceleration becomes a random walk of PSD 2σ²/τ, so q33 → (2σ²/τ)·T.
    _, q = singer_transition(1e9, 1.0, 0.5)
    assert q[2, 2] == pytest.approx(2.0 * 1e-9 * 0.5, rel=1e-6)
    for model in (ConstantVelocity(2.0), ConstantAcceleration(1.0), Singer(10.0, 5.0)):
        q_back = np.asarray(model.Q(jnp.zeros(model.dim), -3.0))
        assert np.min(np.linalg.eigvalsh(q_back)) > -1e-9 * np.max(np.abs(q_back))
        assert np.trace(q_back) > 0


def test_factory_and_embed():
    m = motion_model("glide", ld0=2.5)
    assert m.dim == 9 and m.components[-1] == "bank_rad"
    x, P = embed6(m, jnp.arange(6.0), jnp.eye(6))
    np.testing.assert_allclose(x[6:], [np.log(8000.0), 2.5, 0.0])
    np.testing.assert_allclose(np.diag(P)[6:], [1.0, 1.0, 0.25])
    with pytest.raises(ValueError, match="choose one of"):
        motion_model("spline")


def test_ballistic_vacuum_conserves_energy():
    # Non-rotating sphere, drag off (β = 1e30): specific energy v²/2 − μ/r is an integral of the
    # motion (closed form); RK4 with 1 s substeps keeps it to ~1e-6 relative over 300 s.
    m = Ballistic(earth=SPHERICAL_NONROTATING)
    r0 = np.array([6.371e6 + 3.0e5, 0.0, 0.0])
    v0 = np.array([1000.0, 6500.0, 1200.0])
    x = jnp.concatenate([r0, v0, jnp.array([np.log(1e30)])])
    x1 = np.asarray(jax.jit(m.f)(x, 300.0))
    mu = SPHERICAL_NONROTATING.gm_m3ps2

    def energy(y):
        return 0.5 * np.dot(y[3:6], y[3:6]) - mu / np.linalg.norm(y[:3])

    assert abs(energy(x1) / energy(np.asarray(x)) - 1.0) < 1e-8
    # Angular momentum r × v too (central force): 1e-8 relative.
    h0, h1 = np.cross(r0, v0), np.cross(x1[:3], x1[3:6])
    assert np.linalg.norm(h1 - h0) / np.linalg.norm(h0) < 1e-8


def test_glide_matches_scipy_integration_of_the_same_forces():
    # RK4 substepping vs scipy's adaptive DOP853 (rtol 1e-11) on the same force model: a 60 s
    # glide at 40 km, 5.5 km/s, banked. 0.5 m after 330 km of flight is far below sensor noise.
    m = Glide(earth=WGS84, max_step_s=0.5)
    lat, lon = 0.5, 0.3
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    r0 = (6.371e6 + 4.0e4) * up
    v0 = 5500.0 * east
    beta, ld, bank = 8000.0, 2.2, 0.4

    def rhs(_t, y):
        r, v = jnp.asarray(y[:3]), jnp.asarray(y[3:])
        alt, _ = altitude_and_up(r, WGS84)
        rho = density_kgpm3(alt)
        a = frame_accel_mps2(r, v, WGS84) + aero_accel_mps2(r, v, rho, beta, ld, bank, WGS84)
        return np.concatenate([y[3:], np.asarray(a)])

    ref = solve_ivp(rhs, (0.0, 60.0), np.concatenate([r0, v0]), method="DOP853", rtol=1e-11,
                    atol=1e-6).y[:, -1]
    x = jnp.concatenate([r0, v0, jnp.array([np.log(beta), ld, bank])])
    out = np.asarray(jax.jit(m.f)(x, 60.0))
    assert np.linalg.norm(out[:3] - ref[:3]) < 0.5
    assert np.linalg.norm(out[3:6] - ref[3:]) < 0.01
    np.testing.assert_array_equal(out[6:], np.asarray(x[6:]))


def test_physical_model_jacobian_matches_finite_differences():
    m = Ballistic()
    r0 = np.array([6.371e6 + 6.0e4, 0.0, 1.0e5])
    x = jnp.concatenate([r0, jnp.array([-3000.0, 2000.0, -1500.0, np.log(3000.0)])])
    steps = np.array([1.0, 1.0, 1.0, 0.01, 0.01, 0.01, 1e-4])
    probes = jnp.concatenate([x + np.diag(steps), x - np.diag(steps)])

    @jax.jit
    def both(y, probes):  # one compilation for the Jacobian and the probes
        return jax.jacfwd(lambda z: m.f(z, 5.0))(y), jax.vmap(lambda z: m.f(z, 5.0))(probes)

    j, out = (np.asarray(a) for a in both(x, probes))
    fd = ((out[:7] - out[7:]) / (2 * steps[:, None])).T
    # Central differences: truncation O(step²·f''') and rounding ~1e-16·|x|/step ≈ 1e-9
    # relative for 1 m steps on 6e6 m positions.
    np.testing.assert_allclose(j, fd, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("cls", [Ballistic, Glide])
def test_physical_model_jacobian_at_rest_is_finite_and_matches_finite_differences(cls):
    # A track started from a position fix has velocity mean 0. Drag and lift grow as |v|², so
    # their derivative at rest is 0; the Jacobian must be finite there (it was NaN: d|v|/dv =
    # 0/0) and agree with central differences of the same propagation (steps of 1 m/s change
    # the aerodynamic force by ~ρ·1²/2β ≈ 1e-8 m/s² at 60 km: far below the 1e-6 tolerance).
    m = cls()
    x, _ = embed6(m, np.r_[6.371e6 + 6.0e4, 0.0, 1.0e5, 0.0, 0.0, 0.0], np.eye(6))
    # 0.1 on the extras: their effect at rest is ~1e-5 m, so smaller steps drown in rounding
    steps = np.r_[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, np.full(m.dim - 6, 0.1)]
    probes = jnp.concatenate([x + np.diag(steps), x - np.diag(steps)])

    @jax.jit
    def both(y, probes):
        return jax.jacfwd(lambda z: m.f(z, 2.0))(y), jax.vmap(lambda z: m.f(z, 2.0))(probes)

    j, out = (np.asarray(a) for a in both(x, probes))
    assert np.isfinite(j).all()
    if cls is Glide:
        return  # lift's direction turns with v̂ as the body falls: ±1 m/s is not linear there
    fd = ((out[: m.dim] - out[m.dim:]) / (2 * steps[:, None])).T
    np.testing.assert_allclose(j, fd, rtol=2e-6, atol=1e-6)
