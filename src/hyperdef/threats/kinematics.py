"""Flight states in local terms: speed, flight-path angle and heading ↔ ECEF vectors.

Flight-path angle γ is measured from the local horizontal (the plane normal to the geodetic
vertical), positive up; heading ψ clockwise from north. The Earth-relative velocity in the local
east-north-up frame is V·(cos γ sin ψ, cos γ cos ψ, sin γ) (Vinh, Busemann & Culp, *Hypersonic and
Planetary Entry Flight Mechanics*, 1980, ch. 2).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.dynamics.eom import altitude_and_up
from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.earth.model import EarthModel


@functools.partial(jax.jit, static_argnames="earth")
def ecef_state(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike, speed_mps: ArrayLike,
               flight_path_rad: ArrayLike, heading_rad: ArrayLike,
               earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """ECEF position and velocity of a vehicle given in local terms.

    Args:
      lat_rad, lon_rad, alt_m: (...) geodetic position [rad, rad, m].
      speed_mps: (...) Earth-relative speed [m/s].
      flight_path_rad: (...) flight-path angle γ above the local horizontal [rad].
      heading_rad: (...) heading ψ clockwise from north [rad].
      earth: Earth model (static).
    Returns:
      (r_ecef_m, v_ecef_mps), each (..., 3).
    """
    r = geodetic_to_ecef(lat_rad, lon_rad, alt_m, earth)
    cg = jnp.cos(flight_path_rad)
    v_enu = jnp.stack([cg * jnp.sin(heading_rad), cg * jnp.cos(heading_rad),
                       jnp.sin(flight_path_rad)], axis=-1) * jnp.asarray(speed_mps)[..., None]
    rot = R_enu_from_ecef(lat_rad, lon_rad)
    v = jnp.einsum("...ji,...j->...i", rot, jnp.broadcast_to(v_enu, rot.shape[:-1]))
    return r, v


@functools.partial(jax.jit, static_argnames="earth")
def flight_angles(r_ecef_m: ArrayLike, v_ecef_mps: ArrayLike,
                  earth: EarthModel) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(speed_mps, flight_path_rad, heading_rad), each (...), of ECEF states (..., 3)."""
    _, up = altitude_and_up(r_ecef_m, earth)
    v = jnp.asarray(v_ecef_mps, jnp.float64)
    speed = jnp.linalg.norm(v, axis=-1)
    v_up = jnp.sum(v * up, axis=-1)
    lat, lon, _ = ecef_to_geodetic(r_ecef_m, earth)
    rot = R_enu_from_ecef(lat, lon)
    v_enu = jnp.einsum("...ij,...j->...i", rot, v)
    heading = jnp.mod(jnp.arctan2(v_enu[..., 0], v_enu[..., 1]), 2.0 * jnp.pi)
    return speed, jnp.arctan2(v_up, jnp.hypot(v_enu[..., 0], v_enu[..., 1])), heading


def central_angle_rad(a_m: ArrayLike, b_m: ArrayLike) -> jax.Array:
    """(...) angle between two position vectors (..., 3) at the Earth's centre [rad], stable
    at 0 and π (atan2 of |a×b| and a·b)."""
    return jnp.arctan2(jnp.linalg.norm(jnp.cross(a_m, b_m), axis=-1),
                       jnp.sum(a_m * b_m, axis=-1))
