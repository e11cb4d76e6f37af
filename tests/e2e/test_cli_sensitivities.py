"""End-to-end: `hyperdef run --sensitivities --json` prints the smooth sensitivities of the run.

The scenario is the `glide` template of `hyperdef scenario init` cut to 300 s, as the first-run
tutorial runs it: one glider, a 28-satellite NEI-mode layer with a nadir cone (differentiated)
and one radar (left out, and said so). In the fast suite: 36 s with an empty compilation cache,
14 s with a warm one (two shared cores), under the minute that would make it a slow test.
"""

from __future__ import annotations

import importlib.resources
import json
import math

import pytest
import yaml
from cli import hyperdef, hyperdef_json

#: Each parameter's name ends in its unit, and so does every number computed from it: the
#: derivatives are seconds per unit of the parameter, the changes seconds.
PARAMETER_UNITS = {"nei_w_m2": "_w_m2", "frame_period_s": "_s", "half_angle_deg": "_deg"}
PARAMETER_FIELDS = ("value", "d_first_detection_s", "d_warning_time_s", "typical_change",
                    "first_detection_change_s", "warning_time_change_s")


@pytest.fixture(scope="module")
def quick_scenario(tmp_path_factory):
    text = (importlib.resources.files("hyperdef.scenario") / "templates" / "glide.yaml"
            ).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    doc.update(name="quick", duration_s=300.0)
    path = tmp_path_factory.mktemp("sens") / "quick.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_sensitivities_json_has_finite_numbers_with_units(quick_scenario, tmp_path):
    doc = hyperdef_json("run", quick_scenario, "--out", tmp_path / "run", "--sensitivities")
    sens = doc["sensitivities"]
    assert set(sens) == {"per_threat", "not_differentiated"}
    assert sens["not_differentiated"] == ["radar"]
    assert [t["threat"] for t in sens["per_threat"]] == ["glider"]
    glider = sens["per_threat"][0]
    # The 300 s grid: a first detection and a warning inside it, or None (never a NaN).
    for key in ("first_detection_s", "warning_time_s"):
        assert glider[key] is not None and 0.0 <= glider[key] <= 300.0, (key, glider[key])
    assert [s["sensor"] for s in glider["sensors"]] == ["layer"]
    params = glider["sensors"][0]["parameters"]
    assert set(params) == set(PARAMETER_UNITS)
    for name, row in params.items():
        assert set(row) == set(PARAMETER_FIELDS), name
        for field in PARAMETER_FIELDS:
            if field in ("value", "typical_change"):
                continue
            assert field.endswith("_s") and math.isfinite(row[field]), (name, field, row[field])
        assert math.isfinite(row["value"]) and row["value"] > 0.0, name
    # A lower NEI sees the glider sooner: the detection time cannot grow with sensitivity.
    assert params["nei_w_m2"]["first_detection_change_s"] <= 0.0
    # The run folder keeps the same document beside the summary.
    written = json.loads((tmp_path / "run" / "sensitivities.json").read_text())
    assert written == sens


def test_sensitivities_is_a_flag_and_a_value_is_refused(quick_scenario, tmp_path):
    proc = hyperdef("run", quick_scenario, "--out", tmp_path / "run", "--sensitivities=nei")
    assert proc.returncode != 0
    assert "--sensitivities" in proc.stderr and "does not take a value" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "run").exists()
