"""Aerodynamic heating and the infrared signature it drives.

Three steps, each an explicit, replaceable assumption (docs/references.md#heating-and-infrared
lists the literature spread, a factor of ten in signature between published models):

1. Stagnation-point convective heat flux, Sutton & Graves (NASA TR R-376, 1971):
   q = k·√(ρ/R_n)·V³, k = 1.7415e-4 (SI, air).
2. Radiative-equilibrium wall temperature: the wall re-radiates all it receives,
   ε σ T⁴ = q, so T = (q/(εσ))^¼ — an upper bound (conduction into the structure and material
   limits lower it).
3. In-band radiant intensity of a grey, Lambertian emitting area A seen along its normal:
   I = ε·A·M_band(T)/π [W/sr] (hyperdef.radiometry, Planck's law).

Check value (computed from the formulas, docs/references.md#heating-and-infrared): 40 km,
6 km/s, R_n = 0.1 m, ε = 0.85 → q ≈ 750 W/cm², T ≈ 3 500 K.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.constants import STEFAN_BOLTZMANN_W_PER_M2_K4, SUTTON_GRAVES_K_AIR
from hyperdef.radiometry import band_intensity_w_sr


def stagnation_heat_flux_w_m2(rho_kgpm3: ArrayLike, speed_mps: ArrayLike, nose_radius_m: ArrayLike,
                              k: float = SUTTON_GRAVES_K_AIR) -> jax.Array:
    """(...) Sutton–Graves stagnation-point heat flux [W/m²].

    Args:
      rho_kgpm3: (...) free-stream density [kg/m³].
      speed_mps: (...) air-relative speed [m/s].
      nose_radius_m: (...) nose radius of curvature [m], > 0.
      k: Sutton–Graves constant [kg^½/m]; 1.7415e-4 for air.
    """
    rho = jnp.maximum(jnp.asarray(rho_kgpm3, jnp.float64), 0.0)
    return k * jnp.sqrt(rho / jnp.asarray(nose_radius_m)) * jnp.asarray(speed_mps) ** 3


def radiative_equilibrium_temp_k(heat_flux_w_m2: ArrayLike, emissivity: ArrayLike) -> jax.Array:
    """(...) wall temperature [K] that re-radiates the heat flux: (q/(εσ))^¼ (an upper bound)."""
    q = jnp.maximum(jnp.asarray(heat_flux_w_m2, jnp.float64), 0.0)
    return (q / (jnp.asarray(emissivity) * STEFAN_BOLTZMANN_W_PER_M2_K4)) ** 0.25


def ir_intensity_w_sr(temp_k: ArrayLike, emissivity: ArrayLike, area_m2: ArrayLike,
                      band_m: tuple[float, float]) -> jax.Array:
    """(...) in-band radiant intensity [W/sr] of a grey Lambertian area at temp_k [K].

    band_m: (lo, hi) wavelengths [m]. Zero temperature gives zero intensity.
    """
    lo, hi = band_m
    t = jnp.asarray(temp_k, jnp.float64)
    i = band_intensity_w_sr(jnp.maximum(t, 1.0), emissivity, area_m2, lo, hi)
    return jnp.where(t > 1.0, i, 0.0)


def signature(rho_kgpm3: ArrayLike, speed_mps: ArrayLike, nose_radius_m: ArrayLike,
              emissivity: ArrayLike, area_m2: ArrayLike, band_m: tuple[float, float],
              k: float = SUTTON_GRAVES_K_AIR) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(heat_flux_w_m2, temp_k, ir_w_sr), each (...): the three steps above in a row."""
    q = stagnation_heat_flux_w_m2(rho_kgpm3, speed_mps, nose_radius_m, k)
    t = radiative_equilibrium_temp_k(q, emissivity)
    return q, t, ir_intensity_w_sr(t, emissivity, area_m2, band_m)
