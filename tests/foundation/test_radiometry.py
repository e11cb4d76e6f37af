"""Planck band integrals against scipy quadrature and the check values of docs/references.md."""

import numpy as np
import pytest
from scipy.integrate import quad

from hyperdef.constants import STEFAN_BOLTZMANN_W_PER_M2_K4
from hyperdef.radiometry import band_exitance_w_m2, band_intensity_w_sr, spectral_exitance_w_m3


@pytest.mark.parametrize("temp_k", [300.0, 800.0, 2200.0, 3500.0])
@pytest.mark.parametrize("band_um", [(2.65, 2.85), (3.0, 5.0), (1.4, 3.0), (8.0, 12.0)])
def test_band_matches_quad(temp_k, band_um):
    lo, hi = band_um[0] * 1e-6, band_um[1] * 1e-6
    ref, _ = quad(lambda lam: float(spectral_exitance_w_m3(lam, temp_k)), lo, hi,
                  epsabs=0, epsrel=1e-12)
    # measured worst case: 1.1e-12 relative (hyperdef 0.1.0, float64).
    assert float(band_exitance_w_m2(temp_k, lo, hi)) == pytest.approx(ref, rel=1e-9)


def test_reference_values_2200k():
    # docs/references.md#heating-and-infrared (computed): blackbody at 2 200 K gives 4.9 W/cm²
    # in 2.65–2.85 µm and 19.8 W/cm² in 3–5 µm, quoted to 2–3 digits.
    assert float(band_exitance_w_m2(2200.0, 2.65e-6, 2.85e-6)) / 1e4 == pytest.approx(4.9, abs=0.05)
    assert float(band_exitance_w_m2(2200.0, 3e-6, 5e-6)) / 1e4 == pytest.approx(19.8, abs=0.1)


def test_whole_spectrum_is_stefan_boltzmann():
    # 0.05–1000 µm holds all but ~1e-7 of a 1 000 K blackbody's exitance; split the band so the
    # fixed-order quadrature stays resolved.
    edges = np.geomspace(0.05e-6, 1000e-6, 40)
    total = sum(float(band_exitance_w_m2(1000.0, a, b)) for a, b in zip(edges[:-1], edges[1:], strict=True))
    assert total == pytest.approx(STEFAN_BOLTZMANN_W_PER_M2_K4 * 1000.0**4, rel=1e-6)


def test_intensity_broadcasts():
    temp = np.full((4, 5), 1500.0)
    out = band_intensity_w_sr(temp, 0.85, 2.0, 3e-6, 5e-6)
    assert out.shape == (4, 5)
    assert float(out[0, 0]) == pytest.approx(
        0.85 * 2.0 * float(band_exitance_w_m2(1500.0, 3e-6, 5e-6)) / np.pi)
