"""Propagate point masses of constant ballistic coefficient, L/D and bank: the plain 3-DOF case.

This is the motion the tracker's glide and ballistic models assume, and the reference the threat
models (which add guidance, aero tables and boost) reduce to when their commands are constant.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.dynamics.eom import aero_accel_xyz, altitude_and_up_xyz, frame_accel_xyz
from hyperdef.dynamics.events import Rhs
from hyperdef.dynamics.integrate import Flight, integrate_adaptive, integrate_fixed
from hyperdef.dynamics.vec3 import V3
from hyperdef.earth.model import EarthModel

# US76 ends at 1000 km; above it the air is taken as vacuum (ρ(1000 km) ≈ 3.6e-15 kg/m³ gives
# a drag below 1e-8 m/s² even at 8 km/s and β = 1 kg/m²).
TOP_OF_ATMOSPHERE_M = 1_000e3
# Density lookup for the equations of motion: ln ρ tabulated every 50 m from −5 km to the top and
# interpolated linearly. ln ρ is almost linear (error (h²/8)·|d² ln ρ/dz²| ≈ 1e-6 relative);
# where US76 changes lapse rate inside a cell it reaches 4e-4 relative (tested). One
# gather replaces the full model inside every RK4 stage, which cuts both run and compile time.
TABLE_BOTTOM_M = -5_000.0
TABLE_STEP_M = 50.0


class AeroParams(NamedTuple):
    """Constant aerodynamic parameters of N vehicles, each (N,)."""

    beta_kgpm2: jax.Array  # ballistic coefficient m/(C_D S) [kg/m²]; inf for vacuum flight
    lift_to_drag: jax.Array  # L/D [-]
    bank_rad: jax.Array  # bank angle [rad], positive turns right


@functools.cache
def log_density_table(atmosphere: str) -> NDArray[np.float64]:
    from hyperdef.atmosphere.model import atmosphere as atmosphere_model

    z = np.arange(TABLE_BOTTOM_M, TOP_OF_ATMOSPHERE_M + 0.5 * TABLE_STEP_M, TABLE_STEP_M)
    # Built on first use, which may happen while a caller is being traced: evaluate eagerly.
    with jax.ensure_compile_time_eval():
        rho = atmosphere_model(atmosphere)(jnp.asarray(z)).density_kgpm3
    return np.log(np.asarray(rho))


@functools.cache
def density_fn(atmosphere: str | None) -> Callable[[jax.Array], jax.Array]:
    """`rho(alt_m) -> density_kgpm3` (...) for an atmosphere name ('us76', 'exponential');
    None: vacuum. From the ln ρ table above; 0 above TOP_OF_ATMOSPHERE_M, the bottom value
    below −5 km."""
    if atmosphere is None:
        return lambda alt_m: jnp.zeros_like(alt_m)
    table = log_density_table(atmosphere)
    last = table.size - 1

    def rho(alt_m: jax.Array) -> jax.Array:
        u = (jnp.clip(alt_m, TABLE_BOTTOM_M, TOP_OF_ATMOSPHERE_M) - TABLE_BOTTOM_M) / TABLE_STEP_M
        i = jnp.clip(jnp.floor(u).astype(jnp.int32), 0, last - 1)
        lo = jnp.asarray(table)[i]
        ln_rho = lo + (u - i) * (jnp.asarray(table)[i + 1] - lo)
        return jnp.where(alt_m < TOP_OF_ATMOSPHERE_M, jnp.exp(ln_rho), 0.0)

    return rho


@functools.cache
def point_mass_rhs(earth: EarthModel, atmosphere: str | None) -> Rhs:
    """Batched right-hand side `rhs(t_s (N,), y (6, N), p: AeroParams) -> (6, N)` (cached per
    model), vehicles last (hyperdef.dynamics.integrate): dy = (v, frame_accel + aero_accel)."""
    rho_of = density_fn(atmosphere)

    def rhs(t_s: jax.Array, y: jax.Array, p: AeroParams) -> jax.Array:
        r, v = V3.rows(y, 0), V3.rows(y, 3)
        alt, up = altitude_and_up_xyz(r, earth)
        a = frame_accel_xyz(r, v, earth) + aero_accel_xyz(
            r, v, rho_of(alt), p.beta_kgpm2, p.lift_to_drag, p.bank_rad, earth, up=up)
        return jnp.stack([*v, *a])

    return rhs


def propagate(r0_ecef_m: ArrayLike, v0_ecef_mps: ArrayLike, t_grid_s: ArrayLike, *,
              beta_kgpm2: ArrayLike = jnp.inf, lift_to_drag: ArrayLike = 0.0,
              bank_rad: ArrayLike = 0.0, earth: EarthModel, atmosphere: str | None = "us76",
              t0_s: ArrayLike = 0.0, method: str = "rk4", step_s: float = 1.0, rtol: float = 1e-10,
              stop_alt_m: ArrayLike | None = None, t_stop_s: ArrayLike | None = None) -> Flight:
    """Fly N point masses from given ECEF states until impact, a stop, or the grid's end.

    Args:
      r0_ecef_m, v0_ecef_mps: (N, 3) start position [m] and Earth-relative velocity [m/s], ECEF.
      t_grid_s: (T,) report times [s]; the states come back on this grid (NaN out of flight).
      beta_kgpm2, lift_to_drag, bank_rad: scalars or (N,) (see `AeroParams`).
      earth: Earth model; atmosphere: 'us76', 'exponential' or None (vacuum).
      t0_s: scalar or (N,) start times [s].
      method: 'rk4' (fixed step_s [s]) or 'dp5' (adaptive, relative tolerance rtol).
      stop_alt_m, t_stop_s: optional (N,) stop altitude [m] / stop time [s].
    Returns:
      `hyperdef.dynamics.integrate.Flight` (y = r, v stacked; see there for status codes).
    """
    r0 = jnp.asarray(r0_ecef_m, jnp.float64)
    y0 = jnp.concatenate([r0, jnp.asarray(v0_ecef_mps, jnp.float64)], axis=-1)
    n = y0.shape[0]
    p = AeroParams(*(jnp.broadcast_to(jnp.asarray(x, jnp.float64), (n,))
                     for x in (beta_kgpm2, lift_to_drag, bank_rad)))
    rhs = point_mass_rhs(earth, atmosphere)
    kw: dict[str, Any] = dict(earth=earth, stop_alt_m=stop_alt_m, t_stop_s=t_stop_s)
    if method == "rk4":
        return integrate_fixed(rhs, y0, t0_s, p, t_grid_s, step_s=step_s, **kw)
    if method == "dp5":
        atol = jnp.array([1e-4] * 3 + [1e-7] * 3)  # 0.1 mm, 0.1 µm/s: below any error of note
        return integrate_adaptive(rhs, y0, t0_s, p, t_grid_s, rtol=rtol, atol=atol, **kw)
    raise ValueError(f"method: must be 'rk4' or 'dp5', got {method!r}")
