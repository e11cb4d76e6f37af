"""Angle-only EKF against Stone Soup 1.9 (Dstl) on a shared elevation-bearing scenario.

A CV target in ECEF is seen by a moving satellite; each detection is a noisy LOS (contract noise
model). Stone Soup gets it as elevation/bearing (`CartesianToElevationBearing`, translated to the
satellite, axes parallel to ECEF) with R = diag(σ², σ²/cos²θ): the same isotropic angular noise.

1. The generic hyperdef EKF core fed Stone Soup's own measurement function must give Stone Soup's
   estimates to numerical noise. Stone Soup differentiates h numerically (forward differences
   with a 0.09 m step at 5e6 m: truncation ~δ/ρ ≈ 5e-8 relative), hyperdef by autodiff; that
   gain error, ~5e-8 of each correction, accumulates over 30 updates to ~1e-6 of the posterior
   1σ: tolerance 1e-5 of the posterior 1σ per component.
2. hyperdef's own tangent-plane LOS update (the tracker's) linearises at the measured direction,
   Stone Soup's angles at the predicted one; the two agree to second order in the angular error
   (~σ/1 rad ≈ 2e-5 relative in the gain): tolerance 1e-3 of the posterior 1σ.
The target stays at positive ECEF coordinates: Stone Soup 1.9.1's finite-difference step is
1e8·np.spacing(x), negative (hence replaced by 1e-8) for x < 0, which ruins its Jacobian there.
"""

import datetime

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np
from stonesoup.models.measurement.nonlinear import CartesianToElevationBearing
from stonesoup.models.transition.linear import (
    CombinedLinearGaussianTransitionModel,
)
from stonesoup.models.transition.linear import (
    ConstantVelocity as SSConstantVelocity,
)
from stonesoup.predictor.kalman import ExtendedKalmanPredictor
from stonesoup.types.detection import Detection
from stonesoup.types.hypothesis import SingleHypothesis
from stonesoup.types.state import GaussianState
from stonesoup.updater.kalman import ExtendedKalmanUpdater

from hyperdef.measurement.radar import wrap_pi
from hyperdef.tracking.filters import EKFState, ekf_update, make_filter
from hyperdef.tracking.motion import ConstantVelocity

Q_PSD, DT, N = 4.0, 1.0, 30
PERM = [0, 3, 1, 4, 2, 5]  # hyperdef [x, y, z, vx, vy, vz] → Stone Soup [x, vx, y, vy, z, vz]
T0 = datetime.datetime(2030, 1, 1)


def _el_b(d):
    return np.array([np.arcsin(d[2] / np.linalg.norm(d)), np.arctan2(d[1], d[0])])


def _el_b_jax(d):
    return jnp.stack([jnp.arcsin(d[2] / jnp.linalg.norm(d)), jnp.arctan2(d[1], d[0])])


def _setup():
    xs = sc.cv_truth(sc.X0_TRUE, N, DT, Q_PSD, key=sc.keys("ss/truth"))
    u = sc.los_measurements(xs, DT, 0, key=sc.keys("ss/los"))
    x0 = sc.X0_TRUE + np.array([200, -150, 100, 20, -30, 10.0])
    return u, x0


def _stonesoup_run(u, x0):
    trans = CombinedLinearGaussianTransitionModel([SSConstantVelocity(Q_PSD)] * 3)
    predictor = ExtendedKalmanPredictor(trans)
    updater = ExtendedKalmanUpdater(measurement_model=None)
    state = GaussianState(x0[PERM].reshape(6, 1), sc.P0[np.ix_(PERM, PERM)], timestamp=T0)
    out = []
    for k in range(1, N + 1):
        t = T0 + datetime.timedelta(seconds=k * DT)
        r_sat = sc.sat_state(0, k * DT)[0]
        z = _el_b(u[k])
        s = sc.SIGMA_LOS_RAD
        model = CartesianToElevationBearing(
            ndim_state=6, mapping=(0, 2, 4),
            noise_covar=np.diag([s**2, (s / np.cos(z[0])) ** 2]),
            translation_offset=r_sat.reshape(3, 1))
        pred = predictor.predict(state, timestamp=t)
        det = Detection(z.reshape(2, 1), timestamp=t, measurement_model=model)
        state = updater.update(SingleHypothesis(pred, det))
        inv = np.argsort(PERM)
        out.append((np.asarray(state.state_vector, float).ravel()[inv],
                    np.asarray(state.covar, float)[np.ix_(inv, inv)]))
    return out


def _compare(ours, ref, frac):
    for (x, P), (x_r, P_r) in zip(ours, ref, strict=True):  # noqa: N806
        sd = np.sqrt(np.diag(P_r))
        # measured worst case: 5.1e-6 of 1σ (Stone Soup's measurement function), 1.1e-5 (hyperdef's
        # LOS update) (hyperdef 0.1.0, float64).
        assert np.max(np.abs(np.asarray(x) - x_r) / sd) < frac
        assert np.max(np.abs(np.asarray(P) - P_r) / np.outer(sd, sd)) < 10 * frac


def test_ekf_core_with_stonesoup_measurement_model_matches():
    u, x0 = _setup()
    ref = _stonesoup_run(u, x0)
    ops = make_filter("ekf", ConstantVelocity(Q_PSD))
    s = sc.SIGMA_LOS_RAD

    @jax.jit
    def step(state, z, r_sat):
        state = ops.predict(state, DT)
        R = jnp.diag(jnp.array([s**2, (s / jnp.cos(z[0])) ** 2]))  # noqa: N806

        def nu(x):
            e = z - _el_b_jax(x[:3] - r_sat)
            return e.at[1].set(wrap_pi(e[1]))

        x, P, _, st, _ = ekf_update(state.x, state.P, nu, R, dof=2)
        return EKFState(x, P), st

    state = ops.init_from(jnp.asarray(x0), jnp.asarray(sc.P0))
    ours = []
    for k in range(1, N + 1):
        state, st = step(state, jnp.asarray(_el_b(u[k])), jnp.asarray(sc.sat_state(0, k * DT)[0]))
        assert int(st) == 0
        ours.append((state.x, state.P))
    _compare(ours, ref, 1e-5)


def test_tangent_plane_ekf_matches_stonesoup_to_second_order():
    u, x0 = _setup()
    ref = _stonesoup_run(u, x0)
    ops = make_filter("ekf", ConstantVelocity(Q_PSD))
    step = jax.jit(lambda s, row: ops.update(ops.predict(s, DT), row))
    state = ops.init_from(jnp.asarray(x0), jnp.asarray(sc.P0))
    ours = []
    for k in range(1, N + 1):
        state, _, st = step(state, sc.los_row(0, k * DT, u[k]))
        assert int(st) == 0
        ours.append((state.x, state.P))
    _compare(ours, ref, 1e-3)
