"""A Monte Carlo run's report shows every sample: quantiles over samples equal pandas' on the raw
metrics rows (no warning counted as 0 s), and the figure is drawn and decodes in Chromium."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_run import write_run

from hyperdef.report.html import render, write_report
from hyperdef.report.rundata import load_run
from hyperdef.report.samples_figures import over_samples, sample_statistics


def _metrics(n: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for s in range(n):
        for name in ("glider", "mrbm"):
            warned = name == "mrbm" or s % 3  # the glider goes unwarned in samples 0, 3, 6
            rows.append({"sample": s, "name": name,
                         "assess_warning_time_s": rng.uniform(300, 800) if warned else None,
                         "custody_fraction": rng.uniform(0.4, 0.9),
                         "first_firm_track_t_s": rng.uniform(4, 60) if warned else None,
                         "rmse_pos_m": rng.uniform(200, 3000) if warned else None})
    return pd.DataFrame(rows)


def test_quantiles_count_every_sample_as_pandas_does():
    m = _metrics()
    got = sample_statistics(m).set_index(["threat", "figure"])
    for name, g in m.groupby("name"):
        w = g["assess_warning_time_s"].astype(float).fillna(0.0)  # no warning: 0 s
        row = got.loc[(name, "warning time [s] (none: 0 s)")]
        assert row["samples"] == row["with_value"] == len(g) == 7
        assert row["median"] == pytest.approx(w.median(), rel=1e-12)
        assert row["p10"] == pytest.approx(w.quantile(0.1), rel=1e-12)
        assert row["p90"] == pytest.approx(w.quantile(0.9), rel=1e-12)
        firm = g["first_firm_track_t_s"].astype(float).dropna()  # never firm: left out
        row = got.loc[(name, "first firm track [s since epoch]")]
        assert row["with_value"] == len(firm) and row["median"] == pytest.approx(firm.median())
    assert got.loc[("glider", "first firm track [s since epoch]"), "with_value"] == 4


def test_one_sample_says_so_and_several_are_drawn(tmp_path):
    write_run(tmp_path)
    one = over_samples(load_run(tmp_path))
    assert one.png_b64 is None and one.note.startswith("One sample")
    _metrics().to_parquet(tmp_path / "metrics.parquet", index=False)
    run = load_run(tmp_path)
    many = over_samples(run)
    assert many.png_b64 and many.title == "Over all 7 samples"
    page = render(run)
    assert "<h3>Over all samples</h3>" in page and page.count("<td class=\"l\">glider</td>") >= 4


@pytest.mark.browser
def test_multi_sample_report_in_chromium(chromium, tmp_path):
    from hyperdef.viewer.browser import Browser

    write_run(tmp_path)
    _metrics().to_parquet(tmp_path / "metrics.parquet", index=False)
    report = write_report(tmp_path)
    with Browser(width=1280, height=2400, executable=chromium) as browser:
        browser.open(report.resolve().as_uri())
        browser.wait_for("document.body && document.body.getAttribute('data-images-total')", 60)
        width = browser.evaluate(
            "document.querySelector('#over-samples img').naturalWidth")
        broken = browser.evaluate("document.body.getAttribute('data-images-broken')")
        errors = list(browser.console_errors)
    assert width > 400 and broken == "0" and errors == []
