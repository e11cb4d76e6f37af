"""Probabilistic data association update: one track, several candidate rows, weights β.

Given association probabilities β_i for rows i = 1..m and β_0 that none of them is the target's,
the PDA/JPDA posterior is the mixture of the prior (weight β_0) and the m single-row posteriors,
collapsed to one Gaussian by moment matching:

    x = Σ_i β_i x_i,   P = Σ_i β_i [P_i + (x_i − x)(x_i − x)ᵀ]     (i = 0..m, x_0, P_0 the prior)

With a common gain this is exactly the PDAF update x = x⁻ + K Σβ_i ν_i,
P = β_0 P⁻ + (1 − β_0) P^c + K [Σ β_i ν_i ν_iᵀ − ν νᵀ] Kᵀ (Bar-Shalom, Willett & Tian, *Tracking
and Data Fusion*, YBS 2011, §3.4; Fortmann, Bar-Shalom & Scheffe, IEEE J. Oceanic Eng. 8(3), 1983,
for JPDA); written as a mixture it also holds when rows come from different sensors (different
gains). Rows whose single update fails (NaN padding, singular S) hand their weight to β_0.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.status import Status
from hyperdef.tracking.filters.ops import Row, State, UpdateResult
from hyperdef.tracking.filters.smallmat import mm, mtm
from hyperdef.tracking.filters.sqrt import symmetrize


def moment_match(weights: jax.Array, xs: jax.Array,  # noqa: N803 — P is the standard symbol
                 Ps: jax.Array) -> tuple[jax.Array, jax.Array]:
    """One Gaussian with the mean and covariance of a mixture.

    weights: (k,) non-negative, summing to 1; xs: (k, n); Ps: (k, n, n). Returns x (n,), P (n, n).
    """
    x = mm(weights[None], xs)[0]
    d = xs - x
    P = mtm(d * weights[:, None], d)
    for k in range(weights.shape[0]):
        P = P + weights[k] * Ps[k]
    return x, symmetrize(P)


def weighted_update(update_full: Callable[[State, Row], UpdateResult],
                    gaussian: Callable[[State], tuple[jax.Array, jax.Array]],
                    from_gaussian: Callable[[jax.Array, jax.Array], State],
                    state: State, rows: Row, betas: ArrayLike) -> State:
    """PDA/JPDA combined update of one track with padded rows.

    update_full: (state, row) → UpdateResult; gaussian: state → (x, P); from_gaussian: inverse
    state: the predicted state; rows: MeasBatch with leading axis m; betas: (m + 1,) with
    betas[0] = P(no row is the target's); need not be normalised (normalised here).
    Returns the updated state.
    """
    res = jax.vmap(update_full, in_axes=(None, 0))(state, rows)
    x0, P0 = gaussian(state)
    xs, Ps = jax.vmap(gaussian)(res.state)
    betas = jnp.asarray(betas, jnp.float64)
    used = (res.status == Status.OK) & (betas[1:] > 0.0)
    b = jnp.where(used, betas[1:], 0.0)
    b0 = jnp.sum(betas) - jnp.sum(b)
    w = jnp.concatenate([b0[None], b])
    total = jnp.sum(w)
    # All-zero weights (nothing to go on): keep the prior.
    w = jnp.where(total > 0.0, w / jnp.where(total > 0.0, total, 1.0), jnp.eye(w.shape[0])[0])
    x, P = moment_match(w, jnp.concatenate([x0[None], xs]), jnp.concatenate([P0[None], Ps]))
    return from_gaussian(x, P)
