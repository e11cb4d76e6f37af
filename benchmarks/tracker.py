"""Multi-target tracker throughput: 50 targets, 200 satellites, 2 000 scans through association.

Synthetic angle-only scene, simple geometry (spherical Earth, no rotation): 50 constant-velocity
targets at 40–60 km altitude spread over a 1 500 km patch; 200 satellites on circular 1 000 km
orbits (20 planes × 10, 80° inclination, planes spread over 180° so the patch is in view);
a satellite sees a target when the segment clears the Earth (the occlusion test of
docs/references.md#earth-occlusion) and the range is below `--max-range-km`. Frames at 10 Hz,
all satellites at once, so one frame = one scan; Pd 0.9, 20 µrad noise, one false alarm per
satellite per frame in a 0.1 rad box around the patch. Detections are generated with NumPy here
(the same noise model as the detections contract).

hyperdef runs the whole tracker (initiation by triangulation, gating, GNN, EKF updates, M-of-N);
Stone Soup 1.9 runs a GNN tracker (Mahalanobis hypothesiser, 2-D assignment, EKF with an
elevation–bearing model per satellite, tracks started at the truth, so it skips initiation) —
each satellite's detections of a frame form one Stone Soup scan, as its GNN assigns one detection
per track per scan. Stone Soup is timed on the first scans of the full-size scene, and both on a
5-target subset; ratios are scans/s over scans/s.

Goal (issue 5): report scans/s for the full-size case (50 targets, 200 satellites, 2 000 scans
through association); the issue set no rate or ratio, so the line says whether the full-size
case ran, and the ratios to Stone Soup are printed without a verdict.

    python benchmarks/tracker.py            # full size, then the subset comparison
    python benchmarks/tracker.py --quick    # 200 scans
"""

from __future__ import annotations

import argparse
import datetime
import time

import numpy as np
import pandas as pd

import hyperdef  # noqa: F401  (float64 JAX)
from goals import goal
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.tracker import run_tracker

R_E = 6371e3
SIGMA = 20e-6


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def scene(n_targets, n_sats, n_scans, frame_s, max_range_m, seed=0):
    """Truth (n_targets, T, 6) and the detections table of the synthetic scene."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_scans) * frame_s
    lat = np.radians(30.0 + rng.uniform(-7, 7, n_targets))
    lon = np.radians(rng.uniform(-7, 7, n_targets))
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    r0 = up * (R_E + rng.uniform(40e3, 60e3, n_targets))[:, None]
    east = unit(np.cross([0.0, 0.0, 1.0], up))
    north = np.cross(up, east)
    head = rng.uniform(0, 2 * np.pi, n_targets)
    v0 = (np.sin(head)[:, None] * east + np.cos(head)[:, None] * north) * rng.uniform(
        2000, 6000, n_targets)[:, None]
    tgt = r0[:, None] + v0[:, None] * t[None, :, None]  # (O, T, 3)
    # Walker-like shell: planes' ascending nodes spread over 180°, 80° inclination
    planes, per = 20, n_sats // 20
    raan = np.radians(np.repeat(np.linspace(-60, 120, planes, endpoint=False), per))
    phase = np.radians(np.tile(np.linspace(0, 360, per, endpoint=False), planes)
                       + np.repeat(np.arange(planes) * 360.0 / n_sats, per))
    inc = np.radians(80.0)
    a = R_E + 1000e3
    w = np.sqrt(3.986004418e14 / a**3)
    u = phase[:, None] + w * t[None, :]  # (P, T)
    x = np.cos(u)
    y = np.sin(u) * np.cos(inc)
    z = np.sin(u) * np.sin(inc)
    sat = a * np.stack([x * np.cos(raan)[:, None] - y * np.sin(raan)[:, None],
                        x * np.sin(raan)[:, None] + y * np.cos(raan)[:, None], z], -1)
    vel = np.gradient(sat, t, axis=1) if n_scans > 1 else np.zeros_like(sat)
    rows = []
    centre = unit(tgt[:, 0].mean(axis=0))
    for k in range(n_scans):
        d = tgt[None, :, k] - sat[:, None, k]  # (P, O, 3)
        rng_m = np.linalg.norm(d, axis=-1)
        uu = d / rng_m[..., None]
        s = sat[:, None, k]
        tc = np.clip(-np.einsum("poc,poc->po", np.broadcast_to(s, d.shape), uu), 0, rng_m)
        closest = np.linalg.norm(s + tc[..., None] * uu, axis=-1)
        seen = (closest >= R_E) & (rng_m < max_range_m) & (rng.random(rng_m.shape) < 0.9)
        p, o = np.nonzero(seen)
        e = np.cross(uu[p, o], [0.0, 0.0, 1.0])
        e = unit(e)
        f = np.cross(uu[p, o], e)
        n = rng.normal(size=(len(p), 2)) * SIGMA
        um = unit(uu[p, o] + n[:, :1] * e + n[:, 1:] * f)
        rows.append((np.full(len(p), k), p, um, o))
        # false alarms: one per satellite that sees anything, in a 0.1 rad box around the patch
        fp = np.unique(p)
        c = unit(centre * (R_E + 50e3) - sat[fp, k])
        fa = unit(c + 0.1 * rng.uniform(-1, 1, (len(fp), 3)))
        rows.append((np.full(len(fp), k), fp, fa, np.full(len(fp), -1)))
    k = np.concatenate([r[0] for r in rows])
    p = np.concatenate([r[1] for r in rows])
    um = np.concatenate([r[2] for r in rows])
    tid = np.concatenate([r[3] for r in rows])
    nan = np.full(len(k), np.nan)
    df = pd.DataFrame({
        "sample": 0, "t_s": t[k], "sensor": "leo", "platform": p, "kind": "los",
        "obs_x_m": sat[p, k, 0], "obs_y_m": sat[p, k, 1], "obs_z_m": sat[p, k, 2],
        "obs_vx_mps": vel[p, k, 0], "obs_vy_mps": vel[p, k, 1], "obs_vz_mps": vel[p, k, 2],
        "obs_lat_rad": nan, "obs_lon_rad": nan, "los_x": um[:, 0], "los_y": um[:, 1],
        "los_z": um[:, 2], "sigma_ang_rad": SIGMA, "range_m": nan, "az_rad": nan,
        "el_rad": nan, "range_rate_mps": nan, "sigma_range_m": nan, "sigma_az_rad": nan,
        "sigma_el_rad": nan, "sigma_rr_mps": nan, "snr_db": 20.0, "truth_id": tid,
    })
    df = df.sort_values(["t_s", "platform"], kind="stable").reset_index(drop=True)
    truth = np.concatenate([tgt, np.broadcast_to(v0[:, None], tgt.shape)], -1)
    return t, truth, df, sat, vel


def run_hyperdef(t, df, frame_s):
    params = TrackerParams(motion_params={"cv": {"q_m2ps3": 1.0}}, single_sensor_init=False,
                           scan_tolerance_s=frame_s / 10, triangulation_tolerance_s=frame_s / 10)
    grid = t[:: max(1, int(round(1.0 / frame_s)))]
    t0 = time.perf_counter()
    ts = run_tracker(params, df, t_grid_s=grid, sample_ids=[0])
    return ts, time.perf_counter() - t0


def run_stonesoup(t, truth, df, sat, frame_s, n_scans):
    """Stone Soup GNN + EKF over the same detections, tracks started at the truth."""
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.nonlinear import CartesianToElevationBearing
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import ExtendedKalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.types.track import Track
    from stonesoup.updater.kalman import ExtendedKalmanUpdater

    t0 = datetime.datetime(2024, 1, 1)
    cv = CombinedLinearGaussianTransitionModel([ConstantVelocity(1.0)] * 3)
    predictor = ExtendedKalmanPredictor(cv)
    updater = ExtendedKalmanUpdater(measurement_model=None)
    hyp = DistanceHypothesiser(predictor, updater, Mahalanobis(), missed_distance=4.0)
    assoc = GNNWith2DAssignment(hyp)
    order = [0, 3, 1, 4, 2, 5]  # [x, y, z, vx, vy, vz] -> Stone Soup's [x, vx, y, vy, z, vz]
    tracks = {Track([GaussianState(truth[o, 0, order], np.diag([1e4, 1e2] * 3), timestamp=t0)])
              for o in range(truth.shape[0])}
    start = time.perf_counter()
    for k in range(n_scans):
        ts = t0 + datetime.timedelta(seconds=float(t[k]))
        frame = df[df["t_s"] == t[k]]
        for p, grp in frame.groupby("platform"):
            model = CartesianToElevationBearing(
                ndim_state=6, mapping=(0, 2, 4), noise_covar=np.eye(2) * SIGMA**2,
                translation_offset=sat[p, k].reshape(3, 1))
            dets = set()
            for uu in grp[["los_x", "los_y", "los_z"]].to_numpy():
                el, az = np.arcsin(uu[2]), np.arctan2(uu[1], uu[0])
                dets.add(Detection(np.array([[el], [az]]), timestamp=ts, measurement_model=model))
            for track, h in assoc.associate(tracks, dets, ts).items():
                track.append(updater.update(h) if h else h.prediction)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="200 scans instead of 2 000")
    ap.add_argument("--targets", type=int, default=50)
    ap.add_argument("--sats", type=int, default=200)
    ap.add_argument("--max-range-km", type=float, default=2500.0)
    ap.add_argument("--frame-s", type=float, default=0.1)
    args = ap.parse_args()
    n_scans = 200 if args.quick else 2000
    t, truth, df, sat, _ = scene(args.targets, args.sats, n_scans, args.frame_s,
                                 args.max_range_km * 1e3)
    per_scan = len(df) / n_scans
    print(f"scene: {args.targets} targets, {args.sats} satellites, {n_scans} scans, "
          f"{len(df)} detections ({per_scan:.0f}/scan)")
    # warm-up: compile the kernels on a short run of the same scene
    run_hyperdef(t[:20], df[df["t_s"] <= t[19]], args.frame_s)
    ts, sec = run_hyperdef(t, df, args.frame_s)
    firm = int((ts.state == 2).any(axis=2).sum())
    print(f"hyperdef: {n_scans / sec:.1f} scans/s ({sec:.1f} s), {firm} firm tracks, "
          f"problems {sum(ts.problems.values())}")
    full = (args.targets, args.sats, n_scans) == (50, 200, 2000)
    goal("scans/s of 50 targets x 200 satellites x 2 000 scans through association, reported",
         5, f"{n_scans / sec:.1f} scans/s at {args.targets} x {args.sats} x {n_scans}",
         True if full else None, why="a reduced case: drop --quick and the size flags")

    # Stone Soup on the full-size scene, first few scans (its cost per scan is steady)
    k_full = 3 if args.quick else 5
    try:
        sec_s = run_stonesoup(t, truth, df, sat, args.frame_s, k_full)
        print(f"Stone Soup, full size, first {k_full} scans: {k_full / sec_s:.2f} scans/s; "
              f"hyperdef/Stone Soup = {(n_scans / sec) / (k_full / sec_s):.0f}x")
    except ImportError:
        print("stonesoup not installed: no peer ratio")
        return

    # subset for the peer ratio: 5 targets, the same satellites, 30 scans
    n_sub, k_sub = 5, 30
    t2, truth2, df2, sat2, _ = scene(n_sub, args.sats, k_sub, args.frame_s,
                                     args.max_range_km * 1e3, seed=1)
    run_hyperdef(t2, df2, args.frame_s)  # warm
    _, sec_h = run_hyperdef(t2, df2, args.frame_s)
    sec_s = run_stonesoup(t2, truth2, df2, sat2, args.frame_s, k_sub)
    print(f"subset ({n_sub} targets, {args.sats} satellites, {k_sub} scans, {len(df2)} "
          f"detections): hyperdef {k_sub / sec_h:.1f} scans/s, Stone Soup {k_sub / sec_s:.2f} "
          f"scans/s, ratio {sec_s / sec_h:.1f}x")


if __name__ == "__main__":
    main()
