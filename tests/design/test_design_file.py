"""Design files: bad input names the field and the fix; `hyperdef design` writes a ready scenario,
a report and the JSON document."""

import json
import subprocess
import sys

import pytest
import yaml

from hyperdef.design.file import read_design
from hyperdef.design.study import DesignError
from hyperdef.scenario.load import load_scenario

SMALL = """
schema_version: 1
name: small
base_scenario: demo
layer: tranche1
counts: [8]
planes: 4
start: {raan_spread_deg: 360, phasing: 1, inc_deg: 30}
variables:
  alt_km: {low: 600, high: 1600}
  inc_deg: {low: 10, high: 50}
objective: {figure: coverage_ge1}
corridor: {from: {lat_deg: 12, lon_deg: 140}, to: {lat_deg: 20, lon_deg: 170}, alt_km: 40,
           points: 4, intensity_w_sr: 1.0e4, window_s: 1800, step_s: 60}
starts: 1
max_iterations: 3
"""


def _write(tmp_path, text, **replace):
    data = yaml.safe_load(text)
    data.update(replace)
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


@pytest.mark.parametrize(("change", "message"), [
    ({"variables": {"alt_km": {"low": 50, "high": 90}}},
     r"variables.alt_km: bounds \[50.0, 90.0\] leave the feasible range \[100, 50000\]"),
    ({"variables": {"half_angle_deg": {"low": 0, "high": 10}}},
     r"variables.half_angle_deg: bounds \[0.0, 10.0\] leave the feasible range \(0, 90\)"),
    ({"variables": {"inc_deg": {"low": 40, "high": 20}}},
     r"variables.inc_deg: high \(20.0\) must exceed low \(40.0\)"),
    ({"variables": {"altitude": {"low": 400, "high": 900}}}, r"variables.altitude"),
    ({"counts": [8, 10]}, r"counts: \[10\] are not multiples of planes \(4\)"),
    ({"objective": {"figure": "coverage"}}, r"objective.figure"),
])
def test_bad_design_files_name_the_field(tmp_path, change, message):
    with pytest.raises(DesignError, match=message):
        read_design(_write(tmp_path, SMALL, **change))


def test_design_cli_writes_a_ready_scenario_report_and_json(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "hyperdef.cli", "design",
                           _write(tmp_path, SMALL), "--out", str(out), "--json"],
                          capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    for key in ("best", "objective_surrogate", "objective_exact", "evaluations",
                "gradient_check_max_rel_err"):
        assert key in doc
    assert doc["gradient_check_max_rel_err"] <= 1e-4
    assert 600 <= doc["best"]["alt_km"] <= 1600
    assert json.loads((out / "design.json").read_text()) == doc
    html = (out / "report.html").read_text()
    assert "Pareto front" in html and "Sensitivities" in html and html.count("<img") == 2
    scenario, _ = load_scenario(out / "best_scenario.yaml")  # a ready, valid scenario
    layer = next(s for s in scenario.sensors if s.name == "tranche1")
    assert layer.walker.total == 8 and layer.walker.alt_km == pytest.approx(doc["best"]["alt_km"])
