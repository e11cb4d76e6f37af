"""US Standard Atmosphere 1976, 0–1000 km geometric altitude, vectorised JAX kernels.

Source: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 / NASA-TM-X-74335 ("US76"), Part 1.

- 0–86 km: seven layers linear in geopotential height H = r0 Z/(r0 + Z) (r0 = 6 356 766 m);
  molecular-scale temperature T_M, hydrostatic pressure, ρ = P M0/(R* T_M), speed of sound
  sqrt(γ R* T_M/M0). The kinetic temperature is T = T_M · M/M0 with M/M0 from Table 8, linearly
  interpolated between its 0.5 km entries (80–86 km; 1 below 80 km).
- 86–1000 km: the four-segment temperature profile and the six-species diffusion model of
  `us76_upper`; P = N k T and ρ = Σ n_i M_i/N_A. US76 does not tabulate the speed of sound above
  86 km; here it is sqrt(γ R* T/M) with the local mean molar mass M = ρ N_A/N (γ = 1.4), a
  continuum value that loses physical meaning where the mean free path grows (above ~120 km).

Two deliberate departures, each below the document's printed precision:
- P = N k T uses k = R*/N_A = 1.3806188e-23 J/K rather than the printed 1.380622e-23 (2.3e-6
  apart), so that P = ρ R* T/M holds on both sides of 86 km.
- The 86 km number densities of US76 sum to a pressure 8.5e-6 above the 0–86 km model's
  0.3733805 Pa (the document's own step at 86 km, 1.1e-5 with the printed k); they are scaled by
  `SCALE_AT_86KM` so that pressure is continuous, density and temperature to < 6e-7.
Two steps of the document itself are kept: its rounded ellipse constants put T(110 km) at
239.99973 K against 240 K just above (+1.2e-6; pressure stays continuous, density steps −1.3e-6),
and atomic hydrogen starts at 150 km (pressure +7.2e-6, density +2.5e-7 there).

Outside 0–1000 km: below sea level the first layer is extrapolated down to −5 km, and deeper
inputs get the −5 km state; above 1000 km T and the speed of sound keep their 1000 km values and
P and ρ fall as exp(−(Z − 1000 km)/`TOP_SCALE_HEIGHT_M`), the density scale height at 1000 km
(≈ 237 km), so they stay finite and reach 0 at +inf. NaN or −inf altitudes give NaN everywhere.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.atmosphere import us76_constants as c
from hyperdef.atmosphere import us76_upper
from hyperdef.atmosphere.state import AtmosphereState, clamp_altitude, mask_undefined

_R = c.R_STAR_J_PER_MOL_K
K_EFFECTIVE_J_PER_K = _R / c.AVOGADRO_PER_MOL  # R*/N_A, see module docstring
_HYDROSTATIC = c.G0_MPS2 * c.M0_KG_PER_MOL / _R  # g0 M0/R* [K/m]
# Heights as Python floats (the tables are built once, in NumPy) or arrays of either library.
_Height = TypeVar("_Height", float, NDArray[np.float64], jax.Array)


def geopotential_height_m(alt_m: _Height) -> _Height:
    """Geopotential height H = r0 Z/(r0 + Z) [m'] of geometric altitude alt_m (...) [m] (US76)."""
    return c.R0_GEOPOTENTIAL_M * alt_m / (c.R0_GEOPOTENTIAL_M + alt_m)


def geometric_altitude_m(h_m: _Height) -> _Height:
    """Geometric altitude Z = r0 H/(r0 − H) [m] of geopotential height h_m (...) [m'] (US76)."""
    return c.R0_GEOPOTENTIAL_M * h_m / (c.R0_GEOPOTENTIAL_M - h_m)


def _in_layer(lapse: Any, dh: Any, base_t_k: Any, base_p_pa: Any,
              xp: ModuleType) -> tuple[Any, Any]:
    """T_M [K] and P [Pa] at dh [m'] above a layer base of lapse rate `lapse` [K/m'] (US76)."""
    t_m = base_t_k + lapse * dh
    isothermal = lapse == 0.0
    safe_lapse = xp.where(isothermal, 1.0, lapse)  # keeps the unused branch (and its grad) finite
    graded = base_p_pa * xp.exp(_HYDROSTATIC / safe_lapse * xp.log(base_t_k / t_m))
    flat = base_p_pa * xp.exp(-_HYDROSTATIC * dh / base_t_k)
    return t_m, xp.where(isothermal, flat, graded)


def _layer_bases() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """T_M [K] and P [Pa] at the seven layer bases, chained up from sea level."""
    base_t, base_p = [c.T0_K], [c.P0_PA]
    for i in range(1, 7):
        dh = c.LAYER_BASE_H_M[i] - c.LAYER_BASE_H_M[i - 1]
        t, p = _in_layer(c.LAYER_LAPSE_K_PER_M[i - 1], dh, base_t[-1], base_p[-1], np)
        base_t.append(float(t))
        base_p.append(float(p))
    return np.array(base_t), np.array(base_p)


def _layer_state(h_m: Any, xp: ModuleType) -> tuple[Any, Any]:
    """T_M [K] and P [Pa] at geopotential height h_m (...) [m'] (xp: numpy or jax.numpy)."""
    # Layer index by counting the bases passed (7 compares beat a CPU searchsorted 30-fold).
    i = sum((h_m >= base).astype(np.int32) for base in c.LAYER_BASE_H_M[1:])
    base_h, lapse, base_t, base_p = (
        xp.take(xp.asarray(v), i)
        for v in (c.LAYER_BASE_H_M, c.LAYER_LAPSE_K_PER_M, BASE_T_K, BASE_P_PA)
    )
    return _in_layer(lapse, h_m - base_h, base_t, base_p, xp)


BASE_T_K, BASE_P_PA = _layer_bases()
_P86_PA = float(_layer_state(np.array([geopotential_height_m(c.Z7_M)]), np)[1][0])
SCALE_AT_86KM = _P86_PA / (sum(c.N_AT_86KM_PER_M3.values()) * K_EFFECTIVE_J_PER_K * c.T7_K)
UPPER_TABLES = us76_upper.build_tables(SCALE_AT_86KM)
# d ln ρ/dZ at 1000 km from the last cell's cubic (t = 1): (c1 + 2 c2 + 3 c3)/h.
_TOP_SLOPE = sum(k * UPPER_TABLES.log_rho[k][-1] for k in (1, 2, 3)) / us76_upper.CELL_HIGH_M
TOP_SCALE_HEIGHT_M = -1.0 / float(_TOP_SLOPE)


def _table8_ratio(z_m: jax.Array) -> jax.Array:
    """M/M0 of Table 8 at z_m (...) [m], linear between its 0.5 km entries; 1 below 80 km.

    A uniform-grid lookup: jnp.interp's search costs an order of magnitude more on CPU.
    """
    step = c.TABLE8_Z_M[1] - c.TABLE8_Z_M[0]
    u = jnp.clip((z_m - c.TABLE8_Z_M[0]) / step, 0.0, len(c.TABLE8_Z_M) - 1.0)
    i = jnp.minimum(jnp.floor(u), len(c.TABLE8_Z_M) - 2.0).astype(jnp.int32)
    table = jnp.asarray(c.TABLE8_M_RATIO)
    lo, hi = jnp.take(table, i, mode="clip"), jnp.take(table, i + 1, mode="clip")
    return lo + (u - i) * (hi - lo)


def _lower(z_m: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(T, P, ρ, a) for z_m (...) in [−5, 86] km."""
    t_m, p = _layer_state(geopotential_height_m(z_m), jnp)
    ratio = _table8_ratio(z_m)
    rho = p * c.M0_KG_PER_MOL / (_R * t_m)
    sound = jnp.sqrt(c.GAMMA * _R * t_m / c.M0_KG_PER_MOL)
    return t_m * ratio, p, rho, sound


def _upper(z_m: jax.Array,
           tables: us76_upper.UpperTables) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(T, P, ρ, a) for z_m (...) in [86, 1000] km from the diffusion tables."""
    temp = us76_upper.upper_temperature_k(z_m, jnp)
    log_n, log_rho = us76_upper.upper_log_n_rho(z_m, tables)
    pressure = jnp.exp(log_n) * K_EFFECTIVE_J_PER_K * temp
    molar_mass = c.AVOGADRO_PER_MOL * jnp.exp(log_rho - log_n)
    return temp, pressure, jnp.exp(log_rho), jnp.sqrt(c.GAMMA * _R * temp / molar_mass)


def _properties(alt_m: ArrayLike) -> AtmosphereState:
    """Unjitted body of `properties`, shared by the single-field functions."""
    z_m, undefined = clamp_altitude(alt_m)
    low = _lower(jnp.minimum(z_m, c.Z7_M))
    high = _upper(jnp.clip(z_m, c.Z7_M, c.Z12_M), UPPER_TABLES)
    fade = jnp.exp(-jnp.maximum(z_m - c.Z12_M, 0.0) / TOP_SCALE_HEIGHT_M)
    t, p, rho, a = (jnp.where(z_m <= c.Z7_M, lo, hi) for lo, hi in zip(low, high, strict=True))
    return mask_undefined(AtmosphereState(t, p * fade, rho * fade, a), undefined)


@jax.jit
def properties(alt_m: ArrayLike) -> AtmosphereState:
    """US76 air at geometric altitude alt_m (...) [m] -> AtmosphereState, each field (...).

    Temperature [K] (kinetic), pressure [Pa], density [kg/m^3], speed of sound [m/s]; conventions
    outside 0–1000 km and for NaN inputs as in the module docstring. Pure and jit-able.
    """
    return _properties(alt_m)


# The single-field functions are jitted on their own so XLA drops the work for the other fields.
@jax.jit
def density_kgpm3(alt_m: ArrayLike) -> jax.Array:
    """US76 mass density [kg/m^3] at geometric altitude alt_m (...) [m]; shape (...)."""
    return _properties(alt_m).density_kgpm3


@jax.jit
def temperature_k(alt_m: ArrayLike) -> jax.Array:
    """US76 kinetic temperature [K] at geometric altitude alt_m (...) [m]; shape (...)."""
    return _properties(alt_m).temp_k


@jax.jit
def pressure_pa(alt_m: ArrayLike) -> jax.Array:
    """US76 pressure [Pa] at geometric altitude alt_m (...) [m]; shape (...)."""
    return _properties(alt_m).pressure_pa


@jax.jit
def sound_speed_mps(alt_m: ArrayLike) -> jax.Array:
    """US76 speed of sound [m/s] at geometric altitude alt_m (...) [m]; shape (...)."""
    return _properties(alt_m).sound_speed_mps
