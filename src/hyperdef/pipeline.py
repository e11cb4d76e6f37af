"""The scenario pipeline: truth → sensors → tracking → assessment, then the run folder.

`simulate` does the numbers and touches no files and returns a `hyperdef.result.RunResult`;
`write_folder` (also `RunResult.write`) lays out the run folder (docs/conventions.md#run-folder)
atomically; `run` is both, for the command line.

The pipeline writes data only: the HTML report (hyperdef.report, matplotlib) is the caller's to
ask for, as a `ReportWriter` that `write_folder` runs inside the staged folder, so the report
still appears atomically with the rest (the command line and hyperdef.api pass
`hyperdef.report.html.write_run_report`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

import hyperdef
from hyperdef.earth.model import earth_model
from hyperdef.io.jsonable import json_safe
from hyperdef.io.manifest import build_manifest, write_manifest
from hyperdef.io.rundir import staged_folder
from hyperdef.result import RunResult
from hyperdef.scenario.load import dump_resolved
from hyperdef.scenario.schema import Scenario
from hyperdef.time import Epoch, t_grid_s

if TYPE_CHECKING:
    from hyperdef.sensors.observe import Observation

# Writes report.html into a run folder from its files, given the run's sensitivities (or None).
ReportWriter = Callable[[Path, dict | None], object]


def simulate(scenario: Scenario, base_dir: Path | None = None, *,
             sample_ids=None, summarise: bool = True) -> RunResult:
    """Run every stage for the given sample ids (default: 0 … samples−1); no file I/O.

    summarise: also score and assess the first sample for the run summary (threat and sensor
    rows, `assessment`). A campaign turns it off: it assesses every sample itself."""
    from hyperdef.assessment.summary import assess
    from hyperdef.scenario.resolve_sensors import resolve_sensors
    from hyperdef.scenario.resolve_threats import resolve_threats
    from hyperdef.sensors.observe import observe
    from hyperdef.threats.simulate import simulate as simulate_threats
    from hyperdef.tracking.tracker import run_tracker

    epoch = Epoch(scenario.epoch)
    earth = earth_model(scenario.earth)
    ids = np.arange(scenario.samples) if sample_ids is None else np.asarray(sample_ids)
    grid = t_grid_s(scenario.duration_s, scenario.step_s)
    timing: dict[str, float] = {}
    truth = observation = trackset = None
    threat_rows: list[dict] = []
    sensor_rows: list[dict] = []

    def timed(stage, fn, *args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        timing[stage] = round(time.perf_counter() - t0, 4)
        return out

    if scenario.threats:
        truth = timed("threats", lambda: simulate_threats(
            resolve_threats(scenario.threats, seed=scenario.seed, sample_ids=ids), earth=earth,
            atmosphere=scenario.atmosphere, t_grid_s=grid, epoch=epoch))
        if scenario.sensors:
            sensors = resolve_sensors(scenario.sensors, earth=earth, step_s=scenario.step_s,
                                      scenario_dir=base_dir)
            observation = timed("sensors", observe, sensors, truth, epoch=epoch, earth=earth,
                                seed=scenario.seed)
            trackset = timed("tracking", run_tracker, scenario.tracker.to_params(),
                             observation.detections, t_grid_s=grid, sample_ids=ids)
    if not summarise:
        return RunResult(scenario, epoch, ids, truth, observation, trackset, [], [], None,
                         timing)
    scores = None
    if truth is not None:
        scores = _scores(truth, observation, trackset, 0)
        threat_rows = _threat_rows(truth, scores, 0)
        if observation is not None:
            sensor_rows = observation.summary(truth, 0)
    assessment = timed("assessment", assess, scenario, truth, observation, trackset,
                       epoch=epoch, earth=earth, scores=scores)
    return RunResult(scenario, epoch, ids, truth, observation, trackset, threat_rows,
                     sensor_rows, assessment, timing)


def _scores(truth, observation, trackset, s: int):
    """Sample index s's track scores (`score_tracks`), or None for an untracked run; computed
    once and handed to both the threat rows and the assessment."""
    from hyperdef.assessment.track_scoring import score_tracks

    if observation is None or trackset is None:
        return None
    return score_tracks(trackset, truth, observation.detections, sample_index=s)


def _threat_rows(truth, scores, s: int) -> list[dict]:
    """Sample index s's threat rows: the truth summary, with the track scores when tracked."""
    rows = truth.summary(s)
    if scores is not None:
        for row, score in zip(rows, scores, strict=True):
            row.update({k: v for k, v in json_safe(score).items() if k != "threat"})
    return rows


def summary(result: RunResult, out: Path | None = None) -> dict:
    """The `--json` document: one object per threat, per (sensor, threat), and the assessment."""
    return {
        "scenario": result.scenario.name,
        "out": str(out) if out is not None else None,
        "seed": result.scenario.seed,
        "samples": int(len(result.sample_ids)),
        "threats": result.threat_rows,
        "sensors": result.sensor_rows,
        "assessment": _assessment_doc(result),
        "tracker_faults": ([] if result.trackset is None else
                           json_safe(result.trackset.faults.to_dict("records"))),
        "timing_s": result.timing_s,
    }


def _assessment_doc(result: RunResult) -> dict:
    """summary.json's `assessment`: the records as JSON ({} when the run was not summarised)."""
    return {} if result.assessment is None else json_safe(result.assessment)


def write_run(result: RunResult, folder: Path) -> list[str]:
    """Write the run's data products into `folder`; returns the names written."""
    from hyperdef.io.access import FILE as ACCESS_FILE
    from hyperdef.io.access import access_table
    from hyperdef.io.czml import write_czml
    from hyperdef.io.zarr import write_zarr

    folder = Path(folder)
    epoch_iso = result.epoch.isoformat()
    written = []
    (folder / "scenario.resolved.yaml").write_text(dump_resolved(result.scenario))
    written.append("scenario.resolved.yaml")
    if result.truth is not None:
        write_zarr(result.truth.to_xarray(), folder / "truth.zarr", epoch_iso=epoch_iso)
        written.append("truth.zarr")
    if result.observation is not None:
        result.observation.detections.to_parquet(folder / "detections.parquet", index=False)
        written.append("detections.parquet")
        access_table(result.observation, result.truth).to_parquet(folder / ACCESS_FILE,
                                                                  index=False)
        written.append(ACCESS_FILE)
    if result.trackset is not None:
        write_zarr(result.trackset.to_xarray(), folder / "tracks.zarr", epoch_iso=epoch_iso)
        written.append("tracks.zarr")
    extra = {}
    if result.trackset is not None and result.truth is not None:
        extra = write_consistency(result, folder)
        written += ["set_metrics.parquet", "nis.parquet"]
    rows = metrics_rows(result, extra, every_sample=True)
    pd.DataFrame(rows).to_parquet(folder / "metrics.parquet", index=False)
    written.append("metrics.parquet")
    (folder / "summary.json").write_text(json.dumps(summary(result), indent=2) + "\n")
    written.append("summary.json")
    if result.truth is not None:
        write_czml(
            folder / "scene.czml", epoch=result.epoch, truth=result.truth,
            observation=result.observation, trackset=result.trackset,
            sensors=result.scenario.sensors,
            defended_areas=[a.model_dump() for a in result.scenario.defended_areas],
            footprints=_assessment_doc(result).get("footprints", []),
            interceptors=[i.model_dump() for i in result.scenario.interceptors],
            hyperdef_version=hyperdef.__version__)
        written.append("scene.czml")
    return written


def consistency_tables(result: RunResult):
    """(set metrics, NIS) tables of every sample of a tracked run (hyperdef.io.run_metrics):
    what set_metrics.parquet and nis.parquet hold, and a campaign's per-sample means."""
    from hyperdef.io import run_metrics as rm

    sets = rm.set_metrics(result.trackset, result.truth)
    # A run has tracks only where it has detections (`simulate` tracks the observation).
    observation = cast("Observation", result.observation)
    nis = rm.nis_table(result.trackset, observation.detections,
                       q_m2ps3=rm.nis_q_m2ps3(result.scenario.tracker))
    return sets, nis


def write_consistency(result: RunResult, folder: Path) -> dict[int, dict]:
    """set_metrics.parquet (OSPA/GOSPA over time) and nis.parquet (NIS per update) for every
    sample; returns each sample's scalars for metrics.parquet, by sample id."""
    from hyperdef.io.run_metrics import sample_scalars

    sets, nis = consistency_tables(result)
    sets.to_parquet(folder / "set_metrics.parquet", index=False)
    nis.to_parquet(folder / "nis.parquet", index=False)
    return sample_scalars(sets, nis, result.sample_ids)


def sample_summary(result: RunResult, s: int) -> tuple[list[dict], dict]:
    """Sample index s's threat rows (truth summary and track scores) and its assessment's
    per-threat JSON, assessed as a campaign does (no footprints): what metrics.parquet holds
    for the samples after the first."""
    from hyperdef.assessment.summary import AssessOptions, assess

    truth, obs = result.truth, result.observation
    scores = _scores(truth, obs, result.trackset, s)
    rows = _threat_rows(truth, scores, s)
    assessment = assess(result.scenario, truth, obs, result.trackset, epoch=result.epoch,
                        earth=earth_model(result.scenario.earth),
                        options=AssessOptions(sample_index=s, max_footprints=0), scores=scores)
    return rows, json_safe(assessment).get("per_threat", {})


def metrics_rows(result: RunResult, extra: dict[int, dict] | None = None, *,
                 every_sample: bool = False) -> list[dict]:
    """metrics.parquet rows: one per threat and sample, flat columns; `extra` adds each
    sample's run-level set and consistency scalars (by sample id) to its rows.

    The first sample's rows come from the run summary; every_sample adds the others' (each
    assessed without footprints, hyperdef.pipeline.sample_summary), so a Monte Carlo run's
    metrics.parquet holds every sample."""
    extra = extra or {}
    ids = np.asarray(result.sample_ids).tolist()
    parts = [(ids[0], result.threat_rows, _assessment_doc(result).get("per_threat", {}))]
    if every_sample and result.truth is not None:
        parts += [(sid, *sample_summary(result, s)) for s, sid in enumerate(ids) if s > 0]
    if result.trackset is not None:
        from hyperdef.tracking.faults import status_columns

        statuses = status_columns(result.trackset.faults, ids)
        extra = {sid: {**extra.get(sid, {}), **statuses[sid]} for sid in ids}
    rows = [{**row, "sample": int(sid), **extra.get(int(sid), {}),
             **{f"assess_{k}": v for k, v in per_threat.get(row["name"], {}).items()}}
            for sid, threat_rows, per_threat in parts for row in threat_rows]
    # A nested value (the impact point {lat_deg, lon_deg}) becomes one column per field; where
    # another threat has none (null), its fields are null too rather than a column of its own
    # name, which read as "no impact" for a threat that did impact.
    nested = {k for row in rows for k, v in row.items() if isinstance(v, dict)}
    return [_flat_row(row, nested) for row in rows]


def _flat_row(row: dict, nested: set[str]) -> dict:
    flat = {}
    for k, v in row.items():
        if isinstance(v, dict):
            if any(_is_number(f) for f in v):
                continue  # keyed by time (footprint areas): a series, left to summary.json
            flat.update({f"{k}_{f}": x for f, x in v.items() if not isinstance(x, dict | list)})
        elif not isinstance(v, list) and not (v is None and k in nested):
            flat[k] = v
    return flat


def _is_number(text) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def run(scenario: Scenario, base_dir: Path | None, out: Path, *, command: str,
        sensitivities: bool = False, report: ReportWriter | None = None) -> dict:
    """Simulate and write the run folder atomically; returns the summary document.
    sensitivities: add hyperdef.design's smooth sensitivities (summary, report, own JSON);
    report: writes report.html into the folder (None: no report)."""
    result = simulate(scenario, base_dir)
    return write_folder(result, out, command=command,
                        sensitivities_base=base_dir if sensitivities else None, report=report)


def write_folder(result: RunResult, out: Path, *, command: str,
                 sensitivities_base: Path | None = None,
                 report: ReportWriter | None = None) -> dict:
    """Data products, manifest and (with `report`) the report into `out`, atomically; returns
    the summary document.

    The manifest's wall time is the stages' time plus the writing. sensitivities_base: the
    scenario's folder, to add hyperdef.design's sensitivities (None: none added). report: called
    as report(staged folder, sensitivities or None) once the data and manifest are in place."""
    t0 = time.perf_counter()
    sens = None
    with staged_folder(out) as tmp:
        written = write_run(result, tmp)
        wall_s = sum(result.timing_s.values()) + time.perf_counter() - t0
        manifest = build_manifest(seed=result.scenario.seed,
                                  samples=int(len(result.sample_ids)), wall_s=wall_s,
                                  command=command,
                                  outputs=written + ["manifest.json"]
                                  + (["report.html"] if report is not None else []),
                                  extra={"timing_s": result.timing_s})
        write_manifest(tmp, manifest)
        if sensitivities_base is not None:
            from hyperdef.design.run_edge import scenario_sensitivities

            sens = scenario_sensitivities(result, sensitivities_base)
        # The report reads only the folder's files, so `hyperdef report` can rebuild it later.
        # The writer gets the sensitivities themselves for their section: they join
        # summary.json only after it.
        if report is not None:
            report(tmp, sens)
        if sens is not None:
            _add_sensitivities(sens, tmp)
    doc = summary(result, out)
    if sens is not None:
        doc["sensitivities"] = sens
    doc["wall_time_s"] = manifest["wall_time_s"]
    return doc


def _add_sensitivities(sens: dict, folder: Path) -> None:
    """sensitivities.json, and the sensitivities in the folder's summary.json."""
    (folder / "sensitivities.json").write_text(json.dumps(sens, indent=2) + "\n")
    summ = json.loads((folder / "summary.json").read_text())
    summ["sensitivities"] = sens
    (folder / "summary.json").write_text(json.dumps(summ, indent=2) + "\n")
