"""The classical RK4 step, and RK4 across the jumps of a piecewise-smooth right-hand side.

A booster's thrust and mass jump at every staging and at burnout; a pitch programme has kinks
at its breakpoints. A Runge–Kutta step that straddles such a time integrates a right-hand side
that is not smooth over the step, and its local error falls from O(h⁵) to O(h) (a jump) or
O(h³) (a kink), so the method is no longer fourth order (Hairer, Nørsett & Wanner I, §II.6,
"discontinuous right-hand sides": integrate up to the discontinuity and restart there).

`split_rk4_step` does exactly that for a batch: a step from t to t + h is taken as a sequence of
RK4 pieces, each ending on the next break time inside the step (or on t + h). Each piece tells
the right-hand side which smooth branch it is on by a time strictly inside the piece (its
midpoint), `rhs(t, y, p, t_piece)`, so the evaluation at a piece's right end, which lies on the
break, still uses the branch of the piece (the left limit) and not the one that starts there.
The number of pieces is data: a `lax.while_loop` runs until every vehicle has reached its t + h,
one piece for the steps that hold no break (nearly all of them).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.dynamics.events import Breaks, Params, Rhs

_RK4_C = np.array([0.0, 0.5, 0.5, 1.0])
_RK4_B = np.array([1.0, 2.0, 2.0, 1.0]) / 6.0


def rk4_step(rhs: Rhs, t: jax.Array, y: jax.Array, h: ArrayLike, p: Params,
             unroll: bool = False) -> jax.Array:
    """One classical Runge–Kutta step (Kutta 1901; Hairer, Nørsett & Wanner I, Table 1.2).

    t, h: (N,); y: (n, N). The stages run in a loop around one copy of `rhs`; `unroll` trades
    compile time (four copies) for ~15 % speed on large batches. Same arithmetic either way.
    """

    def stage(i: jax.Array, s: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        acc, k = s
        c = jnp.asarray(_RK4_C)[i]
        k = rhs(t + c * h, y + (c * h) * k, p)
        return acc + jnp.asarray(_RK4_B)[i] * k, k

    acc, _ = jax.lax.fori_loop(0, 4, stage, (jnp.zeros_like(y), jnp.zeros_like(y)),
                               unroll=unroll)
    return y + h * acc


def split_rk4_step(rhs: Rhs, breaks: Breaks, t: jax.Array, y: jax.Array, h: ArrayLike,
                   p: Params, unroll: bool = False) -> jax.Array:
    """One RK4 step of length h split at the break times that fall inside it.

    rhs: batched `rhs(t_s (N,), y (n, N), p, t_piece_s (N,)) -> (n, N)`; t_piece_s is a time
      inside the current piece and selects the smooth branch.
    breaks: `breaks(p) -> (K, N)` times [s] where the right-hand side jumps or kinks, any
      order; padding may repeat a time or lie outside every step.
    t, h: (N,) start times and step lengths [s] (h = 0 leaves a vehicle where it is);
    y: (n, N) states. Returns y at t + h, (n, N).
    """
    b = breaks(p)
    t_end = t + h

    def body(s: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        t_cur, y_cur = s
        later = jnp.where(b > t_cur, b, jnp.inf)
        t_next = jnp.minimum(jnp.min(later, axis=0), t_end)
        active = t_cur < t_end
        dt = jnp.where(active, t_next - t_cur, 0.0)
        t_mid = t_cur + 0.5 * dt
        piece = lambda tt, yy, pp: rhs(tt, yy, pp, t_mid)
        y_next = rk4_step(piece, t_cur, y_cur, dt, p, unroll)
        return jnp.where(active, t_next, t_cur), jnp.where(active, y_next, y_cur)

    _, y_end = jax.lax.while_loop(lambda s: jnp.any(s[0] < t_end), body, (t, y))
    return y_end
