"""Read a run folder for the report: every file optional, every absence and failure recorded.

The report reads only the folder (docs/conventions.md#run-folder), so `hyperdef report RUN_DIR`
can rebuild it long after the run. A file that is missing or unreadable becomes None here plus
a line in `missing` / `unreadable`; the figures that need it say so instead of failing.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the readers import lazily: a report of a folder without Zarr needs no xarray
    import pandas as pd
    import xarray as xr

#: Files of a run folder the report reads, and what each one feeds.
FILES = {
    "truth.zarr": "ground tracks, flight profiles, track errors and NEES",
    "detections.parquet": "the sensor access timeline and SNR against time",
    "access.parquet": "geometric access beside detections and firm tracks",
    "set_metrics.parquet": "OSPA and GOSPA over time",
    "nis.parquet": "NIS with its chi-square bounds",
    "tracks.zarr": "track errors and NEES",
    "metrics.parquet": "the per-threat metrics table",
    "summary.json": "the summary table, custody, footprints and engagement windows",
    "manifest.json": "versions, seed and timing",
    "scenario.resolved.yaml": "sensor sites, defended areas, interceptor sites",
}


#: Products a run writes only when it has both threats and sensors.
SENSOR_PRODUCTS = ("detections.parquet", "tracks.zarr", "access.parquet", "set_metrics.parquet",
                   "nis.parquet")


@dataclasses.dataclass
class RunData:
    """The run folder's contents (None where absent) and what could not be read."""

    folder: Path
    truth: xr.Dataset | None = None  # (sample, object, time)
    tracks: xr.Dataset | None = None  # (sample, track, time, comp[, comp2])
    detections: pd.DataFrame | None = None  # (the detections contract)
    access: pd.DataFrame | None = None  # (hyperdef.io.access columns)
    set_metrics: pd.DataFrame | None = None  # (hyperdef.io.run_metrics.SET_COLUMNS)
    nis: pd.DataFrame | None = None  # (hyperdef.io.run_metrics.NIS_COLUMNS)
    metrics: pd.DataFrame | None = None
    summary: dict | None = None
    manifest: dict | None = None
    scenario: dict | None = None
    missing: list = dataclasses.field(default_factory=list)
    unreadable: dict = dataclasses.field(default_factory=dict)
    not_produced: dict = dataclasses.field(default_factory=dict)  # absent by design: why

    @property
    def assessment(self) -> dict:
        return (self.summary or {}).get("assessment") or {}

    def threat_names(self) -> list[str]:
        if self.truth is not None:
            return [str(n) for n in self.truth["object"].values]
        if self.summary:
            return [t.get("name") for t in self.summary.get("threats", [])]
        return list(self.assessment.get("per_threat", {}))


def _read(path: Path, name: str):
    import pandas as pd
    import xarray as xr
    import yaml

    if name.endswith(".zarr"):
        # Times are plain seconds since the scenario epoch: keep them numbers, not datetimes.
        return xr.open_zarr(path, decode_times=False, decode_timedelta=False).load()
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith(".json"):
        return json.loads(path.read_text())
    return yaml.safe_load(path.read_text())


def load_run(folder) -> RunData:
    """Read every file of FILES that exists in `folder`; never raises for a missing/bad file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"run folder {folder}: not a folder; give the --out of a run")
    run = RunData(folder)
    attrs = {"scenario.resolved.yaml": "scenario", "truth.zarr": "truth",
             "tracks.zarr": "tracks", "detections.parquet": "detections",
             "access.parquet": "access", "set_metrics.parquet": "set_metrics",
             "nis.parquet": "nis",
             "metrics.parquet": "metrics", "summary.json": "summary", "manifest.json": "manifest"}
    for name, attr in attrs.items():
        path = folder / name
        if not path.exists():
            why = _by_design(run.scenario, name)
            if why:
                run.not_produced[name] = why
            else:
                run.missing.append(name)
            continue
        try:
            setattr(run, attr, _read(path, name))
        except Exception as exc:  # a damaged file must not stop the rest of the report
            run.unreadable[name] = f"{type(exc).__name__}: {exc}"
    return run


def _by_design(scenario: dict | None, name: str) -> str | None:
    """Why a run of this scenario writes no `name` (None when it should have written it)."""
    if not isinstance(scenario, dict):
        return None
    if name == "truth.zarr" and not scenario.get("threats"):
        return "the scenario has no threats"
    if name in SENSOR_PRODUCTS and not scenario.get("sensors"):
        return "the scenario has no sensors"
    if name in SENSOR_PRODUCTS and not scenario.get("threats"):
        return "the scenario has no threats"
    return None


def truth_geodetic(truth, sample_index: int = 0):
    """Per object (lat_deg, lon_deg, alt_km) arrays (O, T) of one sample, NaN out of flight."""
    from hyperdef.earth.geodetic import ecef_to_geodetic

    r = np.asarray(truth["r_ecef_m"].isel(sample=sample_index).values, np.float64)
    lat, lon, alt = (np.asarray(a) for a in ecef_to_geodetic(r))
    return np.degrees(lat), np.degrees(lon), alt / 1e3


def truth_series(truth, name: str, sample_index: int = 0):
    """(O, T) values of a truth variable for one sample, or None if the file lacks it. Speed falls
    back to |v| when the run has no speed_mps."""
    if name in truth:
        return np.asarray(truth[name].isel(sample=sample_index).values, np.float64)
    if name == "speed_mps" and "v_ecef_mps" in truth:
        v = np.asarray(truth["v_ecef_mps"].isel(sample=sample_index).values, np.float64)
        return np.linalg.norm(v, axis=-1)
    return None


def time_axis(ds) -> np.ndarray:
    return np.asarray(ds["time"].values, np.float64)
