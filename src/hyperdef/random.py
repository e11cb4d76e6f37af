"""Explicit randomness: key(seed) → fold_in(sample) → fold_in(component).

Every stochastic function takes a key keyword-only. Streams are per (sample, component), so adding
a sensor never changes the truth noise, and a sample's draws do not depend on how samples are
chunked across workers. A dispersed number is drawn from its own stream (`draw`), sample 0
always taking the nominal value.
"""

from __future__ import annotations

import zlib

import jax
import jax.numpy as jnp
import numpy as np


def root_key(seed: int):
    """The key tree's root for a scenario or campaign seed (any int ≥ 0)."""
    if seed < 0:
        raise ValueError(f"seed: must be >= 0, got {seed}")
    return jax.random.key(int(seed) % (2**63))


def sample_key(key, sample: int):
    """The stream of one Monte Carlo sample (stable id ≥ 0)."""
    return jax.random.fold_in(key, int(sample))


def component_code(name: str) -> int:
    """The int a component name folds in as: CRC-32 (31 bits), stable across Python runs
    (unlike hash()). Jitted kernels take it as data to derive many components' keys at once."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def component_key(key, name: str):
    """The stream of one named component (e.g. 'threat/glider-1', 'sensor/radar-a')."""
    return jax.random.fold_in(key, component_code(name))


def stream(seed: int, sample: int, name: str):
    """Shortcut: the key of component `name` in sample `sample` of seed `seed`."""
    return component_key(sample_key(root_key(seed), sample), name)


@jax.jit
def _component_keys(root, sample_ids, code):
    return jax.vmap(lambda s: jax.random.fold_in(jax.random.fold_in(root, s), code))(sample_ids)


@jax.jit
def _sub_keys(keys, code):
    return jax.vmap(lambda k: jax.random.fold_in(k, code))(keys)


def component_keys(seed: int, sample_ids, name: str):
    """(S,) keys of component `name` in each sample: stream(seed, sample, name), all at once."""
    ids = jnp.asarray(np.asarray(sample_ids, np.int64))
    return _component_keys(root_key(seed), ids, component_code(name))


def sub_keys(keys, name: str):
    """(S,) keys of the sub-stream `name` of each key in keys (S,): component_key per sample."""
    return _sub_keys(keys, component_code(name))


def draw(value, keys, sample_ids) -> np.ndarray:
    """(n,) float64 draws of a possibly dispersed number, one per sample.

    value: a plain number, or a dispersion — an object with `mean` and `sd` (normal) or `low`
    and `high` (uniform) and its `nominal` (the scenario's `Normal` and `Uniform`).
    keys: (n,) JAX key array, one stream per sample (so a sample's draw does not depend on how
    samples are chunked); sample_ids: (n,) stable sample ids. Sample id 0 is always the nominal
    value, so a plain run (one sample) is the nominal case.
    """
    ids = np.asarray(sample_ids)
    if isinstance(value, int | float):
        return np.full(ids.shape, float(value))
    if hasattr(value, "sd"):
        z = np.asarray(jax.vmap(lambda k: jax.random.normal(k, ()))(keys))
        x = value.mean + value.sd * z
    else:
        u = np.asarray(jax.vmap(lambda k: jax.random.uniform(k, ()))(keys))
        x = value.low + (value.high - value.low) * u
    return np.where(ids == 0, value.nominal, x)
