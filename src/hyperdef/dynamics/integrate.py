"""Batched integration of vehicle states with events: RK4 on a fixed step, Dormand–Prince 5(4).

Both integrators advance N vehicles at once. The right-hand side is written for the whole batch
with the vehicle axis *last*, `rhs(t_s (N,), y (n, N), p) -> dy/dt (n, N)`, where y stacks
(r_ecef_m, v_ecef_mps, …) component by component (n ≥ 6; rows 0–5 are position and velocity,
ECEF) and p is a pytree of per-vehicle parameters, vehicle axis last ((N,), (3, N), (K, N)).
One contiguous row per component is what XLA vectorises best on CPU (see hyperdef.dynamics.eom);
the public functions take and return the usual vehicles-first arrays and transpose at the edge.

Time line. Vehicle i starts at its own t0_s[i] and is reported on the shared grid t_grid_s (T,):
its state at each grid time in [t0, t_end], NaN elsewhere. The fixed integrator divides every grid
interval into the same number of equal steps (≤ step_s); a vehicle that starts inside a step takes
a shorter first step, so every later step ends exactly on the shared substep times and grid
samples are integrator states, not interpolations.

Events end a vehicle's flight, each with a `hyperdef.status.Status` code:
  IMPACT (altitude ≤ 0), STOP_ALTITUDE (altitude falls to stop_alt_m after having been above it),
  OK (t reaches t_stop_s, or the optional `event(t, y, p)` falls to ≤ 0, e.g. engine cut-off),
  MAX_TIME (still flying at the grid's end), NON_FINITE (state became NaN/inf; the last finite
  state is kept), BELOW_GROUND_AT_START (altitude < −1 mm at t0), ESCAPE (inertial speed ≥ the
  local escape speed at t0), MAX_STEPS (adaptive only).
A crossing is located by re-taking the step that crossed with the Illinois variant of regula falsi
on its length h (Dahlquist & Björck, *Numerical Methods*, 1974, §6.2.3): the event time is that of
the integrator's own solution to ~1e-9 s, far inside the 10 ms requirement.
"""

from __future__ import annotations

import concurrent.futures
import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.dynamics.adaptive import integrate_adaptive
from hyperdef.dynamics.events import (
    CHUNK,
    Breaks,
    Carry,
    EventFn,
    Flight,
    Params,
    Rhs,
    Step,
    advance,
    flight,
    prepare,
    record,
    start,
)
from hyperdef.dynamics.rk4 import rk4_step, split_rk4_step
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status

__all__ = ["CHUNK", "Flight", "integrate_adaptive", "integrate_fixed", "rk4_step"]


def _fixed_chunk(y0: jax.Array, t0: jax.Array, p: Params, g: jax.Array, stop_alt: jax.Array,
                 t_stop: jax.Array, n_sub: jax.Array, rhs: Rhs, earth: EarthModel,
                 event: EventFn | None, unroll: bool, breaks: Breaks | None) -> Flight:
    """RK4 flights of one chunk of vehicles (vehicle axis last)."""
    step: Step
    if breaks is None:
        step = lambda t, y, h: rk4_step(rhs, t, y, h, p, unroll)
    else:  # every step, also those re-taken to locate an event, ends on the breaks inside it
        step = lambda t, y, h: split_rk4_step(rhs, breaks, t, y, h, p, unroll)
    c0 = start(y0, t0, p, stop_alt, earth, event)
    valid = c0.status == Status.OK

    def interval(c: Carry, gg: tuple[jax.Array, jax.Array]) -> tuple[Carry, jax.Array]:
        g0, g1 = gg

        def sub(s: tuple[int, Carry]) -> tuple[int, Carry]:
            j, c = s
            t_b = jnp.where(j + 1 == n_sub, g1, g0 + (j + 1) * (g1 - g0) / n_sub)
            t_b = jnp.minimum(t_b, t_stop)
            h = t_b - c.t
            active = c.alive & (h > 0.0)
            y_new = step(c.t, c.y, jnp.where(active, h, 0.0))
            return j + 1, advance(c, y_new, t_b, h, active, stop_alt, t_stop, p, earth, event)

        # A while loop, not a fixed count: it stops once every vehicle has landed, so a long
        # report grid costs nothing after the last impact.
        _, c = jax.lax.while_loop(lambda s: (s[0] < n_sub) & jnp.any(s[1].alive), sub, (0, c))
        return c, record(c, valid, g1)

    c, ys = jax.lax.scan(interval, c0, (g[:-1], g[1:]))
    return flight(c0, c, ys, valid, g, step, p, earth, event)


@functools.partial(jax.jit, static_argnames=("rhs", "earth", "event", "unroll", "breaks"))
def _fixed(y0: jax.Array, t0: jax.Array, p: Params, t_grid_s: jax.Array, stop_alt: jax.Array,
           t_stop: jax.Array, n_sub: jax.Array, *, rhs: Rhs, earth: EarthModel,
           event: EventFn | None, unroll: bool, breaks: Breaks | None) -> Flight:
    """RK4 flights of C chunks one after the other (inputs with a leading chunk axis)."""
    g = jnp.asarray(t_grid_s)
    return jax.lax.map(
        # mypy cannot count the arguments of a star-unpacked tuple slice
        lambda a: _fixed_chunk(*a[:3], g, *a[3:], n_sub, rhs, earth,  # type: ignore[call-arg]
                               event, unroll, breaks),
        (y0, t0, p, stop_alt, t_stop))


# Batches this large unroll the RK4 stages: the run outweighs the longer compile.
UNROLL_FROM = 512


def _chunks(x: np.ndarray, c: int) -> np.ndarray:
    """(..., N) -> (c, ..., N/c), on the host."""
    return np.moveaxis(x.reshape(x.shape[:-1] + (c, x.shape[-1] // c)), -2, 0)


def integrate_fixed(rhs: Rhs, y0: ArrayLike, t0_s: ArrayLike, params: Params,
                    t_grid_s: ArrayLike, *, step_s: float, earth: EarthModel,
                    stop_alt_m: ArrayLike | None = None, t_stop_s: ArrayLike | None = None,
                    event: EventFn | None = None, breaks: Breaks | None = None) -> Flight:
    """Integrate N vehicles with classical RK4 at a fixed step, reported on a grid.

    Args:
      rhs: batched `rhs(t_s (N,), y (n, N), p) -> (n, N)` (static: pass the same function
        object to reuse the compiled code); see the module docstring for the layout.
      y0: (N, n) start states, y[:, :6] = (r_ecef_m, v_ecef_mps).
      t0_s: (N,) or scalar start times [s] on the grid's clock.
      params: pytree of per-vehicle parameters, leading axis N (moved last for `rhs`).
      t_grid_s: (T,) increasing report times [s] (concrete array); the flight runs to its end.
      step_s: largest integration step [s]; each grid interval takes ceil(Δt/step_s) equal steps.
      earth: Earth model (static), for the altitude events.
      stop_alt_m: (N,) optional altitude [m] ending the flight when fallen through.
      t_stop_s: (N,) optional time [s] ending the flight (status OK).
      event: optional batched `event(t (N,), y (n, N), p) -> (N,)`; a flight ends (OK) where
        it falls to ≤ 0.
      breaks: optional `breaks(p) -> (K, N)` times [s] where the right-hand side jumps or
        kinks (static, like rhs); every step is then split there and rhs is called as
        `rhs(t, y, p, t_piece_s)` (hyperdef.dynamics.rk4.split_rk4_step), which keeps RK4
        fourth order across staging or burnout.
    Returns:
      Flight: y_grid (N, T, n), t_end_s (N,), y_end (N, n), status (N,).
    """
    if not step_s > 0:
        raise ValueError(f"step_s: must be > 0, got {step_s}")
    n, g, y0, t0, p, sa, ts = prepare(y0, t0_s, params, stop_alt_m, t_stop_s, t_grid_s)
    # The step count is data, not a compile-time constant: one compiled kernel serves every
    # step size and grid spacing of the same shapes.
    n_sub = max(1, math.ceil(float(np.max(np.diff(g))) / step_s - 1e-9))
    c = max(1, t0.shape[-1] // CHUNK)
    args = [jax.tree.map(lambda x, c=c: _chunks(x, c), a) for a in (y0, t0, p, sa, ts)]
    # Chunks are shared out over the local devices (e.g. CPU cores exposed with
    # XLA_FLAGS=--xla_force_host_platform_device_count=2); each group runs asynchronously.
    devices = jax.local_devices()
    n_dev = len(devices) if c % len(devices) == 0 else 1
    per = c // n_dev

    def run(k: int) -> list[NDArray[Any]]:
        part = [jax.tree.map(lambda x: jax.device_put(x[k * per:(k + 1) * per], devices[k]),
                             a) for a in args]
        out = _fixed(part[0], part[1], part[2], jnp.asarray(g), part[3], part[4],
                     jnp.int32(n_sub), rhs=rhs, earth=earth, event=event,
                     unroll=t0.shape[-1] >= UNROLL_FROM, breaks=breaks)
        return [np.asarray(x) for x in out]

    if n_dev == 1:
        outs = [run(0)]
    else:  # one host thread per device: XLA:CPU runs a computation on its caller's thread
        with concurrent.futures.ThreadPoolExecutor(n_dev) as pool:
            outs = list(pool.map(run, range(n_dev)))
    merged = [np.concatenate([o[i] for o in outs]) for i in range(4)]
    return Flight(*(x.reshape((-1,) + x.shape[2:])[:n] for x in merged))

