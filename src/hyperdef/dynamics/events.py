"""Events, statuses and the state layout shared by hyperdef's batched integrators.

The integrators (`hyperdef.dynamics.integrate`: RK4; `hyperdef.dynamics.adaptive`: Dormand–
Prince 5(4)) keep N vehicles as one (n, N) state, vehicle axis last, and end each flight by the
events and `hyperdef.status.Status` codes described in `hyperdef.dynamics.integrate`. This
module holds what both need: the per-vehicle carry, the start checks, accepting a step or
recording the event it crossed, locating a crossing (Illinois regula falsi on the step length;
Dahlquist & Björck, *Numerical Methods*, 1974, §6.2.3), recording on the report grid, and the
vehicles-first ↔ vehicles-last conversion of inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.dynamics.eom import altitude_and_up_xyz
from hyperdef.dynamics.vec3 import V3
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status

# A pytree of per-vehicle parameters (NamedTuples, tuples or dicts of arrays): JAX gives pytrees
# no narrower static type.
Params = Any
# rhs(t_s (N,), y (n, N), p[, t_piece_s]) -> dy/dt (n, N) (see hyperdef.dynamics.integrate)
Rhs = Callable[..., jax.Array]
# event(t_s (N,), y (n, N), p) -> (N,): a flight ends where it falls to ≤ 0
EventFn = Callable[[jax.Array, jax.Array, Params], jax.Array]
# step(t_s (N,), y (n, N), h_s (N,)) -> the state after a step of length h_s
Step = Callable[[jax.Array, jax.Array, jax.Array], jax.Array]
# breaks(p) -> (K, N) times [s] where the right-hand side jumps or kinks
Breaks = Callable[[Params], jax.Array]

_PENDING = -1  # an event fired inside a step; resolved to a Status after the crossing is located
_GROUND_TOL_M = 1e-3  # a start 1 mm below the surface is still "on the ground" (geodetic round-off)
_ROOT_ITERS = 24


class Flight(NamedTuple):
    """Integrated flights of N vehicles on a grid of T times (n state components): NumPy arrays
    from `integrate_fixed`, JAX arrays from `integrate_adaptive` and inside the kernels."""

    y_grid: jax.Array | NDArray[Any]  # (N, T, n) state at t_grid_s; NaN before t0, after t_end
    t_end_s: jax.Array | NDArray[Any]  # (N,) end of the flight [s] (event, t_stop or grid end)
    y_end: jax.Array | NDArray[Any]  # (N, n) state at t_end_s
    status: jax.Array | NDArray[Any]  # (N,) int32 hyperdef.status.Status


class Carry(NamedTuple):
    y: jax.Array  # (n, N)
    t: jax.Array  # (N,)
    alive: jax.Array
    status: jax.Array
    armed: jax.Array  # has been above stop_alt_m (so falling through it ends the flight)
    # A step that crosses an event is not taken: y, t stay at its start (and stop changing, as
    # the vehicle is no longer alive), h_prev keeps its length for `_locate`.
    h_prev: jax.Array
    target_m: jax.Array  # altitude the crossing step was checked against
    steps: jax.Array


_RK4_C = np.array([0.0, 0.5, 0.5, 1.0])
def event_value(t: jax.Array, y: jax.Array, p: Params, target_m: ArrayLike, earth: EarthModel,
                event: EventFn | None) -> tuple[jax.Array, jax.Array]:
    """min(altitude − target, event(t, y, p)), (N,): the flight ends where this falls to ≤ 0."""
    alt, _ = altitude_and_up_xyz(V3.rows(y), earth)
    g = alt - target_m
    return (g if event is None else jnp.minimum(g, event(t, y, p))), alt


def start(y0: jax.Array, t0: jax.Array, p: Params, stop_alt_m: jax.Array, earth: EarthModel,
          event: EventFn | None) -> Carry:
    """Initial carry: checks the start states and sets the status of vehicles that cannot fly."""
    alt0, _ = altitude_and_up_xyz(V3.rows(y0), earth)
    r0 = jnp.sqrt(jnp.sum(y0[:3] ** 2, axis=0))
    w = earth.omega_radps
    v_inertial = y0[3:6] + jnp.stack([-w * y0[1], w * y0[0], 0.0 * y0[2]])
    energy = 0.5 * jnp.sum(v_inertial**2, axis=0) - earth.gm_m3ps2 / r0
    status = jnp.zeros(t0.shape, jnp.int32) + Status.OK
    status = jnp.where(energy >= 0.0, Status.ESCAPE, status)
    status = jnp.where(alt0 < -_GROUND_TOL_M, Status.BELOW_GROUND_AT_START, status)
    finite = jnp.all(jnp.isfinite(y0), axis=0) & jnp.isfinite(t0)
    status = jnp.where(finite, status, Status.NON_FINITE).astype(jnp.int32)
    alive = status == Status.OK
    if event is not None:  # already past a custom stop: ends at once, normally
        alive = alive & (event(t0, y0, p) > 0.0)
    zero = jnp.zeros_like(t0)
    return Carry(y0, t0, alive, status, alt0 > stop_alt_m, zero, zero,
                  jnp.zeros(t0.shape, jnp.int32))


def advance(c: Carry, y_new: jax.Array, t_b: jax.Array, h: ArrayLike, active: jax.Array,
            stop_alt_m: ArrayLike, t_stop_s: ArrayLike, p: Params, earth: EarthModel,
            event: EventFn | None) -> Carry:
    """Accept a step (or record the event it crossed), every vehicle at once."""
    target = jnp.where(c.armed, jnp.maximum(stop_alt_m, 0.0), 0.0)
    g_new, alt_new = event_value(t_b, y_new, p, target, earth, event)
    finite = jnp.all(jnp.isfinite(y_new), axis=0)
    hit = active & finite & (g_new <= 0.0)
    bad = active & ~finite
    ok = active & finite & ~hit
    timed_out = ok & (t_b >= t_stop_s)
    status = jnp.where(hit, _PENDING, c.status)
    status = jnp.where(bad, Status.NON_FINITE, status).astype(jnp.int32)
    return Carry(
        y=jnp.where(ok, y_new, c.y),
        t=jnp.where(ok, t_b, c.t),
        alive=c.alive & ~(hit | bad | timed_out),
        status=status,
        armed=c.armed | (ok & (alt_new > stop_alt_m)),
        h_prev=jnp.where(hit, h, c.h_prev),
        target_m=jnp.where(hit, target, c.target_m),
        steps=c.steps + active.astype(jnp.int32),
    )


def locate(c: Carry, step: Step, p: Params, earth: EarthModel,
           event: EventFn | None) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Resolve pending events: Illinois regula falsi on the crossing step's length.

    The bracket [lo, hi] of step lengths keeps g(lo) > 0 ≥ g(hi); the flight ends at hi, whose
    state is the integrator's own step of that length (one copy of the stepper in the loop).
    """
    def g_of(h: ArrayLike, y: jax.Array) -> jax.Array:
        return event_value(c.t + h, y, p, c.target_m, earth, event)[0]

    f_lo = g_of(0.0, c.y)
    at_start = f_lo <= 0.0  # already on the surface (e.g. at rest on the ground)
    y_hi = step(c.t, c.y, c.h_prev)

    def body(_: jax.Array, s: tuple[jax.Array, ...]) -> tuple[jax.Array, ...]:
        lo, hi, f_lo, f_hi, y_hi, side = s
        den = f_lo - f_hi
        mid = jnp.where(den > 0.0, lo + f_lo * (hi - lo) / jnp.where(den > 0.0, den, 1.0),
                        0.5 * (lo + hi))
        mid = jnp.clip(mid, lo, hi)
        y_mid = step(c.t, c.y, mid)
        f_mid = g_of(mid, y_mid)
        right = f_mid > 0.0  # root lies in [mid, hi]
        # Illinois: halve the stale end's value when the same end is kept twice running.
        f_hi2 = jnp.where(right & (side == 1), 0.5 * f_hi, f_hi)
        f_lo2 = jnp.where(~right & (side == -1), 0.5 * f_lo, f_lo)
        return (jnp.where(right, mid, lo), jnp.where(right, hi, mid),
                jnp.where(right, f_mid, f_lo2), jnp.where(right, f_hi2, f_mid),
                jnp.where(right, y_hi, y_mid), jnp.where(right, 1, -1).astype(jnp.int32))

    init = (jnp.zeros_like(c.h_prev), c.h_prev, f_lo, g_of(c.h_prev, y_hi), y_hi,
            jnp.zeros(c.h_prev.shape, jnp.int32))
    _, hi, _, _, y_hi, _ = jax.lax.fori_loop(0, _ROOT_ITERS, body, init)
    h_root = jnp.where(at_start, 0.0, hi)
    y_root = jnp.where(at_start, c.y, y_hi)
    alt, _ = altitude_and_up_xyz(V3.rows(y_root), earth)
    alt_g = alt - c.target_m
    by_alt = True if event is None else alt_g <= event(c.t + h_root, y_root, p)
    code = jnp.where(by_alt, jnp.where(c.target_m > 0.0, Status.STOP_ALTITUDE, Status.IMPACT),
                     Status.OK).astype(jnp.int32)
    pending = c.status == _PENDING
    return (jnp.where(pending, c.t + h_root, c.t), jnp.where(pending, y_root, c.y),
            jnp.where(pending, code, c.status))


def finish(c: Carry, t_last: ArrayLike, step: Step, p: Params, earth: EarthModel,
           event: EventFn | None) -> tuple[jax.Array, jax.Array, jax.Array]:
    t_end, y_end, status = locate(c, step, p, earth, event)
    status = jnp.where(c.alive & (status == Status.OK) & (c.t >= t_last), Status.MAX_TIME, status)
    return t_end, y_end, status.astype(jnp.int32)


def record(c: Carry, valid: ArrayLike, t_grid_k: ArrayLike) -> jax.Array:
    return jnp.where(valid & (c.t == t_grid_k), c.y, jnp.nan)


def flight(c0: Carry, c: Carry, ys: jax.Array, valid: jax.Array, t_grid_s: jax.Array,
           step: Step, p: Params, earth: EarthModel, event: EventFn | None) -> Flight:
    """Assemble the vehicles-first Flight from the final carry and the recorded (T−1, n, N)."""
    y_all = jnp.concatenate([record(c0, valid, t_grid_s[0])[None], ys], axis=0)
    t_end, y_end, status = finish(c, t_grid_s[-1], step, p, earth, event)
    return Flight(jnp.transpose(y_all, (2, 0, 1)), t_end, y_end.T, status)


# Vehicles per chunk of the RK4 integrator: a chunk's state and stage arrays (a few × 6 × 1024
# × 8 B) stay in the core's cache, faster than streaming 10⁴ vehicles at once (measured on CPU).
CHUNK = 1024


def bucket(n: int) -> int:
    """Vehicle count padded up (copies of vehicle 0 fill the rest) so that runs of similar size
    reuse one compiled kernel: to a power of two up to 64, then to a multiple of 1/8 of one
    (at most 12.5 % extra work), then to whole chunks."""
    if n <= 64:
        return 1 << max(0, (n - 1).bit_length())
    if n > CHUNK:
        return -(-n // CHUNK) * CHUNK
    grain = 1 << ((n - 1).bit_length() - 3)
    return -(-n // grain) * grain


def prepare(y0: ArrayLike, t0_s: ArrayLike | None, params: Params, stop_alt_m: ArrayLike | None,
            t_stop_s: ArrayLike | None, t_grid_s: ArrayLike
            ) -> tuple[int, NDArray[np.float64], np.ndarray, np.ndarray, Params, np.ndarray,
                       np.ndarray]:
    """Checks, defaults, padding, and the vehicles-last layout the kernels use."""
    g = np.asarray(t_grid_s, np.float64)
    if g.ndim != 1 or g.size < 2 or not np.all(np.diff(g) > 0):
        raise ValueError("t_grid_s: must be a strictly increasing 1-D array of at least 2 times")
    # Host arrays throughout: each eager jnp operation here would be one more compilation for
    # every batch size and parameter shape (the kernels take NumPy inputs as they are).
    y0 = np.asarray(y0, np.float64)
    n = y0.shape[0]
    def full(x: ArrayLike | None, fill: float) -> np.ndarray:
        return np.broadcast_to(np.asarray(fill if x is None else x, np.float64), (n,))

    pad = bucket(n) - n

    def grow(x: np.ndarray) -> np.ndarray:
        return np.concatenate([x, np.repeat(x[:1], pad, axis=0)]) if pad else x

    def last(x: ArrayLike) -> np.ndarray:
        return np.moveaxis(grow(np.asarray(x)), 0, -1)
    p = jax.tree.map(last, params)
    return (n, g, last(y0), grow(full(t0_s, 0.0)), p, grow(full(stop_alt_m, -np.inf)),
            grow(full(t_stop_s, np.inf)))

