"""Ground sites and ships: geodetic positions, and ships moving on a great circle.

A ship sails at constant speed along the great circle through its start point with its start
heading. On the unit sphere the track is p(t) = cos φ·p0 + sin φ·t0 with φ = s·t/R and t0 the
unit tangent of the heading at p0 (the rotation form of a great circle, e.g. Vallado 2013 §11);
the geocentric latitude/longitude of p(t) is used as geodetic latitude/longitude on `earth`
(the sphere-vs-ellipsoid track difference is < 0.3 % of distance sailed). Sites at a pole or on
the antimeridian need no special case: the formulas are rotation-based and longitudes wrap.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84, EarthModel


@functools.partial(jax.jit, static_argnames="earth")
def site_states(lat_rad: jax.Array, lon_rad: jax.Array, alt_m: jax.Array, t_s: ArrayLike,
                earth: EarthModel = WGS84,
                ) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """ECEF states of a fixed site at T times.

    lat_rad, lon_rad, alt_m: scalars, geodetic [rad, rad, m]; t_s: (T,) [s].
    Returns (r_ecef_m (1, T, 3), v_ecef_mps (1, T, 3) zeros, lat_rad (1, T), lon_rad (1, T)).
    """
    t = jnp.asarray(t_s, jnp.float64)
    r = geodetic_to_ecef(lat_rad, lon_rad, alt_m, earth)
    ones = jnp.ones((1, t.shape[0]))
    return (r * ones[..., None], jnp.zeros((1, t.shape[0], 3)),
            lat_rad * ones, lon_rad * ones)


@functools.partial(jax.jit, static_argnames="earth")
def ship_states(lat0_rad: jax.Array, lon0_rad: jax.Array, heading_rad: jax.Array,
                speed_mps: jax.Array, alt_m: jax.Array, t_s: ArrayLike,
                earth: EarthModel = WGS84,
                ) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """ECEF states of a ship on a great circle at T times.

    lat0_rad, lon0_rad: start position [rad]; heading_rad: start course, clockwise from north
    [rad]; speed_mps: ground speed [m/s]; alt_m: antenna height above the ellipsoid [m];
    t_s: (T,) [s]. Returns (r_ecef_m (1, T, 3), v_ecef_mps (1, T, 3), lat_rad (1, T),
    lon_rad (1, T)); the velocity is speed × the track's unit tangent at each time.
    """
    t = jnp.asarray(t_s, jnp.float64)
    enu = R_enu_from_ecef(lat0_rad, lon0_rad)  # rows east, north, up
    p0 = enu[2]
    t0 = jnp.sin(heading_rad) * enu[0] + jnp.cos(heading_rad) * enu[1]
    phi = (speed_mps * t / R_EARTH_MEAN_M)[:, None]
    p = jnp.cos(phi) * p0 + jnp.sin(phi) * t0
    tangent = -jnp.sin(phi) * p0 + jnp.cos(phi) * t0
    lat = jnp.arcsin(jnp.clip(p[:, 2], -1.0, 1.0))
    lon = jnp.arctan2(p[:, 1], p[:, 0])
    # At the exact pole the longitude is undefined; keep the start longitude there.
    lon = jnp.where(jnp.hypot(p[:, 0], p[:, 1]) < 1e-12, lon0_rad, lon)
    r = geodetic_to_ecef(lat, lon, alt_m, earth)
    v = speed_mps * tangent
    return r[None], v[None], lat[None], lon[None]
