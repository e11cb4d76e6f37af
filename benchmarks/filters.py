"""6-state angle-only EKF track updates per second: hyperdef vs FilterPy vs Stone Soup.

One track update = predict (1 s, constant velocity) + update with one LOS detection from a moving
satellite. hyperdef runs 10⁴ tracks at once (jax.vmap + jit, timed warm), with the angle-only
filter (`rows="los"`) and, for reference, the default mixed-rows filter; FilterPy (a Python
loop over tracks) and Stone Soup (much slower) run subsets of the same tracks and are scaled to
per-update rates. Before timing, the estimates are checked to agree on the shared subset: FilterPy
to 1e-9 relative (same algorithm and measurement model), Stone Soup to 1e-3 of the posterior 1σ
(its elevation/bearing model linearises at the predicted direction, hyperdef's tangent-plane
model at the measured one: they agree to second order in the angular error).

Goals (issue 5): ≥ 1e6 updates/s on 2 CPU cores, ≥ 50× FilterPy, ≥ 2 500× Stone Soup, with equal
estimates (the agreement checks above); each is printed as met / NOT met.
Run: python benchmarks/filters.py [--tracks 10000] [--steps 20] [--quick]
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

import jax
import jax.numpy as jnp
import numpy as np

import hyperdef  # noqa: F401  (float64)
from goals import goal
from hyperdef.measurement import batch as mb
from hyperdef.measurement.los import los_unit, perturb_los, tangent_basis
from hyperdef.random import stream
from hyperdef.tracking.filters import make_filter
from hyperdef.tracking.motion import ConstantVelocity

DT, Q_PSD, SIGMA = 1.0, 4.0, 20e-6
P0 = np.diag([300.0**2] * 3 + [50.0**2] * 3)
REPEATS = 5
F_CV = np.kron(np.array([[1.0, DT], [0.0, 1.0]]), np.eye(3))


def make_scenario(n_tracks: int, n_steps: int, seed: int = 0):
    """Truth-free inputs: initial estimates (n, 6), satellite states and LOS (steps, n, 3)."""
    rng = np.random.default_rng(seed)
    # Targets in the positive ECEF octant: Stone Soup 1.9.1's numerical Jacobian
    # (stonesoup.functions.jacobian) takes its step from np.spacing(x), which is negative for
    # x < 0, so the step falls back to 1e-8 m there and its EKF gain loses most of its digits
    # at ECEF coordinates of −1e6 m; positive coordinates keep the comparison meaningful.
    lat = rng.uniform(0.15, 0.6, n_tracks)
    lon = rng.uniform(0.15, 1.4, n_tracks)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    r0 = up * (6.371e6 + 4.0e4)
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], -1)
    x_true = np.concatenate([r0, 5000.0 * east], -1)
    x_hat = x_true + rng.normal(size=(n_tracks, 6)) * np.sqrt(np.diag(P0))
    # Two satellites per track, ~2 000 km apart, taking turns: the range is observable, as in
    # the tracker's multi-satellite use (one satellite alone makes angle-only EKFs fragile).
    sat0 = up[None] * 7.371e6 + rng.normal(size=(2, n_tracks, 3)) * 1.5e6
    sat_v = rng.normal(size=(2, n_tracks, 3)) * 4000.0
    t = np.arange(1, n_steps + 1) * DT
    turn = np.arange(n_steps) % 2
    sat_v = sat_v[turn]
    sats = sat0[turn] + t[:, None, None] * sat_v
    pos = x_true[None, :, :3] + t[:, None, None] * x_true[None, :, 3:]
    u = np.asarray(perturb_los(los_unit(sats, pos), SIGMA, key=stream(seed, 0, "bench/los")))
    return x_hat, sats, sat_v, u


def _rows(sats, sat_v, u, t):
    n = u.shape[0]
    return mb.MeasBatch(
        kind=jnp.zeros(n, jnp.int32), z=jnp.concatenate([u, jnp.zeros((n, 1))], -1),
        sigma=jnp.tile(jnp.array([SIGMA, SIGMA, 1.0, 1.0]), (n, 1)), r_obs_ecef_m=sats,
        v_obs_ecef_mps=sat_v, lat_obs_rad=jnp.zeros(n), lon_obs_rad=jnp.zeros(n),
        t_s=jnp.full(n, t))


def run_hyperdef(x_hat, sats, sat_v, u, rows):
    ops = make_filter("ekf", ConstantVelocity(Q_PSD), rows=rows)
    step = jax.jit(jax.vmap(lambda s, row: ops.update(ops.predict(s, DT), row)[0]))
    state = jax.vmap(ops.init_from, in_axes=(0, None))(jnp.asarray(x_hat), jnp.asarray(P0))
    rows = [_rows(jnp.asarray(sats[k]), jnp.asarray(sat_v[k]), jnp.asarray(u[k]), (k + 1) * DT)
            for k in range(len(u))]
    jax.block_until_ready(step(state, rows[0]))  # compile
    best = np.inf
    for _ in range(REPEATS):  # best of several passes: the least disturbed by other load
        s = state
        t0 = time.perf_counter()
        for row in rows:
            s = step(s, row)
        jax.block_until_ready(s)
        best = min(best, time.perf_counter() - t0)
    return s, best


def run_filterpy(x_hat, sats, u):
    """FilterPy EKF per track; h and its Jacobian written out in NumPy (bases precomputed so
    that no JAX call is timed)."""
    from filterpy.common import Q_continuous_white_noise
    from filterpy.kalman import ExtendedKalmanFilter

    q = Q_continuous_white_noise(2, DT, Q_PSD, block_size=3, order_by_dim=False)
    bases = np.asarray(tangent_basis(u))
    out = []
    t0 = time.perf_counter()
    for i in range(x_hat.shape[0]):
        ekf = ExtendedKalmanFilter(dim_x=6, dim_z=2)
        ekf.x, ekf.P, ekf.F, ekf.Q = x_hat[i].copy(), P0.copy(), F_CV, q
        ekf.R = np.eye(2) * SIGMA**2
        for k in range(u.shape[0]):
            e = bases[k, i]

            def hx(x, e=e, s=sats[k, i]):
                d = x[:3] - s
                return e @ (d / np.linalg.norm(d))

            def jac(x, e=e, s=sats[k, i]):
                d = x[:3] - s
                rho = np.linalg.norm(d)
                w = d / rho
                return np.hstack([e @ (np.eye(3) - np.outer(w, w)) / rho, np.zeros((2, 3))])

            ekf.predict()
            ekf.update(e @ u[k, i], jac, hx)
        out.append((ekf.x.copy(), ekf.P.copy()))
    return out, time.perf_counter() - t0


def run_stonesoup(x_hat, sats, u):
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

    perm = [0, 3, 1, 4, 2, 5]
    inv = np.argsort(perm)
    predictor = ExtendedKalmanPredictor(
        CombinedLinearGaussianTransitionModel([SSConstantVelocity(Q_PSD)] * 3))
    updater = ExtendedKalmanUpdater(measurement_model=None)
    t_start = datetime.datetime(2030, 1, 1)
    out = []
    t0 = time.perf_counter()
    for i in range(x_hat.shape[0]):
        state = GaussianState(x_hat[i][perm].reshape(6, 1), P0[np.ix_(perm, perm)],
                              timestamp=t_start)
        for k in range(u.shape[0]):
            t = t_start + datetime.timedelta(seconds=(k + 1) * DT)
            el = np.arcsin(u[k, i, 2])
            z = np.array([[el], [np.arctan2(u[k, i, 1], u[k, i, 0])]])
            model = CartesianToElevationBearing(
                ndim_state=6, mapping=(0, 2, 4),
                noise_covar=np.diag([SIGMA**2, (SIGMA / np.cos(el)) ** 2]),
                translation_offset=sats[k, i].reshape(3, 1))
            pred = predictor.predict(state, timestamp=t)
            state = updater.update(SingleHypothesis(
                pred, Detection(z, timestamp=t, measurement_model=model)))
        x = np.asarray(state.state_vector, float).ravel()[inv]
        out.append((x, np.asarray(state.covar, float)[np.ix_(inv, inv)]))
    return out, time.perf_counter() - t0


def check_agreement(state, ref, rel, sigma_frac, label):
    worst_rel, worst_sig = 0.0, 0.0
    for i, (x_r, p_r) in enumerate(ref):
        x = np.asarray(state.x[i])
        sd = np.sqrt(np.diag(p_r))
        worst_rel = max(worst_rel, np.linalg.norm(x - x_r) / np.linalg.norm(x_r))
        worst_sig = max(worst_sig, np.max(np.abs(x - x_r) / sd))
    ok = worst_sig <= sigma_frac if rel is None else worst_rel <= rel
    print(f"  agreement with {label}: worst relative {worst_rel:.2e}, worst {worst_sig:.2e} σ "
          f"-> {'OK' if ok else 'MISMATCH'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--filterpy-tracks", type=int, default=100)
    ap.add_argument("--stonesoup-tracks", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="a short look: 1 000 tracks x 5 steps, 20 FilterPy, 2 Stone Soup tracks")
    args = ap.parse_args()
    if args.quick:
        args.tracks, args.steps, args.filterpy_tracks, args.stonesoup_tracks = 1000, 5, 20, 2
    x_hat, sats, sat_v, u = make_scenario(args.tracks, args.steps)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"devices: {jax.devices()}, CPUs visible: {os.cpu_count()}, load average {load:.1f}; "
          f"each rate is the best of several passes")
    state, t_h = run_hyperdef(x_hat, sats, sat_v, u, "los")
    state_mixed, t_mixed = run_hyperdef(x_hat, sats, sat_v, u, "mixed")
    n_fp, n_ss = args.filterpy_tracks, args.stonesoup_tracks
    runs_fp = [run_filterpy(x_hat[:n_fp], sats[:, :n_fp], u[:, :n_fp]) for _ in range(3)]
    runs_ss = [run_stonesoup(x_hat[:n_ss], sats[:, :n_ss], u[:, :n_ss]) for _ in range(3)]
    ref_fp, t_fp = runs_fp[0][0], min(r[1] for r in runs_fp)
    ref_ss, t_ss = runs_ss[0][0], min(r[1] for r in runs_ss)
    ok_fp = check_agreement(state, ref_fp, 1e-9, None, "FilterPy")
    ok_fp &= check_agreement(state_mixed, ref_fp, 1e-9, None, "FilterPy (mixed-rows filter)")
    ok_ss = check_agreement(state, ref_ss, None, 1e-3, "Stone Soup")
    ok = ok_fp and ok_ss
    rate_h = args.tracks * args.steps / t_h
    rate_mixed = args.tracks * args.steps / t_mixed
    rate_fp = n_fp * args.steps / t_fp
    rate_ss = n_ss * args.steps / t_ss
    print(f"hyperdef   : {rate_h:12.4g} track updates/s ({args.tracks} tracks x {args.steps} "
          f"steps in {t_h:.3f} s, jit+vmap, warm, best of {REPEATS}; rows='los')")
    print(f"hyperdef   : {rate_mixed:12.4g} track updates/s (same, rows='mixed': LOS and radar "
          f"rows padded together)")
    print(f"FilterPy   : {rate_fp:12.4g} track updates/s ({n_fp} tracks, Python loop)")
    print(f"Stone Soup : {rate_ss:12.4g} track updates/s ({n_ss} tracks)")
    print(f"ratio hyperdef/FilterPy  : {rate_h / rate_fp:10.1f}x")
    print(f"ratio hyperdef/Stone Soup: {rate_h / rate_ss:10.1f}x")
    cores = len(os.sched_getaffinity(0))
    if args.quick:
        print("quick run: fewer tracks and steps than the issue's 10^4 x 20; indicative only")
    goal(">= 1e6 updates/s on 2 CPU cores", 5, f"{rate_h:.3g}/s on {cores} core(s)",
         rate_h >= 1e6 if cores == 2 else None, why="not a 2-core run")
    goal(">= 50x FilterPy", 5, f"{rate_h / rate_fp:.1f}x", rate_h / rate_fp >= 50)
    goal(">= 2 500x Stone Soup", 5, f"{rate_h / rate_ss:.0f}x", rate_h / rate_ss >= 2500)
    goal("equal estimates (FilterPy to 1e-9 relative, Stone Soup to 1e-3 sigma)", 5,
         f"FilterPy {'agrees' if ok_fp else 'differs'}, Stone Soup "
         f"{'agrees' if ok_ss else 'differs'}", ok)
    if not ok:
        raise SystemExit("estimates disagree; rates are not comparable")


if __name__ == "__main__":
    main()
