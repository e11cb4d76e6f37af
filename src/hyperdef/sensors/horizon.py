"""Horizon and limb geometry on a sphere, and the effective-Earth (4/3) radar horizon.

Closed forms (docs/references.md#radar-horizon and #limb):

- Earth's angular radius seen from altitude H: sin ρ_E = R/(R + H); horizon central angle
  λ0 = 90° − ρ_E.
- Two altitudes h1, h2 see each other over a grazing altitude h_g up to the central angle
  λ_max = acos((R + h_g)/(R + h1)) + acos((R + h_g)/(R + h2)).
- Radar horizon with refraction folded into an effective Earth radius kR (k = 4/3):
  d = √((kR + h_t)² − (kR)²) + √((kR + h_r)² − (kR)²).
- A nadir cone of half-angle η from radius r_s meets the sphere of radius r_t at central angle
  λ = asin((r_s/r_t) sin η) − η (law of sines; Wertz & Larson, *Space Mission Analysis and
  Design*, 3rd ed., 1999, §5.2), or at the horizon when (r_s/r_t) sin η > 1.

Radar clearance on the effective Earth: with slant range ρ, radii r1 = kR + h_r, r2 = kR + h_t,
the apparent elevation at the radar is sin ε = (r2² − r1² − ρ²)/(2ρ r1) (law of cosines in the
triangle Earth centre–radar–target; the 4/3-Earth model of Skolnik, *Introduction to Radar
Systems*, 3rd ed., 2001, §8.3). Along the straight effective-Earth ray
|p(t)|² = r1² + 2 t r1 sin ε + t², so the ray clears the sphere kR iff ε ≥ 0, or its lowest
point t* = −r1 sin ε lies beyond the target, or r1 cos ε ≥ kR.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.model import WGS84, EarthModel


def earth_angular_radius_rad(alt_m: ArrayLike, radius_m: float) -> jax.Array:
    """(...,) angular radius ρ_E [rad] of a sphere of radius_m seen from alt_m (...) [m]."""
    return jnp.arcsin(radius_m / (radius_m + jnp.asarray(alt_m)))


def horizon_central_angle_rad(alt_m: ArrayLike, radius_m: float,
                              grazing_alt_m: ArrayLike = 0.0) -> jax.Array:
    """(...,) Earth central angle [rad] from the sub-point to the horizon (over h_g) at alt_m."""
    return jnp.arccos((radius_m + grazing_alt_m) / (radius_m + jnp.asarray(alt_m)))


def mutual_visibility_angle_rad(alt1_m: ArrayLike, alt2_m: ArrayLike, radius_m: float,
                                grazing_alt_m: ArrayLike = 0.0) -> jax.Array:
    """(...,) largest central angle [rad] at which two altitudes see each other over h_g."""
    return (horizon_central_angle_rad(alt1_m, radius_m, grazing_alt_m)
            + horizon_central_angle_rad(alt2_m, radius_m, grazing_alt_m))


def radar_horizon_m(radar_alt_m: ArrayLike, target_alt_m: ArrayLike, radius_m: ArrayLike,
                    k: float = 4.0 / 3.0) -> jax.Array:
    """(...,) radar horizon range [m] for antenna and target heights (...) [m], radius_m [m]."""
    kr = k * radius_m
    return (jnp.sqrt((kr + target_alt_m) ** 2 - kr**2)
            + jnp.sqrt((kr + radar_alt_m) ** 2 - kr**2))


def cone_central_angle_rad(sensor_alt_m: ArrayLike, half_angle_rad: ArrayLike, radius_m: float,
                           target_alt_m: ArrayLike = 0.0) -> jax.Array:
    """(...,) central angle [rad] of the footprint edge of a nadir cone on the sphere of radius
    radius_m + target_alt_m, capped at the horizon (grazing altitude = target altitude)."""
    ratio = (radius_m + sensor_alt_m) / (radius_m + target_alt_m)
    arg = ratio * jnp.sin(half_angle_rad)
    edge = jnp.arcsin(jnp.minimum(arg, 1.0)) - half_angle_rad
    horizon = jnp.arccos(1.0 / ratio)
    return jnp.where(arg < 1.0, jnp.minimum(edge, horizon), horizon)


def gaussian_radius_m(lat_rad: ArrayLike, earth: EarthModel = WGS84) -> jax.Array:
    """(...,) Gaussian mean radius of curvature √(M N) [m] at geodetic latitude (...) [rad]:
    the local sphere used for the effective-Earth radar horizon on an ellipsoid."""
    w2 = 1.0 - earth.e2 * jnp.sin(lat_rad) ** 2
    return earth.a_m * jnp.sqrt(1.0 - earth.e2) / w2


@jax.jit
def apparent_elevation_rad(range_m: jax.Array, radar_alt_m: jax.Array, target_alt_m: jax.Array,
                           radius_m: jax.Array, k: jax.Array) -> jax.Array:
    """(...,) apparent elevation ε [rad] of a target on the effective Earth of radius k·radius_m.

    range_m: slant range [m]; radar_alt_m, target_alt_m: heights [m]; all (...).
    """
    r1 = k * radius_m + radar_alt_m
    r2 = k * radius_m + target_alt_m
    rho = jnp.maximum(range_m, 1e-9)
    return jnp.arcsin(jnp.clip((r2 * r2 - r1 * r1 - rho * rho) / (2.0 * rho * r1), -1.0, 1.0))


@jax.jit
def effective_earth_clear(range_m: jax.Array, radar_alt_m: jax.Array, target_alt_m: jax.Array,
                          radius_m: jax.Array, k: jax.Array) -> jax.Array:
    """(...,) True where the effective-Earth straight ray radar→target clears the sphere kR.

    Inputs as `apparent_elevation_rad`. Exact for the spherical model; on WGS84 pass the
    Gaussian radius at the radar (`gaussian_radius_m`).
    """
    r1 = k * radius_m + radar_alt_m
    eps = apparent_elevation_rad(range_m, radar_alt_m, target_alt_m, radius_m, k)
    t_low = -r1 * jnp.sin(eps)
    return (eps >= 0.0) | (t_low >= range_m) | (r1 * jnp.cos(eps) >= k * radius_m)

