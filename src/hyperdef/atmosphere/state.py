"""What every atmosphere model returns, and the input conventions all models share.

Its own module so that the models and the registry in `model.py` import it without a cycle.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

# The US76 tables start 5 km below sea level, and so do the models here; deeper finite inputs get
# the −5 km state rather than an ever-warmer extrapolation.
MIN_ALT_M = -5_000.0


class AtmosphereState(NamedTuple):
    """Air properties at geometric altitudes `alt_m` of shape (...); every field has that shape.

    temp_k:          kinetic temperature [K]
    pressure_pa:     pressure [Pa]
    density_kgpm3:   mass density [kg/m^3]
    sound_speed_mps: speed of sound sqrt(γ R* T / M) [m/s]
    """

    temp_k: jax.Array
    pressure_pa: jax.Array
    density_kgpm3: jax.Array
    sound_speed_mps: jax.Array


def clamp_altitude(alt_m: ArrayLike, max_alt_m: ArrayLike = jnp.inf) -> tuple[jax.Array, jax.Array]:
    """Float64 altitudes clamped to [MIN_ALT_M, max_alt_m], and the mask of undefined inputs.

    alt_m: (...) geometric altitude [m]; NaN and −inf are undefined (the returned value is NaN
    there, which `mask_undefined` then spreads to every field).
    returns: (z_m (...), undefined (...) bool)
    """
    alt_m = jnp.asarray(alt_m, dtype=float)
    undefined = jnp.isnan(alt_m) | (alt_m == -jnp.inf)
    z_m = jnp.clip(alt_m, MIN_ALT_M, max_alt_m)
    return jnp.where(undefined, jnp.nan, z_m), undefined


def mask_undefined(state: AtmosphereState, undefined: jax.Array) -> AtmosphereState:
    """`state` with every field NaN where `undefined` (...) is set."""
    return AtmosphereState(*(jnp.where(undefined, jnp.nan, field) for field in state))
