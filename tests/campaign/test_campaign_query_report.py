"""DuckDB queries, per-architecture summaries, the Pareto front, the HTML report and the CLI."""

from __future__ import annotations

import json
import socket
import time

import campaign_standin
import numpy as np
import pandas as pd
import pytest
from campaign_helpers import write_campaign
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hyperdef.campaign.pareto import pareto_front
from hyperdef.campaign.query import architecture_summary, query, results
from hyperdef.campaign.report import with_pareto, write_campaign_report
from hyperdef.campaign.run import run_campaign
from hyperdef.cli.campaign import campaign_app

runner = CliRunner()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A store where the short scenario (180 s) misses some targets: null warning times."""
    base = tmp_path_factory.mktemp("mixed")
    path = write_campaign(base / "c.yaml", samples=40, batch_size=8, chunk_size=8, sweep={
        "parameters": [{"name": "duration", "path": "duration_s", "values": [180.0, 900.0]},
                       {"name": "mast_m", "path": "sensors.radar.site.alt_m",
                        "values": [20, 200]}]})
    run_campaign(path, base / "store", workers=0, evaluate=campaign_standin.evaluate)
    return base / "store"


def _recomputed(g: pd.DataFrame) -> dict:
    """The per-point statistics recomputed in pandas from the raw per-sample rows: every row
    counts, no warning time is 0 s (pandas' 'linear' quantile and DuckDB's quantile_cont are
    both Hyndman & Fan type 7, so agreement is to rounding: 1e-9 s)."""
    w = g["warning_time_s"]
    return {"samples": g["sample"].nunique(), "warning_fraction": float((w > 0).mean()),
            "warning_median_s": w.fillna(0.0).median(),
            "warning_p10_s": w.fillna(0.0).quantile(0.1),
            "warning_p90_s": w.fillna(0.0).quantile(0.9),
            "custody_mean": g["custody_fraction"].fillna(0.0).mean()}


def test_summary_matches_pandas(mixed):
    df = results(mixed)
    summary = architecture_summary(mixed).set_index("point")
    assert df["warning_time_s"].isna().any() and df["warning_time_s"].notna().any()
    for point, g in df.groupby("point"):
        row, want = summary.loc[point], _recomputed(g)
        assert row["samples"] == 40 and row["rows"] == 40
        assert row["detected_fraction"] == pytest.approx(g["first_detection_t_s"].notna().mean())
        for k, v in want.items():
            assert abs(row[k] - v) < 1e-9, k
        assert abs(row["rmse_median_m"] - g["rmse_m"].median()) < 1e-9
        warned = g["warning_time_s"][g["warning_time_s"] > 0]
        if len(warned):
            assert abs(row["warning_median_warned_s"] - warned.median()) < 1e-9


def test_cli_summary_json_query_view_and_report_agree_with_raw_rows(mixed):
    r = runner.invoke(campaign_app, ["summary", str(mixed), "--json"])
    assert r.exit_code == 0, r.output
    doc = {row["point"]: row for row in json.loads(r.stdout)}
    df = results(mixed)
    assert sorted(doc) == sorted(df["point"].unique())
    view = query(mixed, "SELECT * FROM summary").set_index("point")
    for point, g in df.groupby("point"):
        for k, v in _recomputed(g).items():
            assert abs(doc[point][k] - v) < 1e-9, k
            assert abs(view.loc[point, k] - v) < 1e-9, k
    html = write_campaign_report(mixed).read_text()
    assert "warning_fraction" in html and "counted as 0 s" in html


def _front_by_sweep(cost: np.ndarray, perf: np.ndarray) -> np.ndarray:
    """Two-objective front by a sort and a running maximum (Kung, Luccio & Preparata, JACM
    22(4), 1975): in increasing cost (ties: best performance first), a point is on the front
    iff it beats every cheaper-or-equal point's performance."""
    order = np.lexsort((-perf, cost))
    on = np.zeros(cost.size, bool)
    best = -np.inf
    for i in order:
        if perf[i] > best:
            on[i] = True
            best = perf[i]
    return on


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 30)), min_size=1, max_size=25,
                unique=True))
def test_pareto_front_matches_the_sort_and_sweep_oracle(pairs):
    cost, perf = (np.array(v, float) for v in zip(*pairs, strict=True))
    table = pd.DataFrame({"satellites": cost, "warning": perf})
    mask = pareto_front(table, minimize=["satellites"], maximize=["warning"])
    assert np.array_equal(mask, _front_by_sweep(cost, perf))


def test_pareto_in_the_report_summary():
    summary = pd.DataFrame({"satellites": [8, 28, 54, 60], "warning_median_s": [100, 300, 310,
                                                                                 300],
                            "custody_mean": [0.2, 0.6, 0.5, 0.9]})
    # 60 sats: more custody than 28 at equal warning → front; 54: more warning → front.
    assert with_pareto(summary)["pareto"].tolist() == [True, True, True, True]
    summary.loc[3, "custody_mean"] = 0.6  # now 28 dominates 60 (cheaper, equal otherwise)
    assert with_pareto(summary)["pareto"].tolist() == [True, True, True, False]


def test_report_has_the_sections_and_figures(mixed):
    html = write_campaign_report(mixed).read_text()
    for needle in ("Per-architecture summary", "Pareto front", "warning_time_s",
                   "custody_fraction", "rmse_m", "duration=180, mast_m=20", "complete"):
        assert needle in html
    assert html.count("data:image/png;base64,") == 4


def test_cli_query_and_report(mixed):
    r = runner.invoke(campaign_app, ["query", str(mixed), "SELECT label, count(*) AS n FROM "
                                     "results GROUP BY label ORDER BY label", "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["n"] for x in rows] == [40] * 4 and rows[0]["label"] == "duration=180, mast_m=20"
    r = runner.invoke(campaign_app, ["query", str(mixed), "SELECT nope FROM results"])
    assert r.exit_code == 2 and "query failed" in r.output
    r = runner.invoke(campaign_app, ["report", str(mixed), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert len(doc["architectures"]) == 4 and doc["report"].endswith("report.html")


def test_cli_refuses_bad_input(tmp_path, mixed):
    big = write_campaign(tmp_path / "big.yaml", samples=5000, max_runs=1000)
    r = runner.invoke(campaign_app, ["run", str(big), "--out", str(tmp_path / "s")])
    assert r.exit_code == 2 and "--yes" in r.output and "10000 runs" in r.output
    r = runner.invoke(campaign_app, ["query", str(tmp_path), "SELECT 1"])
    assert r.exit_code == 2 and "not a campaign store" in r.output
    small = write_campaign(tmp_path / "small.yaml")
    r = runner.invoke(campaign_app, ["run", str(small), "--workers", "1", "--scheduler", "x"])
    assert r.exit_code == 2 and "not both" in r.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    t0 = time.monotonic()
    r = runner.invoke(campaign_app, ["run", str(small), "--out", str(tmp_path / "s"),
                                     "--scheduler", url, "--connect-timeout", "1"])
    assert r.exit_code == 2 and url in r.output.replace("\n", "")
    assert time.monotonic() - t0 < 15.0
    other = write_campaign(tmp_path / "other.yaml", seed=99)
    r = runner.invoke(campaign_app, ["run", str(other), "--out", str(mixed), "--resume",
                                     "--workers", "0"])
    assert r.exit_code == 2 and "different campaign file" in r.output


def test_query_sees_points_view(mixed):
    pts = query(mixed, "SELECT point, label, satellites, duration, mast_m FROM points "
                       "ORDER BY point")
    assert pts["label"].tolist()[-1] == "duration=900, mast_m=200"
    assert pts["satellites"].eq(0).all()


def test_cli_run_then_resume_prints_json(tmp_path, monkeypatch, reference):
    """`campaign run` plumbing (progress bar on stderr, --json on stdout) with the stand-in."""
    import hyperdef.campaign.run as run_mod

    monkeypatch.setattr(run_mod, "default_evaluator", lambda: campaign_standin.evaluate)
    path = write_campaign(tmp_path / "c.yaml")
    out = tmp_path / "s"
    r = runner.invoke(campaign_app, ["run", str(path), "--out", str(out), "--workers", "0",
                                     "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (doc["runs"], doc["chunks_run"], doc["rows_written"]) == (48, 6, 48)
    r = runner.invoke(campaign_app, ["run", str(path), "--out", str(out), "--workers", "0",
                                     "--resume", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["chunks_skipped"] == 6
    pd.testing.assert_frame_equal(results(out), reference[2], check_exact=True)


def test_the_sub_app_mounts_as_the_lead_will_mount_it(mixed):
    import typer

    app = typer.Typer()
    app.command()(lambda: None)  # a second command, so typer keeps the group level
    app.add_typer(campaign_app, name="campaign")
    r = runner.invoke(app, ["campaign", "query", str(mixed), "SELECT count(*) AS n FROM results",
                            "--csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == ["n", "160"]
