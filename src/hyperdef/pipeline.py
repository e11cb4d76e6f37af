"""The scenario pipeline: truth → sensors → tracking → assessment, then the run folder.

`simulate` does the numbers and touches no files and returns a `hyperdef.result.RunResult`;
`write_folder` (also `RunResult.write`) lays out the run folder (docs/conventions.md#run-folder)
atomically; `run` is both, for the command line.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

import hyperdef
from hyperdef.earth.model import earth_model
from hyperdef.io.manifest import build_manifest, write_manifest
from hyperdef.io.rundir import staged_folder
from hyperdef.result import RunResult
from hyperdef.scenario.load import dump_resolved
from hyperdef.scenario.schema import Scenario
from hyperdef.time import Epoch, t_grid_s


def simulate(scenario: Scenario, base_dir: Path | None = None, *,
             sample_ids=None, summarise: bool = True) -> RunResult:
    """Run every stage for the given sample ids (default: 0 … samples−1); no file I/O.

    summarise: also score and assess the first sample for the run summary (threat and sensor
    rows, `assessment`). A campaign turns it off: it assesses every sample itself."""
    from hyperdef.assessment.summary import assess
    from hyperdef.assessment.track_scoring import score_tracks
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
            observation = timed("sensors", observe, scenario.sensors, truth, epoch=epoch,
                                earth=earth, seed=scenario.seed, scenario_dir=base_dir)
            trackset = timed("tracking", run_tracker, scenario.tracker.to_params(),
                             observation.detections, t_grid_s=grid, sample_ids=ids)
    if not summarise:
        return RunResult(scenario, epoch, ids, truth, observation, trackset, [], [], {}, timing)
    if truth is not None:
        threat_rows = truth.summary(0)
        if observation is not None:
            sensor_rows = observation.summary(truth, 0)
            scores = score_tracks(trackset, truth, observation.detections, sample_index=0)
            for row, score in zip(threat_rows, scores, strict=True):
                row.update({k: v for k, v in score.items() if k != "threat"})
    assessment = timed("assessment", assess, scenario, truth, observation, trackset,
                       epoch=epoch, earth=earth)
    return RunResult(scenario, epoch, ids, truth, observation, trackset, threat_rows,
                     sensor_rows, assessment, timing)


def summary(result: RunResult, out: Path | None = None) -> dict:
    """The `--json` document: one object per threat, per (sensor, threat), and the assessment."""
    return {
        "scenario": result.scenario.name,
        "out": str(out) if out is not None else None,
        "seed": result.scenario.seed,
        "samples": int(len(result.sample_ids)),
        "threats": result.threat_rows,
        "sensors": result.sensor_rows,
        "assessment": result.assessment,
        "timing_s": result.timing_s,
    }


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
    pd.DataFrame(metrics_rows(result, extra)).to_parquet(folder / "metrics.parquet", index=False)
    written.append("metrics.parquet")
    (folder / "summary.json").write_text(json.dumps(summary(result), indent=2) + "\n")
    written.append("summary.json")
    if result.truth is not None:
        write_czml(
            folder / "scene.czml", epoch=result.epoch, truth=result.truth,
            observation=result.observation, trackset=result.trackset,
            sensors=result.scenario.sensors,
            defended_areas=[a.model_dump() for a in result.scenario.defended_areas],
            footprints=result.assessment.get("footprints", []),
            interceptors=[i.model_dump() for i in result.scenario.interceptors],
            hyperdef_version=hyperdef.__version__)
        written.append("scene.czml")
    return written


def write_consistency(result: RunResult, folder: Path) -> dict:
    """set_metrics.parquet (OSPA/GOSPA over time) and nis.parquet (NIS per update) for every
    sample; returns sample 0's scalars for metrics.parquet."""
    from hyperdef.io import run_metrics as rm

    sets = rm.set_metrics(result.trackset, result.truth)
    sets.to_parquet(folder / "set_metrics.parquet", index=False)
    nis = rm.nis_table(result.trackset, result.observation.detections,
                       q_m2ps3=rm.nis_q_m2ps3(result.scenario.tracker))
    nis.to_parquet(folder / "nis.parquet", index=False)
    first = int(result.sample_ids[0])
    mine = sets[sets["sample"] == first]
    return {"ospa_mean_m": float(mine["ospa_m"].mean()),
            "gospa_mean_m": float(mine["gospa_m"].mean()),
            **rm.nis_summary(nis[nis["sample"] == first])}


def metrics_rows(result: RunResult, extra: dict | None = None) -> list[dict]:
    """metrics.parquet rows: one per threat (sample 0 in a plain run), flat columns; `extra`
    adds the run-level set and consistency scalars of that sample to every row."""
    per_threat = result.assessment.get("per_threat", {})
    rows = [{**row, "sample": int(result.sample_ids[0]), **(extra or {}),
             **{f"assess_{k}": v for k, v in per_threat.get(row["name"], {}).items()}}
            for row in result.threat_rows]
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
        sensitivities: bool = False) -> dict:
    """Simulate and write the run folder atomically; returns the summary document.
    sensitivities: add hyperdef.design's smooth sensitivities (summary, report, own JSON)."""
    result = simulate(scenario, base_dir)
    return write_folder(result, out, command=command,
                        sensitivities_base=base_dir if sensitivities else None)


def write_folder(result: RunResult, out: Path, *, command: str,
                 sensitivities_base: Path | None = None) -> dict:
    """Data products, manifest and report into `out`, atomically; returns the summary document.

    The manifest's wall time is the stages' time plus the writing. sensitivities_base: the
    scenario's folder, to add hyperdef.design's sensitivities (None: none added)."""
    from hyperdef.report.html import write_report

    t0 = time.perf_counter()
    with staged_folder(out) as tmp:
        written = write_run(result, tmp)
        wall_s = sum(result.timing_s.values()) + time.perf_counter() - t0
        manifest = build_manifest(seed=result.scenario.seed,
                                  samples=int(len(result.sample_ids)), wall_s=wall_s,
                                  command=command,
                                  outputs=written + ["manifest.json", "report.html"],
                                  extra={"timing_s": result.timing_s})
        write_manifest(tmp, manifest)
        # The report reads only the folder's files, so `hyperdef report` can rebuild it later.
        write_report(tmp)
        if sensitivities_base is not None:
            sens = _add_sensitivities(result, sensitivities_base, tmp)
    doc = summary(result, out)
    if sensitivities_base is not None:
        doc["sensitivities"] = sens
    doc["wall_time_s"] = manifest["wall_time_s"]
    return doc


def _add_sensitivities(result: RunResult, base_dir: Path | None, folder: Path) -> dict:
    """sensitivities.json, a section in report.html and the summary's `sensitivities`."""
    from hyperdef.design.run_edge import scenario_sensitivities, sensitivities_html

    sens = scenario_sensitivities(result, base_dir)
    (folder / "sensitivities.json").write_text(json.dumps(sens, indent=2) + "\n")
    report = folder / "report.html"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("</body>", sensitivities_html(sens) + "\n</body>"),
                      encoding="utf-8")
    summ = json.loads((folder / "summary.json").read_text())
    summ["sensitivities"] = sens
    (folder / "summary.json").write_text(json.dumps(summ, indent=2) + "\n")
    return sens
