"""Aerodynamic models of a lifting vehicle: constant (L/D, β), or tables C_L(α, V), C_D(α, V).

A table gives, at angle of attack α and air-relative speed V, the coefficients on a reference
area S; the point-mass dynamics need only the ballistic coefficient and the lift-to-drag ratio,

    β = m / (C_D S),   L/D = C_L / C_D,

so a table vehicle flies through the same `hyperdef.dynamics.eom.aero_accel_mps2` as a constant
one. The built-in table is CAV-H (data/cavh.csv; provenance in data/PROVENANCE.md).
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

CAVH_MASS_KG = 907.0  # Phillips (2003), fit in docs/references.md#cav-h-aerodynamic-fit
CAVH_AREA_M2 = 0.4839


class AeroTable(NamedTuple):
    """C_L, C_D on a regular (α, V) grid; arrays are NumPy (constants of the compiled code)."""

    alpha_rad: np.ndarray  # (A,) increasing, evenly spaced
    speed_mps: np.ndarray  # (V,) increasing, evenly spaced
    c_l: np.ndarray  # (A, V)
    c_d: np.ndarray  # (A, V)
    area_m2: float  # reference area S
    max_ld_alpha_rad: np.ndarray  # (V,) α of the largest L/D at each tabulated speed


def _max_ld_alpha(alpha: np.ndarray, ld: np.ndarray) -> np.ndarray:
    """(V,) α maximising L/D per column: grid argmax refined by a parabola through 3 nodes."""
    k = np.clip(np.argmax(ld, axis=0), 1, len(alpha) - 2)
    cols = np.arange(ld.shape[1])
    y0, y1, y2 = ld[k - 1, cols], ld[k, cols], ld[k + 1, cols]
    den = y0 - 2.0 * y1 + y2
    shift = np.where(den < 0.0, 0.5 * (y0 - y2) / np.where(den < 0.0, den, 1.0), 0.0)
    return alpha[k] + np.clip(shift, -1.0, 1.0) * (alpha[1] - alpha[0])


def table_from_csv(text: str, area_m2: float) -> AeroTable:
    """Parse a long-format table (columns alpha_deg, speed_mps, c_l, c_d, α-major)."""
    data = np.loadtxt(text.splitlines(), delimiter=",", skiprows=1, ndmin=2)
    alpha_deg, speed = np.unique(data[:, 0]), np.unique(data[:, 1])
    if data.shape[0] != alpha_deg.size * speed.size:
        raise ValueError("aero table: every (alpha_deg, speed_mps) pair must appear once")
    for name, axis in (("alpha_deg", alpha_deg), ("speed_mps", speed)):
        if axis.size < 2 or not np.allclose(np.diff(axis), axis[1] - axis[0]):
            raise ValueError(f"aero table: {name} must be evenly spaced with >= 2 values")
    c_l = data[:, 2].reshape(alpha_deg.size, speed.size)
    c_d = data[:, 3].reshape(alpha_deg.size, speed.size)
    if np.any(c_d <= 0.0):
        raise ValueError("aero table: c_d must be > 0 everywhere")
    alpha = np.deg2rad(alpha_deg)
    return AeroTable(alpha, speed, c_l, c_d, float(area_m2), _max_ld_alpha(alpha, c_l / c_d))


@functools.cache
def builtin_table(name: str) -> AeroTable:
    """A shipped table by name ('cavh')."""
    if name != "cavh":
        raise ValueError(f"aero: unknown table {name!r}; built-in tables: cavh")
    text = (importlib.resources.files("hyperdef.threats") / "data" / "cavh.csv").read_text()
    return table_from_csv(text, CAVH_AREA_M2)


def _cell(x: jax.Array, axis: np.ndarray) -> tuple[jax.Array, jax.Array]:
    """Index of the lower node and the fraction in [0, 1] along an even grid (held at the ends)."""
    step = axis[1] - axis[0]
    u = jnp.clip((x - axis[0]) / step, 0.0, axis.size - 1.0)
    i = jnp.clip(jnp.floor(u).astype(jnp.int32), 0, axis.size - 2)
    return i, u - i


def coefficients(table: AeroTable, alpha_rad: ArrayLike,
                 speed_mps: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """(C_L, C_D), each (...), bilinear in (α, V) at alpha_rad (...) [rad], speed_mps (...)."""
    i, fa = _cell(jnp.asarray(alpha_rad), table.alpha_rad)
    j, fv = _cell(jnp.asarray(speed_mps), table.speed_mps)

    def bilinear(c_np: np.ndarray) -> jax.Array:
        c = jnp.asarray(c_np)
        return ((1 - fa) * ((1 - fv) * c[i, j] + fv * c[i, j + 1])
                + fa * ((1 - fv) * c[i + 1, j] + fv * c[i + 1, j + 1]))

    return bilinear(table.c_l), bilinear(table.c_d)


def max_ld_alpha_rad(table: AeroTable, speed_mps: ArrayLike) -> jax.Array:
    """(...) angle of attack of the largest L/D at speed_mps (...) [m/s], linear in V."""
    j, fv = _cell(jnp.asarray(speed_mps), table.speed_mps)
    a = jnp.asarray(table.max_ld_alpha_rad)
    return (1 - fv) * a[j] + fv * a[j + 1]


def beta_and_ld(table: AeroTable, mass_kg: ArrayLike, area_m2: ArrayLike, alpha_rad: ArrayLike,
                speed_mps: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """(β [kg/m²], L/D [-]), each (...), of a vehicle of mass_kg and reference area area_m2 [m²]
    (the table's own area for its vehicle) flying the table at α [rad], V [m/s]."""
    c_l, c_d = coefficients(table, alpha_rad, speed_mps)
    return jnp.asarray(mass_kg) / (c_d * jnp.asarray(area_m2)), c_l / c_d
