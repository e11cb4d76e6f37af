"""Rotations between ECEF, local East-North-Up (ENU) and the inertial frame ECI.

ENU: the local tangent frame at a geodetic point, rows east, north, up (Vallado, *Fundamentals of
Astrodynamics and Applications*, 4th ed., 2013, ch. 3; the same matrix as pymap3d's `uvw2enu`).
Azimuth is clockwise from north in [0, 2π), elevation is above the local horizontal plane
(the ellipsoid's tangent plane, i.e. geodetic, not geocentric, vertical).

ECI here is ECEF rotated about z by the Earth rotation angle θ (hyperdef.time; precession,
nutation and polar motion are not modelled, docs/conventions.md#eci): r_ecef = R3(θ) r_eci with
R3(θ) the rotation of the *frame* by θ about z (Vallado's ROT3). Velocities obey the transport
theorem v_ecef = R3(θ) v_eci − ω × r_ecef, ω = (0, 0, ω⊕) (Vallado ch. 3).

All functions broadcast over leading axes: angles (...), vectors (..., 3), matrices (..., 3, 3).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84, EarthModel


def _f64(x: ArrayLike) -> jax.Array:
    return jnp.asarray(x, jnp.float64)


@jax.jit
def R_enu_from_ecef(lat_rad: jax.Array, lon_rad: jax.Array) -> jax.Array:
    """Rotation taking ECEF vector components into local ENU (Vallado ch. 3).

    Args:
      lat_rad, lon_rad: (...) geodetic latitude and longitude of the local origin [rad].
    Returns:
      (..., 3, 3) matrix whose rows are the east, north and up unit vectors in ECEF.
    """
    lat, lon = jnp.broadcast_arrays(_f64(lat_rad), _f64(lon_rad))
    sl, cl = jnp.sin(lat), jnp.cos(lat)
    so, co = jnp.sin(lon), jnp.cos(lon)
    zero = jnp.zeros_like(lat)
    east = jnp.stack([-so, co, zero], axis=-1)
    north = jnp.stack([-sl * co, -sl * so, cl], axis=-1)
    up = jnp.stack([cl * co, cl * so, sl], axis=-1)
    return jnp.stack([east, north, up], axis=-2)


def _apply(m: jax.Array, v: jax.Array) -> jax.Array:
    """m @ v over leading axes: (..., 3, 3) x (..., 3) -> (..., 3)."""
    return jnp.einsum("...ij,...j->...i", m, v)


def _apply_t(m: jax.Array, v: jax.Array) -> jax.Array:
    """m^T @ v over leading axes."""
    return jnp.einsum("...ji,...j->...i", m, v)


@functools.partial(jax.jit, static_argnames="earth")
def ecef_to_enu(r_ecef_m: jax.Array, lat0_rad: jax.Array, lon0_rad: jax.Array, alt0_m: ArrayLike,
                earth: EarthModel = WGS84) -> jax.Array:
    """ENU coordinates of an ECEF point relative to a geodetic origin.

    Args:
      r_ecef_m: (..., 3) ECEF position [m].
      lat0_rad, lon0_rad, alt0_m: (...) geodetic origin on `earth` [rad, rad, m].
    Returns:
      r_enu_m: (..., 3) east, north, up [m].
    """
    r0 = geodetic_to_ecef(lat0_rad, lon0_rad, alt0_m, earth)
    return _apply(R_enu_from_ecef(lat0_rad, lon0_rad), _f64(r_ecef_m) - r0)


@functools.partial(jax.jit, static_argnames="earth")
def enu_to_ecef(r_enu_m: jax.Array, lat0_rad: jax.Array, lon0_rad: jax.Array, alt0_m: ArrayLike,
                earth: EarthModel = WGS84) -> jax.Array:
    """ECEF position of ENU coordinates about a geodetic origin (inverse of `ecef_to_enu`).

    Args:
      r_enu_m: (..., 3) east, north, up [m].
      lat0_rad, lon0_rad, alt0_m: (...) geodetic origin on `earth` [rad, rad, m].
    Returns:
      r_ecef_m: (..., 3) ECEF position [m].
    """
    r0 = geodetic_to_ecef(lat0_rad, lon0_rad, alt0_m, earth)
    return r0 + _apply_t(R_enu_from_ecef(lat0_rad, lon0_rad), _f64(r_enu_m))


@jax.jit
def enu_to_aer(r_enu_m: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Azimuth (clockwise from north, [0, 2π)), elevation and range of an ENU vector.

    Args:
      r_enu_m: (..., 3) east, north, up [m].
    Returns:
      (az_rad, el_rad, range_m), each (...). The zero vector gives (0, 0, 0).
    """
    e, n, u = r_enu_m[..., 0], r_enu_m[..., 1], r_enu_m[..., 2]
    horiz = jnp.hypot(e, n)
    az = jnp.mod(jnp.arctan2(e, n), 2.0 * jnp.pi)
    # mod can round a tiny negative angle up to exactly 2π; keep the half-open interval.
    az = jnp.where(az >= 2.0 * jnp.pi, 0.0, az)
    return az, jnp.arctan2(u, horiz), jnp.linalg.norm(r_enu_m, axis=-1)


@jax.jit
def aer_to_enu(az_rad: jax.Array, el_rad: jax.Array, range_m: jax.Array) -> jax.Array:
    """ENU vector [m] (..., 3) of azimuth, elevation [rad] and range [m], each (...)."""
    az, el, rng = jnp.broadcast_arrays(_f64(az_rad), _f64(el_rad), _f64(range_m))
    horiz = rng * jnp.cos(el)
    return jnp.stack([horiz * jnp.sin(az), horiz * jnp.cos(az), rng * jnp.sin(el)], axis=-1)


@jax.jit
def ecef_to_aer(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, lat_obs_rad: ArrayLike,
                lon_obs_rad: ArrayLike) -> jax.Array:
    """Azimuth, elevation and slant range of a target seen from an observer.

    Args:
      r_obs_ecef_m, r_tgt_ecef_m: (..., 3) ECEF positions of observer and target [m].
      lat_obs_rad, lon_obs_rad: (...) observer's geodetic latitude and longitude [rad]
        (they define the local vertical; pass them rather than recomputing them per call).
    Returns:
      (az_rad, el_rad, range_m), each (...): az clockwise from north in [0, 2π), el above the
      geodetic horizontal, range [m].
    """
    d = _f64(r_tgt_ecef_m) - _f64(r_obs_ecef_m)
    return enu_to_aer(_apply(R_enu_from_ecef(lat_obs_rad, lon_obs_rad), d))


@jax.jit
def aer_to_ecef(az_rad: ArrayLike, el_rad: ArrayLike, range_m: ArrayLike, r_obs_ecef_m: jax.Array,
                lat_obs_rad: jax.Array, lon_obs_rad: jax.Array) -> jax.Array:
    """ECEF position [m] (..., 3) of a target at (az, el, range) from an observer (inverse of
    `ecef_to_aer`; arguments as there)."""
    enu = aer_to_enu(az_rad, el_rad, range_m)
    return _f64(r_obs_ecef_m) + _apply_t(R_enu_from_ecef(lat_obs_rad, lon_obs_rad), enu)


def _rot_z(theta_rad: jax.Array) -> jax.Array:
    """R3(θ) (Vallado's ROT3): components in a frame turned by θ about z; (..., 3, 3)."""
    th = _f64(theta_rad)
    c, s = jnp.cos(th), jnp.sin(th)
    zero, one = jnp.zeros_like(th), jnp.ones_like(th)
    return jnp.stack(
        [
            jnp.stack([c, s, zero], axis=-1),
            jnp.stack([-s, c, zero], axis=-1),
            jnp.stack([zero, zero, one], axis=-1),
        ],
        axis=-2,
    )


@jax.jit
def eci_to_ecef(r_eci_m: jax.Array, theta_rad: jax.Array) -> jax.Array:
    """ECEF components (..., 3) of an ECI vector (..., 3) at Earth rotation angle θ (...) [rad]."""
    return _apply(_rot_z(theta_rad), _f64(r_eci_m))


@jax.jit
def ecef_to_eci(r_ecef_m: jax.Array, theta_rad: jax.Array) -> jax.Array:
    """ECI components (..., 3) of an ECEF vector (..., 3) at Earth rotation angle θ (...) [rad]."""
    return _apply_t(_rot_z(theta_rad), _f64(r_ecef_m))


def _omega_cross(omega_radps: jax.Array, r_m: jax.Array) -> jax.Array:
    """ω × r for ω = (0, 0, ω): (−ω y, ω x, 0); ω (...) [rad/s], r (..., 3) [m]."""
    w = _f64(omega_radps)[..., None]
    return jnp.concatenate([-w * r_m[..., 1:2], w * r_m[..., 0:1], 0.0 * r_m[..., 2:3]], axis=-1)


@jax.jit
def eci_to_ecef_state(r_eci_m: jax.Array, v_eci_mps: jax.Array, theta_rad: jax.Array,
                      omega_radps: jax.Array) -> tuple[jax.Array, jax.Array]:
    """ECEF position and velocity of an ECI state (transport theorem).

    Args:
      r_eci_m, v_eci_mps: (..., 3) ECI position [m] and inertial velocity [m/s].
      theta_rad: (...) Earth rotation angle [rad].
      omega_radps: (...) Earth rotation rate [rad/s] (0 for a non-rotating Earth).
    Returns:
      (r_ecef_m, v_ecef_mps), each (..., 3); v_ecef = R3(θ) v_eci − ω × r_ecef.
    """
    rot = _rot_z(theta_rad)
    r_ecef = _apply(rot, _f64(r_eci_m))
    v_ecef = _apply(rot, _f64(v_eci_mps)) - _omega_cross(omega_radps, r_ecef)
    return r_ecef, v_ecef


@jax.jit
def ecef_to_eci_state(r_ecef_m: jax.Array, v_ecef_mps: jax.Array, theta_rad: jax.Array,
                      omega_radps: jax.Array) -> tuple[jax.Array, jax.Array]:
    """ECI position and inertial velocity of an ECEF state (inverse of `eci_to_ecef_state`).

    Args:
      r_ecef_m, v_ecef_mps: (..., 3) ECEF position [m] and Earth-relative velocity [m/s].
      theta_rad: (...) Earth rotation angle [rad]; omega_radps: (...) rotation rate [rad/s].
    Returns:
      (r_eci_m, v_eci_mps), each (..., 3); v_eci = R3(θ)^T (v_ecef + ω × r_ecef).
    """
    rot = _rot_z(theta_rad)
    r_ecef = _f64(r_ecef_m)
    v_inertial_ecef = _f64(v_ecef_mps) + _omega_cross(omega_radps, r_ecef)
    return _apply_t(rot, r_ecef), _apply_t(rot, v_inertial_ecef)
