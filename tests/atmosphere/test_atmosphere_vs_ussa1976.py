"""US76 kernels against the PyPI `ussa1976` package (0.3.4), an independent NumPy implementation.

Findings, measured here and asserted below (relative differences):
- 0–86 km: density and pressure agree to 1.1e-5, temperature to 1e-15 below 80 km. The 1.1e-5 is
  the sea-level molar mass: ussa1976 derives M0 = 28.964425 g/mol from the gas mixture, US76 adopts
  28.9644 g/mol, and the pressure at 86 km is 12.5 e-folds down, so 8.7e-7 × 12.5 ≈ 1.1e-5.
  From 80 to 86 km ussa1976 returns the molecular-scale temperature T_M, while hyperdef returns
  the kinetic T = T_M·M/M0 of US76 Table 8 (up to 4.2e-4 lower at 86 km).
- Above 86 km the 1e-4 target is reachable only to 90 km (4.6e-5 at 89.9 km). The gap then grows
  to 1.5e-3 at 100 km, 7.6e-3 at 120 km and 6.3 % at 474 km. Cause: ussa1976 puts M(N2) for the
  mean molar mass in the eddy term of atomic oxygen's diffusion equation below 100 km, where
  US76 uses M0 as for the other species; n(O) comes out 7 % high. The printed US76 tables side
  with hyperdef (test_atmosphere_us76_tables.py: 1.3e-4 against ussa1976's 0.7–6.7 %).
- Given ussa1976's reading of that one term, hyperdef's integrator reproduces ussa1976 to
  1.3e-6 below 100 km. Above, what is left is ussa1976's own quadrature and interpolation:
  trapezoids on a 100 m grid straddle the M0 → M(N2) switch at 100 km (+2.6e-4), trapezoids on
  its 100-point geometric grid above 150 km (up to 4.4e-4 at 220 km), and log-log linear
  interpolation between those nodes (up to 6.0e-4 at 487 km, mid-way between nodes).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import ussa1976

from hyperdef.atmosphere import us76, us76_upper
from hyperdef.atmosphere.us76_constants import MOLAR_MASS_KG_PER_MOL


def _ussa(z_m):
    ds = ussa1976.compute(z=np.asarray(z_m, dtype=float), variables=["t", "p", "rho", "cs"])
    return ds.t.values, ds.p.values, ds.rho.values, ds.cs.values


def _rel(a, b):
    return np.abs(np.asarray(a) / np.asarray(b) - 1.0)


_Z_LOW = np.linspace(0.0, 86e3, 1201)
_Z_HIGH = np.linspace(86e3, 1000e3, 1500)[1:]


@pytest.fixture(scope="module")
def both():
    """hyperdef and ussa1976 on 1201 altitudes in 0–86 km and 1499 in 86–1000 km (one call each)."""
    z = np.concatenate([_Z_LOW, _Z_HIGH])
    ours, theirs = us76.properties(z), _ussa(z)
    n = len(_Z_LOW)
    split = [(f[:n], f[n:]) for f in (*ours, *theirs)]
    low = _Z_LOW, type(ours)(*(a for a, _ in split[:4])), tuple(a for a, _ in split[4:])
    high = _Z_HIGH, type(ours)(*(b for _, b in split[:4])), tuple(b for _, b in split[4:])
    return low, high


@pytest.fixture(scope="module")
def low(both):
    return both[0]


def test_density_and_pressure_0_to_86km_within_2e_5(low):
    z, ours, (_, p, rho, _) = low
    # 1.1e-5 is the M0 convention (docstring); 2e-5 leaves room for nothing else, and is 5x
    # inside the 1e-4 the models are asked to share.
    assert _rel(ours.density_kgpm3, rho).max() < 2e-5
    assert _rel(ours.pressure_pa, p).max() < 2e-5


def test_temperature_0_to_80km_identical_and_table8_above(low):
    z, ours, (t, _, _, _) = low
    below = z < 80e3
    # Same closed form in geopotential height; only rounding separates them.
    assert _rel(ours.temp_k[below], t[below]).max() < 1e-12
    # 80–86 km: ours / ussa1976 = M/M0 from US76 Table 8 (0.5 km steps, linear between).
    table8_z_km = np.arange(80.0, 86.01, 0.5)
    table8 = [1.0, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
              0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579]  # fmt: skip
    ratio = np.asarray(ours.temp_k)[~below] / t[~below]
    assert np.abs(ratio - np.interp(z[~below] / 1e3, table8_z_km, table8)).max() < 1e-12


def test_sound_speed_0_to_86km(low):
    z, ours, (t, _, _, cs) = low
    # Both use sqrt(γ R* T_M / M0); only the M0 convention differs (half of 8.7e-7).
    assert _rel(ours.sound_speed_mps, cs).max() < 1e-6


@pytest.fixture(scope="module")
def high(both):
    return both[1]


def test_upper_density_agrees_to_1e_4_only_below_90km(high):
    z, ours, (_, _, rho, _) = high
    err = _rel(ours.density_kgpm3, rho)
    assert err[z <= 90e3].max() < 1e-4  # measured 4.6e-5 at 89.9 km
    # The documented oxygen-mixing gap; if ussa1976 changes its reading this fails and the
    # docstring's figures must be revisited.
    assert 0.060 < err.max() < 0.065  # measured 6.29 % near 474 km
    assert err[z <= 100e3].max() < 2e-3  # measured 1.45e-3


def test_upper_temperature_identical(high):
    z, ours, (t, _, _, _) = high
    assert _rel(ours.temp_k, t).max() < 1e-12  # same four closed-form segments


@pytest.fixture(scope="module")
def ussa_reading():
    """hyperdef's integrator with ussa1976's choices: M(N2) for O, US76 86-km values unscaled."""
    tables = us76_upper.build_tables(1.0, oxygen_mixing_mass_kg_per_mol=MOLAR_MASS_KG_PER_MOL["N2"])
    # ussa1976's internal integration grid, whose nodes its interpolation reproduces exactly.
    grid = np.concatenate(
        [np.linspace(86e3, 150e3, 640, endpoint=False), np.geomspace(150e3, 1000e3, 100)]
    )
    nodes, mids = grid[1:], 0.5 * (grid[1:-1] + grid[2:])
    # One sorted call: ussa1976 silently misplaces n(H) when the altitudes are not ascending.
    z = np.concatenate([nodes, mids])
    order = np.argsort(z)
    temp, p, rho, _ = jax.jit(us76._upper)(jnp.asarray(z[order]), tables)
    t_u, p_u, rho_u, _ = _ussa(z[order])
    rel = np.empty((3, len(z)))
    rel[:, order] = _rel(rho, rho_u), _rel(p, p_u), _rel(temp, t_u)
    n = len(nodes)
    return {"nodes": (nodes, *rel[:, :n]), "mids": (mids, *rel[:, n:])}


def test_ussa1976_reproduced_with_its_oxygen_reading_at_1477_altitudes(ussa_reading):
    z, d_rho, d_p, d_t = ussa_reading["nodes"]
    assert len(z) + len(ussa_reading["mids"][0]) >= 1000
    # Below 100 km both integrations are fine-grained and smooth: only the printed-k vs R*/N_A
    # convention (2.3e-6 in P) separates them.
    assert d_rho[z < 100e3].max() < 2e-6  # measured 1.3e-6
    assert d_p[z < 100e3].max() < 4e-6
    # 100–150 km: ussa1976's trapezoid across the M switch at 100 km, h/2 · ΔM g/(R* T)
    # = 50 m · 5.6e-6 /m = 2.8e-4, carried upward.
    assert d_rho[(z > 100e3) & (z <= 150e3)].max() < 3e-4
    # Above 150 km: its trapezoids on a grid spaced 2.9–19 km (measured 4.4e-4).
    assert d_rho.max() < 5e-4
    assert d_t.max() < 1e-12


def test_ussa1976_interpolation_between_its_nodes(ussa_reading):
    z, d_rho, d_p, _ = ussa_reading["mids"]
    # Linear interpolation of log n in log z over Δln z = 0.019 errs by ~Δ²/8 · Z/H_O
    # ≈ 4.6e-5 · 8 ≈ 3.7e-4 near 500 km, on top of the node error (measured 6.0e-4 at 487 km).
    assert d_rho.max() < 7e-4
    assert d_p.max() < 7e-4
