"""The Python API behaves like the command line: same compilation cache, same run folder, and
every result converts to xarray."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hyperdef.api import RunResult, load_scenario, simulate
from hyperdef.sensors.observe import Observation
from hyperdef.time import Epoch

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def _in_fresh_python(code: str, **env) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_importing_the_api_turns_on_the_cli_compilation_cache(tmp_path):
    code = ("import jax, hyperdef.api; "
            "print(jax.config.jax_compilation_cache_dir, "
            "jax.config.jax_persistent_cache_min_compile_time_secs)")
    folder, min_s = _in_fresh_python(code, HYPERDEF_JAX_CACHE=str(tmp_path / "c")).split()
    assert folder == str(tmp_path / "c") and float(min_s) == 0.0  # every kernel is kept
    off = _in_fresh_python("import jax, hyperdef.api; "
                           "print(repr(jax.config.jax_compilation_cache_dir))",
                           HYPERDEF_JAX_CACHE="0")
    assert off in ("None", "''")


def _small_result() -> RunResult:
    """A RunResult from the report tests' small run (real Truth, TrackSet, detections)."""
    import report_run as rr

    truth = rr.make_truth()
    det = rr.make_detections(truth)
    mask = np.ones((1, 2, truth.t_s.size), bool)
    obs = Observation(detections=det, platforms={}, visible={"radar-a": mask},
                      detected={"radar-a": mask & truth.in_flight}, sensor_names=("radar-a",))
    tracks = rr.make_trackset(truth)
    scenario, _ = load_scenario(TINY)  # only its name, seed and epoch are read
    rows = truth.summary(0)
    return RunResult(scenario, Epoch(scenario.epoch), truth.sample_ids, truth, obs, tracks, rows,
                     [], {"per_threat": {"glider": {"warning_time_s": 120.0}}}, {"threats": 1.0})


def test_run_result_to_xarray_holds_every_product():
    result = _small_result()
    tree = result.to_xarray()
    assert isinstance(tree, xr.DataTree)
    assert set(tree.children) == {"truth", "detections", "tracks", "metrics"}
    truth = tree["truth"].to_dataset()
    assert truth["r_ecef_m"].dims == ("sample", "object", "time", "xyz")
    np.testing.assert_array_equal(truth["r_ecef_m"].values, result.truth.r_ecef_m)
    dets = tree["detections"].to_dataset()
    assert dets.sizes["detection"] == len(result.observation.detections)
    assert dets["range_m"].attrs["units"] == "m" and dets["az_rad"].attrs["units"] == "rad"
    np.testing.assert_array_equal(dets["t_s"].values, result.observation.detections["t_s"])
    assert tree["tracks"]["P"].dims == ("sample", "track", "time", "comp", "comp2")
    metrics = tree["metrics"].to_dataset()
    assert list(metrics["threat"].values) == ["glider", "mrbm"]
    assert float(metrics["assess_warning_time_s"].sel(threat="glider")) == 120.0
    assert tree.attrs["scenario"] == "tiny" and tree.attrs["seed"] == 3


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


# Fields that record when and how long, not what: they differ between any two runs.
VOLATILE = {"created_utc", "wall_time_s", "timing_s", "command", "out"}


def _strip(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in VOLATILE}


@pytest.mark.slow
def test_api_write_gives_the_cli_run_folder(tmp_path):
    cache = {"HYPERDEF_JAX_CACHE": str(tmp_path / "cache")}
    os.environ.update(cache)  # the CLI below reads what this process compiles
    scenario, base = load_scenario(TINY)
    api_dir = tmp_path / "api"
    doc = simulate(scenario, base).write(api_dir)
    proc = subprocess.run([sys.executable, "-m", "hyperdef.cli", "run", str(TINY), "--out",
                           str(tmp_path / "cli"), "--json"], capture_output=True, text=True,
                          env={**os.environ, **cache}, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert _strip(json.loads(proc.stdout)) == _strip(doc)
    api, cli = _files(api_dir), _files(tmp_path / "cli")
    assert set(api) == set(cli)
    assert {"truth.zarr/.zmetadata", "tracks.zarr/.zmetadata", "detections.parquet",
            "metrics.parquet", "summary.json", "manifest.json", "scene.czml", "report.html",
            "scenario.resolved.yaml"} <= set(api)
    for name, path in api.items():
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(cli[name]))
        elif name in ("manifest.json", "summary.json"):
            assert _strip(json.loads(path.read_text())) == _strip(json.loads(cli[name].read_text()))
        elif name == "report.html":
            continue  # quotes the manifest's timing; its inputs are compared above
        else:
            assert path.read_bytes() == cli[name].read_bytes(), name
