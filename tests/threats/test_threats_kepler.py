"""Vacuum-arc prediction at the degenerate ends: at rest, straight up, unbound."""

import jax.numpy as jnp
import numpy as np

from hyperdef.earth.model import SPHERICAL_NONROTATING
from hyperdef.threats.boost import boost_cutoff
from hyperdef.threats.kepler import predict_descent

R, MU = SPHERICAL_NONROTATING.a_m, SPHERICAL_NONROTATING.gm_m3ps2


def test_at_rest_in_the_inertial_frame_falls_straight_back():
    # A pad on a non-rotating Earth (or at a pole) is at rest inertially: the rectilinear
    # ellipse, e = 1 to rounding. It is bound (v²/2 < μ/r) and comes back with Ψ = 0.
    r = np.array([[R, 0.0, 0.0], [0.0, 0.0, R], [R / np.sqrt(2), R / np.sqrt(2), 0.0]])
    for v in (np.zeros((3, 3)), 100.0 * r / R):  # at rest; rising vertically at 100 m/s
        psi, tof, _ = (np.asarray(a) for a in predict_descent(r, v, np.full(3, R), MU))
        assert np.all(psi == 0.0) and np.all(np.isfinite(tof)), (psi, tof)
    # Above escape speed it never comes back: +inf, as before.
    v_esc = np.sqrt(2 * MU / R) * 1.01 * r / R
    psi, _, ok = predict_descent(r, v_esc, np.full(3, R), MU)
    assert np.all(np.isinf(np.asarray(psi))) and not np.any(np.asarray(ok))


def test_range_cutoff_does_not_fire_on_the_pad():
    # On a non-rotating Earth the booster at rest must keep burning (g > 0) toward a 2 000 km
    # aim; a +inf predicted range made g = −inf and ended the boost at t0.
    from hyperdef.threats.boost import BoostParams

    aim = np.array([R * np.cos(0.3), R * np.sin(0.3), 0.0])
    p = BoostParams(*([jnp.zeros(1)] * 17), aim_ecef_m=jnp.asarray(aim)[:, None],
                    range_bias_rad=jnp.zeros(1))._replace(cutoff_speed_mps=jnp.full(1, jnp.inf))
    y = jnp.asarray([R, 0.0, 0.0, 0.0, 0.0, 0.0])[:, None]
    g = float(boost_cutoff(SPHERICAL_NONROTATING)(jnp.zeros(1), y, p)[0])
    # measured worst case: 0 (exact) (hyperdef 0.1.0, float64).
    assert abs(g - 0.3) < 1e-9  # the whole central angle still to fly
