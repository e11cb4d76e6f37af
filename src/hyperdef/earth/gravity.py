"""Gravitation of an axisymmetric Earth: point mass plus the J2 zonal harmonic.

Potential, geodesy sign convention (positive, acceleration = +∇U; Vallado, *Fundamentals of
Astrodynamics and Applications*, 4th ed., 2013, ch. 8):

    U(r) = μ/r · [1 − J2 (a/r)² P2(z/r)],   P2(s) = (3 s² − 1)/2,

and its gradient, in Cartesian form (Vallado 2013, p. 594):

    a_{x,y} = −μ {x,y}/r³ · [1 − 3/2 J2 (a/r)² (5 z²/r² − 1)]
    a_z     = −μ z/r³     · [1 − 3/2 J2 (a/r)² (5 z²/r² − 3)]

z is along the rotation axis, so the same formula holds in ECEF and in hyperdef's ECI (which
differ by a rotation about z only). This is gravitation, not gravity: the centrifugal term of a
rotating frame belongs to the equations of motion (hyperdef.dynamics), not here. Neglected: J3
and higher (|J4/J2| ≈ 1.5e-3, a few 1e-5 m/s² at the surface) and the third bodies.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.model import WGS84, EarthModel


@functools.partial(jax.jit, static_argnames="earth")
def gravity_accel_mps2(r_m: ArrayLike, earth: EarthModel = WGS84) -> jax.Array:
    """Gravitational acceleration, point mass + J2 (Vallado 2013, p. 594).

    Args:
      r_m: (..., 3) position from the Earth's centre in ECEF or ECI [m] (z = rotation axis).
      earth: GM, equatorial radius and J2 (static); J2 = 0 gives the point mass.
    Returns:
      (..., 3) acceleration in the same frame [m/s²]. Not finite at r = 0.
    """
    r_vec = jnp.asarray(r_m, jnp.float64)
    r2 = jnp.sum(r_vec * r_vec, axis=-1)
    r = jnp.sqrt(r2)
    mu_r3 = earth.gm_m3ps2 / (r2 * r)
    if earth.j2 == 0.0:
        return -mu_r3[..., None] * r_vec
    k = 1.5 * earth.j2 * earth.a_m**2 / r2  # 3/2 J2 (a/r)^2
    s2 = 5.0 * r_vec[..., 2] ** 2 / r2  # 5 z^2 / r^2
    f_xy = 1.0 - k * (s2 - 1.0)
    f_z = 1.0 - k * (s2 - 3.0)
    factor = jnp.stack([f_xy, f_xy, f_z], axis=-1)
    return -mu_r3[..., None] * factor * r_vec


@functools.partial(jax.jit, static_argnames="earth")
def gravity_potential_m2ps2(r_m: ArrayLike, earth: EarthModel = WGS84) -> jax.Array:
    """Gravitational potential U, positive convention (acceleration = +∇U), point mass + J2.

    Args:
      r_m: (..., 3) position from the Earth's centre in ECEF or ECI [m] (z = rotation axis).
      earth: GM, equatorial radius and J2 (static).
    Returns:
      (...) U = μ/r [1 − J2 (a/r)² (3 z²/r² − 1)/2]  [m²/s²]; U → 0 at infinity.
    """
    r_vec = jnp.asarray(r_m, jnp.float64)
    r2 = jnp.sum(r_vec * r_vec, axis=-1)
    r = jnp.sqrt(r2)
    p2 = 0.5 * (3.0 * r_vec[..., 2] ** 2 / r2 - 1.0)
    return earth.gm_m3ps2 / r * (1.0 - earth.j2 * earth.a_m**2 / r2 * p2)
