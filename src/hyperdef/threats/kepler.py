"""Vacuum ballistic arcs over a spherical Earth: the closed forms used to aim ballistic missiles.

With ν = v²r/μ (burnout speed squared over the local circular speed squared) and γ the burnout
flight-path angle above the local (geocentric) horizontal, the ground angle Ψ between burnout and
return to the same radius is (Regan & Anandakrishnan, *Dynamics of
Atmospheric Re-entry*, AIAA 1993, ch. 3):

    tan(Ψ/2) = ν sin γ cos γ / (1 − ν cos² γ),

minimum energy at γ* = (π − Ψ)/4 with ν* = 2 sin(Ψ/2)/(1 + sin(Ψ/2)), and, for a chosen γ,
ν = sin(Ψ/2) / (cos γ · sin(γ + Ψ/2)). Times of flight follow from Kepler's equation
M = E − e sin E (Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 2).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike


def ground_angle_rad(nu: ArrayLike, gamma_rad: ArrayLike) -> jax.Array:
    """(...) ground angle Ψ [rad] of a vacuum arc back to its start radius (Eq. above)."""
    sg, cg = jnp.sin(gamma_rad), jnp.cos(gamma_rad)
    return 2.0 * jnp.arctan2(nu * sg * cg, 1.0 - nu * cg * cg)


def minimum_energy(psi_rad: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(γ* [rad], ν*), each (...), of the minimum-energy arc over ground angle Ψ [rad]."""
    s = jnp.sin(0.5 * psi_rad)
    return 0.25 * (jnp.pi - psi_rad), 2.0 * s / (1.0 + s)


def nu_for(psi_rad: ArrayLike, gamma_rad: ArrayLike) -> jax.Array:
    """(...) ν that carries an arc at flight-path angle γ over ground angle Ψ (both [rad])."""
    return jnp.sin(0.5 * psi_rad) / (jnp.cos(gamma_rad) * jnp.sin(gamma_rad + 0.5 * psi_rad))


def _mean_anomaly(f: jax.Array, e: jax.Array) -> jax.Array:
    """M(f) for an ellipse, f and M in [0, 2π)."""
    big_e = jnp.mod(jnp.arctan2(jnp.sqrt(1.0 - e * e) * jnp.sin(f), e + jnp.cos(f)), 2 * jnp.pi)
    return big_e - e * jnp.sin(big_e)


def predict_descent(r_m: jax.Array, v_inertial_mps: jax.Array, r_impact_m: ArrayLike,
                    gm_m3ps2: float) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Where a coasting vacuum arc next comes down through a sphere of radius r_impact_m.

    Args:
      r_m: (..., 3) position from the Earth's centre [m] (inertial axes).
      v_inertial_mps: (..., 3) inertial velocity [m/s].
      r_impact_m: (...) radius of the sphere [m].
      gm_m3ps2: μ [m³/s²].
    Returns:
      (psi_rad, tof_s, ok), each (...): ground angle still to fly and time to get there along
      the descending branch. ok is False where the arc never crosses r_impact_m: psi and tof
      are 0 for an arc that stays below it, +inf for one that stays above it or is unbound.
      Boundness is judged by the energy v²/2 − μ/r, not by e < 1: a body at rest in the
      inertial frame (a pad on a non-rotating Earth, or at a pole) flies the degenerate
      rectilinear ellipse, e = 1 to rounding, and must come out bound with Ψ = 0 (it falls
      straight back), not unbound with Ψ = +inf.
    """
    r = jnp.linalg.norm(r_m, axis=-1)
    h_vec = jnp.cross(r_m, v_inertial_mps)
    h = jnp.linalg.norm(h_vec, axis=-1)
    p = h * h / gm_m3ps2
    e_vec = jnp.cross(v_inertial_mps, h_vec) / gm_m3ps2 - r_m / r[..., None]
    e = jnp.maximum(jnp.linalg.norm(e_vec, axis=-1), 1e-12)
    cos_f0 = jnp.sum(e_vec * r_m, axis=-1) / (e * r)
    sin_f0 = jnp.sum(r_m * v_inertial_mps, axis=-1) * h / (gm_m3ps2 * e * r)
    f0 = jnp.mod(jnp.arctan2(sin_f0, cos_f0), 2 * jnp.pi)
    cos_f1 = (p / r_impact_m - 1.0) / e
    bound = 0.5 * jnp.sum(v_inertial_mps**2, axis=-1) < gm_m3ps2 / r
    ok = (jnp.abs(cos_f1) <= 1.0) & bound
    f1 = 2 * jnp.pi - jnp.arccos(jnp.clip(cos_f1, -1.0, 1.0))
    psi = jnp.maximum(f1 - f0, 0.0)
    e_ok = jnp.minimum(e, 1.0 - 1e-12)
    a = p / (1.0 - e_ok * e_ok)
    n = jnp.sqrt(gm_m3ps2 / a**3)
    tof = jnp.maximum(_mean_anomaly(f1, e_ok) - _mean_anomaly(f0, e_ok), 0.0) / n
    never = jnp.where((cos_f1 < -1.0) & bound, 0.0, jnp.inf)
    return jnp.where(ok, psi, never), jnp.where(ok, tof, never), ok
