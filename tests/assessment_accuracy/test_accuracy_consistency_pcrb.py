"""NEES/NIS bounds, RMSE, purity and the posterior Cramér–Rao bound against external oracles."""

import datetime

import numpy as np
import pandas as pd
import pytest
from filterpy.kalman import KalmanFilter

from hyperdef.assessment.accuracy import (
    chi2_bounds,
    measurement_information,
    nees,
    nis,
    pcrb,
    rmse_vs_time,
    track_purity,
)


def test_chi2_bounds_match_the_published_values():
    # Bar-Shalom, Li & Kirubarajan 2001, §5.4 (computed from the χ² quantiles): n = 6,
    # N = 100 → [5.34, 6.70]; N = 500 → [5.70, 6.31]; a 2-angle NIS, N = 100 → [1.63, 2.41];
    # quoted to 0.01.
    for (dof, n), (lo, hi) in {(6, 100): (5.34, 6.70), (6, 500): (5.70, 6.31),
                               (2, 100): (1.63, 2.41)}.items():
        a, b = chi2_bounds(dof, n, 0.95)
        # measured worst case: 0.0027 (hyperdef 0.1.0, float64).
        assert abs(a - lo) < 0.006 and abs(b - hi) < 0.006


def test_nees_of_gaussian_errors_has_chi2_mean():
    # E[εᵀP⁻¹ε] = n for ε ~ N(0, P); 20 000 draws put the sample mean within ±0.1 of 6 at ≈ 5σ
    # (σ of the mean = √(2·6/20000) ≈ 0.024).
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    P = A @ A.T + np.eye(6)
    e = rng.multivariate_normal(np.zeros(6), P, size=20000)
    # measured worst case: seeded: 0.014 (hyperdef 0.1.0, float64).
    assert abs(nees(e, np.broadcast_to(P, (20000, 6, 6))).mean() - 6.0) < 0.1
    # a hand case: ε = (3, 4), S = diag(9, 16) → 2
    assert nis(np.array([3.0, 4.0]), np.diag([9.0, 16.0])) == pytest.approx(2.0, rel=1e-14)
    assert np.isnan(nees(np.array([np.nan, 1.0]), np.eye(2)))


def test_rmse_vs_time_and_purity():
    est = np.zeros((2, 3, 3))
    true = np.zeros((2, 3, 3))
    est[0, :, 0] = [3.0, 0.0, np.nan]
    est[1, :, 0] = [4.0, 0.0, 1.0]
    # √((9 + 16)/2), 0, and only run 1 present at t2
    assert np.allclose(rmse_vs_time(est, true), [np.sqrt(12.5), 0.0, 1.0])
    a = pd.DataFrame({"sample": [0] * 6, "detection": [0, 1, 2, 3, 4, 5],
                      "track_id": [7, 7, 7, 7, 9, 9]})
    truth_id = np.array([1, 1, 1, -1, -1, -1])
    pur = track_purity(a, truth_id).set_index("track_id")
    assert pur.loc[7, "purity"] == 0.75 and pur.loc[7, "truth_id"] == 1
    assert pur.loc[9, "purity"] == 1.0 and pur.loc[9, "truth_id"] == -1


def cv_1d(dt, q):
    F = np.array([[1.0, dt], [0.0, 1.0]])
    Q = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
    return F, Q


def test_pcrb_equals_kalman_covariance_for_linear_gaussian():
    # Linear-Gaussian model: the PCRB recursion is the Kalman filter's information recursion, so
    # J_k⁻¹ equals the KF's posterior covariance (Tichavský et al. 1998, §IV-A). filterpy's KF is
    # the oracle (Joseph-free standard form); both are exact, so only round-off separates them.
    F, Q = cv_1d(0.5, 2.0)
    H = np.array([[1.0, 0.0]])
    R = np.array([[25.0]])
    P0 = np.diag([1e4, 1e2])
    T = 40
    has_meas = np.arange(T) % 3 != 2  # every third step without a measurement
    info = np.where(has_meas[:, None, None], measurement_information(H, R), 0.0)
    bound = pcrb(P0, np.repeat(F[None], T, 0), np.repeat(Q[None], T, 0), info)
    kf = KalmanFilter(dim_x=2, dim_z=1)
    kf.F, kf.Q, kf.H, kf.R, kf.P = F, Q, H, R, P0.copy()
    kf.x = np.zeros((2, 1))
    for k in range(T):
        kf.predict()
        if has_meas[k]:
            kf.update(np.array([[0.0]]))
        # measured worst case: 1.3e-15 relative (hyperdef 0.1.0, float64).
        assert np.allclose(bound[k + 1], kf.P, rtol=1e-9, atol=0)


def test_pcrb_equals_stonesoup_for_bearing_range():
    # Nonlinear measurement (bearing, range from a static sensor), linear CV motion: hyperdef's
    # recursion with an analytic Jacobian along the truth vs Stone Soup 1.9's PCRBMetric.
    stonesoup = pytest.importorskip("stonesoup")  # noqa: F841
    from stonesoup.metricgenerator.pcrbmetric import PCRBMetric
    from stonesoup.models.measurement.nonlinear import CartesianToBearingRange
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.types.groundtruth import GroundTruthPath, GroundTruthState
    from stonesoup.types.state import GaussianState

    q, dt, T = 0.5, 1.0, 30
    R = np.diag([np.radians(0.5) ** 2, 20.0**2])
    sensor = np.array([-2000.0, 500.0])
    t0 = datetime.datetime(2024, 1, 1)
    x = np.array([0.0, 30.0, 0.0, -10.0])  # [x, vx, y, vy] (Stone Soup ordering)
    path = GroundTruthPath([GroundTruthState([30.0 * k * dt, 30.0, -10.0 * k * dt, -10.0],
                                             timestamp=t0 + datetime.timedelta(seconds=k * dt))
                            for k in range(T)])
    model = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    meas = CartesianToBearingRange(ndim_state=4, mapping=(0, 2), noise_covar=R,
                                   translation_offset=sensor.reshape(2, 1))
    P0 = np.diag([1e4, 1e2, 1e4, 1e2])
    # Stone Soup 1.9.1 slices sensor_locations[:, i] into a 1-D vector and then indexes it as
    # (2, 1); a (2, 1, 1) array hands it the column shape it needs.
    locations = sensor.reshape(2, 1, 1)
    metric = PCRBMetric(prior=GaussianState(x, P0), transition_model=model,
                        measurement_model=meas, sensor_locations=locations,
                        position_mapping=(0, 2), velocity_mapping=(1, 3))
    ref = metric._compute_pcrb_single(metric.prior, model, meas, path, metric.sensor_locations,
                                      1.0, (0, 2), (1, 3))["inverse_j"]
    # hyperdef: the same truth, analytic H of (bearing, range) w.r.t. (x, vx, y, vy)
    F1, Q1 = cv_1d(dt, q)
    F = np.kron(np.eye(2), F1)
    Q = np.kron(np.eye(2), Q1)
    infos = []
    for st in path.states[1:]:
        dx, dy = st.state_vector[0, 0] - sensor[0], st.state_vector[2, 0] - sensor[1]
        r2 = dx * dx + dy * dy
        H = np.array([[-dy / r2, 0, dx / r2, 0], [dx / np.sqrt(r2), 0, dy / np.sqrt(r2), 0]])
        infos.append(measurement_information(H, R))
    Fs, Qs = np.repeat(F[None], T - 1, 0), np.repeat(Q[None], T - 1, 0)
    ours = pcrb(P0, Fs, Qs, np.asarray(infos))
    # Stone Soup differentiates h numerically (forward differences, stonesoup.functions.
    # compute_jac), its Jacobian entries off by up to ≈ 5e-5 relative here; compared as matrices
    # (Frobenius norm, relative) 1e-3 leaves room and still catches any wrong term.
    rel = np.linalg.norm(ours - ref, axis=(1, 2)) / np.linalg.norm(ref, axis=(1, 2))
    assert rel.max() < 1e-3, rel.max()
    # Given Stone Soup's own Jacobians the two recursions agree to round-off.
    theirs_h = [meas.jacobian(st) for st in path.states[1:]]
    same = pcrb(P0, Fs, Qs, np.asarray([measurement_information(h, R) for h in theirs_h]))
    assert np.allclose(same, ref, rtol=1e-9, atol=1e-12)
