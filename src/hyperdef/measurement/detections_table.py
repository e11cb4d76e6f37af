"""The detections table: the one contract between the sensors, which write it, and the tracker,
which reads it (docs/conventions.md).

One row per detection, sorted by SORT_KEYS. Angle-only rows (`kind` "los") carry a unit line of
sight and σ per tangent axis (LOS_ONLY); radar rows carry range, azimuth, elevation and range
rate with their σ (RADAR_ONLY). Unused columns are NaN. `snr_db` is for reports and `truth_id`
for scoring only (−1 for a false alarm): the tracker needs neither (TRACKER_COLUMNS).
"""

from __future__ import annotations

COLUMNS: dict[str, str] = {
    "sample": "int64",
    "t_s": "float64",
    "sensor": "str",
    "platform": "int64",
    "kind": "str",
    "obs_x_m": "float64", "obs_y_m": "float64", "obs_z_m": "float64",
    "obs_vx_mps": "float64", "obs_vy_mps": "float64", "obs_vz_mps": "float64",
    "obs_lat_rad": "float64", "obs_lon_rad": "float64",
    "los_x": "float64", "los_y": "float64", "los_z": "float64",
    "sigma_ang_rad": "float64",
    "range_m": "float64", "az_rad": "float64", "el_rad": "float64", "range_rate_mps": "float64",
    "sigma_range_m": "float64", "sigma_az_rad": "float64", "sigma_el_rad": "float64",
    "sigma_rr_mps": "float64",
    "snr_db": "float64",
    "truth_id": "int64",
}
SORT_KEYS = ["sample", "t_s", "sensor", "platform"]
LOS_ONLY = ("los_x", "los_y", "los_z", "sigma_ang_rad")
RADAR_ONLY = ("range_m", "az_rad", "el_rad", "range_rate_mps", "sigma_range_m",
              "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps")
NOT_FOR_TRACKER = ("snr_db", "truth_id")
#: The columns the tracker reads, in table order.
TRACKER_COLUMNS = tuple(c for c in COLUMNS if c not in NOT_FOR_TRACKER)
