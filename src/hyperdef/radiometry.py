"""Planck's law and in-band radiometry, shared by the threat signature and the IR sensors.

A grey body of emissivity ε at temperature T, area A, seen along its normal (Lambertian),
has radiant intensity I = ε·A·L_band(T) [W/sr], with L_band = M_band/π the in-band radiance.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.constants import BOLTZMANN_J_PER_K, C_MPS, PLANCK_J_S

# Gauss–Legendre nodes on [-1, 1]; 64 nodes integrate Planck over any 0.1–30 µm band to < 1e-9
# relative for T ≥ 200 K (checked against scipy.integrate.quad in tests).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)

_C1 = 2.0 * np.pi * PLANCK_J_S * C_MPS**2  # first radiation constant for exitance [W m^2]
_C2 = PLANCK_J_S * C_MPS / BOLTZMANN_J_PER_K  # second radiation constant [m K]


def spectral_exitance_w_m3(lam_m: ArrayLike, temp_k: ArrayLike) -> jax.Array:
    """(...,) blackbody spectral exitance M_λ [W/m²/m] at wavelength lam_m [m], temp_k [K]."""
    lam_m = jnp.asarray(lam_m)
    temp_k = jnp.asarray(temp_k)
    x = _C2 / (lam_m * jnp.maximum(temp_k, 1e-3))
    return _C1 / lam_m**5 / jnp.expm1(jnp.minimum(x, 700.0))


def band_exitance_w_m2(temp_k: ArrayLike, lo_m: float, hi_m: float) -> jax.Array:
    """(...,) blackbody exitance [W/m²] between lo_m and hi_m [m] at temp_k (...,) [K].

    Check: 2 200 K gives 4.9 W/cm² in 2.65–2.85 µm and 19.8 W/cm² in 3–5 µm (computed from
    Planck's law; docs/references.md#heating-and-infrared).
    """
    temp_k = jnp.asarray(temp_k, jnp.float64)
    half = 0.5 * (hi_m - lo_m)
    nodes = (jnp.asarray(0.5 * (hi_m + lo_m) + half * _GL_X), jnp.asarray(_GL_W))

    # Node by node: a (..., 64) array of every node's exitance would hold 64 copies of temp_k
    # (GiB for a batch's body panels on the scenario grid); the sum is the same quadrature.
    def add(total: jax.Array, node: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
        lam, w = node
        return total + w * spectral_exitance_w_m3(lam, temp_k), None

    total, _ = jax.lax.scan(add, jnp.zeros(temp_k.shape), nodes)
    return half * total


def band_intensity_w_sr(temp_k: ArrayLike, emissivity: ArrayLike, area_m2: ArrayLike,
                        lo_m: float, hi_m: float) -> jax.Array:
    """(...,) grey-body radiant intensity [W/sr] of area_m2 [m²] at temp_k [K] in a band [m]."""
    return jnp.asarray(emissivity) * jnp.asarray(area_m2) * band_exitance_w_m2(
        temp_k, lo_m, hi_m
    ) / jnp.pi
