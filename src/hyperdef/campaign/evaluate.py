"""The campaign's evaluator: the full pipeline on one batch of samples, one row per sample × threat.

`pipeline_rows(scenario, base_dir, sample_ids)` runs hyperdef.pipeline.simulate on the batch
(threats, sensors and tracker batched over the sample axis), then scores every sample with the
assessment layer (footprints off: a campaign asks how often and how much warning, not where).
Row columns: sample, threat, the truth summary (status, flight time, range, maxima), the threat's
drawn vehicle numbers (mass, β, L/D), the per-threat assessment scalars (warning_time_s,
custody_fraction, first detection and firm-track times, …) and the track-scoring scalars, the
position RMSE always named `rmse_m`. A tracked run adds its sample's set and consistency figures,
as metrics.parquet has them (the same on every threat row of the sample: they score all tracks
against all threats): `ospa_mean_m` and `gospa_mean_m` over `ospa_count` grid times, and the NIS
summary of `nis_count` track updates (`nis_mean`, its 95 % bounds, the share inside them).
A tracked run also says how the sample's tracking went (`tracking.faults`): `track_status` "ok",
"numerical" (failed updates were refused, `track_failures` of them; the figures stand) or
"capacity" (tracking stopped part-way, so the sample is assessed as untracked: every
track-derived column is empty, `warning_missing` says why, and the warning statistics count it
as unwarned), with `track_fault` the detail.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

DRAWN = ("mass_kg", "beta_kgpm2", "lift_to_drag")


def _scalar(v):
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, str) or v is None:
        return v
    return None  # dicts, lists, arrays: not a column


def _flat(doc: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in doc.items():
        s = _scalar(v)
        if s is not None or v is None:
            out[f"{prefix}{k}"] = s
    return out


def _consistency(result) -> tuple[dict[int, dict], pd.DataFrame | None]:
    """Each sample's set-metric means with their population and NIS summary, by sample id,
    and the run's NIS table (the assessment's quality gate reads it too)."""
    if result.trackset is None or result.observation is None:
        return {}, None
    from hyperdef.io.run_metrics import sample_scalars
    from hyperdef.pipeline import consistency_tables

    sets, nis = consistency_tables(result)
    scalars = sample_scalars(sets, nis, result.sample_ids)
    times = sets.groupby("sample").size()
    for sid, doc in scalars.items():
        doc["ospa_count"] = int(times.get(sid, 0))
    return scalars, nis


def rows_of(result) -> list[dict]:
    """One dict per (sample, threat) of a hyperdef.result.RunResult."""
    from hyperdef.assessment.coasting import serve_all
    from hyperdef.assessment.sample_rows import SampleRows, rows_by_sample
    from hyperdef.assessment.summary import AssessOptions, assessing
    from hyperdef.assessment.track_scoring import score_tracks
    from hyperdef.earth.model import earth_model
    from hyperdef.io.jsonable import json_safe
    from hyperdef.tracking.faults import CAPACITY, status_columns

    truth = result.truth
    if truth is None:
        return []
    scenario = result.scenario
    earth = earth_model(scenario.earth)
    detections = getattr(result.observation, "detections", None)
    consistency, nis = _consistency(result)
    # Each sample's rows of the batch's tables found once: a selection per sample would scan
    # every table for every sample (≈ 2 ms a sample for the NIS alone at 500 samples a batch)
    nis_of = {} if nis is None else rows_by_sample(nis["sample"].to_numpy(np.int64))
    by_sample = SampleRows.of(detections, getattr(result.trackset, "assignments", None))
    ids = np.asarray(result.sample_ids).tolist()
    statuses = {} if result.trackset is None else status_columns(result.trackset.faults, ids)
    held, steps = [], []
    for s, sid in enumerate(ids):
        scores, trackset, tracked = None, result.trackset, statuses.get(sid, {})
        if trackset is not None:
            if tracked["track_status"] == CAPACITY:  # stopped part-way: no track-derived figure
                trackset = None
            else:
                scores = score_tracks(trackset, truth, detections, sample_index=s,
                                      rows=by_sample)
        held.append((scores, trackset, tracked))
        steps.append(assessing(scenario, truth, result.observation, trackset,
                               epoch=result.epoch, earth=earth,
                               options=AssessOptions(sample_index=s, max_footprints=0),
                               nis=None if nis is None else nis.iloc[nis_of.get(int(sid), [])],
                               scores=scores, rows=by_sample))
    # every sample's coasted predictions flown together: one flight call a batch, not a
    # sample (3.3 ms a sample on the demo, most of it a padded call's integration loop)
    assessments = serve_all(steps)
    rows = []
    for s, sid in enumerate(ids):
        (scores, trackset, tracked), assessment = held[s], assessments[s]
        for o, summary in enumerate(truth.summary(s)):
            name = summary.pop("name")
            row = {"sample": int(sid), "threat": name, **_flat(summary)}
            for key in DRAWN:
                row[key] = _scalar(np.asarray(getattr(truth, key))[s, o])
            if name in assessment.per_threat:
                row.update(_flat(json_safe(assessment.per_threat[name])))
            if scores is not None:
                score = json_safe(scores[o])
                row.update(_flat({k: v for k, v in score.items()
                                  if k not in ("threat", "track_ids", "rmse_pos_m")}, "track_"))
                row["rmse_m"] = scores[o].rmse_pos_m
            if trackset is not None:
                row.update(_flat(consistency.get(int(sid), {})))
            elif tracked:  # assessed as untracked: say why, and hold no custody figure
                row.update(custody_fraction=None,
                           warning_missing=f"tracking stopped: {tracked['track_fault']}")
            row.update(tracked)
            rows.append(row)
    return rows


def pipeline_rows(scenario, base_dir: Path | None, sample_ids) -> list[dict]:
    """Simulate one batch of samples (sample_ids: (n,) int) and return its rows."""
    from hyperdef.pipeline import simulate

    return rows_of(simulate(scenario, base_dir, sample_ids=np.asarray(sample_ids),
                            summarise=False))
