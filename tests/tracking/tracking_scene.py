"""A small synthetic multi-target scene for tracker tests: CV truth, moving satellites, a radar.

Everything is generated here from the measurement models of the detections contract
(`hyperdef.measurement`), with false alarms, so the tracker can be scored against known truth.
Geometry (no Earth occlusion; all lines of sight are clear by construction): targets at 50 km
altitude near 30°N 0°E flying east at 2–2.6 km/s; satellites at 1 000 km altitude 12–18° of
arc away on three sides (ranges ≈ 1 500–2 200 km, parallax 40–110°); a radar at 30°N 3°E.
"""

from __future__ import annotations

import types

import jax
import numpy as np
import pandas as pd

from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.measurement.los import los_unit, perturb_los
from hyperdef.measurement.radar import radar_measure

COLUMNS = [
    "sample", "t_s", "sensor", "platform", "kind", "obs_x_m", "obs_y_m", "obs_z_m", "obs_vx_mps",
    "obs_vy_mps", "obs_vz_mps", "obs_lat_rad", "obs_lon_rad", "los_x", "los_y", "los_z",
    "sigma_ang_rad", "range_m", "az_rad", "el_rad", "range_rate_mps", "sigma_range_m",
    "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps", "snr_db", "truth_id",
]
SIGMA_LOS = 20e-6  # rad, a space IR sensor's 1σ (docs/references.md: 20 µrad at 2 000 km ≈ 40 m)
RADAR_SIGMA = (30.0, 1e-3, 1e-3, 5.0)  # m, rad, rad, m/s


def enu_basis(lat_deg, lon_deg):
    return np.asarray(R_enu_from_ecef(np.radians(lat_deg), np.radians(lon_deg)))


def ecef(lat_deg, lon_deg, alt_m):
    return np.asarray(geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), alt_m))


def make_truth(n_targets=3, duration_s=60.0, step_s=1.0, spacing_km=30.0, samples=1,
               q_m2ps3=0.0, seed=0):
    """CV truth on the grid, as a Truth-like namespace (r_ecef_m, v_ecef_mps (S,O,T,3)).

    With q_m2ps3 > 0 the velocity takes the white-noise-acceleration process noise of that
    PSD per axis (the exact discretisation, Bar-Shalom et al. 2001, Eq. 6.2.2-12), independent
    per sample; the grid is then fine enough to read states at detection times directly.
    """
    t = np.arange(0.0, duration_s + 1e-9, step_s)
    R = enu_basis(30.0, 0.0)
    r0, v0 = [], []
    for o in range(n_targets):
        start = ecef(30.0 + (o - (n_targets - 1) / 2) * spacing_km / 111.0, 0.0, 50e3)
        speed = 2000.0 + 300.0 * o
        heading = np.radians(80.0 + 10.0 * o)
        v_enu = speed * np.array([np.sin(heading), np.cos(heading), 0.0])
        r0.append(start)
        v0.append(R.T @ v_enu)
    r0, v0 = np.asarray(r0), np.asarray(v0)
    r = r0[None, :, None, :] + v0[None, :, None, :] * t[None, None, :, None]
    r = np.repeat(r, samples, axis=0)
    v = np.broadcast_to(v0[None, :, None, :], r.shape).copy()
    if q_m2ps3 > 0:
        rng = np.random.default_rng(seed)
        dt = step_s
        Q = q_m2ps3 * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
        L = np.linalg.cholesky(Q)
        w = rng.normal(size=(samples, n_targets, len(t) - 1, 3, 2)) @ L.T  # (.., axis, [r, v])
        for k in range(1, len(t)):
            r[:, :, k] = r[:, :, k - 1] + v[:, :, k - 1] * dt + w[:, :, k - 1, :, 0]
            v[:, :, k] = v[:, :, k - 1] + w[:, :, k - 1, :, 1]
    return types.SimpleNamespace(
        names=tuple(f"target-{o}" for o in range(n_targets)), t_s=t,
        sample_ids=np.arange(samples), r_ecef_m=r, v_ecef_mps=v,
        in_flight=np.ones(r.shape[:3], dtype=bool))


def satellites(n=3):
    """(n,3) positions at t=0 and (n,3) velocities (7.35 km/s), 1 000 km altitude."""
    places = [(45.0, -8.0, 0.0), (18.0, 8.0, 90.0), (36.0, 17.0, 200.0)][:n]
    pos, vel = [], []
    for lat, lon, head in places:
        R = enu_basis(lat, lon)
        pos.append(ecef(lat, lon, 1000e3))
        h = np.radians(head)
        vel.append(R.T @ (7350.0 * np.array([np.sin(h), np.cos(h), 0.0])))
    return np.asarray(pos), np.asarray(vel)


def _blank(n):
    d = {c: np.full(n, np.nan) for c in COLUMNS}
    return d


def make_detections(truth, *, seed=0, p_detection=0.95, los_fa_per_frame=2, radar_fa_per_scan=2,
                    n_sats=3, radar=True, frame_s=1.0, radar_offset_s=0.5, sat_from_s=None):
    """Detections table (contract columns) of the scene, sorted by (sample, t_s, sensor, platform).

    Satellites ("ir", platforms 0..n_sats−1) take frames at t = 0, frame_s, …; the radar
    ("radar", platform 0) scans at t + radar_offset_s. truth_id is the target index, −1 for a
    false alarm. sat_from_s: optional per-satellite first frame time [s] (later frames only).
    """
    rng = np.random.default_rng(seed)
    key = jax.random.key(seed)
    S, O, T, _ = truth.r_ecef_m.shape
    sp, sv = satellites(n_sats)
    site_lat, site_lon = np.radians(30.0), np.radians(3.0)
    site = ecef(30.0, 3.0, 0.0)
    recs = []
    t_frames = np.arange(truth.t_s[0], truth.t_s[-1] + 1e-9, frame_s)
    for s in range(S):
        for t in t_frames:
            tgt_r = np.array([np.interp(t, truth.t_s, truth.r_ecef_m[s, o, :, c])
                              for o in range(O) for c in range(3)]).reshape(O, 3)
            for p in range(n_sats):
                if sat_from_s is not None and t < sat_from_s[p]:
                    continue
                obs = sp[p] + sv[p] * t
                seen = rng.random(O) < p_detection
                u = np.asarray(los_unit(obs[None], tgt_r[seen]))  # noise added below, at once
                # false alarms: uniform in a 0.2 rad box around the scene's centre (≈ 25/rad²)
                c = np.asarray(los_unit(obs, tgt_r.mean(axis=0)))
                fa = c + 0.2 * rng.uniform(-1, 1, (los_fa_per_frame, 3))
                fa /= np.linalg.norm(fa, axis=1, keepdims=True)
                ids = np.r_[np.flatnonzero(seen), -np.ones(len(fa), int)]
                for uu, tid in zip(np.r_[u.reshape(-1, 3), fa], ids, strict=True):
                    recs.append(dict(sample=s, t_s=t, sensor="ir", platform=p, kind="los",
                                     obs=obs, vobs=sv[p], lat=np.nan, lon=np.nan, los=uu,
                                     radar=None, truth_id=tid))
            if radar:
                tr = t + radar_offset_s
                rr = np.array([np.interp(tr, truth.t_s, truth.r_ecef_m[s, o, :, c])
                               for o in range(O) for c in range(3)]).reshape(O, 3)
                seen = rng.random(O) < p_detection
                rv = np.array([np.interp(tr, truth.t_s, truth.v_ecef_mps[s, o, :, c])
                               for o in range(O) for c in range(3)]).reshape(O, 3)
                z = np.asarray(radar_measure(site, np.zeros(3), site_lat, site_lon, rr, rv))
                z = z[seen] + rng.normal(size=(seen.sum(), 4)) * RADAR_SIGMA
                fa_pos = rr.mean(axis=0) + rng.uniform(-40e3, 40e3, (radar_fa_per_scan, 3))
                zf = np.asarray(radar_measure(site, np.zeros(3), site_lat, site_lon, fa_pos,
                                              np.zeros_like(fa_pos)))
                ids = np.r_[np.flatnonzero(seen), -np.ones(radar_fa_per_scan, int)]
                for zz, tid in zip(np.r_[z, zf], ids, strict=True):
                    zz = zz.copy()
                    zz[1] %= 2 * np.pi
                    recs.append(dict(sample=s, t_s=tr, sensor="radar", platform=0, kind="radar",
                                     obs=site, vobs=np.zeros(3), lat=site_lat, lon=site_lon,
                                     los=None, radar=zz, truth_id=tid))
    # LOS noise per the detections contract, one draw for the whole table (target rows only)
    true_rows = [r for r in recs if r["kind"] == "los" and r["truth_id"] >= 0]
    if true_rows:
        u = np.asarray(perturb_los(np.array([r["los"] for r in true_rows]), SIGMA_LOS, key=key))
        for r, uu in zip(true_rows, u, strict=True):
            r["los"] = uu
    return to_frame(recs)


def to_frame(recs):
    d = _blank(len(recs))
    d["sensor"] = np.array([r["sensor"] for r in recs], dtype=object)
    d["kind"] = np.array([r["kind"] for r in recs], dtype=object)
    for c in ("sample", "platform", "truth_id"):
        d[c] = np.array([r[c] for r in recs], dtype=np.int64)
    d["t_s"] = np.array([r["t_s"] for r in recs], dtype=float)
    obs = np.array([r["obs"] for r in recs])
    vobs = np.array([r["vobs"] for r in recs])
    for i, c in enumerate(("obs_x_m", "obs_y_m", "obs_z_m")):
        d[c] = obs[:, i]
    for i, c in enumerate(("obs_vx_mps", "obs_vy_mps", "obs_vz_mps")):
        d[c] = vobs[:, i]
    d["obs_lat_rad"] = np.array([r["lat"] for r in recs], dtype=float)
    d["obs_lon_rad"] = np.array([r["lon"] for r in recs], dtype=float)
    los = np.array([r["los"] if r["los"] is not None else np.full(3, np.nan) for r in recs])
    d["los_x"], d["los_y"], d["los_z"] = los.T
    d["sigma_ang_rad"] = np.where(d["kind"] == "los", SIGMA_LOS, np.nan)
    rad = np.array([r["radar"] if r["radar"] is not None else np.full(4, np.nan) for r in recs])
    d["range_m"], d["az_rad"], d["el_rad"], d["range_rate_mps"] = rad.T
    is_r = d["kind"] == "radar"
    for c, v in zip(("sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps"),
                    RADAR_SIGMA, strict=True):
        d[c] = np.where(is_r, v, np.nan)
    d["snr_db"] = np.full(len(recs), 20.0)
    # Lat/lon of satellites: not needed by LOS rows, but the contract has them; fill from ECEF.
    df = pd.DataFrame(d)[COLUMNS]
    return df.sort_values(["sample", "t_s", "sensor", "platform"], kind="stable").reset_index(
        drop=True)
