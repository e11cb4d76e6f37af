"""End to end through the real pipeline: a small notional scenario → run folder → report.html,
checked for content and opened in headless Chromium. Slow: it runs threats, sensors, tracker and
assessment with their first-call compilation."""

import json
from pathlib import Path

import numpy as np
import pytest

from hyperdef import pipeline
from hyperdef.report.html import write_run_report
from hyperdef.scenario.load import load_scenario

SCENARIO = Path(__file__).parent / "data" / "e2e_small.yaml"


@pytest.mark.slow
def test_pipeline_run_folder_and_report(tmp_path):
    scenario, base = load_scenario(SCENARIO)
    out = tmp_path / "run"
    doc = pipeline.run(scenario, base, out, command="test", report=write_run_report)
    json.dumps(doc, allow_nan=False)
    per = doc["assessment"]["per_threat"]
    assert set(per) == {"glider", "mrbm"}
    g = per["glider"]
    assert g["warning_to"] == "defended_area:dateline"  # it flies over the antimeridian area
    assert g["first_firm_track_t_s"] is not None and 0.0 < g["custody_fraction"] <= 1.0
    areas = [a for _, a in sorted((float(t), a) for t, a in g["footprint_area_km2_at"].items())]
    assert len(areas) >= 3 and np.all(np.diff(areas) < 0)  # the reachable set shrinks
    assert set(g["engagement_window_s"]) == {"site-a"}
    m = per["mrbm"]
    assert m["warning_to"] == "impact" and m["predicted_impact"] is not None
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 11 and '<p class="note">' not in html
    assert "Incomplete run folder" not in html
