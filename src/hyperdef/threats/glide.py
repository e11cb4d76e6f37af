"""Unpowered lifting (and, with L/D = 0, ballistic) flight through the atmosphere, with guidance.

The vehicle is a point mass with ballistic coefficient β and lift-to-drag ratio L/D, either
constant or from an aero table at a commanded angle of attack (`hyperdef.threats.aero`); its bank
angle follows a programme (`hyperdef.threats.manoeuvres`). A vehicle with a target also steers:

- lateral steering: bank = clip(k_ψ·Δψ, ±σ_max) + programme, Δψ the signed angle from the
  horizontal velocity to the horizontal line of sight to the target (k_ψ = 2);
- terminal dive, once the ground range to the target is below dive_range_m: proportional
  navigation, a = N·(ω_LOS × v) with N = 4 (Zarchan, *Tactical and Strategic Missile Guidance*,
  6th ed., 2012, ch. 2), plus the part of gravity normal to v so the law acts as in free space;
  the lift is pointed along the command and its size limited to the available L/D × drag.

A ballistic release naturally pulls up once the air is dense enough (wings level, full L/D);
Acton's pull-up loss v_after = v_before·exp(−θ/(L/D)) (S&GS 23(3), 2015, Eq. 11) is a check.

Equilibrium glide (lift balances gravity less the centrifugal relief):
ρ_eq = (2β/(L/D))·(g/V² − 1/r) (Candler & Leyva, S&GS 30(3), 2022, Eqs. 4–5).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple, cast

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.dynamics.eom import (
    aero_accel_xyz,
    altitude_and_up_xyz,
    frame_accel_xyz,
    lift_direction_xyz,
)
from hyperdef.dynamics.events import Flight
from hyperdef.dynamics.integrate import integrate_fixed
from hyperdef.dynamics.propagate import density_fn
from hyperdef.dynamics.vec3 import V3
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel
from hyperdef.threats.aero import beta_and_ld, builtin_table, max_ld_alpha_rad
from hyperdef.threats.manoeuvres import BankProgramme, bank_command_rad

STEER_GAIN = 2.0  # bank per heading error [rad/rad]
PN_GAIN = 4.0  # proportional-navigation constant N (3–5 is the usual range; Zarchan 2012)
EQUILIBRIUM_TOP_M = 150e3  # search ceiling of the equilibrium altitude


class GlideParams(NamedTuple):
    """Per-vehicle parameters: (N,) each, target (N, 3); the integrator moves N last."""

    beta_kgpm2: ArrayLike  # constant-aero β [kg/m²] (ignored with a table)
    lift_to_drag: ArrayLike  # constant-aero L/D (ignored with a table)
    mass_kg: ArrayLike
    area_m2: ArrayLike  # table reference area [m²]
    alpha_rad: ArrayLike  # commanded α with a table; NaN: the α of the largest L/D
    bank: BankProgramme
    t_release_s: ArrayLike  # the bank programme's time zero
    target_ecef_m: ArrayLike  # target on the ground, ECEF [m] (guided vehicles)
    dive_range_m: ArrayLike  # ground range to the target that starts the dive [m]
    max_bank_rad: ArrayLike  # steering bank limit [rad]


def _traced(x: ArrayLike) -> jax.Array:
    """A `GlideParams` field as the integrator hands it to the right-hand side: the pytree's
    leaves are traced arrays there, whatever the caller built the record from."""
    return cast(jax.Array, x)


def aero_state(p: GlideParams, speed_mps: jax.Array,
               table: str | None) -> tuple[jax.Array, jax.Array]:
    """(β, L/D) now: constants, or the table at the commanded α and the current speed."""
    if table is None:
        # Inside the integrator the parameters are traced arrays (see `_traced`).
        return _traced(p.beta_kgpm2), _traced(p.lift_to_drag)
    tab = builtin_table(table)
    alpha = jnp.where(jnp.isnan(p.alpha_rad), max_ld_alpha_rad(tab, speed_mps), p.alpha_rad)
    return beta_and_ld(tab, p.mass_kg, p.area_m2, alpha, speed_mps)


def _guidance(r: V3, v: V3, up: V3, rho: jax.Array, beta: jax.Array, ld: jax.Array,
              bank_prog: jax.Array, a_frame: V3, p: GlideParams) -> tuple[jax.Array, jax.Array]:
    """(L/D used, bank) of guided vehicles: steering, or the dive once close enough."""
    tgt = V3.rows(_traced(p.target_ecef_m))
    tgt_norm = tgt.norm()
    rng = jnp.arctan2(r.cross(tgt).norm(), r.dot(tgt)) * tgt_norm
    speed = v.norm()
    v_hat = v / jnp.maximum(speed, 1e-6)
    d = tgt - r
    d_h = d - up * d.dot(up)
    v_h = v - up * v.dot(up)
    dpsi = jnp.arctan2(d_h.dot(v_h.cross(up)), d_h.dot(v_h))
    bank_steer = jnp.clip(STEER_GAIN * dpsi, -_traced(p.max_bank_rad), p.max_bank_rad) + bank_prog
    dist = jnp.maximum(d.norm(), 1.0)
    omega = (d / dist).cross(-v) / dist
    a_cmd = omega.cross(v) * PN_GAIN - (a_frame - v_hat * a_frame.dot(v_hat))
    l0 = lift_direction_xyz(v, up, 0.0)
    bank_dive = jnp.arctan2(a_cmd.dot(v_hat.cross(l0)), a_cmd.dot(l0))
    drag = rho * speed**2 / (2.0 * beta)
    ld_dive = jnp.minimum(a_cmd.norm() / jnp.maximum(drag, 1e-12), ld)
    # Dive no later than one turn radius V²/a out, a = the lift available plus gravity: closer
    # in, a fast vehicle can no longer turn down onto the target.
    turn_m = speed**2 / (ld * drag + a_frame.norm())
    diving = rng <= jnp.maximum(p.dive_range_m, turn_m)
    return jnp.where(diving, ld_dive, ld), jnp.where(diving, bank_dive, bank_steer)


@functools.cache
def glide_rhs(earth: EarthModel, atmosphere: str | None, table: str | None,
              guided: bool) -> Callable[[jax.Array, jax.Array, GlideParams], jax.Array]:
    """Batched `rhs(t_s (N,), y (6, N), p: GlideParams) -> (6, N)`, vehicles last
    (hyperdef.dynamics.integrate), y = (r_ecef_m, v_ecef_mps) by rows."""
    rho_of = density_fn(atmosphere)

    def rhs(t_s: jax.Array, y: jax.Array, p: GlideParams) -> jax.Array:
        r, v = V3.rows(y, 0), V3.rows(y, 3)
        alt, up = altitude_and_up_xyz(r, earth)
        rho = rho_of(alt)
        beta, ld = aero_state(p, v.norm(), table)
        bank = bank_command_rad(p.bank, t_s - p.t_release_s)
        a_frame = frame_accel_xyz(r, v, earth)
        if guided:
            ld, bank = _guidance(r, v, up, rho, beta, ld, bank, a_frame, p)
        a = a_frame + aero_accel_xyz(r, v, rho, beta, ld, bank, earth, up=up)
        return jnp.stack([*v, *a])

    return rhs


def equilibrium_density_kgpm3(speed_mps: jax.Array, beta_kgpm2: jax.Array, lift_to_drag: jax.Array,
                              g_mps2: jax.Array, r_m: jax.Array) -> jax.Array:
    """(...) density [kg/m³] at which lift balances gravity less centrifugal relief.

    ρ_eq = (2β/(L/D))·(g/V² − 1/r) (Candler & Leyva 2022, Eqs. 4–5); ≤ 0 at or above
    circular speed (no equilibrium glide exists there).
    """
    return 2.0 * beta_kgpm2 / lift_to_drag * (g_mps2 / speed_mps**2 - 1.0 / r_m)


@functools.partial(jax.jit, static_argnames=("earth", "atmosphere"))
def equilibrium_altitude_m(speed_mps: jax.Array, beta_kgpm2: jax.Array, lift_to_drag: jax.Array,
                           lat_rad: jax.Array, *, earth: EarthModel,
                           atmosphere: str) -> tuple[jax.Array, jax.Array]:
    """Equilibrium-glide altitude for a speed, by bisection on ln ρ(h) − ln ρ_eq(h).

    g = μ/r² and r = R(φ) + h, R(φ) the Earth model's geocentric radius at the latitude
    (rotation ignored, as in the formula's sources).

    Args:
      speed_mps, beta_kgpm2, lift_to_drag, lat_rad: (...) speed [m/s], β [kg/m²], L/D, latitude.
      earth, atmosphere: models (static).
    Returns:
      (alt_m (...), ok (...) bool): ok is False where no altitude in [0, 150 km] balances
      (speed at/above circular, or equilibrium below the ground); alt_m is then clipped.
    """
    rho_of = density_fn(atmosphere)
    r0 = jnp.linalg.norm(geodetic_to_ecef(lat_rad, 0.0, 0.0, earth), axis=-1)

    def f(h: jax.Array) -> jax.Array:
        r = r0 + h
        rho_eq = equilibrium_density_kgpm3(speed_mps, beta_kgpm2, lift_to_drag,
                                           earth.gm_m3ps2 / r**2, r)
        return jnp.log(rho_of(h)) - jnp.log(jnp.maximum(rho_eq, 1e-300))

    lo = jnp.zeros_like(r0 * speed_mps * beta_kgpm2 * lift_to_drag)
    hi = lo + EQUILIBRIUM_TOP_M
    ok = (f(lo) >= 0.0) & (f(hi) <= 0.0)

    def body(_: int, s: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lo, hi = s
        mid = 0.5 * (lo + hi)
        above = f(mid) > 0.0  # still denser than needed: go higher
        return jnp.where(above, mid, lo), jnp.where(above, hi, mid)

    lo, hi = jax.lax.fori_loop(0, 60, body, (lo, hi))
    return 0.5 * (lo + hi), ok


def fly_glide(params: GlideParams, y0: ArrayLike, t0_s: ArrayLike, t_grid_s: ArrayLike, *,
              earth: EarthModel, atmosphere: str | None, table: str | None, guided: bool,
              step_s: float, stop_alt_m: ArrayLike | None = None,
              t_stop_s: ArrayLike | None = None) -> Flight:
    """Fly N gliders (or, with L/D = 0, re-entry bodies) from y0 (N, 6) at t0_s (N,).

    Returns `hyperdef.dynamics.integrate.Flight` on t_grid_s (T,).
    """
    return integrate_fixed(glide_rhs(earth, atmosphere, table, guided), y0, t0_s, params,
                           t_grid_s, step_s=step_s, earth=earth, stop_alt_m=stop_alt_m,
                           t_stop_s=t_stop_s)
