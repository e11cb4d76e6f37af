"""Distances and directions over the Earth's surface: great circles on a sphere, geodesics on the
ellipsoid.

Sphere (radius `radius_m`, default the IUGG mean radius): the haversine distance in a form with
no cancellation near 0 *or* π (see `great_circle_m`), the initial great-circle bearing, and the
direct problem (destination from start, azimuth and distance) done with unit vectors so it is
exact through the poles.

Ellipsoid: `geodesic_m` uses T. Vincenty's series (Survey Review 23(176):88–93, 1975; good to
~0.1 mm on the Earth), but not his iteration: λ ← L + F(λ) by substitution does not converge for
nearly antipodal points, and no single parameter is well conditioned everywhere. So the same
equations are solved twice, each by bisection with a fixed step count (no data-dependent loop):
  1. in Vincenty's unknown, the auxiliary-sphere longitude λ, on the bracket [L, L + πf] (F lies in
     [0, πf] for L >= 0): well conditioned except when the two points are (nearly) antipodal on
     the auxiliary sphere, where F jumps;
  2. in the start azimuth α1 on [0, π], after putting the points in C. F. F. Karney's canonical
     order (J. Geodesy 87:43–55, 2013, §4: L in [0, π], point 1 south and farther from the
     equator, cos α2 >= 0), where the longitude misfit rises monotonically: well conditioned near
     the antipode, poor for long lines hugging the equator.
A branch that converged reproduces L to ~1e-15 rad and is a true geodesic; the shorter converged
one is returned (an ill-conditioned branch shows a larger misfit and is set aside). Measured
against GeographicLib on WGS84 (tests/earth): ≤ 0.08 mm over random pairs, exact and near
antipodes, poles, meridians, the equator and coincident points.

Those 120 bisection steps are paid only where needed. Away from the antipode Vincenty's own
substitution contracts by a factor of order f per step, so 10 steps from λ = L settle λ to the last
bit; a pair whose tenth step still moved λ by ≥ 1e-14 rad (a contraction factor above ≈ 0.05:
nearly antipodal) is not trusted, and only a batch holding such a pair runs the two bisections, for
those pairs alone. A pair's distance is thus the same whatever else is in its batch, and a batch of
trajectory points (never near antipodal to each other) costs a tenth of the bisections.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.earth.model import WGS84, EarthModel

_BISECTION_STEPS = 56  # bracket width πf ≈ 0.0105 rad halved to < 1e-19 rad, below one ulp of π
_AZIMUTH_STEPS = 64  # α1 in [0, π] halved to < 2e-19 rad
_RESIDUAL_OK_RAD = 1e-12  # longitude misfit of a converged branch: 6 µm at the equator
_SUBSTITUTIONS = 10  # Vincenty's iteration λ ← L + F(λ), tried first
# Last substitution step below which λ is settled: after 10 steps from |F| ≤ πf it means a
# contraction factor r < 0.05, so λ is within r/(1 − r) · 1e-14 < 6e-16 rad of the root.
_SETTLED_RAD = 1e-14
_TINY = 1.5e-154  # sqrt of the smallest normal double, GeographicLib's floor for cos β


def _f64(*xs: ArrayLike) -> list[jax.Array]:
    return jnp.broadcast_arrays(*(jnp.asarray(x, jnp.float64) for x in xs))


@functools.partial(jax.jit, static_argnames="radius_m")
def great_circle_m(lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike,
                   lon2_rad: ArrayLike, radius_m: float = R_EARTH_MEAN_M) -> jax.Array:
    """Great-circle distance on a sphere (haversine), accurate from 0 to antipodal.

    d = 2R·atan2(√h, √h'), with h = hav(Δφ) + cosφ1 cosφ2 hav(Δλ) the haversine of d and
    h' = sin²((φ1+φ2)/2) + cosφ1 cosφ2 cos²(Δλ/2) = 1 − h written so it does not cancel when
    d → π (h' is the haversine of the distance to the antipode of point 2).

    Args:
      lat1_rad, lon1_rad, lat2_rad, lon2_rad: (...) latitudes and longitudes [rad].
      radius_m: sphere radius [m] (static).
    Returns:
      (...) distance along the sphere [m], in [0, πR].
    """
    p1, l1, p2, l2 = _f64(lat1_rad, lon1_rad, lat2_rad, lon2_rad)
    dlon = l2 - l1
    cc = jnp.cos(p1) * jnp.cos(p2)
    h = jnp.sin(0.5 * (p2 - p1)) ** 2 + cc * jnp.sin(0.5 * dlon) ** 2
    h_anti = jnp.sin(0.5 * (p1 + p2)) ** 2 + cc * jnp.cos(0.5 * dlon) ** 2
    return 2.0 * radius_m * jnp.arctan2(jnp.sqrt(h), jnp.sqrt(h_anti))


@jax.jit
def initial_bearing_rad(lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike,
                        lon2_rad: ArrayLike) -> jax.Array:
    """Initial great-circle azimuth from point 1 towards point 2, clockwise from north.

    Args:
      lat1_rad, lon1_rad, lat2_rad, lon2_rad: (...) latitudes and longitudes [rad].
    Returns:
      (...) azimuth in [0, 2π) [rad]; 0 for coincident points, and at a pole the azimuth
      relative to that point's longitude meridian (as `destination` reads it).
    """
    p1, l1, p2, l2 = _f64(lat1_rad, lon1_rad, lat2_rad, lon2_rad)
    dlon = l2 - l1
    y = jnp.sin(dlon) * jnp.cos(p2)
    x = jnp.cos(p1) * jnp.sin(p2) - jnp.sin(p1) * jnp.cos(p2) * jnp.cos(dlon)
    az = jnp.mod(jnp.arctan2(y, x), 2.0 * jnp.pi)
    return jnp.where(az >= 2.0 * jnp.pi, 0.0, az)


@functools.partial(jax.jit, static_argnames="radius_m")
def destination(lat_rad: ArrayLike, lon_rad: ArrayLike, az_rad: ArrayLike, dist_m: ArrayLike,
                radius_m: float = R_EARTH_MEAN_M) -> tuple[jax.Array, jax.Array]:
    """End point of a great-circle arc (the direct problem on a sphere).

    The end point is cos δ·û + sin δ·(cos az·n̂ + sin az·ê) with δ = dist/R and (ê, n̂, û) the local
    east/north/up unit vectors, so it stays exact through the poles and for any δ.

    Args:
      lat_rad, lon_rad: (...) start point [rad].
      az_rad: (...) initial azimuth, clockwise from north [rad].
      dist_m: (...) distance along the sphere [m] (any sign or length; wraps around).
      radius_m: sphere radius [m] (static).
    Returns:
      (lat_rad, lon_rad), each (...): latitude in [-π/2, π/2], longitude in (-π, π].
    """
    lat, lon, az, dist = _f64(lat_rad, lon_rad, az_rad, dist_m)
    delta = dist / radius_m
    # Work relative to the start meridian (longitude 0), then add lon: keeps small offsets exact.
    sp, cp = jnp.sin(lat), jnp.cos(lat)
    cd, sd = jnp.cos(delta), jnp.sin(delta)
    north_part = sd * jnp.cos(az)
    x = cd * cp - north_part * sp
    y = sd * jnp.sin(az)
    z = cd * sp + north_part * cp
    lat2 = jnp.arctan2(z, jnp.hypot(x, y))
    lon2 = lon + jnp.arctan2(y, x)
    lon2 = jnp.pi - jnp.mod(jnp.pi - lon2, 2.0 * jnp.pi)  # wrap to (-π, π]
    return lat2, lon2


def _vincenty_terms(lam: jax.Array, su1: jax.Array, cu1: jax.Array, su2: jax.Array, cu2: jax.Array,
                    f: float) -> tuple[jax.Array, ...]:
    """Auxiliary-sphere quantities for a trial λ (Vincenty 1975, inverse formulae)."""
    sl, cl = jnp.sin(lam), jnp.cos(lam)
    sin_sig = jnp.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    cos_sig = su1 * su2 + cu1 * cu2 * cl
    sig = jnp.arctan2(sin_sig, cos_sig)
    ok = sin_sig > 0.0
    sin_alpha = jnp.where(ok, cu1 * cu2 * sl / jnp.where(ok, sin_sig, 1.0), 0.0)
    cos2_alpha = 1.0 - sin_alpha**2
    eq = cos2_alpha > 0.0
    # On the equator (cos²α = 0) cos 2σm is irrelevant (multiplied by C = 0); set it to 0.
    cos_2sm = jnp.where(eq, cos_sig - 2.0 * su1 * su2 / jnp.where(eq, cos2_alpha, 1.0), 0.0)
    big_f = _vincenty_f(sin_alpha, cos2_alpha, sig, sin_sig, cos_sig, cos_2sm, f)
    return big_f, sig, sin_sig, cos_sig, cos2_alpha, cos_2sm


def _vincenty_f(sin_alpha: jax.Array, cos2_alpha: jax.Array, sig: jax.Array, sin_sig: jax.Array,
                cos_sig: jax.Array, cos_2sm: jax.Array, f: float) -> jax.Array:
    """λ − L as a function of the auxiliary-sphere geometry (Vincenty 1975)."""
    c = f / 16.0 * cos2_alpha * (4.0 + f * (4.0 - 3.0 * cos2_alpha))
    inner = cos_2sm + c * cos_sig * (-1.0 + 2.0 * cos_2sm**2)
    return (1.0 - c) * f * sin_alpha * (sig + c * sin_sig * inner)


def _vincenty_length(sig: jax.Array, sin_sig: jax.Array, cos_sig: jax.Array, cos2_alpha: jax.Array,
                     cos_2sm: jax.Array, earth: EarthModel) -> jax.Array:
    """Geodesic length from the auxiliary-sphere arc (Vincenty 1975)."""
    b = earth.b_m
    u2 = cos2_alpha * (earth.a_m**2 - b**2) / b**2
    big_a = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)))
    big_b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)))
    c2 = cos_2sm**2
    d_sig = (
        big_b
        * sin_sig
        * (
            cos_2sm
            + big_b
            / 4.0
            * (
                cos_sig * (-1.0 + 2.0 * c2)
                - big_b / 6.0 * cos_2sm * (-3.0 + 4.0 * sin_sig**2) * (-3.0 + 4.0 * c2)
            )
        )
    )
    return b * big_a * (sig - d_sig)


def _lambda_branch(big_l: jax.Array, su1: jax.Array, cu1: jax.Array, su2: jax.Array, cu2: jax.Array,
                   earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """Vincenty's λ equation g(λ) = λ − L − F(λ) = 0 by bisection; returns (length, |g|)."""
    f = earth.f

    def g(lam: jax.Array) -> jax.Array:
        return lam - big_l - _vincenty_terms(lam, su1, cu1, su2, cu2, f)[0]

    def step(_: jax.Array, bracket: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lo, hi = bracket
        mid = 0.5 * (lo + hi)
        below = g(mid) < 0.0
        return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

    # F(λ) lies in [0, πf] for L >= 0, so the root is inside [L, L + πf].
    lo, hi = jax.lax.fori_loop(0, _BISECTION_STEPS, step, (big_l, big_l + 1.001 * jnp.pi * f))
    lam = 0.5 * (lo + hi)
    big_f, sig, sin_sig, cos_sig, cos2_alpha, cos_2sm = _vincenty_terms(lam, su1, cu1, su2, cu2, f)
    length = _vincenty_length(sig, sin_sig, cos_sig, cos2_alpha, cos_2sm, earth)
    return length, jnp.abs(lam - big_l - big_f)


def _substitution(big_l: jax.Array, su1: jax.Array, cu1: jax.Array, su2: jax.Array,
                  cu2: jax.Array, earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """Vincenty's iteration λ ← L + F(λ) from λ = L, a fixed number of steps; returns (length,
    |last step|) — the step tells whether λ settled (`_SETTLED_RAD`)."""
    f = earth.f

    def step(_: jax.Array, c: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lam = big_l + _vincenty_terms(c[0], su1, cu1, su2, cu2, f)[0]
        return lam, jnp.abs(lam - c[0])

    lam, moved = jax.lax.fori_loop(0, _SUBSTITUTIONS, step, (big_l, jnp.full_like(big_l, jnp.inf)))
    _, sig, sin_sig, cos_sig, cos2_alpha, cos_2sm = _vincenty_terms(lam, su1, cu1, su2, cu2, f)
    return _vincenty_length(sig, sin_sig, cos_sig, cos2_alpha, cos_2sm, earth), moved


def _azimuth_branch(big_l: jax.Array, sb1: jax.Array, cb1: jax.Array, sb2: jax.Array,
                    cb2: jax.Array, earth: EarthModel) -> tuple[jax.Array, jax.Array]:
    """Solve for the start azimuth α1 (Karney 2013, §4 set-up) with Vincenty's series; returns
    (length, |residual|). Needs the canonical order sb1 <= 0, |sb2| <= |sb1|, L in [0, π]."""
    f = earth.f
    same = (cb2 == cb1) & (jnp.abs(sb2) == -sb1)
    # cos α2 >= 0 for the shortest line in this order (Karney 2013, §4), written without
    # cancellation as in GeographicLib's Lambda12.
    dcos2 = jnp.where(cb1 < -sb1, (cb2 - cb1) * (cb1 + cb2), (sb1 - sb2) * (sb1 + sb2))

    def geometry(alpha1: jax.Array) -> tuple[jax.Array, tuple[jax.Array, ...]]:
        sa1, ca1 = jnp.sin(alpha1), jnp.cos(alpha1)
        sa0 = sa1 * cb1  # Clairaut
        ca0_2 = ca1**2 + (sa1 * sb1) ** 2
        ca2_cb2 = jnp.sqrt(jnp.maximum((ca1 * cb1) ** 2 + dcos2, 0.0))
        ca2 = jnp.where(same, jnp.abs(ca1), ca2_cb2 / cb2)
        ssig1, csig1 = sb1, ca1 * cb1
        ssig2, csig2 = sb2, ca2 * cb2
        n1, n2 = jnp.hypot(ssig1, csig1), jnp.hypot(ssig2, csig2)
        ssig1, csig1, ssig2, csig2 = ssig1 / n1, csig1 / n1, ssig2 / n2, csig2 / n2
        sin_sig = jnp.maximum(0.0, csig1 * ssig2 - ssig1 * csig2)  # σ12 in [0, π]
        cos_sig = csig1 * csig2 + ssig1 * ssig2
        cos_2sm = csig1 * csig2 - ssig1 * ssig2  # cos(σ1 + σ2)
        # ω12 in [0, π(1+f)]: eastward, so a negative atan2 beyond −π/2 means past π.
        omg = _omega12(sa0, sb1, ca1 * cb1, sb2, ca2 * cb2)
        sig = jnp.arctan2(sin_sig, cos_sig)
        big_f = _vincenty_f(sa0, ca0_2, sig, sin_sig, cos_sig, cos_2sm, f)
        return omg - big_l - big_f, (sig, sin_sig, cos_sig, ca0_2, cos_2sm)

    def step(_: jax.Array, bracket: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lo, hi = bracket
        mid = 0.5 * (lo + hi)
        below = geometry(mid)[0] < 0.0
        return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

    # The residual rises monotonically from −L at α1 = 0 to π − L at α1 = π (Karney 2013, §4).
    zero = jnp.zeros_like(big_l)
    lo, hi = jax.lax.fori_loop(0, _AZIMUTH_STEPS, step, (zero, zero + jnp.pi))
    residual, (sig, sin_sig, cos_sig, ca0_2, cos_2sm) = geometry(0.5 * (lo + hi))
    return _vincenty_length(sig, sin_sig, cos_sig, ca0_2, cos_2sm, earth), jnp.abs(residual)


def _omega12(sa0: jax.Array, sb1: jax.Array, cc1: jax.Array, sb2: jax.Array,
             cc2: jax.Array) -> jax.Array:
    """Auxiliary-sphere longitude from point 1 to 2, in [0, π(1+f)] (tan ω = sin α0 tan σ)."""
    somg1, comg1 = sa0 * sb1, cc1
    somg2, comg2 = sa0 * sb2, cc2
    ang = jnp.arctan2(comg1 * somg2 - somg1 * comg2, comg1 * comg2 + somg1 * somg2)
    return jnp.where(ang < -0.5 * jnp.pi, ang + 2.0 * jnp.pi, ang)


@functools.partial(jax.jit, static_argnames="earth")
def geodesic_m(lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike,
               earth: EarthModel = WGS84) -> jax.Array:
    """Length of the shortest geodesic between two points on the ellipsoid (Vincenty 1975 series,
    solved two ways by bisection; see the module docstring for method and accuracy).

    Args:
      lat1_rad, lon1_rad, lat2_rad, lon2_rad: (...) geodetic latitudes and longitudes [rad].
      earth: ellipsoid (static); a sphere (f = 0) gives the great-circle distance of radius a.
    Returns:
      (...) geodesic distance [m].
    """
    if earth.f == 0.0:
        return great_circle_m(lat1_rad, lon1_rad, lat2_rad, lon2_rad, radius_m=earth.a_m)
    p1, l1, p2, l2 = _f64(lat1_rad, lon1_rad, lat2_rad, lon2_rad)
    f = earth.f
    # Canonical order (Karney 2013, §4), which leaves the distance unchanged: L = |Δλ| in
    # [0, π]; point 1 the farther from the equator, in the southern hemisphere.
    big_l = jnp.abs(jnp.arctan2(jnp.sin(l2 - l1), jnp.cos(l2 - l1)))
    swap = jnp.abs(p1) < jnp.abs(p2)
    p1, p2 = jnp.where(swap, p2, p1), jnp.where(swap, p1, p2)
    flip = jnp.where(p1 > 0.0, -1.0, 1.0)
    p1, p2 = flip * p1, flip * p2
    # Reduced latitudes tan β = (1 − f) tan φ as (sin, cos) pairs: exact at the poles. cos β1 is
    # kept above a tiny floor so a pole start still has an azimuth (as GeographicLib does).
    s1, c1 = (1.0 - f) * jnp.sin(p1), jnp.cos(p1)
    s2, c2 = (1.0 - f) * jnp.sin(p2), jnp.cos(p2)
    n1, n2 = jnp.hypot(s1, c1), jnp.hypot(s2, c2)
    sb1, cb1, sb2, cb2 = s1 / n1, c1 / n1, s2 / n2, c2 / n2
    cb1 = jnp.maximum(cb1, _TINY)
    cb2 = jnp.maximum(cb2, _TINY)

    s_fast, moved = _substitution(big_l, sb1, cb1, sb2, cb2, earth)
    settled = moved < _SETTLED_RAD

    def bisections() -> jax.Array:
        s_lam, res_lam = _lambda_branch(big_l, sb1, cb1, sb2, cb2, earth)
        s_az, res_az = _azimuth_branch(big_l, sb1, cb1, sb2, cb2, earth)
        # Each converged branch is a true geodesic, so the shorter of the converged ones is the
        # answer; a branch that is ill-conditioned here shows it by a large residual in longitude.
        ok_lam, ok_az = res_lam < _RESIDUAL_OK_RAD, res_az < _RESIDUAL_OK_RAD
        both = jnp.minimum(s_lam, s_az)
        one = jnp.where(res_lam <= res_az, s_lam, s_az)
        return jnp.where(settled, s_fast, jnp.where(ok_lam & ok_az, both, one))

    return jax.lax.cond(jnp.all(settled), lambda: s_fast, bisections)
