"""Isothermal exponential atmosphere ρ = 1.46 kg/m^3 · exp(−h / 6970 m).

The fit used in arms-control studies of boost-glide flight (docs/references.md#atmosphere); it
is −23 % … +18 % off US76 between 30 and 90 km, so hyperdef keeps it only as an option for
comparison with that literature.

The temperature is the one that makes the fit an isothermal hydrostatic atmosphere under constant
gravity g0: a scale height H = R* T/(M0 g0) of 6970 m needs T = H M0 g0/R* = 238.12 K (US76
constants M0 = 28.9644 g/mol, R* = 8.31432 J/(mol K), g0 = 9.80665 m/s^2). Then P = ρ R* T/M0
(99.8 kPa at h = 0, dP/dh = −ρ g0 exactly) and the speed of sound is sqrt(γ R* T/M0) = 309.3 m/s
at every height (γ = 1.4). h is geometric altitude; inputs follow the conventions of
`hyperdef.atmosphere.state` (−5 km floor, NaN for NaN or −inf).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.atmosphere import us76_constants as c
from hyperdef.atmosphere.state import AtmosphereState, clamp_altitude, mask_undefined

SEA_LEVEL_DENSITY_KGPM3 = 1.46
SCALE_HEIGHT_M = 6_970.0
TEMP_K = SCALE_HEIGHT_M * c.M0_KG_PER_MOL * c.G0_MPS2 / c.R_STAR_J_PER_MOL_K


@jax.jit
def properties(alt_m: ArrayLike) -> AtmosphereState:
    """Exponential-model air at geometric altitude alt_m (...) [m] -> AtmosphereState (...)."""
    z_m, undefined = clamp_altitude(alt_m)
    rho = SEA_LEVEL_DENSITY_KGPM3 * jnp.exp(-z_m / SCALE_HEIGHT_M)
    temp = jnp.full_like(z_m, TEMP_K)
    pressure = rho * c.R_STAR_J_PER_MOL_K * TEMP_K / c.M0_KG_PER_MOL
    sound = jnp.sqrt(c.GAMMA * c.R_STAR_J_PER_MOL_K * temp / c.M0_KG_PER_MOL)
    return mask_undefined(AtmosphereState(temp, pressure, rho, sound), undefined)


def density_kgpm3(alt_m: ArrayLike) -> jax.Array:
    """Exponential-model mass density [kg/m^3] at geometric altitude alt_m (...) [m]."""
    return properties(alt_m).density_kgpm3
