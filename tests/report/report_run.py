"""A small, complete run folder written with the real product classes (Truth, TrackSet, the
manifest builder), so the report reads exactly the formats the pipeline writes.

Two threats: a glider flying east at 40 km across the antimeridian, and a ballistic arc; a
radar and a space-IR layer that see them part of the time; one firm track on each; a defended
area centred on the antimeridian; one notional interceptor site. Footprints are simple circles
(the report only draws them; their physics is tested in tests/assessment).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import yaml

from hyperdef.assessment import custody as cu
from hyperdef.assessment import engagement as en
from hyperdef.earth.distance import destination
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.io.manifest import build_manifest, write_manifest
from hyperdef.status import Status
from hyperdef.threats.truth import Truth
from hyperdef.tracking.trackset import TrackSet

T = np.arange(0.0, 601.0, 5.0)
NAMES, KINDS = ("glider", "mrbm"), ("glide", "ballistic")
AREA = {"name": "dateline", "lat_deg": 10.0, "lon_deg": 180.0, "radius_km": 150.0}
SITE = {"name": "site-a", "lat_deg": 12.0, "lon_deg": 178.0, "alt_m": 0.0,
        "flyout_speed_mps": 3000.0, "max_range_km": 300.0, "min_alt_km": 15.0,
        "max_alt_km": 60.0, "reaction_time_s": 30.0}


def _paths():
    n = T.size
    r = np.full((2, n, 3), np.nan)
    fly = np.zeros((2, n), bool)
    # Glider: 5 km/s east from (10°N, 165°E) at 40 km, 0–600 s (3000 km: past the dateline).
    lat, lon = destination(np.radians(10.0), np.radians(165.0), np.pi / 2, 5000.0 * T)
    r[0] = np.asarray(geodetic_to_ecef(np.asarray(lat), np.asarray(lon), np.full(n, 40e3)))
    fly[0] = True
    # Ballistic: 100–500 s, a 300 km-high parabola over 1500 km heading north-east.
    s = np.clip((T - 100.0) / 400.0, 0.0, 1.0)
    lat, lon = destination(np.radians(5.0), np.radians(170.0), np.radians(45.0), 1.5e6 * s)
    r[1] = np.asarray(geodetic_to_ecef(np.asarray(lat), np.asarray(lon), 1.2e6 * s * (1 - s)))
    fly[1] = (T >= 100.0) & (T <= 500.0)
    r[~fly] = np.nan
    v = np.gradient(r, T, axis=1)
    return r, v, fly


def make_truth() -> Truth:
    r, v, fly = _paths()
    _, _, alt = (np.asarray(a) for a in ecef_to_geodetic(r))
    speed = np.linalg.norm(v, axis=-1)
    ilat, ilon, _ = (np.asarray(a) for a in ecef_to_geodetic(r[:, [-1, 100]].diagonal().T))
    o2 = lambda a, b: np.array([[a, b]], float)
    return Truth(
        names=NAMES, kinds=KINDS, sample_ids=np.array([0]), t_s=T, r_ecef_m=r[None],
        v_ecef_mps=v[None], alt_m=alt[None], speed_mps=speed[None], mach=speed[None] / 300.0,
        temp_k=np.where(fly, 1500.0 + speed / 5.0, np.nan)[None],
        ir_w_sr=np.where(fly, 1e4, np.nan)[None], heat_flux_w_m2=np.where(fly, 1e6, np.nan)[None],
        in_flight=fly[None], status=np.array([[Status.MAX_TIME, Status.IMPACT]]),
        t_start_s=o2(0.0, 100.0), t_end_s=o2(600.0, 500.0),
        impact_lat_rad=o2(np.nan, ilat[1]), impact_lon_rad=o2(np.nan, ilon[1]),
        emissivity=o2(0.85, 0.85), emitting_area_m2=o2(1.0, 1.0), nose_radius_m=o2(0.05, 0.1),
        mass_kg=o2(1000.0, 1000.0), beta_kgpm2=o2(13000.0, 5000.0), lift_to_drag=o2(2.6, 0.0),
        ir_band_m=(2.7e-6, 3.0e-6), start_to_end_m=o2(3.0e6, 1.5e6),
        ground_track_m=o2(3.1e6, 1.5e6))


COLUMNS = ["sample", "t_s", "sensor", "platform", "kind", "obs_x_m", "obs_y_m", "obs_z_m",
           "obs_vx_mps", "obs_vy_mps", "obs_vz_mps", "obs_lat_rad", "obs_lon_rad", "los_x",
           "los_y", "los_z", "sigma_ang_rad", "range_m", "az_rad", "el_rad", "range_rate_mps",
           "sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps", "snr_db",
           "truth_id"]


def make_detections(truth: Truth) -> pd.DataFrame:
    """Noiseless detections in the contract's columns: a radar at (15°N, 178°W) sees the glider
    from 150 s, a satellite 1000 km above (5°N, 175°E) sees the ballistic missile 120–400 s."""
    from hyperdef.measurement.los import los_unit
    from hyperdef.measurement.radar import radar_measure

    site = (np.radians(15.0), np.radians(-178.0), 10.0)
    r_site = np.asarray(geodetic_to_ecef(*site))
    r_sat = np.asarray(geodetic_to_ecef(np.radians(5.0), np.radians(175.0), 1.0e6))
    rows = []
    for o, (t0, t1) in enumerate([(150.0, 600.0), (120.0, 400.0)]):
        for k in np.flatnonzero((T >= t0) & (T <= t1) & truth.in_flight[0, o]):
            r, v = truth.r_ecef_m[0, o, k], truth.v_ecef_mps[0, o, k]
            row = dict.fromkeys(COLUMNS, np.nan)
            row.update(sample=0, t_s=T[k], platform=0, snr_db=20.0, truth_id=o,
                       obs_vx_mps=0.0, obs_vy_mps=0.0, obs_vz_mps=0.0)
            if o == 0:
                z = np.asarray(radar_measure(r_site, np.zeros(3), site[0], site[1], r, v))
                row.update(sensor="radar-a", kind="radar", obs_lat_rad=site[0],
                           obs_lon_rad=site[1], range_m=z[0], az_rad=z[1], el_rad=z[2],
                           range_rate_mps=z[3], sigma_range_m=20.0, sigma_az_rad=5e-4,
                           sigma_el_rad=5e-4, sigma_rr_mps=5.0,
                           **dict(zip(("obs_x_m", "obs_y_m", "obs_z_m"), r_site, strict=True)))
            else:
                u = np.asarray(los_unit(r_sat, r))
                row.update(sensor="ir-layer", kind="los", obs_lat_rad=np.radians(5.0),
                           obs_lon_rad=np.radians(175.0), los_x=u[0], los_y=u[1], los_z=u[2],
                           sigma_ang_rad=4e-5,
                           **dict(zip(("obs_x_m", "obs_y_m", "obs_z_m"), r_sat, strict=True)))
            rows.append(row)
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["sample", "t_s", "sensor", "platform"]).reset_index(drop=True)


def make_trackset(truth: Truth, seed=3) -> TrackSet:
    rng = np.random.default_rng(seed)
    sd = np.array([500.0] * 3 + [30.0] * 3)
    x = np.full((1, 2, T.size, 6), np.nan)
    P = np.full((1, 2, T.size, 6, 6), np.nan)
    state = np.zeros((1, 2, T.size), np.int8)
    for o, t_firm in enumerate((200.0, 160.0)):
        live = truth.in_flight[0, o] & (T >= t_firm - 20.0)
        xs = np.concatenate([truth.r_ecef_m[0, o], truth.v_ecef_mps[0, o]], axis=-1)
        x[0, o, live] = xs[live] + rng.normal(size=(live.sum(), 6)) * sd
        P[0, o, live] = np.diag(sd**2)
        state[0, o, live] = 1
        state[0, o, live & (T >= t_firm)] = 2
    return TrackSet(track_ids=np.array([0, 1]), t_s=T, sample_ids=np.array([0]), x=x, P=P,
                    state=state, state_dim=6, assignments=pd.DataFrame(
                        columns=["sample", "detection", "track_id"]), problems={})


def make_assessment(truth: Truth, detections: pd.DataFrame, tracks: TrackSet) -> dict:
    """An assessment with the same keys `assess` writes (footprints as plain circles)."""
    from types import SimpleNamespace

    from hyperdef.io.jsonable import json_safe

    per, timelines, prints, engage = {}, {}, [], {}
    site = SimpleNamespace(**SITE)
    for o, name in enumerate(NAMES):
        holder = cu.holder_timeline(tracks.state[0], tracks.track_ids, [o])
        det = {s: np.isin(T, detections.loc[(detections.sensor == s)
                                            & (detections.truth_id == o), "t_s"])
               for s in detections.sensor.unique()}
        c = cu.custody(T, truth.in_flight[0, o], holder, det)
        timelines[name] = json_safe(c.timeline)
        pos = np.where((holder >= 0)[:, None], tracks.x[0, o, :, :3], np.nan)
        win = json_safe(en.engagement_window(T, pos, site, c.first_firm_track_t_s))
        dec = np.linspace(0.0, 600.0, 13)
        win["vs_decision"] = {"decision_t_s": dec.tolist(),
                              "window_s": en.window_vs_decision(T, pos, site, dec).tolist()}
        engage[name] = {"site-a": win}
        areas = {}
        for k, t in enumerate((300.0, 400.0)):
            i = int(np.searchsorted(T, t))
            lat, lon, _ = ecef_to_geodetic(truth.r_ecef_m[0, o, i])
            az = np.linspace(0, 2 * np.pi, 40, endpoint=False)
            radius = 400e3 / (k + 1)
            plat, plon = destination(lat, lon, az, radius)
            poly = np.degrees(np.stack([plat, plon], -1)).tolist()
            area = float(np.pi * (radius / 1e3) ** 2)
            areas[f"{t:g}"] = area
            prints.append({"threat": name, "t_s": t, "kind": "reachable", "polygon": poly,
                           "area_km2": area, "predicted_impact": {
                               "lat_deg": float(np.degrees(lat)), "lon_deg": float(
                                   np.degrees(lon)), "sigma_km": 20.0}})
        per[name] = {"warning_time_s": 250.0, "warning_from_detection_s": 300.0,
                     "warning_to": "impact", "custody_fraction": c.custody_fraction,
                     "longest_gap_s": c.longest_gap_s, "track_breaks": c.track_breaks,
                     "first_detection_t_s": c.first_detected_t_s,
                     "first_firm_track_t_s": c.first_firm_track_t_s, "detection": "detected",
                     "footprint_area_km2_at": areas, "predicted_impact": None,
                     "engagement_window_s": {"site-a": win["window_s"]},
                     "defended_area_arrival_t_s": {"dateline": None}}
    return {"per_threat": per, "footprints": prints, "timelines": timelines,
            "engagement": engage}


def scenario_dict() -> dict:
    return {"schema_version": 1, "name": "report-test", "description": "two notional threats",
            "epoch": "2030-01-01T00:00:00Z", "duration_s": 600.0, "step_s": 5.0, "seed": 4,
            "samples": 1, "earth": "wgs84", "atmosphere": "us76",
            "threats": [{"name": "glider", "kind": "glide"}, {"name": "mrbm", "kind": "ballistic"}],
            "sensors": [{"name": "radar-a", "kind": "radar",
                         "site": {"lat_deg": 15.0, "lon_deg": -178.0, "alt_m": 10.0}},
                        {"name": "ir-layer", "kind": "space_ir"}],
            "defended_areas": [AREA], "interceptors": [SITE]}


def make_access() -> pd.DataFrame:
    """Access intervals in access.parquet's columns: each sensor's geometry opens a little before
    its first detection (access is the envelope of detection)."""
    return pd.DataFrame({
        "sample": [0, 0], "sensor": ["radar-a", "ir-layer"], "platform": [0, 0],
        "threat": ["glider", "mrbm"], "start_t_s": [100.0, 100.0], "stop_t_s": [600.0, 450.0],
        "duration_s": [500.0, 350.0], "min_range_m": [120e3, 1.1e6],
        "max_elevation_rad": [0.6, 1.2]})


def make_nis(detections: pd.DataFrame, seed=5) -> pd.DataFrame:
    """NIS rows in nis.parquet's columns: χ²(dof) draws for every detection after the first."""
    from hyperdef.assessment.accuracy import chi2_bounds

    d = detections.iloc[1:]
    dof = np.where(d["kind"] == "los", 2, 4)
    lo, hi = zip(*(chi2_bounds(int(m)) for m in dof), strict=True)
    return pd.DataFrame({"sample": d["sample"].to_numpy(), "t_s": d["t_s"].to_numpy(),
                         "track": d["truth_id"].to_numpy(), "sensor": d["sensor"].to_numpy(),
                         "kind": d["kind"].to_numpy(), "dof": dof,
                         "nis": np.random.default_rng(seed).chisquare(dof),
                         "nis_lo95": lo, "nis_hi95": hi})


def write_run(folder) -> dict:
    """Write the whole run folder; returns the summary document."""
    from hyperdef.io.run_metrics import set_metrics

    truth = make_truth()
    det = make_detections(truth)
    make_access().to_parquet(folder / "access.parquet", index=False)
    make_nis(det).to_parquet(folder / "nis.parquet", index=False)
    tracks = make_trackset(truth)
    set_metrics(tracks, truth).to_parquet(folder / "set_metrics.parquet", index=False)
    truth.to_xarray().to_zarr(folder / "truth.zarr", mode="w")
    det.to_parquet(folder / "detections.parquet", index=False)
    tracks.to_xarray().to_zarr(folder / "tracks.zarr", mode="w")
    rows = truth.summary(0)
    for row, tid in zip(rows, ([0], [1]), strict=True):
        row.update({"track_ids": tid, "rmse_pos_m": 850.0, "nees_mean": 6.1})
    pd.DataFrame([{k: v for k, v in r.items() if not isinstance(v, dict | list)}
                  for r in rows]).to_parquet(folder / "metrics.parquet", index=False)
    doc = {"scenario": "report-test", "seed": 4, "samples": 1, "threats": rows,
           "sensors": [{"name": "radar-a", "threat": "glider", "first_detection_t_s": 150.0,
                        "last_detection_t_s": 600.0, "detections": 91,
                        "detected_fraction": 0.75}],
           "assessment": make_assessment(truth, det, tracks)}
    (folder / "summary.json").write_text(json.dumps(doc))
    (folder / "scenario.resolved.yaml").write_text(yaml.safe_dump(scenario_dict()))
    write_manifest(folder, build_manifest(seed=4, samples=1, wall_s=1.0, command="test",
                                          outputs=["report.html"]))
    return doc
