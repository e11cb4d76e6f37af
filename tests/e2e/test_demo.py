"""End-to-end: `hyperdef demo` writes the whole run folder, and its JSON answers the issues' keys."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import xarray as xr
import yaml
from cli import hyperdef, hyperdef_json

#: Every table of the run folder, and columns a plain reader finds by name in it: each quantity
#: with a unit names it (_s, _m, _rad, _db); nis, dof and the counts are dimensionless.
PARQUET_COLUMNS = {
    "detections.parquet": ("sample", "t_s", "sensor", "range_m", "el_rad", "snr_db", "truth_id"),
    "metrics.parquet": ("name", "flight_time_s", "rmse_pos_m", "ospa_mean_m", "nis_mean"),
    "access.parquet": ("sample", "sensor", "threat", "start_t_s", "stop_t_s", "duration_s",
                       "min_range_m", "max_elevation_rad"),
    "nis.parquet": ("sample", "t_s", "track", "sensor", "dof", "nis", "nis_lo95", "nis_hi95"),
    "set_metrics.parquet": ("sample", "t_s", "ospa_m", "gospa_m", "n_tracks", "n_threats"),
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "run"
    doc = hyperdef_json("demo", "--out", out)
    return out, doc


def test_demo_writes_every_product(demo_run):
    out, _ = demo_run
    for name in ("truth.zarr", "tracks.zarr", *PARQUET_COLUMNS, "scenario.resolved.yaml",
                 "manifest.json", "summary.json", "scene.czml", "report.html"):
        assert (out / name).exists(), name
    assert not list(out.parent.glob(".*partial")), "staging folder left behind"
    assert not list(out.parent.glob(".*owner")), "staging owner file left behind"


def test_demo_numbers_are_the_recorded_ones(demo_run):
    """Refactors keep results: every product of the demo matches tests/golden/demo.json."""
    from golden_numbers import check, run_fingerprint

    check(run_fingerprint(demo_run[0]), "demo.json")


def test_demo_folder_is_one_a_later_run_may_replace(demo_run):
    """Its manifest marks it a run folder and lists every entry in it (io/rundir.py)."""
    from hyperdef.io.rundir import not_replaceable_reason

    assert not_replaceable_reason(demo_run[0]) is None


def test_demo_json_has_the_documented_keys(demo_run):
    _, doc = demo_run
    names = {t["name"] for t in doc["threats"]}
    assert names == {"glider", "mrbm"}
    for t in doc["threats"]:
        for key in ("status", "flight_time_s", "ground_track_km", "start_to_end_km", "max_alt_km", "max_speed_mps",
                    "max_temp_k", "impact", "first_firm_track_t_s", "custody_fraction",
                    "rmse_pos_m", "rmse_vel_mps", "nees_mean", "state_dim", "track_ids"):
            assert key in t, key
    pairs = {(s["name"], s["threat"]) for s in doc["sensors"]}
    assert ("tranche1", "glider") in pairs and ("radar-island", "mrbm") in pairs
    for s in doc["sensors"]:
        assert 0.0 <= s["detected_fraction"] <= 1.0
    for name, a in doc["assessment"]["per_threat"].items():
        assert name in names
        for key in ("warning_time_s", "warning_from_detection_s", "custody_fraction",
                    "longest_gap_s", "footprint_area_km2_at", "engagement_window_s"):
            assert key in a, key


def test_demo_outputs_agree_with_each_other(demo_run):
    out, doc = demo_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == doc["seed"] == 2030
    assert manifest["jax_x64"] is True and manifest["libraries"]["jax"]
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    assert resolved["name"] == "demo" and resolved["tracker"]["filter"] == "imm"
    truth = xr.open_zarr(out / "truth.zarr")
    assert truth["r_ecef_m"].dims[:3] == ("sample", "object", "time")
    dets = pd.read_parquet(out / "detections.parquet")
    counts = dets[dets.truth_id >= 0].groupby("sensor").size()
    for s in doc["sensors"]:
        assert s["detections"] <= counts.get(s["name"], 0)
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert set(metrics["name"]) == {"glider", "mrbm"}


def test_same_seed_same_numbers(demo_run, tmp_path):
    out, doc = demo_run
    again = hyperdef_json("run", out / "scenario.resolved.yaml", "--out", tmp_path / "again")
    for a, b in zip(doc["threats"], again["threats"], strict=True):
        for key, value in a.items():
            if isinstance(value, float) and math.isfinite(value):
                assert b[key] == value, key


def test_report_rebuilds_from_the_folder(demo_run):
    out, _ = demo_run
    (out / "report.html").unlink()
    proc = hyperdef("report", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").stat().st_size > 10_000


def test_every_product_opens_with_the_plain_reader(demo_run):
    import duckdb
    import pyarrow.parquet as pq

    out, _ = demo_run
    for name in ("truth.zarr", "tracks.zarr"):
        ds = xr.open_zarr(out / name).load()  # no decode options
        assert ds.sizes["time"] > 0, name
    for name, columns in PARQUET_COLUMNS.items():
        df = pd.read_parquet(out / name)
        table = pq.read_table(out / name)
        assert len(df) == table.num_rows > 0, name
        n = duckdb.sql(f"SELECT count(*) FROM '{out / name}'").fetchall()[0][0]
        assert n == len(df), name
        described = duckdb.sql(f"DESCRIBE SELECT * FROM '{out / name}'").fetchall()
        for found in (df.columns, table.column_names, [row[0] for row in described]):
            assert set(columns) <= set(found), (name, set(columns) - set(found))
