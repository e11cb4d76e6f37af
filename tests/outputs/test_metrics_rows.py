"""metrics.parquet's rows: a nested summary value (an impact point) keeps its numbers as columns
of their own, and a threat without one gets nulls there, not a column that hides the other's."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from hyperdef.pipeline import metrics_rows


def test_nested_values_become_columns(tmp_path):
    result = SimpleNamespace(
        sample_ids=np.array([0]),
        threat_rows=[{"name": "glider", "impact": {"lat_deg": 20.0, "lon_deg": 170.0},
                      "track_ids": [0]},
                     {"name": "mrbm", "impact": None, "track_ids": [1]}],
        assessment={"per_threat": {
            "glider": {"predicted_impact": None, "warning_time_s": 300.0},
            "mrbm": {"predicted_impact": {"lat_deg": 21.0, "lon_deg": 171.0, "sigma_km": 5.0},
                     "warning_time_s": None}}})
    pd.DataFrame(metrics_rows(result)).to_parquet(tmp_path / "m.parquet", index=False)
    table = pd.read_parquet(tmp_path / "m.parquet").set_index("name")
    assert "impact" not in table and "assess_predicted_impact" not in table
    assert table.loc["glider", "impact_lat_deg"] == 20.0
    assert table.loc["glider", "impact_lon_deg"] == 170.0
    assert pd.isna(table.loc["mrbm", "impact_lat_deg"])
    assert table.loc["mrbm", "assess_predicted_impact_sigma_km"] == 5.0
    assert pd.isna(table.loc["glider", "assess_predicted_impact_lat_deg"])
    assert "track_ids" not in table  # lists stay in summary.json


def test_pipeline_without_a_report_writer_writes_data_only(tmp_path, monkeypatch):
    # The pipeline never asks for the report itself (hyperdef.report and matplotlib stay off
    # its import graph); without a writer the folder holds the data and a manifest that lists
    # no report.
    import json

    from hyperdef import pipeline

    result = SimpleNamespace(
        scenario=SimpleNamespace(name="s", seed=1), sample_ids=np.array([0]), timing_s={},
        assessment=None, threat_rows=[], sensor_rows=[])
    monkeypatch.setattr(pipeline, "write_run", lambda r, folder: [])
    seen = []
    pipeline.write_folder(result, tmp_path / "a", command="test")
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert "report.html" not in manifest["outputs"] and not (tmp_path / "a" / "report.html").exists()
    pipeline.write_folder(result, tmp_path / "b", command="test",
                          report=lambda folder, sens: seen.append((folder, sens)))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert "report.html" in manifest["outputs"]
    assert seen and seen[0][1] is None and seen[0][0] != tmp_path / "b"  # inside the staging
