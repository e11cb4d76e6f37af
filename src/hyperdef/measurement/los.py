"""Angle-only line-of-sight (LOS) measurements: unit vectors observer→target in ECEF.

A LOS is kept as a unit vector, never as two angles, so nothing wraps at ±π and nothing is
singular at the poles of any angle system. Noise and innovations live in the tangent plane of the
unit sphere at the measured direction, spanned by `tangent_basis`.

Noise model (the sensors' generator and the filters agree on it):
    u_meas = normalize(u_true + σ (n1 e1 + n2 e2)),  n1, n2 ~ N(0, 1),
    (e1, e2) = tangent_basis(u_true)
    ν = tangent_basis(u_meas) @ (u_meas − u_pred)  ≈ angular error [rad],  R = σ² I₂
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike


def _dot3(a: jax.Array, b: jax.Array) -> jax.Array:
    """(..., 3)·(..., 3) → (...). Written out: XLA:CPU runs a 3-element reduction as a library
    call per row, ~10× slower under vmap than these two fused adds."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _normalize(v: jax.Array) -> jax.Array:
    return v / jnp.sqrt(_dot3(v, v))[..., None]


@jax.jit
def los_unit(r_obs_ecef_m: ArrayLike, r_tgt_ecef_m: ArrayLike) -> jax.Array:
    """Unit line of sight from observer to target.

    r_obs_ecef_m: (..., 3) observer position, ECEF [m]
    r_tgt_ecef_m: (..., 3) target position, ECEF [m]
    returns: (..., 3) unit vector observer→target, ECEF [-] (NaN where the two points coincide)
    """
    d = jnp.asarray(r_tgt_ecef_m, jnp.float64) - jnp.asarray(r_obs_ecef_m, jnp.float64)
    return _normalize(d)


@jax.jit
def tangent_basis(u: ArrayLike) -> jax.Array:
    """Orthonormal basis (e1, e2) of the plane orthogonal to u, with e1 × e2 = u.

    Branch-free construction of Duff et al., "Building an Orthonormal Basis, Revisited",
    J. Computer Graphics Techniques 6(1), 2017 (Listing 3), which improves Frisvad (2012). It is
    exact and well conditioned for every direction, the poles (u = ±z) included. By the hairy-ball
    theorem no continuous tangent frame covers the whole sphere; this one is smooth on each
    hemisphere z ≥ 0 and z < 0 and turns about u across the equatorial plane z = 0. That seam is
    harmless here: the LOS noise is isotropic in the tangent plane (R = σ² I₂), so the innovation
    statistics do not depend on the frame's orientation.

    u: (..., 3) direction, ECEF (normalised here; need not be unit)
    returns: (..., 2, 3) rows e1, e2 (unit, orthogonal to u)
    """
    n = _normalize(jnp.asarray(u, jnp.float64))
    x, y, z = n[..., 0], n[..., 1], n[..., 2]
    s = jnp.where(z >= 0.0, 1.0, -1.0)
    a = -1.0 / (s + z)
    b = x * y * a
    e1 = jnp.stack([1.0 + s * x * x * a, s * b, -s * x], axis=-1)
    e2 = jnp.stack([b, s + y * y * a, -y], axis=-1)
    return jnp.stack([e1, e2], axis=-2)


def perturb_los(u: ArrayLike, sigma_rad: ArrayLike, *, key: ArrayLike) -> jax.Array:
    """Noisy LOS: normalize(u + σ (n1 e1 + n2 e2)) with (e1, e2) = tangent_basis(u).

    u: (..., 3) true unit LOS, ECEF
    sigma_rad: (...) or scalar 1σ angular noise per tangent axis [rad]
    key: JAX PRNG key (keyword-only)
    returns: (..., 3) measured unit LOS, ECEF
    """
    u = jnp.asarray(u, jnp.float64)
    n = jax.random.normal(key, u.shape[:-1] + (2,), dtype=jnp.float64)
    sigma = jnp.asarray(sigma_rad, jnp.float64)[..., None]
    e = tangent_basis(u)
    return _normalize(u + sigma * (n[..., 0:1] * e[..., 0, :] + n[..., 1:2] * e[..., 1, :]))


@jax.jit
def los_innovation(u_meas: ArrayLike, r_obs_ecef_m: ArrayLike,
                   r_tgt_ecef_m: ArrayLike) -> jax.Array:
    """Tangent-plane innovation of a measured LOS against a predicted target position.

    ν = tangent_basis(u_meas) @ (u_meas − u_pred): for small errors the two angular components of
    the miss [rad] along e1, e2 at the measured direction (their norm is sin of the angle
    between the directions when that angle is small). Because the basis depends only on the
    measurement, ∂ν/∂r_tgt = −E ∂u_pred/∂r_tgt, which JAX derives.

    u_meas: (..., 3) measured unit LOS, ECEF
    r_obs_ecef_m: (..., 3) observer position at the measurement time, ECEF [m]
    r_tgt_ecef_m: (..., 3) predicted target position, ECEF [m]
    returns: (..., 2) innovation [rad]
    """
    u_meas = jnp.asarray(u_meas, jnp.float64)
    e = tangent_basis(u_meas)
    d = u_meas - los_unit(r_obs_ecef_m, r_tgt_ecef_m)
    return jnp.stack([_dot3(e[..., 0, :], d), _dot3(e[..., 1, :], d)], axis=-1)
