"""Geodetic (latitude, longitude, height above the ellipsoid) ↔ ECEF Cartesian coordinates.

Forward: the textbook closed form (NIMA TR8350.2, 3rd ed., Eq. 4-14), exact.

Inverse: Vermeille's closed form (H. Vermeille, "Direct transformation from geocentric coordinates
to geodetic coordinates", J. Geodesy 76:451–454, 2002; extended inside the evolute in J. Geodesy
85:105–117, 2011) in the arrangement of C. F. F. Karney's GeographicLib `Geocentric::IntReverse`
(https://geographiclib.sourceforge.io/C++/doc/geocentric.html), which rewrites each step so that no
subtraction loses digits. It has no iteration and no data-dependent Python branch, is exact to a
few nanometres for every point (poles, equator plane, deep inside the Earth, beyond GEO), and
returns finite values on the polar axis, at the centre and for a sphere (f = 0).

All functions broadcast over leading axes and are jit-compiled with the Earth model static.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.model import WGS84, EarthModel


@functools.partial(jax.jit, static_argnames="earth")
def geodetic_to_ecef(lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike,
                     earth: EarthModel = WGS84) -> jax.Array:
    """ECEF position of geodetic coordinates (NIMA TR8350.2 Eq. 4-14).

    Args:
      lat_rad: (...) geodetic latitude [rad].
      lon_rad: (...) longitude, east positive [rad].
      alt_m: (...) height above the ellipsoid `earth` [m].
      earth: ellipsoid (static).
    Returns:
      r_ecef_m: (..., 3) ECEF position [m]; the three inputs are broadcast together.
    """
    lat, lon, alt = jnp.broadcast_arrays(
        jnp.asarray(lat_rad, jnp.float64),
        jnp.asarray(lon_rad, jnp.float64),
        jnp.asarray(alt_m, jnp.float64),
    )
    sin_lat, cos_lat = jnp.sin(lat), jnp.cos(lat)
    # Prime-vertical radius of curvature N(φ).
    n_m = earth.a_m / jnp.sqrt(1.0 - earth.e2 * sin_lat**2)
    x = (n_m + alt) * cos_lat * jnp.cos(lon)
    y = (n_m + alt) * cos_lat * jnp.sin(lon)
    z = (n_m * (1.0 - earth.e2) + alt) * sin_lat
    return jnp.stack([x, y, z], axis=-1)


def _safe_sqrt(x: jax.Array) -> jax.Array:
    """sqrt clamped at 0 with a finite gradient there (the unselected `where` side stays finite)."""
    pos = x > 0.0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


@functools.partial(jax.jit, static_argnames="earth")
def ecef_to_geodetic(r_ecef_m: ArrayLike,
                     earth: EarthModel = WGS84) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Geodetic coordinates of an ECEF position, closed form (Vermeille 2002/2011, Karney's form).

    Args:
      r_ecef_m: (..., 3) ECEF position [m].
      earth: ellipsoid (static); oblate or sphere (f >= 0).
    Returns:
      (lat_rad, lon_rad, alt_m), each (...): geodetic latitude in [-π/2, π/2], longitude in
      (-π, π] (0 on the polar axis), height above the ellipsoid [m] (negative inside).
    """
    if earth.f < 0.0:
        raise ValueError(f"earth: {earth.name} is prolate (f={earth.f}); only f >= 0 is supported")
    r = jnp.asarray(r_ecef_m, jnp.float64)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    rho = jnp.hypot(x, y)
    # On the polar axis longitude is undefined: return 0 with a finite derivative (atan2(0, 0)
    # has a NaN gradient that would poison Jacobians taken through this function).
    lon = jnp.arctan2(y, jnp.where(rho > 0.0, x, 1.0))
    if earth.f == 0.0:
        # Sphere: the general formulas would divide 0 by 0 (e^4 = 0); the answer is spherical.
        return jnp.arctan2(z, rho), lon, jnp.hypot(rho, z) - earth.a_m

    a, e2 = earth.a_m, earth.e2
    e4 = e2 * e2
    e2m = 1.0 - e2  # (b/a)^2
    # Vermeille's normalised coordinates p, q and the cubic's r (Vermeille 2002 Eq. 3).
    p = (rho / a) ** 2
    q = e2m * (z / a) ** 2
    rr = (p + q - e4) / 6.0
    # Multiply Vermeille's s and t by r^3 and r so r = 0 cannot divide by zero (Karney).
    s_big = e4 * p * q / 4.0
    r2 = rr * rr
    r3 = rr * r2
    disc = s_big * (s_big + 2.0 * r3)
    # Outside the evolute (disc >= 0, every point above ~-6300 km): one real cube root. The sign
    # of the square root is chosen to maximise |T^3| and avoid cancellation.
    t3 = s_big + r3
    t3 = t3 + jnp.where(t3 < 0.0, -1.0, 1.0) * _safe_sqrt(disc)
    t = jnp.cbrt(t3)
    t_nz = t != 0.0
    u_out = rr + t + jnp.where(t_nz, r2 / jnp.where(t_nz, t, 1.0), 0.0)
    # Inside the evolute (disc < 0, within ~43 km of the centre): three real roots, take the one
    # free of cancellation (Vermeille 2011 Eq. 20).
    ang = jnp.arctan2(_safe_sqrt(-disc), -(s_big + r3))
    u_in = rr + 2.0 * rr * jnp.cos(ang / 3.0)
    u = jnp.where(disc >= 0.0, u_out, u_in)

    v = jnp.sqrt(u * u + e4 * q)  # > 0 except in the degenerate branch below
    v_safe = jnp.where(v > 0.0, v, 1.0)
    # u + v without cancellation when u < 0.
    uv = jnp.where(u < 0.0, e4 * q / jnp.where(u < 0.0, v_safe - u, 1.0), u + v)
    w = jnp.maximum(0.0, e2 * (uv - q) / (2.0 * v_safe))
    k = uv / (_safe_sqrt(uv + w * w) + w)

    # Degenerate case e^4 q = 0 and r <= 0: on the equator plane inside the evolute, where the
    # general formulas give 0/0 (k = 0); take the limit (Karney, Geocentric::IntReverse).
    degenerate = (e4 * q == 0.0) & (rr <= 0.0)
    k = jnp.where(degenerate, 1.0, k)
    k2 = k + e2
    d = k * rho / k2
    h_norm = jnp.hypot(z / k, rho / k2)
    h_norm = jnp.where(h_norm > 0.0, h_norm, 1.0)
    sin_lat = (z / k) / h_norm
    cos_lat = (rho / k2) / h_norm
    alt = (1.0 - e2m / k) * jnp.hypot(d, z)

    zz = _safe_sqrt((e4 - p) / e2m)
    xx = _safe_sqrt(p)
    hd = jnp.hypot(zz, xx)
    hd_safe = jnp.where(hd > 0.0, hd, 1.0)
    sin_lat = jnp.where(degenerate, jnp.where(z < 0.0, -zz, zz) / hd_safe, sin_lat)
    cos_lat = jnp.where(degenerate, xx / hd_safe, cos_lat)
    alt = jnp.where(degenerate, -a * e2m * hd / e2, alt)
    return jnp.arctan2(sin_lat, cos_lat), lon, alt
