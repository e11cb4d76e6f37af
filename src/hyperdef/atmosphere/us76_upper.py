"""US76 from 86 to 1000 km: temperature, and number densities of N2, O, O2, Ar, He, H.

The number densities solve the diffusion equations of US76 Part 1 (eqs. 33–40; 'US76' as in
`us76_constants`): for each species i

    d ln n_i/dZ = −T'/T − f_i − v_i/(D_i + K),
    f_i = g/(R* T) · D_i/(D_i + K) · (M_i + M K/D_i + α_i R* T'/g)          (eq. 36)

with N2 hydrostatic in the mean molar mass M (M0 below 100 km, M(N2) above), the molecular
diffusion D_i of O and O2 taken against n(N2) and of Ar and He against n(N2)+n(O)+n(O2), the
transport term of eq. 37 up to 150 km, and atomic hydrogen from eqs. 39–40 (upward flux φ below
500 km, diffusive equilibrium above, none below 150 km).

They are integrated once, at import, in NumPy: the altitude range is cut wherever an integrand
changes form (91, 95, 97, 100, 110, 115, 120, 150, 500 km), each piece is sampled every 20 m
(200 m above 150 km) and integrated with a not-a-knot cubic spline (error O(h^4): quartering the
steps moves every density by < 1e-10). JAX then evaluates ln N (total number density) and ln ρ by
cubic Hermite interpolation with the exact slopes d ln n/dZ of the equations above, on 0.1 km
cells to 150 km and 1 km cells above; interpolation adds < 3e-8 relative error (largest just
below 110 km, where the elliptical temperature profile steepens).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import CubicSpline

from hyperdef.atmosphere import us76_constants as c

_R = c.R_STAR_J_PER_MOL_K
_BREAKS_M = (86e3, 91e3, 95e3, 97e3, 100e3, 110e3, 115e3, 120e3, 150e3, 500e3, 1000e3)
FINE_STEP_LOW_M, FINE_STEP_HIGH_M = 20.0, 200.0
CELL_LOW_M, CELL_HIGH_M = 100.0, 1000.0
N_CELL_LOW = round((c.H_BOTTOM_M - c.Z7_M) / CELL_LOW_M)
N_CELL_HIGH = round((c.Z12_M - c.H_BOTTOM_M) / CELL_HIGH_M)
# One integration segment: z_m (k,), {species: ln n (k,)}, {species: d ln n/dZ (k,)}.
Segment = tuple[NDArray[np.float64], dict[str, NDArray[np.float64]], dict[str, NDArray[np.float64]]]


def upper_temperature_k(z_m: float | NDArray[np.float64] | jax.Array,
                        xp: ModuleType = np) -> Any:
    """Kinetic temperature [K] for geometric altitude z_m (...) [m] in 86–1000 km (US76 Part 1).

    Isothermal to 91 km, an ellipse to 110 km, linear to 120 km, then
    T = T∞ − (T∞ − T10) exp(−λ ξ), ξ = (Z − Z10)(r0 + Z10)/(r0 + Z). `xp` is numpy or jax.numpy;
    each branch sees z clipped into its own segment so that gradients stay finite.
    """
    z8 = xp.clip(z_m, c.Z8_M, c.Z9_M)
    ellipse = c.TC_K + c.ELLIPSE_A_K * xp.sqrt(1.0 - ((z8 - c.Z8_M) / c.ELLIPSE_A_M) ** 2)
    linear = c.T9_K + c.LAPSE9_K_PER_M * (xp.clip(z_m, c.Z9_M, c.Z10_M) - c.Z9_M)
    z10 = xp.maximum(z_m, c.Z10_M)
    xi = (z10 - c.Z10_M) * (c.R0_GEOPOTENTIAL_M + c.Z10_M) / (c.R0_GEOPOTENTIAL_M + z10)
    expo = c.TINF_K - (c.TINF_K - c.T10_K) * xp.exp(-c.LAMBDA_PER_M * xi)
    return xp.where(
        z_m <= c.Z8_M,
        c.T7_K,
        xp.where(z_m <= c.Z9_M, ellipse, xp.where(z_m <= c.Z10_M, linear, expo)),
    )


def upper_temperature_gradient_kpm(z_m: NDArray[np.float64]) -> NDArray[np.float64]:
    """dT/dZ [K/m] of `upper_temperature_k` at z_m (...) [m] in 86–1000 km (NumPy)."""
    u = (np.clip(z_m, c.Z8_M, c.Z9_M) - c.Z8_M) / c.ELLIPSE_A_M
    ellipse = -c.ELLIPSE_A_K / c.ELLIPSE_A_M * u / np.sqrt(1.0 - u * u)
    ratio = (c.R0_GEOPOTENTIAL_M + c.Z10_M) / (c.R0_GEOPOTENTIAL_M + np.maximum(z_m, c.Z10_M))
    xi = (np.maximum(z_m, c.Z10_M) - c.Z10_M) * ratio
    expo = c.LAMBDA_PER_M * (c.TINF_K - c.T10_K) * ratio**2 * np.exp(-c.LAMBDA_PER_M * xi)
    return np.where(
        z_m <= c.Z8_M,
        0.0,
        np.where(z_m <= c.Z9_M, ellipse, np.where(z_m <= c.Z10_M, c.LAPSE9_K_PER_M, expo)),
    )


def _gravity_mps2(z_m: NDArray[np.float64]) -> NDArray[np.float64]:
    """US76 gravity g0 (r0/(r0+Z))^2 [m/s^2]."""
    return c.G0_MPS2 * (c.R0_GEOPOTENTIAL_M / (c.R0_GEOPOTENTIAL_M + z_m)) ** 2


def _eddy_m2ps(z_m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Eddy diffusion coefficient K [m^2/s]: K7 to 95 km, tapering to zero at 115 km."""
    # Clipped 1 m short of 115 km, where 400/(400 − 20^2) has its pole (exp → 0 well before).
    dz = np.clip(z_m, c.EDDY_TAPER_START_M, c.EDDY_TOP_M - 1.0) - c.EDDY_TAPER_START_M
    taper = c.EDDY_K7_M2PS * np.exp(1.0 - c.EDDY_TAPER_M2 / (c.EDDY_TAPER_M2 - dz**2))
    return np.where(
        z_m < c.EDDY_TAPER_START_M, c.EDDY_K7_M2PS, np.where(z_m < c.EDDY_TOP_M, taper, 0.0)
    )


def _transport_per_m(species: str, z_m: NDArray[np.float64]) -> NDArray[np.float64]:
    """v_i/(D_i + K) of eq. 37 [1/m]; zero above 150 km."""
    du = z_m - c.TRANSPORT_U_M[species]
    v = c.TRANSPORT_Q[species] * du**2 * np.exp(-c.TRANSPORT_W[species] * du**3)
    if species == "O":
        hump = np.maximum(c.O_HUMP_U_M - z_m, 0.0)
        v = v + c.O_HUMP_Q * hump**2 * np.exp(-c.O_HUMP_W * hump**3)
    return np.where(z_m <= c.TRANSPORT_TOP_M, v, 0.0)


def _cumulative(z_m: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """∫ y dZ from z_m[0] to every node (not-a-knot cubic spline quadrature)."""
    return CubicSpline(z_m, y).antiderivative()(z_m)


def _log_n(species: str, scale: float, temp_k: NDArray[np.float64],
           integral: NDArray[np.float64]) -> NDArray[np.float64]:
    """ln n_i = ln(n_i(86 km) · T7/T) − ∫ rate dZ (the T7/T factor carries the −T'/T term)."""
    return np.log(c.N_AT_86KM_PER_M3[species] * scale * c.T7_K / temp_k) - integral


def integrate_number_densities(scale_at_86km: float = 1.0, *,
                               oxygen_mixing_mass_kg_per_mol: float | None = None,
                               steps_m: tuple[float, float] | None = None) -> list[Segment]:
    """Number densities of the six species on the integration nodes of each segment.

    scale_at_86km: factor on the US76 86-km number densities (us76.py uses it for continuity).
    oxygen_mixing_mass_kg_per_mol: M in the eddy term of eq. 36 for atomic oxygen; None keeps the
        US76 rule (M0 below 100 km, M(N2) above). Exists to reproduce other readings in tests.
    steps_m: (below 150 km, above) node spacings [m]; default (20, 200).
    returns: list per segment of (z_m (k,), {species: ln n [ln m^-3] (k,)}, {species: d ln n/dZ
        [1/m] (k,)}); H is absent below 150 km.
    """
    step_low, step_high = steps_m or (FINE_STEP_LOW_M, FINE_STEP_HIGH_M)
    running: dict[str, float] = dict.fromkeys(c.N_AT_86KM_PER_M3, 0.0)  # ∫ rate dZ from 86 km
    segments: list[Segment] = []
    for lo, hi in zip(_BREAKS_M[:-1], _BREAKS_M[1:], strict=True):
        step = step_low if hi <= c.H_BOTTOM_M else step_high
        z = np.linspace(lo, hi, round((hi - lo) / step) + 1)
        # The first node takes this segment's formulas: T steps by 2.9e-4 K at 110 km because
        # US76 rounds the ellipse constants, and a node on the break must not mix both sides.
        z[0] = np.nextafter(lo, hi)
        temp, dtdz = upper_temperature_k(z), upper_temperature_gradient_kpm(z)
        grav = _gravity_mps2(z)
        mixed = c.M0_KG_PER_MOL if hi <= c.MIXED_MASS_TOP_M else c.MOLAR_MASS_KG_PER_MOL["N2"]
        eddy = _eddy_m2ps(z)
        rates = {"N2": mixed * grav / (_R * temp)}
        totals = {"N2": running["N2"] + _cumulative(z, rates["N2"])}
        log_n = {"N2": _log_n("N2", scale_at_86km, temp, totals["N2"])}
        for group, background in ((("O", "O2"), ("N2",)), (("Ar", "He"), ("N2", "O", "O2"))):
            n_bg = sum(np.exp(log_n[b]) for b in background)
            for s in group:
                mass = mixed
                if s == "O" and oxygen_mixing_mass_kg_per_mol is not None:
                    mass = oxygen_mixing_mass_kg_per_mol
                diff = c.DIFFUSION_A[s] * (temp / 273.15) ** c.DIFFUSION_B[s] / n_bg
                bracket = (
                    c.MOLAR_MASS_KG_PER_MOL[s]
                    + mass * eddy / diff
                    + c.THERMAL_ALPHA[s] * _R * dtdz / grav
                )
                rates[s] = grav / (_R * temp) * diff / (diff + eddy) * bracket
                rates[s] = rates[s] + _transport_per_m(s, z)
                totals[s] = running[s] + _cumulative(z, rates[s])
                log_n[s] = _log_n(s, scale_at_86km, temp, totals[s])
        running.update({s: total[-1] for s, total in totals.items()})
        slopes = {s: -dtdz / temp - rates[s] for s in rates}
        segments.append((z, log_n, slopes))
    _add_hydrogen(segments)
    return segments


def _add_hydrogen(segments: list[Segment]) -> None:
    """Atomic hydrogen on the 150–500 and 500–1000 km segments, in place (eqs. 39–40)."""
    alpha = c.THERMAL_ALPHA["H"]
    t11 = float(upper_temperature_k(np.float64(c.Z11_M)))
    for z, log_n, slopes in segments:
        if z[0] < c.H_BOTTOM_M:
            continue
        temp, dtdz = upper_temperature_k(z), upper_temperature_gradient_kpm(z)
        tau_rate = c.MOLAR_MASS_KG_PER_MOL["H"] * _gravity_mps2(z) / (_R * temp)
        tau = _cumulative(z, tau_rate)
        tau = tau - tau[-1] if z[-1] <= c.Z11_M else tau  # τ = ∫ from 500 km
        power = (temp / t11) ** (1.0 + alpha)
        slope = -(1.0 + alpha) * dtdz / temp - tau_rate
        amount = np.full_like(z, c.N_H_AT_500KM_PER_M3)
        if z[-1] <= c.Z11_M:  # flux term: φ ∫_Z^500km (T/T11)^(1+α) e^τ / D_H dZ
            n_bg = sum(np.exp(log_n[s]) for s in ("N2", "O", "O2", "Ar", "He"))
            diff = c.DIFFUSION_A["H"] * (temp / 273.15) ** c.DIFFUSION_B["H"] / n_bg
            flux_rate = power * np.exp(tau) / diff
            flux = _cumulative(z, flux_rate)
            amount = amount + c.H_FLUX_PER_M2S * (flux[-1] - flux)
            slope = slope - c.H_FLUX_PER_M2S * flux_rate / amount
        log_n["H"] = np.log(amount) - np.log(power) - tau
        slopes["H"] = slope


class UpperTables(NamedTuple):
    """Cubic coefficients, one (cells,) array per power t^0..t^3 of t = (Z − Z_cell)/h.

    log_n:   ln N, N the total number density [m^-3]
    log_rho: ln ρ, ρ the mass density [kg/m^3]
    Cells: N_CELL_LOW of CELL_LOW_M from 86 km, then N_CELL_HIGH of CELL_HIGH_M from 150 km.
    Kept as NumPy so that importing needs no JAX device; one 1-D gather per coefficient is far
    faster on CPU than a gather of rows.
    """

    log_n: tuple[NDArray[np.float64], ...]  # c0..c3, each (cells,)
    log_rho: tuple[NDArray[np.float64], ...]


def build_tables(scale_at_86km: float = 1.0, **options: Any) -> UpperTables:
    """Hermite tables of ln N and ln ρ from `integrate_number_densities` (same arguments)."""
    cells = []
    for z, log_n, slopes in integrate_number_densities(scale_at_86km, **options):
        log_all = np.stack([log_n[s] for s in log_n])
        mass = np.array([c.MOLAR_MASS_KG_PER_MOL[s] for s in log_n])[:, None]
        slope_all = np.stack([slopes[s] for s in log_n])
        log_total = np.logaddexp.reduce(log_all, axis=0)
        log_rho = np.logaddexp.reduce(log_all + np.log(mass), axis=0) - np.log(c.AVOGADRO_PER_MOL)
        w_n = np.exp(log_all - log_total)
        w_rho = np.exp(log_all + np.log(mass / c.AVOGADRO_PER_MOL) - log_rho)
        values = np.stack([log_total, log_rho])  # (2, k)
        derivs = np.stack([(w_n * slope_all).sum(0), (w_rho * slope_all).sum(0)])
        h = CELL_LOW_M if z[-1] <= c.H_BOTTOM_M else CELL_HIGH_M
        every = round(h / (z[1] - z[0]))
        y0, y1 = values[:, :-1:every], values[:, every::every]
        d0, d1 = h * derivs[:, :-1:every], h * derivs[:, every::every]
        cubic = np.stack([y0, d0, 3 * (y1 - y0) - 2 * d0 - d1, 2 * (y0 - y1) + d0 + d1], -1)
        cells.append(np.moveaxis(cubic, 0, 1))  # (cells, 2, 4)
    coef = np.concatenate(cells)  # (cells, 2, 4)
    assert coef.shape[0] == N_CELL_LOW + N_CELL_HIGH
    return UpperTables(
        *(tuple(np.ascontiguousarray(coef[:, q, k]) for k in range(4)) for q in (0, 1))
    )


def upper_log_n_rho(z_m: jax.Array, tables: UpperTables) -> tuple[jax.Array, jax.Array]:
    """ln N [ln m^-3] and ln ρ [ln kg/m^3] at z_m (...) [m], which must lie in 86–1000 km."""
    # A node belongs to the cell below it (t = 1), as a break belongs to the segment below it in
    # `upper_temperature_k`, so that N and T come from the same side at 110 km.
    low = z_m <= c.H_BOTTOM_M
    i_low = jnp.clip(jnp.ceil((z_m - c.Z7_M) / CELL_LOW_M) - 1, 0, N_CELL_LOW - 1)
    i_high = jnp.clip(jnp.ceil((z_m - c.H_BOTTOM_M) / CELL_HIGH_M) - 1, 0, N_CELL_HIGH - 1)
    z_cell = jnp.where(low, c.Z7_M + i_low * CELL_LOW_M, c.H_BOTTOM_M + i_high * CELL_HIGH_M)
    t = (z_m - z_cell) / jnp.where(low, CELL_LOW_M, CELL_HIGH_M)
    idx = jnp.where(low, i_low, N_CELL_LOW + i_high).astype(jnp.int32)

    def cubic(coef: tuple[NDArray[np.float64], ...]) -> jax.Array:
        k0, k1, k2, k3 = (jnp.take(jnp.asarray(k), idx, mode="clip") for k in coef)
        return k0 + t * (k1 + t * (k2 + t * k3))

    return cubic(tables.log_n), cubic(tables.log_rho)
