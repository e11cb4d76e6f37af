"""What one scenario run computed: `RunResult`, returned by `hyperdef.api.simulate`.

`RunResult.write(folder)` lays out the same run folder as `hyperdef run` (the command line calls
the same code), and `RunResult.to_xarray()` gives every product as one `xarray.DataTree`. The
folder's files are described in docs/conventions.md#run-folder.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # heavy modules, imported only for the annotations
    import xarray as xr

    from hyperdef.assessment.records import Assessment
    from hyperdef.scenario.schema import Scenario
    from hyperdef.sensors.observe import Observation
    from hyperdef.threats.truth import Truth
    from hyperdef.time import Epoch
    from hyperdef.tracking.trackset import TrackSet


@dataclasses.dataclass(frozen=True)
class RunResult:
    """Everything one scenario run computed; the sample axis comes first in every array.

    Attributes:
        scenario: the validated scenario, defaults filled in.
        epoch: the scenario epoch (UTC); every `t_s` counts seconds from it.
        sample_ids: (S,) int64 Monte Carlo sample ids that were run.
        truth: the threats' true trajectories, (S, O, T, …) arrays on the scenario grid
            (None without threats).
        observation: the sensors' detections table and per-sensor detected/access flags
            (None without threats or sensors).
        trackset: the tracker's tracks (x, P, state over (S, K, T)) and their detection
            assignments (None without detections to track).
        threat_rows: one summary dict per threat of the first sample (status, flight time,
            ground track, track scores …), as in `summary.json`'s `threats`.
        sensor_rows: one dict per (sensor, threat) of the first sample, as in `sensors`.
        assessment: custody, warning time, footprints and engagement windows of the first
            sample (`hyperdef.assessment.records.Assessment`; summary.json's `assessment` is
            its JSON form); None when the run was not summarised.
        timing_s: wall seconds per stage (`threats`, `sensors`, `tracking`, `assessment`).
    """

    scenario: Scenario
    epoch: Epoch
    sample_ids: np.ndarray
    truth: Truth | None
    observation: Observation | None
    trackset: TrackSet | None
    threat_rows: list[dict[str, Any]]
    sensor_rows: list[dict[str, Any]]
    assessment: Assessment | None
    timing_s: dict[str, float]

    def to_xarray(self) -> xr.DataTree:
        """Every product as one `xarray.DataTree`.

        Children (each present only when computed): `truth` (sample, object, time[, xyz]),
        `detections` (detection), `tracks` (sample, track, time[, comp, comp2]) and `metrics`
        (the rows of metrics.parquet by threat, and by sample too when there are several).
        Root attributes: scenario name, seed, epoch (ISO 8601 UTC).
        """
        import pandas as pd
        import xarray as xr

        from hyperdef.pipeline import metrics_rows

        children: dict[str, xr.Dataset] = {}
        if self.truth is not None:
            children["truth"] = self.truth.to_xarray()
        if self.observation is not None:
            children["detections"] = self.observation.to_xarray()
        if self.trackset is not None:
            children["tracks"] = self.trackset.to_xarray()
        metrics = pd.DataFrame(metrics_rows(self, every_sample=True))
        if not metrics.empty:
            keys = ["sample", "name"] if metrics["sample"].nunique() > 1 else ["name"]
            children["metrics"] = xr.Dataset.from_dataframe(
                metrics.set_index(keys).rename_axis(index={"name": "threat"}))
        root = xr.Dataset(attrs={"scenario": self.scenario.name, "seed": self.scenario.seed,
                                 "epoch_utc": self.scenario.epoch.isoformat()})
        return xr.DataTree.from_dict({"/": root, **children})

    def write(self, folder: str | Path, *, command: str = "python-api") -> dict[str, Any]:
        """Write the run folder `hyperdef run` writes, report included, atomically; returns the
        summary document.

        The folder appears whole or not at all, and an existing folder is replaced only when it
        is an earlier run's (hyperdef.io.rundir). `command` is recorded in `manifest.json`.
        """
        from hyperdef.pipeline import write_folder
        from hyperdef.report.html import write_run_report

        return write_folder(self, Path(folder), command=command, report=write_run_report)
