"""`hyperdef compare`: side-by-side page of runs of the same threats; refuses differing threats."""

import json
import re

import pytest
import yaml
from report_run import write_run
from typer.testing import CliRunner

from hyperdef.cli.main import app
from hyperdef.report.compare import phase_rmse_m
from hyperdef.report.rundata import load_run


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    a, b = tmp_path_factory.mktemp("arch-a"), tmp_path_factory.mktemp("arch-b")
    write_run(a)
    write_run(b)
    doc = json.loads((b / "summary.json").read_text())
    doc["assessment"]["per_threat"]["glider"]["warning_time_s"] = 123.0
    (b / "summary.json").write_text(json.dumps(doc))
    return a, b


def test_compare_page_has_a_column_per_run_and_every_figure(two_runs, tmp_path):
    a, b = two_runs
    out = tmp_path / "compare.html"
    res = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert html.count("data:image/png;base64,") == 4
    for fid in ("cmp-warning", "cmp-custody", "cmp-error", "cmp-ospa"):
        assert f'<section id="{fid}">' in html
    row = re.search(r"warning from first firm track \[s\]</td>(.*?)</tr>", html).group(1)
    assert re.findall(r">([\d.]+)<", row) == ["250", "123"]  # glider: run a, run b


def test_phase_rmse_splits_the_flight_in_thirds(two_runs):
    """The hand-made tracks have σ = 500 m per axis: RMSE ≈ 500·√3 = 866 m in every third
    (± 15 %: 30–40 samples per third give a sampling spread of about 1/√(2·3·35) ≈ 7 %)."""
    run = load_run(two_runs[0])
    rmse = phase_rmse_m(run, 0, "glider")
    assert all(abs(rmse[p] / 866.0 - 1) < 0.15 for p in ("middle", "late")), rmse


def test_compare_refuses_runs_of_different_threats(two_runs, tmp_path):
    a, b = two_runs
    c = tmp_path / "other"
    c.mkdir()
    write_run(c)
    sc = yaml.safe_load((c / "scenario.resolved.yaml").read_text())
    sc["threats"] = sc["threats"][:1]
    (c / "scenario.resolved.yaml").write_text(yaml.safe_dump(sc))
    out = tmp_path / "cmp.html"
    res = CliRunner().invoke(app, ["compare", str(a), str(c), "--out", str(out)])
    assert res.exit_code == 2 and "--allow-different" in res.output and not out.exists()
    res = CliRunner().invoke(app, ["compare", str(a), str(c), "--out", str(out),
                                   "--allow-different"])
    assert res.exit_code == 0 and out.exists()
