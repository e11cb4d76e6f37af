"""The NumPy peer of benchmarks/trajectories.py flies hyperdef's model, step and impact location.

The benchmark's ratios mean something only if its batched NumPy RK4 and its scalar solve_ivp
right-hand side are the same model as `hyperdef.dynamics.propagate`: a change to the model on
one side alone must fail here, not silently shift a published ratio.
"""

import importlib.util
import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.dynamics.propagate import (
    TABLE_BOTTOM_M,
    TABLE_STEP_M,
    TOP_OF_ATMOSPHERE_M,
    AeroParams,
    log_density_table,
    point_mass_rhs,
    propagate,
)
from hyperdef.earth.model import WGS84 as E
from hyperdef.threats.kinematics import ecef_state

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "glide_peers.py"
_SPEC = importlib.util.spec_from_file_location("glide_peers", _PATH)
peers = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(peers)

MODEL = peers.Model(E.a_m, E.b_m, E.e2, E.gm_m3ps2, E.j2, E.omega_radps, TABLE_BOTTOM_M,
                    TABLE_STEP_M, TOP_OF_ATMOSPHERE_M, log_density_table("us76"))


def _gliders(n, alt_m, speed_mps, gamma_rad, seed=3):
    rng = np.random.default_rng(seed)
    r, v = ecef_state(np.deg2rad(rng.uniform(-80, 80, n)), np.deg2rad(rng.uniform(-180, 180, n)),
                      np.full(n, alt_m), np.full(n, speed_mps), np.full(n, gamma_rad),
                      rng.uniform(0, 2 * np.pi, n), E)
    return (np.asarray(r), np.asarray(v), rng.uniform(2000, 13000, n), rng.uniform(0.5, 3.0, n),
            rng.uniform(-0.6, 0.6, n))


def test_right_hand_sides_equal_hyperdefs():
    r, v, beta, ld, bank = _gliders(32, 40e3, 5000.0, -0.05)
    y = np.concatenate([r, v], -1).T  # (6, n)
    want = np.asarray(jax.jit(point_mass_rhs(E, "us76"))(
        jnp.zeros(32), jnp.asarray(y), AeroParams(*(jnp.asarray(x) for x in (beta, ld, bank)))))
    rows = peers.rhs_rows(y, beta, ld, np.cos(bank), np.sin(bank), MODEL)
    table = MODEL.ln_rho.tolist()
    scalar = np.array([peers.rhs_scalar(0.0, y[:, i].copy(), beta[i], ld[i], math.cos(bank[i]),
                                        math.sin(bank[i]), MODEL, table) for i in range(32)]).T
    # Accelerations of ≈ 10 m/s²: 1e-9 m/s² is rounding, far below any modelling difference
    # (a missing J2 term alone is ≈ 1e-2 m/s²).
    for got in (rows, scalar):
        np.testing.assert_array_equal(got[:3], want[:3])
        np.testing.assert_allclose(got[3:], want[3:], rtol=0, atol=1e-9)


def test_rk4_flights_and_impacts_equal_hyperdefs():
    # Half fly on for 60 s, half dive into the ground within it: both end kinds are compared.
    fly = _gliders(4, 50e3, 6000.0, 0.0)
    dive = _gliders(4, 3e3, 1500.0, -0.5, seed=4)
    r, v, beta, ld, bank = (np.concatenate(pair) for pair in zip(fly, dive, strict=True))
    ld[4:] = 0.0  # the divers fall ballistically: no lift to pull them up at 3 km
    f = propagate(r, v, np.array([0.0, 60.0]), beta_kgpm2=beta, lift_to_drag=ld, bank_rad=bank,
                  earth=E, atmosphere="us76", step_s=2.0)
    t_end, y_end = peers.fly_rk4(np.concatenate([r, v], -1).T, beta, ld, bank, MODEL, 60.0, 2.0)
    assert np.all(np.asarray(f.t_end_s)[:4] == 60.0) and np.all(np.asarray(f.t_end_s)[4:] < 60.0)
    # Same arithmetic up to rounding: 1 µs in the impact time, 1 mm in position (a step or
    # event located differently would be off by metres).
    np.testing.assert_allclose(t_end, np.asarray(f.t_end_s), rtol=0, atol=1e-6)
    np.testing.assert_allclose(y_end[:3].T, np.asarray(f.y_end)[:, :3], rtol=0, atol=1e-3)
