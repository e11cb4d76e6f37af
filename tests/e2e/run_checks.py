"""The one check every end-to-end fuzz case must pass: each number a run produced is finite, or
NaN exactly where the run's own record says why.

What explains a missing number:
- truth (threats/truth.py): per-time values are NaN outside `in_flight`; in flight they must be
  finite. Per-object values may be NaN only when the flight's `status` says it never flew or
  failed (`EXPLAINED_STATUS`), the impact point only when the status is not IMPACT;
- detections (sensors/detections.py): a line-of-sight row leaves the radar columns NaN and a
  radar row the line-of-sight ones; everything else is finite;
- tracks (tracking/trackset.py): state and covariance are NaN where the track does not exist
  (state NONE or DEAD) and finite while it is tentative or firm;
- summary.json: strict JSON (no NaN or Infinity tokens), a missing value is `null`;
- metrics.parquet: a NaN cell is a `null` of summary.json (the same threat's row or assessment),
  or a run-level consistency scalar of a run with nothing to score; set_metrics and nis: finite.
  A nested summary value becomes one column per field (`impact` → `impact_lat_deg`, …).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from hyperdef.measurement.detections_table import LOS_ONLY, RADAR_ONLY
from hyperdef.status import Status
from hyperdef.threats.truth import PER_OBJECT, VARIABLES
from hyperdef.tracking.trackset import FIRM, TENTATIVE

#: Flight outcomes that leave a threat's per-object numbers (launch, end, impact) undefined.
EXPLAINED_STATUS = {Status.NON_FINITE, Status.BELOW_GROUND_AT_START, Status.OUT_OF_REACH,
                    Status.INVALID_INPUT, Status.SINGULAR, Status.MAX_STEPS}
IMPACT_ONLY = ("impact_lat_rad", "impact_lon_rad")
RUN_LEVEL = ("ospa_mean_m", "gospa_mean_m")


def _truth(truth) -> list[str]:
    bad = []
    fl = np.asarray(truth.in_flight, bool)
    for name in VARIABLES:
        if name == "in_flight":
            continue
        arr = np.asarray(getattr(truth, name), float)
        ok = np.isfinite(arr).all(axis=-1) if arr.ndim == 4 else np.isfinite(arr)
        n = int((fl & ~ok).sum())
        if n:
            bad.append(f"truth.{name}: {n} non-finite values in flight")
    status = np.asarray(truth.status)
    for name in PER_OBJECT:
        arr = np.asarray(getattr(truth, name), float)
        for s, o in zip(*np.nonzero(~np.isfinite(arr)), strict=True):
            code = Status(int(status[s, o]))
            if name in IMPACT_ONLY and code != Status.IMPACT:
                continue
            if code not in EXPLAINED_STATUS:
                bad.append(f"truth.{name}[{s},{truth.names[o]}] = {arr[s, o]} with status "
                           f"{code.name}")
    return bad


def _detections(dets: pd.DataFrame) -> list[str]:
    bad = []
    los = (dets["kind"] == "los").to_numpy()
    for col in dets.columns:
        if dets[col].dtype.kind != "f":
            continue
        values = dets[col].to_numpy()
        need = ~los if col in RADAR_ONLY else los if col in LOS_ONLY else np.ones_like(los)
        n = int((need & ~np.isfinite(values)).sum())
        if n:
            bad.append(f"detections.{col}: {n} non-finite values")
    return bad


def _tracks(ts) -> list[str]:
    live = np.isin(np.asarray(ts.state), (TENTATIVE, FIRM))
    bad = []
    for name, arr in (("x", ts.x), ("P", ts.P)):
        ok = np.isfinite(arr).reshape(*arr.shape[:3], -1).all(axis=-1)
        n = int((live & ~ok).sum())
        if n:
            bad.append(f"tracks.{name}: {n} non-finite live (sample, track, time) cells; "
                       f"problems {ts.problems}")
    return bad


def _strict_json(text: str):
    def refuse(token):
        raise ValueError(f"summary.json holds {token}, which is not JSON")
    return json.loads(text, parse_constant=refuse)


def _numbers(value, where=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers(v, f"{where}[{i}]")
    elif isinstance(value, float):
        yield where, value


def _source(row: dict, col: str):
    """The summary value behind a metrics column: `impact_lat_deg` is row["impact"]["lat_deg"]
    (None when the impact itself is null); "absent" when there is none."""
    if col in row:
        return row[col]
    for key, value in row.items():
        if col.startswith(f"{key}_") and (value is None or isinstance(value, dict)):
            return None if value is None else value.get(col[len(key) + 1:], "absent")
    return "absent"


def _metrics(metrics: pd.DataFrame, summary: dict) -> list[str]:
    bad = []
    threats = {t["name"]: t for t in summary["threats"]}
    per = summary["assessment"].get("per_threat", {})
    for _, row in metrics.iterrows():
        for col, v in row.items():
            if not isinstance(v, float) or math.isfinite(v):
                continue
            if math.isinf(v):
                bad.append(f"metrics.{col}[{row['name']}] = {v}")
                continue
            src = (_source(per.get(row["name"], {}), col[len("assess_"):])
                   if col.startswith("assess_") else _source(threats[row["name"]], col))
            if src is not None and col not in RUN_LEVEL and not col.startswith("nis"):
                bad.append(f"metrics.{col}[{row['name']}] is NaN but summary.json has {src!r}")
    return bad


def unexplained(result, folder: Path) -> list[str]:
    """Every number of `result` (hyperdef.pipeline.RunResult) and of the files `write_run`
    put in `folder` that is non-finite without a reason the run records (module docstring)."""
    bad = []
    if result.truth is not None:
        bad += _truth(result.truth)
    if result.observation is not None:
        bad += _detections(result.observation.detections)
    if result.trackset is not None:
        bad += _tracks(result.trackset)
    try:
        summary = _strict_json((folder / "summary.json").read_text())
    except ValueError as exc:
        return [*bad, str(exc)]
    bad += [f"summary.json{w} = {v}" for w, v in _numbers(summary) if not math.isfinite(v)]
    bad += _metrics(pd.read_parquet(folder / "metrics.parquet"), summary)
    for name in ("set_metrics.parquet", "nis.parquet"):
        if (folder / name).exists():
            table = pd.read_parquet(folder / name)
            floats = table.select_dtypes("float")
            n = int((~np.isfinite(floats.to_numpy())).sum())
            if n:
                cols = [c for c in floats if not np.isfinite(floats[c]).all()]
                bad.append(f"{name}: {n} non-finite values in {cols}")
    return bad
