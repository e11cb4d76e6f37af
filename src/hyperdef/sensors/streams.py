"""Random draws of one (sample, sensor) stream, keyed per time step.

Every draw at grid index i comes from fold_in(key, i), so a sensor's detections do not depend on
how the time axis is chunked to bound memory, and the same grid time always gets the same draw.
Arrays are laid out (O, P, T): objects, platforms, time last.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike


@jax.jit
def time_keys(key: jax.Array, t_index: ArrayLike) -> jax.Array:
    """(T,) keys fold_in(key, i) for grid indices t_index (T,) int."""
    return jax.vmap(lambda i: jax.random.fold_in(key, i))(jnp.asarray(t_index))


@jax.jit
def sample_time_keys(keys: jax.Array, t_index: ArrayLike) -> jax.Array:
    """(B, T) keys: `time_keys` of each of the B sample streams keys (B,)."""
    return jax.vmap(time_keys, in_axes=(0, None))(keys, t_index)


def uniform_ot(keys: jax.Array, shape_op: tuple[int, ...]) -> jax.Array:
    """(O, P, T) U(0, 1) draws; keys (T,), shape_op = (O, P)."""
    return jnp.moveaxis(jax.vmap(lambda k: jax.random.uniform(k, shape_op))(keys), 0, -1)


def normal_ot(keys: jax.Array, shape_op_rest: tuple[int, ...]) -> jax.Array:
    """(O, P, T, *rest) N(0, 1) draws; keys (T,), shape_op_rest = (O, P, *rest)."""
    draws = jax.vmap(lambda k: jax.random.normal(k, shape_op_rest))(keys)
    return jnp.moveaxis(draws, 0, 2)


def map_time(fn: Callable[..., jax.Array], keys: jax.Array, *arrays: jax.Array) -> jax.Array:
    """Apply fn(key, *slices) at each time: arrays (O, P, T, ...) sliced on axis 2; the result's
    time axis is put back at position 2."""
    out: jax.Array = jax.vmap(fn, in_axes=(0,) + (2,) * len(arrays), out_axes=2)(keys, *arrays)
    return out


def split_keys(keys: jax.Array, n: int) -> list[jax.Array]:
    """n key arrays (T,) from keys (T,): independent sub-streams of each time step."""
    parts = jax.vmap(lambda k: jax.random.split(k, n))(keys)
    return [parts[:, i] for i in range(n)]
