"""The tracker's jitted, batched kernels over filter states stored flat.

A filter state is a pytree (`filters.ops.FilterOps`: EKF mean and covariance; IMM member states
and model probabilities…). The tracker keeps a stack of them as one (B, F) float64 array, a
state per row (`StateLayout`), and detection rows as one (…, 18) array (`measurement.batch.pack`):
a jitted call pays a host-to-device conversion per argument and per result, and with a dozen
leaves those outweighed the arithmetic of the small per-scan batches. The kernels unpack on
entry and pack on exit, inside XLA; the filter arithmetic is the same.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.measurement import batch as mb
from hyperdef.tracking.filters.ops import FilterOps, State
from hyperdef.tracking.gating import pair_stats


class StateLayout:
    """Flat layout of one filter state pytree: leaves raveled side by side, float64."""

    def __init__(self, template: State) -> None:
        leaves, self.treedef = jax.tree.flatten(template)
        if any(np.asarray(a).dtype != np.float64 for a in leaves):
            raise TypeError("StateLayout: filter state leaves must all be float64")
        self.shapes = [np.shape(a) for a in leaves]
        sizes = [int(np.prod(s, dtype=np.int64)) for s in self.shapes]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
        self.width = self.offsets[-1]

    def pack(self, states: State) -> jax.Array:
        """Stack of states (leaves with leading axis B) -> (B, width)."""
        leaves = jax.tree.leaves(states)
        b = leaves[0].shape[0]
        return jnp.concatenate([a.reshape(b, -1) for a in leaves], axis=1)

    def unpack(self, flat: jax.Array) -> State:
        """(B, width) -> stack of states (leaves with leading axis B)."""
        b = flat.shape[0]
        leaves = [flat[:, lo:hi].reshape((b,) + shape) for lo, hi, shape in
                  zip(self.offsets[:-1], self.offsets[1:], self.shapes, strict=True)]
        return jax.tree.unflatten(self.treedef, leaves)


@dataclasses.dataclass(frozen=True)
class Kernels:
    """The jitted kernels of one FilterOps over flat states (B, layout.width); see `kernels`."""

    layout: StateLayout
    predict: Callable[..., Any]
    predict_mean6: Callable[..., Any]
    predict_m6: Callable[..., Any]
    predict_update: Callable[..., Any]
    predict_update_rounds: Callable[..., Any]
    pair: Callable[..., Any]
    init: Callable[..., Any]
    predict_update_weighted: Callable[..., Any] | None  # filters with a weighted (JPDA) update


@functools.lru_cache(maxsize=16)
def kernels(ops: FilterOps) -> Kernels:
    """Jitted kernels of a FilterOps over flat states (cached per FilterOps).

    States are (B, F) arrays (`kernels(ops).layout`), rows packed (B, 18) or (B, R, 18):
    predict_mean6(states, dt (B,)) -> x6 (B,6), P6 (B,6,6)
    predict_m6(states, dt) -> (predicted states, x6, P6)
    predict_update(states, dt (B,), rows (B,18)) -> states, nis (B,), status (B,)
    predict_update_rounds(states, dt (B,R), rows (B,R,18), valid (B,R), n ()) -> states,
        status (B,R): rounds r < n of predict_update, in order, each applied where valid[:, r]
    predict_update_weighted(states, dt (B,), rows (B,R,18), betas (B,R+1)) -> states
    pair(states, rows (B,18)) -> d² (B,), ln det S (B,) (`gating.pair_stats`)
    init(x6 (B,6), P6 (B,6,6)) -> states
    predict(states, dt (B,)) -> states
    """
    lay = StateLayout(ops.init_from(jnp.zeros(6), jnp.eye(6)))

    def pm6(s: State, dt: jax.Array) -> tuple[jax.Array, jax.Array]:
        return ops.mean6(ops.predict(s, dt))

    def pm6_keep(s: State, dt: jax.Array) -> tuple[State, jax.Array, jax.Array]:
        pred = ops.predict(s, dt)
        x6, P6 = ops.mean6(pred)
        return pred, x6, P6

    def pu(s: State, dt: jax.Array, row: mb.MeasBatch) -> tuple[State, jax.Array, jax.Array]:
        return ops.update(ops.predict(s, dt), row)

    def m6_flat(flat: jax.Array, dt: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        pred, x6, P6 = jax.vmap(pm6_keep)(lay.unpack(flat), dt)
        return lay.pack(pred), x6, P6

    def pu_flat(flat: jax.Array, dt: jax.Array,
                rows: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        st, nis, status = jax.vmap(pu)(lay.unpack(flat), dt, mb.unpack(rows))
        return lay.pack(st), nis, status

    def pu_rounds(flat: jax.Array, dt: jax.Array, rows: jax.Array, valid: jax.Array,
                  n: jax.Array) -> tuple[jax.Array, jax.Array]:
        # One call for a scan's sequential updates (one per platform): the rounds loop runs in
        # XLA, not Python, and stops after the n rounds in use (the padded ones never run).
        def body(r: jax.Array, carry: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
            st, status = carry
            new, _, stat = pu_flat(st, dt[:, r], rows[:, r])
            return jnp.where(valid[:, r, None], new, st), status.at[:, r].set(stat)

        status = jnp.zeros(dt.shape, jnp.int32)
        return jax.lax.fori_loop(0, n, body, (flat, status))

    weighted = None
    if getattr(ops, "update_weighted", None) is not None:
        def puw(flat: jax.Array, dt: jax.Array, rows: jax.Array, betas: jax.Array) -> jax.Array:
            st = jax.vmap(lambda s, d, r, b: ops.update_weighted(ops.predict(s, d), r, b))(
                lay.unpack(flat), dt, mb.unpack(rows), betas)
            return lay.pack(st)

        weighted = jax.jit(puw)
    return Kernels(
        layout=lay,
        predict=jax.jit(lambda flat, dt: lay.pack(jax.vmap(ops.predict)(lay.unpack(flat), dt))),
        predict_mean6=jax.jit(lambda flat, dt: jax.vmap(pm6)(lay.unpack(flat), dt)),
        predict_m6=jax.jit(m6_flat),
        predict_update=jax.jit(pu_flat),
        predict_update_rounds=jax.jit(pu_rounds),
        pair=jax.jit(lambda flat, rows: jax.vmap(pair_stats(ops.innovation))(
            lay.unpack(flat), mb.unpack(rows))),
        init=jax.jit(lambda x6, P6: lay.pack(jax.vmap(ops.init_from)(x6, P6))),
        predict_update_weighted=weighted,
    )
