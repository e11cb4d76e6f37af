"""Access reports: when the geometry lets each sensor platform see each threat (`access.parquet`).

Geometric access is the sensor model's own `visible` flag (line of sight clear of the Earth,
field of regard, range and elevation limits, threat in flight) before any detection draw, kept per
platform by `hyperdef.sensors.observe`. Detection is what the sensor then made of it; the report
draws both side by side. Each maximal run of grid times with access is one interval, like an
entry of STK's Access report (AGI, "Access", STK Help): interval edges are resolved to the grid
step, so `start_t_s` / `stop_t_s` are the first and last grid times with access and a single
visible grid time has `duration_s` 0.

Columns (one row per interval): sample, sensor, platform (index within the sensor),
threat (name), start_t_s, stop_t_s, duration_s [s since the scenario epoch], min_range_m [m],
max_elevation_rad [rad] — the threat's highest elevation above the platform's local horizontal
plane (the plane normal to the WGS84 ellipsoid normal through the platform).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS: dict[str, str] = {
    "sample": "int64", "sensor": "str", "platform": "int64", "threat": "str",
    "start_t_s": "float64", "stop_t_s": "float64", "duration_s": "float64",
    "min_range_m": "float64", "max_elevation_rad": "float64",
}
FILE = "access.parquet"


def empty() -> pd.DataFrame:
    """An access table with no rows and the columns' dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})


def runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of True along the last axis.

    flags: (..., T) bool. Returns (index (n, ndim−1) of the leading axes, first (n,), last (n,))
    grid indices of every run, ordered by leading index then time.
    """
    flags = np.asarray(flags, bool)
    lead, n_t = flags.shape[:-1], flags.shape[-1]
    flat = flags.reshape(-1, n_t)
    edge = np.diff(np.pad(flat.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    row_s, first = np.nonzero(edge == 1)
    row_e, after = np.nonzero(edge == -1)
    # Starts and stops pair up row by row: both come out of nonzero sorted by (row, column).
    assert np.array_equal(row_s, row_e)
    index = np.stack(np.unravel_index(row_s, lead), axis=-1) if lead else np.zeros((0, 0), int)
    return index, first, after - 1


def _range_elevation(r_plat_ecef_m: np.ndarray, r_tgt_ecef_m: np.ndarray):
    """Range [m] and elevation [rad] of targets seen from platforms.

    r_plat_ecef_m: (P, T, 3); r_tgt_ecef_m: (O, T, 3). Returns two (O, P, T) arrays.
    """
    from hyperdef.earth.geodetic import ecef_to_geodetic

    lat, lon, _ = (np.asarray(a) for a in ecef_to_geodetic(r_plat_ecef_m))
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    d = r_tgt_ecef_m[:, None] - r_plat_ecef_m[None]
    rng = np.linalg.norm(d, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        el = np.arcsin(np.clip(np.einsum("optk,ptk->opt", d, up) / rng, -1.0, 1.0))
    return rng, el


def access_table(observation, truth) -> pd.DataFrame:
    """The access intervals of every (sample, sensor, platform, threat); see the module docstring.

    observation: hyperdef.sensors.observe.Observation (platforms (P, T, 3) ECEF [m],
    visible_by_platform (S, O, P, T)); truth: hyperdef.threats.truth.Truth (names, t_s (T,),
    sample_ids (S,), r_ecef_m (S, O, T, 3)).
    """
    t = np.asarray(truth.t_s, np.float64)
    r_t = np.asarray(truth.r_ecef_m, np.float64)
    names = np.asarray([str(n) for n in truth.names], dtype=object)
    parts = []
    for sensor in observation.sensor_names:
        vis = observation.visible_by_platform.get(sensor)
        if vis is None:
            continue
        r_p = np.asarray(observation.platforms[sensor], np.float64)
        for s_i, sid in enumerate(np.asarray(truth.sample_ids)):
            idx, first, last = runs(vis[s_i])
            if not first.size:
                continue
            rng, el = _range_elevation(r_p, r_t[s_i])
            o, p = idx[:, 0], idx[:, 1]
            # Per-interval extremes: mask the (o, p) series outside [first, last] and reduce.
            k = np.arange(t.size)
            inside = (k >= first[:, None]) & (k <= last[:, None])
            parts.append(pd.DataFrame({
                "sample": np.full(first.size, int(sid), np.int64),
                "sensor": np.full(first.size, sensor, dtype=object),
                "platform": p.astype(np.int64),
                "threat": names[o],
                "start_t_s": t[first], "stop_t_s": t[last], "duration_s": t[last] - t[first],
                "min_range_m": np.where(inside, rng[o, p], np.inf).min(axis=1),
                "max_elevation_rad": np.where(inside, el[o, p], -np.inf).max(axis=1),
            }))
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["sample", "sensor", "platform", "threat", "start_t_s"],
                           kind="stable").reset_index(drop=True).astype(COLUMNS)


def read_access(run_dir) -> pd.DataFrame:
    """access.parquet of a run folder. Raises FileNotFoundError naming the file and the fix."""
    path = Path(run_dir) / FILE
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: no access report in this run folder; rerun the scenario with this "
            "version of hyperdef (`hyperdef run SCENARIO --out RUN`) to write it")
    return pd.read_parquet(path)
