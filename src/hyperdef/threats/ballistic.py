"""Ballistic missiles: aim a launch at a point, minimum-energy, lofted or depressed; re-enter.

Burnout angle. For a ground angle Ψ the minimum-energy arc leaves at γ* = (π − Ψ)/4; a lofted
arc at γ* + Δ and a depressed one at γ* − Δ (Δ = loft_deg), each with the speed that carries it
over Ψ (hyperdef.threats.kepler).

Impulsive launch (no booster given): the burnout state is placed on the launch site, the vacuum
textbook problem. In the rotating Earth the aim point moves east during the flight; the inertial
arc is aimed at where it will be (fixed point on the time of flight), and the ECEF velocity is the
inertial one less ω × r. Flown from the ground through the atmosphere that velocity falls far
short (drag takes a fixed share of it in the dense lower air), so the launch speed is scaled by a
factor k found by a safeguarded secant on log(range flown)/log k (`next_speed_factor`; range
grows about as k² for a fixed flight-path angle), while the virtual aim is moved against the
cross-track miss only; an aim that needs more than escape speed is out of reach.

Boosted launch: the booster flies a gravity turn whose kick is solved for the trajectory type's
burnout angle; thrust ends where the coasting arc's predicted vacuum range reaches the (moving)
aim point (`hyperdef.threats.boost.boost_cutoff`), the classic range cut-off.

Both then correct for what the vacuum closed forms leave out (drag, J2, the ellipsoid): the
flight is repeated with a virtual aim point moved against the last miss (a fixed-point iteration
that contracts because the impact moves almost one-for-one with the aim). Re-entry is a point
mass of ballistic coefficient β (hyperdef.threats.glide with L/D = 0).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.earth.model import EarthModel
from hyperdef.threats.kepler import minimum_energy, nu_for, predict_descent
from hyperdef.threats.kinematics import central_angle_rad

MIN_BURNOUT_ANGLE_RAD = np.deg2rad(1.0)
AIM_ITERATIONS = 3
# Flights of the impulsive launch-speed search (secant converges in ~4 once bracketed).
IMPULSIVE_ITERATIONS = 8
# An impulsive launch that lands farther than this from its aim did not reach it: the boosted
# path's bar, and well inside the kilometres of dispersion atmospheric variability alone gives
# a re-entry vehicle.
AIM_TOLERANCE_M = 1000.0
# Within this central angle of the site's antipode every azimuth reaches the aim: the launch
# plane is undefined (1e-9 rad is 6 mm on the ground, far above the ~1e-9 m rounding noise of
# the horizontal direction it would otherwise be built from).
ANTIPODE_TOL_RAD = 1e-9


def antipodal(site_ecef_m: ArrayLike, aim_ecef_m: ArrayLike) -> np.ndarray:
    """(...) bool: the aim is the site's antipode, so no launch plane (azimuth) is defined.

    site_ecef_m, aim_ecef_m: (..., 3) ECEF [m].
    """
    return np.asarray(central_angle_rad(site_ecef_m, aim_ecef_m)) > np.pi - ANTIPODE_TOL_RAD


def loft_offset_rad(trajectory: str, loft_rad: float) -> float:
    """Burnout angle above the minimum-energy one: 0, +Δ (lofted) or −Δ (depressed) [rad]."""
    try:
        return {"minimum_energy": 0.0, "lofted": loft_rad, "depressed": -loft_rad}[trajectory]
    except KeyError:
        raise ValueError(f"trajectory: must be minimum_energy, lofted or depressed, "
                         f"got {trajectory!r}") from None


def burnout_angle(psi_rad: jax.Array, offset_rad: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """(γ [rad], ν), each (...), over ground angle Ψ [rad] at γ* + offset (`loft_offset_rad`).

    Data, not a compile-time choice: every trajectory type shares one compiled kernel.
    """
    gamma = jnp.clip(minimum_energy(psi_rad)[0] + offset_rad, MIN_BURNOUT_ANGLE_RAD,
                     0.5 * np.pi - 1e-3)
    return gamma, nu_for(psi_rad, gamma)


def _rot_z(angle_rad: ArrayLike, a: jax.Array) -> jax.Array:
    """(..., 3) vectors a turned by angle_rad (...) about z (counter-clockwise)."""
    c, s = jnp.cos(angle_rad), jnp.sin(angle_rad)
    return jnp.stack([c * a[..., 0] - s * a[..., 1], s * a[..., 0] + c * a[..., 1],
                      a[..., 2]], axis=-1)


@functools.partial(jax.jit, static_argnames=("earth", "iterations"))
def impulsive_velocity(site_ecef_m: ArrayLike, aim_ecef_m: ArrayLike, offset_rad: ArrayLike,
                       earth: EarthModel,
                       iterations: int = 8) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Burnout velocity on the site that reaches the aim point in vacuum.

    Args:
      site_ecef_m, aim_ecef_m: (..., 3) launch site and aim point, ECEF [m].
      offset_rad: (...) burnout angle above the minimum-energy one (`loft_offset_rad`).
      earth: Earth model (its rotation moves the aim during the flight).
    Returns:
      (v_ecef_mps (..., 3), tof_s (...), ok (...)): ok is False where no bound arc exists or
      the (moving) aim is the site's antipode, where the launch plane is undefined.
    """
    site = jnp.asarray(site_ecef_m, jnp.float64)
    aim = jnp.asarray(aim_ecef_m, jnp.float64)
    r = jnp.linalg.norm(site, axis=-1)
    u = site / r[..., None]
    w = earth.omega_radps
    tof = jnp.zeros_like(r)
    for _ in range(iterations):
        aim_then = _rot_z(w * tof, aim)
        psi = central_angle_rad(site, aim_then)
        gamma, nu = burnout_angle(psi, offset_rad)
        speed = jnp.sqrt(nu * earth.gm_m3ps2 / r)
        h = aim_then - jnp.sum(aim_then * u, -1, keepdims=True) * u
        h_norm = jnp.linalg.norm(h, axis=-1)
        plane = psi < jnp.pi - ANTIPODE_TOL_RAD
        h = h / jnp.where(plane, h_norm, 1.0)[..., None]
        v_i = speed[..., None] * (jnp.cos(gamma)[..., None] * h + jnp.sin(gamma)[..., None] * u)
        _, tof, ok = predict_descent(site, v_i, jnp.linalg.norm(aim, axis=-1), earth.gm_m3ps2)
        tof = jnp.where(ok, tof, 0.0)
    ok = ok & (nu < 2.0) & (psi > 0.0) & plane
    v_ecef = v_i - jnp.stack([-w * site[..., 1], w * site[..., 0], 0.0 * site[..., 2]], -1)
    return v_ecef, tof, ok


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def shifted_aim(virtual_ecef_m: np.ndarray, aim_ecef_m: np.ndarray, impact_ecef_m: np.ndarray,
                hit: np.ndarray) -> np.ndarray:
    """Next virtual aim point (..., 3): the last one moved against the miss impact − aim.

    Works on directions (unit vectors), rescaled to the aim's radius; samples without an
    impact (`hit` False) keep their virtual aim.
    """
    moved = _unit(virtual_ecef_m) + _unit(aim_ecef_m) - _unit(impact_ecef_m)
    new = _unit(moved) * np.linalg.norm(aim_ecef_m, axis=-1, keepdims=True)
    return np.where(hit[..., None] & np.all(np.isfinite(new), -1, keepdims=True), new,
                    virtual_ecef_m)


def cross_track_shifted_aim(virtual_ecef_m: np.ndarray, site_ecef_m: np.ndarray,
                            aim_ecef_m: np.ndarray, impact_ecef_m: np.ndarray,
                            hit: np.ndarray) -> np.ndarray:
    """Next virtual aim point (..., 3): the last one moved against the miss's component normal
    to the site–aim plane (the along-track miss is the speed search's). Samples without an
    impact (`hit` False) keep their virtual aim."""
    normal = _unit(np.cross(site_ecef_m, aim_ecef_m))
    off = np.sum((_unit(impact_ecef_m) - _unit(aim_ecef_m)) * normal, -1, keepdims=True)
    new = _unit(_unit(virtual_ecef_m) - off * normal) * np.linalg.norm(aim_ecef_m, axis=-1,
                                                                      keepdims=True)
    return np.where(hit[..., None] & np.all(np.isfinite(new), -1, keepdims=True), new,
                    virtual_ecef_m)


def next_speed_factor(k: np.ndarray, log_ratio: np.ndarray, lo: np.ndarray, f_lo: np.ndarray,
                      hi: np.ndarray, f_hi: np.ndarray,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One safeguarded secant step on the launch-speed factor, per sample (all (...) arrays).

    log_ratio = log(range flown / range aimed) at k (+inf where the flight did not land:
    escape, still aloft). (lo, f_lo) and (hi, f_hi) bracket the root (f_lo < 0 < f_hi; lo = 0
    and hi = inf while unknown). The step is a secant in (log k, log_ratio) through the
    bracket ends, or the k² power law while one end is unknown; a step outside the bracket
    becomes a bisection in log k. Returns (next k, lo, f_lo, hi, f_hi).
    """
    short = log_ratio < 0.0
    lo, f_lo = np.where(short, k, lo), np.where(short, log_ratio, f_lo)
    hi, f_hi = np.where(short, hi, k), np.where(short, f_hi, log_ratio)
    both = (lo > 0.0) & np.isfinite(hi) & np.isfinite(f_hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_lo, x_hi = np.log(lo), np.log(hi)
        secant = x_lo - f_lo * (x_hi - x_lo) / (f_hi - f_lo)
        power = np.log(k) - 0.5 * np.where(np.isfinite(log_ratio), log_ratio, 0.0)
    x = np.where(both, secant, power)
    inside = (x > x_lo) & (x < x_hi)
    mid = np.where(np.isfinite(x_hi) & (lo > 0.0), 0.5 * (x_lo + x_hi),
                   np.where(lo > 0.0, x_lo + np.log(2.0), x_hi - np.log(2.0)))
    return np.exp(np.where(inside, x, mid)), lo, f_lo, hi, f_hi


@functools.partial(jax.jit, static_argnames="earth")
def burnout_angle_error(r_ecef_m: ArrayLike, v_ecef_mps: ArrayLike, aim_ecef_m: ArrayLike,
                        offset_rad: ArrayLike, earth: EarthModel) -> jax.Array:
    """(...) inertial burnout flight-path angle minus the type's angle for the range left [rad].

    Positive: too steep. Used to solve the booster's kick angle.
    """
    w = earth.omega_radps
    r = jnp.asarray(r_ecef_m)
    v_i = jnp.asarray(v_ecef_mps) + jnp.stack([-w * r[..., 1], w * r[..., 0], 0 * r[..., 2]], -1)
    gamma = jnp.arcsin(jnp.sum(r * v_i, -1) / (jnp.linalg.norm(r, axis=-1)
                                               * jnp.linalg.norm(v_i, axis=-1)))
    psi, tof, ok = predict_descent(r, v_i, jnp.linalg.norm(aim_ecef_m, axis=-1),
                                   earth.gm_m3ps2)
    psi_left = central_angle_rad(r, _rot_z(w * jnp.where(ok, tof, 0.0), jnp.asarray(aim_ecef_m)))
    want, _ = burnout_angle(psi_left, offset_rad)
    return gamma - want
