"""Rows of the detections table, built from what the sensor kernels detected.

The table's columns, dtypes and order are the contract of hyperdef.measurement.detections_table
(shared with the tracker); this module fills them: angle-only rows (`los_rows`), radar rows
(`radar_rows`), and the sorted table of row blocks (`table`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from jax.typing import ArrayLike

from hyperdef.measurement.detections_table import COLUMNS, LOS_ONLY, RADAR_ONLY, SORT_KEYS

__all__ = ["COLUMNS", "SORT_KEYS", "empty", "los_rows", "radar_rows", "table"]


def empty() -> pd.DataFrame:
    """A detections table with no rows and the contract's dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})


def _observer(n: int, sample: ArrayLike, t_s: ArrayLike, sensor: str, platform: ArrayLike,
              kind: str, r_obs: ArrayLike, v_obs: ArrayLike, lat: ArrayLike, lon: ArrayLike,
              snr: ArrayLike, truth_id: ArrayLike) -> dict[str, np.ndarray]:
    r_obs, v_obs = np.asarray(r_obs).reshape(n, 3), np.asarray(v_obs).reshape(n, 3)
    snr = np.asarray(snr, np.float64)
    return {
        "sample": np.broadcast_to(np.asarray(sample, np.int64), (n,)),
        "t_s": np.asarray(t_s, np.float64),
        "sensor": np.full(n, sensor, dtype=object),
        "platform": np.broadcast_to(np.asarray(platform, np.int64), (n,)),
        "kind": np.full(n, kind, dtype=object),
        "obs_x_m": r_obs[:, 0], "obs_y_m": r_obs[:, 1], "obs_z_m": r_obs[:, 2],
        "obs_vx_mps": v_obs[:, 0], "obs_vy_mps": v_obs[:, 1], "obs_vz_mps": v_obs[:, 2],
        "obs_lat_rad": np.asarray(lat, np.float64), "obs_lon_rad": np.asarray(lon, np.float64),
        "snr_db": 10.0 * np.log10(np.maximum(snr, 1e-30)),
        "truth_id": np.broadcast_to(np.asarray(truth_id, np.int64), (n,)),
    }


def los_rows(*, sample: ArrayLike, t_s: ArrayLike, sensor: str, platform: ArrayLike,
             r_obs: ArrayLike, v_obs: ArrayLike, lat: ArrayLike, lon: ArrayLike,
             u_meas: ArrayLike, sigma_rad: ArrayLike, snr: ArrayLike,
             truth_id: ArrayLike) -> dict[str, np.ndarray]:
    """Columns of n angle-only rows: every argument (n,) or (n, 3) (scalars broadcast)."""
    n = np.asarray(t_s).shape[0]
    rows = _observer(n, sample, t_s, sensor, platform, "los", r_obs, v_obs, lat, lon, snr,
                     truth_id)
    u = np.asarray(u_meas, np.float64).reshape(n, 3)
    rows.update(los_x=u[:, 0], los_y=u[:, 1], los_z=u[:, 2],
                sigma_ang_rad=np.broadcast_to(np.asarray(sigma_rad, np.float64), (n,)))
    rows.update({c: np.full(n, np.nan) for c in RADAR_ONLY})
    return rows


def radar_rows(*, sample: ArrayLike, t_s: ArrayLike, sensor: str, r_obs: ArrayLike,
               v_obs: ArrayLike, lat: ArrayLike, lon: ArrayLike, z_meas: ArrayLike,
               sigma: ArrayLike, snr: ArrayLike, truth_id: ArrayLike) -> dict[str, np.ndarray]:
    """Columns of n radar rows; z_meas and sigma (n, 4) as [range_m, az_rad, el_rad, rr_mps]."""
    n = np.asarray(t_s).shape[0]
    rows = _observer(n, sample, t_s, sensor, 0, "radar", r_obs, v_obs, lat, lon, snr,
                     truth_id)
    z = np.asarray(z_meas, np.float64).reshape(n, 4)
    s = np.broadcast_to(np.asarray(sigma, np.float64), (n, 4))
    rows.update({c: np.full(n, np.nan) for c in LOS_ONLY})
    rows.update(range_m=z[:, 0], az_rad=z[:, 1], el_rad=z[:, 2], range_rate_mps=z[:, 3],
                sigma_range_m=s[:, 0], sigma_az_rad=s[:, 1], sigma_el_rad=s[:, 2],
                sigma_rr_mps=s[:, 3])
    return rows


def table(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Concatenate row blocks into the contract's DataFrame, sorted by SORT_KEYS."""
    parts = [p for p in parts if p["t_s"].shape[0]]
    if not parts:
        return empty()
    cols = {c: np.concatenate([p[c] for p in parts]) for c in COLUMNS}
    df = pd.DataFrame(cols).astype(COLUMNS)
    return df.sort_values(SORT_KEYS, kind="stable").reset_index(drop=True)
