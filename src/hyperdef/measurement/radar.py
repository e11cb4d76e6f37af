"""Radar measurements: range, azimuth, elevation and range rate of a target from a site, ECEF.

Azimuth is clockwise from north in [0, 2π) and elevation is above the observer's geodetic
horizontal, both in the local ENU frame of `hyperdef.earth.frames.R_enu_from_ecef` (Vallado,
*Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, ch. 3). Range rate is the
projection of the relative ECEF velocity on the line of sight, (r_t − r_o)·(v_t − v_o)/|r_t − r_o|
(detections contract).

The functions are written to be differentiated by JAX: at the zenith (target straight overhead),
where azimuth is undefined, they return az = 0 with finite (zero) azimuth derivatives instead of
NaN, so a filter sees a large but finite innovation covariance rather than poisoned Jacobians.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.frames import R_enu_from_ecef

_TWO_PI = 2.0 * jnp.pi


def wrap_pi(angle_rad: ArrayLike) -> jax.Array:
    """Angle wrapped to (−π, π] [rad]; (...) → (...). Smooth (derivative 1) away from ±π."""
    return jnp.pi - jnp.mod(jnp.pi - jnp.asarray(angle_rad, jnp.float64), _TWO_PI)


@jax.jit
def radar_measure(r_obs_ecef_m: ArrayLike, v_obs_ecef_mps: ArrayLike, lat_obs_rad: ArrayLike,
                  lon_obs_rad: ArrayLike, r_tgt_ecef_m: ArrayLike,
                  v_tgt_ecef_mps: ArrayLike) -> jax.Array:
    """Noiseless radar measurement [range_m, az_rad, el_rad, range_rate_mps].

    r_obs_ecef_m: (..., 3) site position, ECEF [m]
    v_obs_ecef_mps: (..., 3) site velocity, ECEF [m/s] (0 for a fixed site)
    lat_obs_rad, lon_obs_rad: (...) site geodetic latitude, longitude [rad] (define ENU)
    r_tgt_ecef_m: (..., 3) target position, ECEF [m]
    v_tgt_ecef_mps: (..., 3) target velocity, ECEF [m/s]
    returns: (..., 4) range [m], azimuth in [0, 2π) [rad], elevation [rad], range rate [m/s]
    """
    d = jnp.asarray(r_tgt_ecef_m, jnp.float64) - jnp.asarray(r_obs_ecef_m, jnp.float64)
    dv = jnp.asarray(v_tgt_ecef_mps, jnp.float64) - jnp.asarray(v_obs_ecef_mps, jnp.float64)
    rot = R_enu_from_ecef(lat_obs_rad, lon_obs_rad)
    # Rotation and dot products written out: XLA:CPU runs 3-element dots and reductions as a
    # library call per row, ~10× slower under vmap than fused multiply-adds.
    e, n, u = (rot[..., i, 0] * d[..., 0] + rot[..., i, 1] * d[..., 1] + rot[..., i, 2] * d[..., 2]
               for i in range(3))
    h2 = e * e + n * n
    overhead = h2 == 0.0
    # Guarded square root and atan2: both have 0/0 derivatives exactly at the zenith.
    horiz = jnp.where(overhead, 0.0, jnp.sqrt(jnp.where(overhead, 1.0, h2)))
    az = jnp.mod(jnp.arctan2(jnp.where(overhead, 0.0, e), jnp.where(overhead, 1.0, n)), _TWO_PI)
    # mod can round a tiny negative angle up to exactly 2π; keep the half-open interval.
    az = jnp.where(az >= _TWO_PI, az - _TWO_PI, az)
    el = jnp.arctan2(u, horiz)
    rng = jnp.sqrt(h2 + u * u)
    rr = (d[..., 0] * dv[..., 0] + d[..., 1] * dv[..., 1] + d[..., 2] * dv[..., 2]) / rng
    return jnp.stack([rng, az, el, rr], axis=-1)


@jax.jit
def radar_innovation(z_meas: ArrayLike, r_obs_ecef_m: ArrayLike, v_obs_ecef_mps: ArrayLike,
                     lat_obs_rad: ArrayLike, lon_obs_rad: ArrayLike, r_tgt_ecef_m: ArrayLike,
                     v_tgt_ecef_mps: ArrayLike) -> jax.Array:
    """Radar innovation z_meas − h(target), azimuth difference wrapped to (−π, π].

    z_meas: (..., 4) measured [range_m, az_rad, el_rad, range_rate_mps]
    other arguments: as `radar_measure`
    returns: (..., 4) innovation [m, rad, rad, m/s]; an azimuth pair straddling north (e.g.
    359.9° measured, 0.1° predicted) gives −0.2°, never +359.8°.
    """
    h = radar_measure(r_obs_ecef_m, v_obs_ecef_mps, lat_obs_rad, lon_obs_rad, r_tgt_ecef_m,
                      v_tgt_ecef_mps)
    d = jnp.asarray(z_meas, jnp.float64) - h
    return d.at[..., 1].set(wrap_pi(d[..., 1]))
