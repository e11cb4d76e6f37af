"""US76 kernel properties: height conversion, hydrostatics, continuity, monotonicity, shapes, edges.

Oracles: the US76 document (NOAA-S/T 76-1562, Table 4 layer heights), the definition of
geopotential height and the hydrostatic equation (integrated independently with scipy / jax.grad).
"""

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from scipy.integrate import quad

from hyperdef.atmosphere import us76, us76_upper
from hyperdef.constants import G0_MPS2, R0_GEOPOTENTIAL_M

R0 = R0_GEOPOTENTIAL_M


def _gravity(z_m):
    return G0_MPS2 * (R0 / (R0 + z_m)) ** 2


def test_layer_bases_convert_to_the_printed_geometric_heights():
    # US76 Table 4 geopotential layer bases and their geometric heights as tabulated with it, to
    # 1 m (51 km' is 51 412.48 m, listed as 51.413 km: within 1 m, not within rounding).
    h = np.array([11.0, 20.0, 32.0, 47.0, 51.0, 71.0, 84.852]) * 1e3
    z_printed = np.array([11.019, 20.063, 32.162, 47.350, 51.413, 71.802, 86.000]) * 1e3
    assert np.abs(np.asarray(us76.geometric_altitude_m(h)) - z_printed).max() <= 1.0
    # 86 km geometric is 84.8520 km' (printed to 0.1 m).
    assert abs(float(us76.geopotential_height_m(86e3)) - 84_852.0) <= 0.05


@pytest.mark.parametrize("z_m", [-5e3, 11e3, 86e3, 300e3, 1000e3])
def test_geopotential_is_the_gravity_potential_over_g0(z_m):
    # Definition: H = (1/g0) ∫0^Z g(z) dz with g = g0 (r0/(r0+z))^2; quad is exact to ~1e-14.
    h_quad = quad(_gravity, 0.0, z_m, epsabs=0.0, epsrel=1e-13)[0] / G0_MPS2
    assert abs(float(us76.geopotential_height_m(z_m)) - h_quad) <= 1e-9 * max(abs(z_m), 1.0)
    assert abs(float(us76.geometric_altitude_m(h_quad)) - z_m) <= 1e-9 * max(abs(z_m), 1.0)


@pytest.fixture(scope="module")
def dense():
    # Every node of the upper tables and every break lies on this 50 m grid; −5 km and 1000 km
    # are left out: the clamp and the switch to the top decay have one-sided derivatives there.
    z = jnp.linspace(-5e3, 1000e3, 20_101)[1:-1]
    # The model is elementwise, so one forward-mode pass with unit tangents gives d/dZ of all
    # fields at every altitude.
    s, ds = jax.jvp(us76.properties, (z,), (jnp.ones_like(z),))
    return np.asarray(z), s, np.asarray(ds.pressure_pa), np.asarray(ds.density_kgpm3)


def test_hydrostatic_equation_below_86km(dense):
    z, s, dp, _ = dense
    balance = dp / (-np.asarray(s.density_kgpm3) * _gravity(z)) - 1.0
    # 0–86 km is built from dP/dZ = −ρ g exactly; only rounding remains.
    assert np.abs(balance[z < 86e3]).max() < 1e-12
    # Above 150 km each species is in diffusive equilibrium; the total departs from hydrostatic
    # balance only by thermal diffusion, Σ α_i x_i R* T'/(M g): for He (α = −0.4, x ≲ 1 %)
    # about 1e-4 near 280 km, where T' is still 0.7 K/km.
    assert np.abs(balance[z > 150e3]).max() < 1.5e-4  # measured 1.0e-4 at 276 km


def test_gradients_finite_and_density_decreasing(dense):
    z, _, dp, drho = dense
    assert np.all(np.isfinite(dp)) and np.all(np.isfinite(drho))
    assert np.all(drho < 0.0) and np.all(dp < 0.0)


# Boundaries: the six inner layer bases (geometric), Table 8's start, the upper segments, the
# hydrogen onset, the H-flux switch and the model top; allowed relative steps of (T, P, ρ, a).
_TIGHT = (1e-6, 1e-6, 1e-6, 1e-6)
BOUNDARIES = [
    *((float(us76.geometric_altitude_m(h * 1e3)), _TIGHT) for h in (11, 20, 32, 47, 51, 71)),
    (80e3, _TIGHT),
    (86e3, _TIGHT),  # measured 5.1e-7 (T), 4.5e-7 (ρ); pressure matched by SCALE_AT_86KM
    (91e3, _TIGHT),
    # US76's rounded ellipse constants: T(110 km) = 239.99973 K against 240 K (+1.2e-6); the
    # density steps the other way and pressure stays continuous.
    (110e3, (1.3e-6, 1e-6, 1.4e-6, 1e-6)),
    (120e3, _TIGHT),
    # n(H) starts at 150 km in US76: pressure +7.2e-6, density +2.5e-7, sound speed +3.5e-6.
    (150e3, (1e-6, 8e-6, 1e-6, 4e-6)),
    (500e3, _TIGHT),
    (1000e3, _TIGHT),
]


def test_continuity_across_boundaries():
    edges = np.array([zb for zb, _ in BOUNDARIES])
    eps = 1e-4  # 0.1 mm: the smooth variation over 2 eps is < 4e-8 everywhere
    below, above = us76.properties(edges - eps), us76.properties(edges + eps)
    for k, (zb, bounds) in enumerate(BOUNDARIES):
        for field, bound in zip(below._fields, bounds, strict=True):
            step = abs(float(getattr(above, field)[k]) / float(getattr(below, field)[k]) - 1)
            assert step < bound + 4e-8, (zb, field, step)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-6e3, 1.2e6), min_size=16, max_size=16))
def test_density_never_increases_with_altitude(alts):
    z = np.sort(np.array(alts))
    rho = np.asarray(us76.density_kgpm3(z))
    # Non-increasing, except the US76 hydrogen onset at 150 km (+2.5e-7 across 0 m).
    assert np.all(rho[1:] <= rho[:-1] * (1.0 + 3e-7))


def test_shapes_broadcast_and_jit():
    z = np.linspace(0.0, 900e3, 6).reshape(2, 3)
    batched = us76.properties(z)
    scalar = us76.properties(z[1, 2])
    assert all(f.shape == (2, 3) and f.dtype == jnp.float64 for f in batched)
    assert all(f.shape == () for f in scalar)
    assert float(scalar.density_kgpm3) == float(batched.density_kgpm3[1, 2])

    @jax.jit
    def caller(alt_m):  # a caller's kernel: vmapped over rows, the model inside its own jit
        per_row = jax.vmap(us76.properties)(alt_m)
        return per_row, us76.temperature_k(alt_m), us76.pressure_pa(alt_m)

    per_row, temp, pressure = caller(z)
    for a, b in zip(batched, per_row, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    np.testing.assert_allclose(temp, batched.temp_k, rtol=1e-15)
    np.testing.assert_allclose(pressure, batched.pressure_pa, rtol=1e-15)
    # The single-field functions accept Python scalars and lists like the full one.
    assert float(us76.density_kgpm3(0)) == float(us76.properties(0.0).density_kgpm3)
    np.testing.assert_allclose(us76.sound_speed_mps([0.0, 5e4]), [340.294, 329.799], atol=1e-3)


def test_edge_inputs_never_crash_and_nan_only_for_undefined():
    z = np.array([np.nan, -np.inf, -1e9, -5e3, np.inf, 1e30, 2e6])
    s = us76.properties(z)
    for field in s:
        f = np.asarray(field)
        assert np.all(np.isnan(f[:2])) and np.all(np.isfinite(f[2:]))
    for field in s:  # deeper than −5 km: the −5 km state, the first row of the US76 tables
        assert float(field[2]) == float(field[3])
    assert float(s.density_kgpm3[4]) == 0.0 and float(s.pressure_pa[4]) == 0.0


def test_above_1000km_decays_with_the_documented_scale_height():
    h = us76.TOP_SCALE_HEIGHT_M
    s = us76.properties(np.array([1000e3, 1000e3 + h, 1000e3 + 3 * h]))
    rho, p, t = (np.asarray(f) for f in (s.density_kgpm3, s.pressure_pa, s.temp_k))
    np.testing.assert_allclose(rho[1:] / rho[0], np.exp([-1.0, -3.0]), rtol=1e-12)
    np.testing.assert_allclose(p[1:] / p[0], np.exp([-1.0, -3.0]), rtol=1e-12)
    assert np.all(t == t[0])
    # The density scale height at 1000 km: kT/(M g) of a He–H–O mixture, ~200–300 km.
    assert 200e3 < h < 300e3


def test_integration_converged_and_interpolation_tight():
    # Numerical self-checks behind the us76_upper docstring (not an external oracle).
    coarse = us76_upper.integrate_number_densities()
    fine = us76_upper.integrate_number_densities(steps_m=(5.0, 50.0))
    for (z, log_n, _), (_, log_n_fine, _) in zip(coarse, fine, strict=True):
        for s in log_n:
            assert abs(log_n[s][-1] - log_n_fine[s][-1]) < 1e-9, (z[-1], s)
    z = np.concatenate([zz[1:] for zz, _, _ in fine])
    log_total = np.concatenate(
        [np.logaddexp.reduce(np.stack(list(ln.values())), axis=0)[1:] for _, ln, _ in fine]
    )
    log_n_table, _ = jax.jit(us76_upper.upper_log_n_rho)(jnp.asarray(z), us76_upper.build_tables())
    assert np.abs(np.asarray(log_n_table) - log_total).max() < 5e-8
