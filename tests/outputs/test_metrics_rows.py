"""metrics.parquet's rows: a nested summary value (an impact point) keeps its numbers as columns
of their own, and a threat without one gets nulls there, not a column that hides the other's."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from hyperdef.pipeline import metrics_rows


def test_nested_values_become_columns(tmp_path):
    result = SimpleNamespace(
        sample_ids=np.array([0]), trackset=None,
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
        assessment=None, threat_rows=[], sensor_rows=[], trackset=None)
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


def test_every_sample_gets_its_rows_and_its_own_scalars(monkeypatch):
    # A Monte Carlo run's metrics.parquet holds every sample: the first from the run summary,
    # the others from their own assessment, each with its own set/NIS scalars.
    from hyperdef import pipeline

    seen = []

    def fake_summary(result, s):
        seen.append(s)
        return ([{"name": "glider", "custody_fraction": 0.1 * s}],
                {"glider": {"warning_time_s": 100.0 * s}})

    monkeypatch.setattr(pipeline, "sample_summary", fake_summary)
    result = SimpleNamespace(
        sample_ids=np.array([7, 8, 9]), truth=object(), trackset=None,
        threat_rows=[{"name": "glider", "custody_fraction": 0.5}],
        assessment={"per_threat": {"glider": {"warning_time_s": 42.0}}})
    extra = {7: {"ospa_mean_m": 1.0}, 8: {"ospa_mean_m": 2.0}, 9: {"ospa_mean_m": 3.0}}
    rows = pd.DataFrame(metrics_rows(result, extra, every_sample=True))
    assert seen == [1, 2]
    assert rows["sample"].tolist() == [7, 8, 9]
    assert rows["assess_warning_time_s"].tolist() == [42.0, 100.0, 200.0]
    assert rows["custody_fraction"].tolist() == [0.5, 0.1, 0.2]
    assert rows["ospa_mean_m"].tolist() == [1.0, 2.0, 3.0]
    # Without every_sample (the run summary's own view) only the first sample's rows.
    assert [r["sample"] for r in metrics_rows(result, extra)] == [7]


@pytest.mark.slow  # a real three-sample run: ≈ 2 min of compilation on 2 cores
def test_a_monte_carlo_run_folder_holds_every_sample(tmp_path):
    from hyperdef.api import load_scenario
    from hyperdef.assessment.summary import AssessOptions, assess
    from hyperdef.earth.model import earth_model
    from hyperdef.pipeline import simulate, write_folder

    scenario, base = load_scenario("demo")
    scenario = scenario.model_copy(update={"samples": 3, "duration_s": 400.0})
    result = simulate(scenario, base)
    write_folder(result, tmp_path / "run", command="test")
    m = pd.read_parquet(tmp_path / "run" / "metrics.parquet")
    assert sorted(m["sample"].unique()) == [0, 1, 2]
    assert (m.groupby("sample").size() == len(scenario.threats)).all()
    for s in (1, 2):  # each sample's warning is its own assessment's
        a = assess(scenario, result.truth, result.observation, result.trackset,
                   epoch=result.epoch, earth=earth_model(scenario.earth),
                   options=AssessOptions(sample_index=s, max_footprints=0))
        for name, per in a.per_threat.items():
            got = m[(m["sample"] == s) & (m["name"] == name)]["assess_warning_time_s"].item()
            want = per.warning_time_s
            assert (pd.isna(got) and want is None) or got == pytest.approx(want, rel=1e-12)
