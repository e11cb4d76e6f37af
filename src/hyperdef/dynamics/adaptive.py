"""Adaptive Dormand–Prince 5(4) integration of N vehicles with events (the reference solver).

Each vehicle keeps its own step size (standard controller, Hairer, Nørsett & Wanner I, §II.4);
steps are cut to land on every report time. Layout, events and statuses as in
`hyperdef.dynamics.integrate`.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.dynamics.events import (
    Carry,
    EventFn,
    Flight,
    Params,
    Rhs,
    advance,
    flight,
    prepare,
    record,
    start,
)
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status

# Dormand & Prince, J. Comput. Appl. Math. 6(1):19–26, 1980 (Hairer, Nørsett & Wanner I, Table 5.2).
_DP_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
_DP_A = np.zeros((7, 7))
for _i, _row in enumerate((
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)):
    _DP_A[_i, : len(_row)] = _row
_DP_B5 = _DP_A[6].copy()
_DP_B4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100,
                   1 / 40])


def dp5_step(rhs: Rhs, t: jax.Array, y: jax.Array, h: jax.Array,
             p: Params) -> tuple[jax.Array, jax.Array]:
    """One Dormand–Prince 5(4) step: (5th-order solution, embedded error estimate), (n, N) each.

    Stages run in a loop around one copy of `rhs`.
    """

    def stage(i: jax.Array, ks: jax.Array) -> jax.Array:
        yi = y + h * jnp.tensordot(jnp.asarray(_DP_A)[i], ks, axes=1)
        return ks.at[i].set(rhs(t + jnp.asarray(_DP_C)[i] * h, yi, p))

    ks = jax.lax.fori_loop(0, 7, stage, jnp.zeros((7,) + y.shape, y.dtype))
    return (y + h * jnp.tensordot(jnp.asarray(_DP_B5), ks, axes=1),
            h * jnp.tensordot(jnp.asarray(_DP_B5 - _DP_B4), ks, axes=1))


@functools.partial(jax.jit, static_argnames=("rhs", "earth", "event", "max_steps"))
def _adaptive(y0: jax.Array, t0: jax.Array, p: Params, t_grid_s: jax.Array, stop_alt: jax.Array,
              t_stop: jax.Array, rtol: jax.Array, atol: jax.Array, h0_s: jax.Array, *,
              rhs: Rhs, earth: EarthModel, event: EventFn | None, max_steps: int) -> Flight:
    def step(t: jax.Array, y: jax.Array, h: jax.Array) -> jax.Array:
        return dp5_step(rhs, t, y, h, p)[0]
    c0 = start(y0, t0, p, stop_alt, earth, event)
    valid = c0.status == Status.OK
    atol = jnp.reshape(atol, (-1, 1))

    def interval(state: tuple[Carry, jax.Array],
                 g: tuple[jax.Array, jax.Array]) -> tuple[tuple[Carry, jax.Array], jax.Array]:
        c, h = state
        g0, g1 = g
        t_goal = jnp.minimum(g1, t_stop)

        def needs(c: Carry) -> jax.Array:
            return c.alive & (c.t < t_goal) & (c.steps < max_steps)

        def body(s: tuple[Carry, jax.Array]) -> tuple[Carry, jax.Array]:
            c, h = s
            go = needs(c)
            h_try = jnp.where(go, jnp.minimum(h, t_goal - c.t), 0.0)
            y_new, err = dp5_step(rhs, c.t, c.y, h_try, p)
            scale = atol + rtol * jnp.maximum(jnp.abs(c.y), jnp.abs(y_new))
            e = jnp.sqrt(jnp.mean((err / scale) ** 2, axis=0))
            e = jnp.where(jnp.isfinite(e), e, 1e10)
            finite = jnp.all(jnp.isfinite(y_new), axis=0)
            # A non-finite state is accepted once the step is tiny, so it ends as NON_FINITE.
            accept = go & ((e <= 1.0) | (~finite & (h_try < 1e-9)))
            # Standard controller (Hairer, Nørsett & Wanner I, Eq. 4.13), safety 0.9.
            fac = jnp.clip(0.9 * jnp.maximum(e, 1e-10) ** -0.2, 0.2, 5.0)
            t_b = jnp.where(t_goal - c.t - h_try <= 1e-12 * jnp.abs(t_goal), t_goal,
                            c.t + h_try)
            c_new = advance(c, y_new, t_b, h_try, accept, stop_alt, t_stop, p, earth, event)
            c_new = c_new._replace(steps=c.steps + go.astype(jnp.int32))
            return c_new, jnp.where(go, h_try * fac, h)

        c, h = jax.lax.while_loop(lambda s: jnp.any(needs(s[0])), body, (c, h))
        out_of_steps = c.alive & (c.steps >= max_steps)
        c = c._replace(alive=c.alive & ~out_of_steps,
                       status=jnp.where(out_of_steps, Status.MAX_STEPS, c.status))
        return (c, h), record(c, valid, g1)

    g = jnp.asarray(t_grid_s)
    (c, _), ys = jax.lax.scan(interval, (c0, jnp.zeros_like(t0) + h0_s), (g[:-1], g[1:]))
    return flight(c0, c, ys, valid, g, step, p, earth, event)


def integrate_adaptive(rhs: Rhs, y0: ArrayLike, t0_s: ArrayLike, params: Params,
                       t_grid_s: ArrayLike, *, earth: EarthModel, rtol: float = 1e-9,
                       atol: ArrayLike = 1e-6, first_step_s: float = 0.1,
                       max_steps: int = 1_000_000, stop_alt_m: ArrayLike | None = None,
                       t_stop_s: ArrayLike | None = None, event: EventFn | None = None) -> Flight:
    """Integrate N vehicles with adaptive Dormand–Prince 5(4), reported on a grid.

    Every vehicle keeps its own step size; steps are cut to land on every grid time (so grid
    samples are integrator states). The error test is the mixed absolute/relative RMS norm of
    Hairer, Nørsett & Wanner I, Eq. 4.11. Arguments as `integrate_fixed`, plus rtol (relative),
    atol (scalar or (n,) absolute, in the state's units), first_step_s and max_steps (status
    MAX_STEPS when exceeded).
    """
    n, g, y0, t0, p, sa, ts = prepare(y0, t0_s, params, stop_alt_m, t_stop_s, t_grid_s)
    out = _adaptive(y0, t0, p, jnp.asarray(g), sa, ts, jnp.float64(rtol),
                    jnp.asarray(atol, jnp.float64), jnp.float64(first_step_s), rhs=rhs,
                    earth=earth, event=event, max_steps=int(max_steps))
    return Flight(*(x[:n] for x in out))
