"""Explicit randomness: key(seed) → fold_in(sample) → fold_in(component).

Every stochastic function takes a key keyword-only. Streams are per (sample, component), so adding
a sensor never changes the truth noise, and a sample's draws do not depend on how samples are
chunked across workers.
"""

from __future__ import annotations

import zlib

import jax


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
