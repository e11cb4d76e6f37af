"""Triangulation geometry of angle-only sensors: parallax and the predicted position covariance.

For observers s_i with unit lines of sight u_i to a target at ranges ρ_i and angular noise σ_i,
the least-squares intersection and its covariance are (docs/references.md#triangulation)

    x̂ = [Σ (I − u_i u_iᵀ)]⁻¹ Σ (I − u_i u_iᵀ) s_i,
    P = [Σ (I − u_i u_iᵀ)/(ρ_i² σ_i²)]⁻¹.

Two sensors at parallax γ with equal ρ, σ give 1σ axes ρσ/(√2 sin(γ/2)) (along the bisector),
ρσ/(√2 cos(γ/2)) and ρσ/√2 (normal to the plane of the two lines of sight). These predictions
say how good a stereo (≥ 2-fold) look is before any tracker runs; the tracker's own
initiation lives in hyperdef.tracking.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


@jax.jit
def parallax_rad(r_obs1_ecef_m: jax.Array, r_obs2_ecef_m: jax.Array,
                 r_tgt_ecef_m: jax.Array) -> jax.Array:
    """(...,) angle [rad] at the target between the two observers, positions (..., 3) [m]."""
    a = r_obs1_ecef_m - r_tgt_ecef_m
    b = r_obs2_ecef_m - r_tgt_ecef_m
    cross = jnp.linalg.norm(jnp.cross(a, b), axis=-1)
    return jnp.arctan2(cross, jnp.sum(a * b, axis=-1))


@jax.jit
def triangulation_cov_m2(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array,
                         sigma_rad: jax.Array) -> jax.Array:
    """(..., 3, 3) predicted covariance [m²] of a target triangulated from N lines of sight.

    r_obs_ecef_m: (..., N, 3) observers [m]; r_tgt_ecef_m: (..., 3) target [m];
    sigma_rad: (..., N) or scalar 1σ angular noise per tangent axis [rad].
    Singular (infinite along the common line) when all lines of sight are parallel.
    """
    d = r_tgt_ecef_m[..., None, :] - r_obs_ecef_m
    rho2 = jnp.sum(d * d, axis=-1)
    u = d / jnp.sqrt(rho2)[..., None]
    proj = jnp.eye(3) - u[..., :, None] * u[..., None, :]
    w = 1.0 / (rho2 * jnp.broadcast_to(jnp.asarray(sigma_rad), rho2.shape) ** 2)
    info = jnp.sum(w[..., None, None] * proj, axis=-3)
    return jnp.linalg.inv(info)
