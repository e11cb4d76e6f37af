"""Unpowered flight of many vehicles to the ground, from estimated states (for the assessment).

The threats' own point-mass dynamics (`hyperdef.dynamics.eom`: gravity with J2, Coriolis,
centrifugal, drag and lift with bank; the scenario's atmosphere), stepped by the threats'
classical RK4 step (`hyperdef.dynamics.integrate.rk4_step`) for a whole batch at once inside one
while-loop that ends when every vehicle has landed (`_fly`). That graph is much smaller than the
event-locating `integrate_fixed`, which matters because each batch shape is compiled once per run:
batches are padded to a few sizes (16 or 256 with recorded paths, powers of two from 16 without),
so a run compiles `_fly` two or three times.

The ground crossing is placed by linear interpolation within the last step (≤ a·dt²/8 ≈ 25 m at
2 s steps and 50 m/s²); tests compare impacts and coasted paths with scipy's solve_ivp on
independently written equations.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.atmosphere.model import atmosphere as atmosphere_model
from hyperdef.dynamics.eom import aero_accel_mps2, altitude_and_up, frame_accel_mps2
from hyperdef.dynamics.integrate import rk4_step
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import WGS84, EarthModel


@dataclasses.dataclass(frozen=True)
class VehicleClass:
    """What the defence assumes of the vehicle: aerodynamics and manoeuvre limits (not its state).

    beta_kgpm2: ballistic coefficient m/(C_D S) [kg/m²]; lift_to_drag: the L/D it can fly
    (0 for a ballistic body); max_bank_deg: |bank| limit of the sweep [deg];
    beta_log_sd: 1σ of ln β for ballistic predictions (the class β is not known exactly).
    """

    beta_kgpm2: float
    lift_to_drag: float = 0.0
    max_bank_deg: float = 75.0
    beta_log_sd: float = 0.3


@dataclasses.dataclass(frozen=True)
class FlightOptions:
    """Numerics of the unpowered flights."""

    step_s: float = 2.0  # RK4 step [s]: impact points converge to < 100 m at 2 s (tests)
    horizon_s: float = 5400.0  # longest flight followed [s]; stops earlier when all landed
    record_steps: int = 4096  # coasted paths are kept for 4096 steps (2.3 h at 2 s)


# The RK4 loop's carry: (step, y, alt, alive, r_hit, t_hit, hit, path) (`_fly`).
Carry = tuple[jax.Array, jax.Array, jax.Array, jax.Array, jax.Array, jax.Array, jax.Array,
              jax.Array]


@functools.lru_cache(maxsize=8)
def _rhs(atmosphere: str,
         earth: EarthModel) -> Callable[[jax.Array, jax.Array, jax.Array], jax.Array]:
    """One vehicle's dy/dt with p = (beta, L/D, bank, t_switch): bank held until t_switch."""
    density = atmosphere_model(atmosphere)

    def rhs(t: jax.Array, y: jax.Array, p: jax.Array) -> jax.Array:
        r, v = y[:3], y[3:6]
        alt, _ = altitude_and_up(r, earth)
        rho = density(jnp.maximum(alt, 0.0)).density_kgpm3
        bank = jnp.where(t < p[3], p[2], 0.0)
        a = frame_accel_mps2(r, v, earth) + aero_accel_mps2(r, v, rho, p[0], p[1], bank, earth)
        return jnp.concatenate([v, a])

    return rhs


@functools.partial(jax.jit, static_argnames=("atmosphere", "earth", "n_record"))
def _fly(y0: jax.Array, params: jax.Array, dt_s: jax.Array, max_steps: jax.Array, *,
         atmosphere: str, earth: EarthModel,
         n_record: int) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """RK4 (the threats' `rk4_step`) on a fixed step until every vehicle is on the ground.

    y0 (N, 6), params (N, 4). Returns r_hit (N, 3) ground point [m] (altitude crossing placed by
    linear interpolation within the last step: ≤ a·dt²/8 ≈ 25 m at 2 s and 50 m/s²), t_hit (N,)
    [s], hit (N,) bool, path (N, n_record, 3) positions at steps 0 … n_record−1 (NaN after impact).
    A while-loop stops as soon as all have landed, so the horizon costs nothing when unused.
    """
    rhs = _rhs(atmosphere, earth)
    def one_step(t: jax.Array, y: jax.Array, p: jax.Array) -> jax.Array:
        return rk4_step(rhs, t, y, dt_s, p)

    step = jax.vmap(one_step, in_axes=(None, 0, 0))
    alt0, _ = altitude_and_up(y0[:, :3], earth)
    n = y0.shape[0]
    path = jnp.full((n, n_record, 3), jnp.nan)
    if n_record:
        path = path.at[:, 0].set(y0[:, :3])
    carry0: Carry = (jnp.int32(0), y0, alt0, alt0 > 0.0, jnp.zeros((n, 3)), jnp.zeros(n),
              jnp.zeros(n, bool), path)

    def cond(c: Carry) -> jax.Array:
        return (c[0] < max_steps) & jnp.any(c[3])

    def body(c: Carry) -> Carry:
        k, y, alt, alive, r_hit, t_hit, hit, path = c
        y_new = step(k * dt_s, y, params)
        alt_new, _ = altitude_and_up(y_new[:, :3], earth)
        bad = ~jnp.all(jnp.isfinite(y_new), axis=-1)
        down = alive & ~bad & (alt_new <= 0.0)
        frac = (alt / jnp.where(down, alt - alt_new, 1.0))[:, None]
        r_hit = jnp.where(down[:, None], y[:, :3] + frac * (y_new[:, :3] - y[:, :3]), r_hit)
        t_hit = jnp.where(down, (k + frac[:, 0]) * dt_s, t_hit)
        hit = hit | down
        alive_new = alive & ~down & ~bad
        if n_record > 1:
            rec = jnp.where(alive_new[:, None], y_new[:, :3], jnp.nan)
            path = path.at[:, jnp.minimum(k + 1, n_record - 1)].set(rec)
        return (k + 1, jnp.where(alive_new[:, None], y_new, y), alt_new, alive_new, r_hit,
                t_hit, hit, path)

    _, _, _, _, r_hit, t_hit, hit, path = jax.lax.while_loop(cond, body, carry0)
    return r_hit, t_hit, hit, path


def fly_to_ground(y0: ArrayLike, params: np.ndarray, *, atmosphere: str,
                  earth: EarthModel = WGS84, options: FlightOptions = FlightOptions(),
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fly N unpowered vehicles to the ground.

    y0: (N, 6) ECEF state [m, m/s]; params: (N, 4) [β kg/m², L/D, bank rad, switch time s
    after start]. Returns (lat_rad (N,), lon_rad (N,), t_flight_s (N,)) with NaN where the
    vehicle did not reach the ground within options.horizon_s.
    """
    y0 = np.asarray(y0, np.float64)
    n = len(y0)
    pad = _bucket(n) - n  # a few batch sizes only: each new size is a new compilation
    y0p = np.concatenate([y0, np.repeat(y0[:1], pad, 0)])
    pp = np.concatenate([np.asarray(params, np.float64), np.repeat(params[:1], pad, 0)])
    # Small batches record their paths too, so prediction and `coast` share one compilation.
    record = options.record_steps if len(y0p) <= 16 else 0
    r_hit, t_hit, hit, _ = _fly(y0p, pp, options.step_s,
                                int(options.horizon_s / options.step_s),
                                atmosphere=atmosphere, earth=earth, n_record=record)
    hit = np.asarray(hit)[:n]
    lat, lon, _ = (np.asarray(a)[:n] for a in ecef_to_geodetic(r_hit, earth))
    return (np.where(hit, lat, np.nan), np.where(hit, lon, np.nan),
            np.where(hit, np.asarray(t_hit)[:n], np.nan))


def _bucket(n: int) -> int:
    """Padded batch size: powers of two from 16 (a handful of compiled shapes per run)."""
    return max(16, 1 << (int(n) - 1).bit_length())


#: Rows of a `coast` call's flights: one block for a sample's few states (the shape
#: `fly_to_ground` compiles for small batches), blocks of the larger size for a batch's states
#: gathered from all its samples (`assessment.coasting.serve_all`). Two shapes, two compilations.
COAST_BLOCKS = (16, 256)


def coast(y0: ArrayLike, t0_s: ArrayLike, vehicle: VehicleClass | Sequence[VehicleClass],
          t_grid_s: ArrayLike, *, atmosphere: str, earth: EarthModel = WGS84,
          options: FlightOptions = FlightOptions()) -> np.ndarray:
    """(G, T, 3) positions [m, ECEF] on t_grid_s (T,) of G states y0 (G, 6) released at t0_s (G,)
    and flown unpowered at zero bank with the vehicle class (one for all, or one per state);
    NaN before t0 and after impact. Positions between integration steps are interpolated
    linearly (steps of options.step_s). A state's flight is the same whatever else is flown
    beside it: each is integrated on its own (vmapped), only for longer where others need it."""
    y0 = np.asarray(y0, np.float64)
    t0 = np.asarray(t0_s, np.float64)
    t = np.asarray(t_grid_s, np.float64)
    g = len(y0)
    classes = [vehicle] * g if isinstance(vehicle, VehicleClass) else list(vehicle)
    params = np.asarray([[v.beta_kgpm2, v.lift_to_drag, 0.0, 0.0] for v in classes],
                        np.float64).reshape(g, 4)
    n_rec = options.record_steps
    out = np.full((g, len(t), 3), np.nan)
    size = COAST_BLOCKS[0] if g <= COAST_BLOCKS[0] else COAST_BLOCKS[1]
    for lo in range(0, g, size):
        hi = min(lo + size, g)
        pad = np.full(size - (hi - lo), lo)  # pads fly the block's first state again
        rows = np.r_[np.arange(lo, hi), pad]
        # Steps past the grid's last time are never read: stop there rather than at the ground
        # (a glider released high would otherwise fly hundreds of unused steps).
        last = t[-1] if len(t) else t0[lo]
        steps = max(1, int(np.ceil((last - t0[lo:hi].min()) / options.step_s)) + 1)
        _, _, _, path = _fly(y0[rows], params[rows], options.step_s, min(n_rec - 1, steps),
                             atmosphere=atmosphere, earth=earth, n_record=n_rec)
        _fill(out, lo, np.asarray(path)[:hi - lo], t0, t, options.step_s)
    return out


def _fill(out: np.ndarray, lo: int, path: np.ndarray, t0: np.ndarray, t: np.ndarray,
          step_s: float) -> None:
    """Interpolate recorded paths (k, n_rec, 3) at steps of step_s from t0 onto the grid t."""
    n_rec = path.shape[1]
    for j in range(len(path)):
        i = lo + j
        tk = t0[i] + step_s * np.arange(n_rec)
        later = t >= t0[i]
        for c in range(3):
            out[i, later, c] = np.interp(t[later], tk, path[j, :, c], right=np.nan)
