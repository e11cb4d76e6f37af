"""Keplerian orbits with J2 secular drift, vectorised over satellites and times.

Elements are mean elements at the scenario epoch (t_s = 0) in hyperdef's ECI (ECEF rotated about z
by the Earth rotation angle; docs/conventions.md#eci). Between epoch and t the node, perigee and
mean anomaly drift at the first-order J2 secular rates (Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed., 2013, Eqs. 9-41):

    Ω̇ = −(3/2) n J2 (R/p)² cos i
    ω̇ = (3/4) n J2 (R/p)² (4 − 5 sin² i)
    Ṁ = n + (3/4) n J2 (R/p)² √(1 − e²) (2 − 3 sin² i)

with n = √(μ/a³), p = a(1 − e²), R the equatorial radius. Short-period J2 terms (≈ 10 km in
position for LEO) are not modelled: positions are those of the mean orbit, which is what a
constellation-level visibility and coverage study needs; use TLEs (hyperdef.sensors.tle) for
catalogued objects.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.frames import eci_to_ecef_state
from hyperdef.earth.model import WGS84, EarthModel
from hyperdef.time import Epoch, earth_rotation_angle_rad

# Newton on Kepler's equation from E0 = M (e < 0.8) or π: quadratic convergence reaches 1e-15 rad
# in ≤ 6 steps for e ≤ 0.8 and ≤ 10 for e ≤ 0.99 (Vallado 2013, Algorithm 2); 12 is a margin.
_KEPLER_ITERATIONS = 12


# One element of P satellites: a number (all alike), an array or a list of numbers.
ElementValues = ArrayLike | Sequence[float]


class Elements(NamedTuple):
    """Mean Keplerian elements at epoch, each (P,) for P satellites (ECI, SI, radians)."""

    a_m: jax.Array
    e: jax.Array
    inc_rad: jax.Array
    raan_rad: jax.Array
    argp_rad: jax.Array
    m0_rad: jax.Array

    # Shadows tuple.count (the number of satellites reads better than len(el.a_m)); nothing
    # counts occurrences in an Elements record.
    @property
    def count(self) -> int:  # type: ignore[override]
        return int(jnp.shape(self.a_m)[0])

    @staticmethod
    def concat(parts: list[Elements]) -> Elements:
        return Elements(*(jnp.concatenate([jnp.atleast_1d(p[i]) for p in parts])
                          for i in range(6)))


def elements(a_m: ElementValues, e: ElementValues, inc_rad: ElementValues, raan_rad: ElementValues,
             argp_rad: ElementValues, m0_rad: ElementValues) -> Elements:
    """Broadcast six element arrays (any shapes) to one (P,) float64 `Elements`."""
    arrays = jnp.broadcast_arrays(*(jnp.atleast_1d(jnp.asarray(x, jnp.float64))
                                    for x in (a_m, e, inc_rad, raan_rad, argp_rad, m0_rad)))
    return Elements(*(x.reshape(-1) for x in arrays))


@jax.jit
def solve_kepler(m_rad: jax.Array, e: jax.Array) -> jax.Array:
    """Eccentric anomaly E [rad] (...) solving M = E − e sin E for e in [0, 1) (Newton).

    m_rad: (...) mean anomaly [rad]; e: (...) eccentricity.
    """
    m = jnp.mod(m_rad, 2.0 * jnp.pi)
    e = jnp.asarray(e, jnp.float64)
    def newton(_: int, x: jax.Array) -> jax.Array:
        return x - (x - e * jnp.sin(x) - m) / (1.0 - e * jnp.cos(x))

    # A rolled loop: the same arithmetic as unrolling, at a fraction of the compile time.
    return jax.lax.fori_loop(0, _KEPLER_ITERATIONS, newton, jnp.where(e < 0.8, m, jnp.pi))


@functools.partial(jax.jit, static_argnames="gm_m3ps2")
def elements_to_eci(a_m: jax.Array, e: jax.Array, inc_rad: jax.Array, raan_rad: jax.Array,
                    argp_rad: jax.Array, m_rad: jax.Array,
                    gm_m3ps2: float) -> tuple[jax.Array, jax.Array]:
    """Position and velocity of Keplerian elements (Vallado 2013, Algorithm 10, COE2RV).

    All inputs (...) [m, –, rad, rad, rad, rad]; gm_m3ps2 the gravitational parameter [m³/s²].
    Returns (r_eci_m, v_eci_mps), each (..., 3), in the frame the angles are measured in.
    """
    ecc_anom = solve_kepler(m_rad, e)
    cos_e, sin_e = jnp.cos(ecc_anom), jnp.sin(ecc_anom)
    root = jnp.sqrt(1.0 - e * e)
    # Perifocal (PQW) coordinates from the eccentric anomaly avoid computing the true anomaly.
    x_pf = a_m * (cos_e - e)
    y_pf = a_m * root * sin_e
    rdot = jnp.sqrt(gm_m3ps2 * a_m) / (a_m * (1.0 - e * cos_e))
    vx_pf = -rdot * sin_e
    vy_pf = rdot * root * cos_e
    co, so = jnp.cos(raan_rad), jnp.sin(raan_rad)
    cw, sw = jnp.cos(argp_rad), jnp.sin(argp_rad)
    ci, si = jnp.cos(inc_rad), jnp.sin(inc_rad)
    # Columns P and Q of the perifocal-to-inertial rotation R3(−Ω) R1(−i) R3(−ω).
    p_hat = jnp.stack([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si], axis=-1)
    q_hat = jnp.stack([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si], axis=-1)
    r = x_pf[..., None] * p_hat + y_pf[..., None] * q_hat
    v = vx_pf[..., None] * p_hat + vy_pf[..., None] * q_hat
    return r, v


@functools.partial(jax.jit, static_argnames="earth")
def j2_secular_rates(a_m: jax.Array, e: jax.Array, inc_rad: jax.Array,
                     earth: EarthModel = WGS84) -> tuple[jax.Array, jax.Array, jax.Array]:
    """First-order J2 secular rates (Ω̇, ω̇, Ṁ) [rad/s], each (...) (Vallado 2013, Eq. 9-41).

    a_m, e, inc_rad: (...) mean semi-major axis [m], eccentricity, inclination [rad].
    For a sphere (J2 = 0) Ω̇ = ω̇ = 0 and Ṁ = n.
    """
    n = jnp.sqrt(earth.gm_m3ps2 / a_m**3)
    p = a_m * (1.0 - e * e)
    k = n * earth.j2 * (earth.a_m / p) ** 2
    s2 = jnp.sin(inc_rad) ** 2
    raan_dot = -1.5 * k * jnp.cos(inc_rad)
    argp_dot = 0.75 * k * (4.0 - 5.0 * s2)
    m_dot = n + 0.75 * k * jnp.sqrt(1.0 - e * e) * (2.0 - 3.0 * s2)
    return raan_dot, argp_dot, m_dot


@functools.partial(jax.jit, static_argnames="earth")
def propagate_eci(el: Elements, t_s: jax.Array,
                  earth: EarthModel = WGS84) -> tuple[jax.Array, jax.Array]:
    """ECI states of P satellites at T times (Kepler + J2 secular drift).

    el: `Elements`, each (P,); t_s: (T,) seconds since epoch.
    Returns (r_eci_m, v_eci_mps), each (P, T, 3). The velocity is the time derivative of the
    drifting mean orbit, ∂r/∂M·Ṁ + ∂r/∂ω·ω̇ + ∂r/∂Ω·Ω̇ = v_kep·Ṁ/n + ω̇ ĥ×r + Ω̇ ẑ×r (the secular
    rates add ≈ 0.1 % along track in LEO, 8 m/s, over the osculating Kepler velocity).
    """
    t = jnp.asarray(t_s, jnp.float64)[None, :]
    raan_dot, argp_dot, m_dot = j2_secular_rates(el.a_m, el.e, el.inc_rad, earth)
    def col(x: jax.Array) -> jax.Array:  # (P,) → (P, 1) against (1, T)
        return x[:, None]

    r, v_kep = elements_to_eci(
        col(el.a_m), col(el.e), col(el.inc_rad),
        col(el.raan_rad) + col(raan_dot) * t,
        col(el.argp_rad) + col(argp_dot) * t,
        col(el.m0_rad) + col(m_dot) * t,
        earth.gm_m3ps2,
    )
    n = jnp.sqrt(earth.gm_m3ps2 / el.a_m**3)
    h = jnp.cross(r, v_kep)
    h_hat = h / jnp.linalg.norm(h, axis=-1, keepdims=True)
    z_cross_r = jnp.stack([-r[..., 1], r[..., 0], jnp.zeros_like(r[..., 2])], axis=-1)
    v = (v_kep * col(m_dot / n)[..., None] + col(argp_dot)[..., None] * jnp.cross(h_hat, r)
         + col(raan_dot)[..., None] * z_cross_r)
    return r, v


def propagate_ecef(el: Elements, t_s: ArrayLike, *, epoch: Epoch,
                   earth: EarthModel = WGS84) -> tuple[jax.Array, jax.Array]:
    """ECEF states (r_ecef_m, v_ecef_mps), each (P, T, 3), of `propagate_eci` at t_s (T,) [s]."""
    r_eci, v_eci = propagate_eci(el, t_s, earth)
    theta = earth_rotation_angle_rad(jnp.asarray(t_s, jnp.float64), epoch)
    if not earth.rotating:
        theta = jnp.zeros_like(theta)
    return eci_to_ecef_state(r_eci, v_eci, theta[None, :], earth.omega_radps)


def synchronous_a_m(rate_radps: float, inc_rad: float = 0.0, earth: EarthModel = WGS84) -> float:
    """Circular-orbit semi-major axis [m] whose J2-perturbed rate Ω̇ + ω̇ + Ṁ equals rate_radps.

    For rate = ω⊕ and i = 0 this is the geostationary radius (42 166 km with J2 against
    42 164 km without); fixed-point iteration converges in a few steps since J2 terms are 1e-5.
    """
    a = (earth.gm_m3ps2 / rate_radps**2) ** (1.0 / 3.0)
    for _ in range(20):
        raan_dot, argp_dot, m_dot = (float(x) for x in j2_secular_rates(a, 0.0, inc_rad, earth))
        total = raan_dot + argp_dot + m_dot
        a *= (total / rate_radps) ** (2.0 / 3.0)
    return a
