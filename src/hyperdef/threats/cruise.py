"""Powered hypersonic cruise: constant altitude and speed along a great circle.

The engine is taken to hold speed and altitude exactly, so the path is kinematic: the ground
track follows the great circle from the start point at the start heading on a sphere of the
Earth model's equatorial radius R, covering ground at V·R/(R + h) (the speed V is that of the
vehicle at altitude h), and the position is placed at geodetic altitude h above that track
point. The ECEF velocity is the exact time derivative of that position (forward-mode autodiff).
On WGS84 the track is a great circle of the auxiliary sphere, so the speed is V to within the
flattening (< 0.4 %).

At the end of the cruise (its range, or the dive range of a target) the state is handed to the
unpowered flight of `hyperdef.threats.glide` (a guided dive when a target is given).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.earth.distance import destination
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel


def _position(t_s: jax.Array, lat0_rad: jax.Array, lon0_rad: jax.Array, alt_m: jax.Array,
              speed_mps: jax.Array, heading_rad: jax.Array, t0_s: jax.Array,
              earth: EarthModel) -> jax.Array:
    rate = speed_mps * earth.a_m / (earth.a_m + alt_m)
    lat, lon = destination(lat0_rad, lon0_rad, heading_rad, rate * (t_s - t0_s), earth.a_m)
    return geodetic_to_ecef(lat, lon, alt_m, earth)


@functools.partial(jax.jit, static_argnames="earth")
def cruise_state(t_s: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike, alt_m: ArrayLike,
                 speed_mps: ArrayLike, heading_rad: ArrayLike, t0_s: ArrayLike,
                 earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """ECEF state of a cruising vehicle at time t_s.

    Args:
      t_s: (...) times [s]; every other argument (...) broadcasting with it:
      lat0_rad, lon0_rad: start point [rad]; alt_m: cruise altitude [m]; speed_mps: speed [m/s];
      heading_rad: start heading, clockwise from north [rad]; t0_s: start time [s].
      earth: Earth model (static).
    Returns:
      (r_ecef_m, v_ecef_mps), each (..., 3).
    """
    args = jnp.broadcast_arrays(*(jnp.asarray(x, jnp.float64) for x in (
        t_s, lat0_rad, lon0_rad, alt_m, speed_mps, heading_rad, t0_s)))
    lat0, lon0, alt, speed, heading, t0 = args[1:]

    def f(t: jax.Array) -> jax.Array:
        return _position(t, lat0, lon0, alt, speed, heading, t0, earth)

    return jax.jvp(f, (args[0],), (jnp.ones_like(args[0]),))


def cruise_grid(t_grid_s: np.ndarray, t0_s: ArrayLike, t_end_s: ArrayLike, lat0_rad: ArrayLike,
                lon0_rad: ArrayLike, alt_m: ArrayLike, speed_mps: ArrayLike,
                heading_rad: ArrayLike,
                earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """States on the grid of N cruising vehicles: (y_grid (N, T, 6), y_end (N, 6)).

    Args:
      t_grid_s: (T,) report times [s]; t0_s, t_end_s: (N,) cruise start and end [s];
      the rest (N,) as in `cruise_state`. y_grid is NaN outside [t0, t_end].
    """
    def col(x: ArrayLike) -> jax.Array:
        return jnp.asarray(x, jnp.float64)[:, None]

    r, v = cruise_state(jnp.asarray(t_grid_s)[None, :], col(lat0_rad), col(lon0_rad),
                        col(alt_m), col(speed_mps), col(heading_rad), col(t0_s), earth)
    inside = (t_grid_s[None, :] >= col(t0_s)) & (t_grid_s[None, :] <= col(t_end_s))
    y = jnp.where(inside[..., None], jnp.concatenate([r, v], -1), jnp.nan)
    r_end, v_end = cruise_state(t_end_s, lat0_rad, lon0_rad, alt_m, speed_mps, heading_rad,
                                t0_s, earth)
    return y, jnp.concatenate([r_end, v_end], -1)
