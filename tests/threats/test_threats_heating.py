"""Heating and signature: Sutton–Graves check values and the band integral."""

import numpy as np
from scipy.integrate import quad

from hyperdef.atmosphere.us76 import density_kgpm3
from hyperdef.constants import BOLTZMANN_J_PER_K, C_MPS, PLANCK_J_S
from hyperdef.threats.heating import (
    ir_intensity_w_sr,
    radiative_equilibrium_temp_k,
    signature,
    stagnation_heat_flux_w_m2,
)


def test_sutton_graves_check_value():
    # docs/references.md#heating-and-infrared (computed): 40 km, 6 km/s, R_n = 0.1 m,
    # ε = 0.85 → ≈ 750 W/cm², T ≈ 3 500 K. The reference rounds to 2 significant figures: 1 % on
    # q, 1 % on T.
    rho = float(density_kgpm3(40e3))
    q = float(stagnation_heat_flux_w_m2(rho, 6000.0, 0.1))
    # measured worst case: q 1.9 W/cm², T 34 K (hyperdef 0.1.0, float64).
    assert abs(q / 1e4 - 750.0) < 7.5
    t = float(radiative_equilibrium_temp_k(q, 0.85))
    assert abs(t - 3500.0) < 35.0


def test_heat_flux_scalings():
    # q ∝ √ρ · V³ / √R_n exactly (Sutton & Graves 1971).
    q1 = float(stagnation_heat_flux_w_m2(1e-3, 3000.0, 0.2))
    assert np.isclose(float(stagnation_heat_flux_w_m2(4e-3, 3000.0, 0.2)), 2 * q1, rtol=1e-14)
    assert np.isclose(float(stagnation_heat_flux_w_m2(1e-3, 6000.0, 0.2)), 8 * q1, rtol=1e-14)
    assert np.isclose(float(stagnation_heat_flux_w_m2(1e-3, 3000.0, 0.05)), 2 * q1, rtol=1e-14)


def _planck_band_w_sr(t, eps, area, lo, hi):
    c1, c2 = 2 * np.pi * PLANCK_J_S * C_MPS**2, PLANCK_J_S * C_MPS / BOLTZMANN_J_PER_K
    m = quad(lambda lam: c1 / lam**5 / np.expm1(c2 / (lam * t)), lo, hi, epsabs=0, epsrel=1e-12)
    return eps * area * m[0] / np.pi


def test_in_band_intensity_matches_quadrature_and_vanishes_cold():
    band = (2.69e-6, 2.95e-6)
    for t in (800.0, 2200.0, 3500.0):
        got = float(ir_intensity_w_sr(t, 0.85, 1.3, band))
        # scipy quad at 1e-12 on Planck's law; the 64-node Gauss rule is good to 1e-9.
        # measured worst case: 4.4e-16 relative (hyperdef 0.1.0, float64).
        assert abs(got / _planck_band_w_sr(t, 0.85, 1.3, *band) - 1) < 1e-8
    assert float(ir_intensity_w_sr(0.0, 0.85, 1.0, band)) == 0.0
    q, t, i = (float(x) for x in signature(0.0, 6000.0, 0.1, 0.85, 1.0, band))
    assert q == 0.0 and t == 0.0 and i == 0.0
