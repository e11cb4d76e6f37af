"""The campaign report's layout, as a reader sees it: a summary that fits the page, Pareto labels
inside their axes, and architectures with equal values all visible in the distributions."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from hyperdef.campaign.report import (  # noqa: E402
    distribution_figure,
    pareto_figure,
    summary_table,
    with_pareto,
    write_campaign_report,
)


def _summary(n: int) -> pd.DataFrame:
    sats = np.linspace(8, 80, n).round()
    return with_pareto(pd.DataFrame({
        "point": np.arange(n), "label": [f"layer={int(s)} (a long architecture label)"
                                         for s in sats],
        "satellites": sats, "warning_median_s": np.linspace(400, 850, n),
        "custody_mean": np.linspace(0.3, 0.9, n)}))


@pytest.mark.parametrize("n", [1, 3, 6, 12])
def test_pareto_labels_stay_inside_the_axes(n):
    # A label that leaves the axes runs into the colour bar (right) or off the figure.
    fig = pareto_figure(_summary(n))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.get_window_extent(renderer)
    labels = [t for t in ax.texts]
    assert len(labels) == n
    for t in labels:
        e = t.get_window_extent(renderer)
        assert box.x0 <= e.x0 and e.x1 <= box.x1, (t.get_text(), e, box)
    plt.close(fig)


def _rgb(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return mpimg.imread(io.BytesIO(buf.getvalue()), format="png")[..., :3]


def test_architectures_with_equal_values_all_stay_visible():
    # Two architectures with the same warning times (as the 28- and 54-satellite layers of the
    # example at small sample counts): each one's bars must show, not one drawn over the other.
    values = [845.1, 866.2, 845.1, 866.2, 415.1, 437.8]
    df = pd.DataFrame({"label": ["a", "a", "b", "b", "c", "c"], "warning_time_s": values})
    img = _rgb(distribution_figure(df, "warning_time_s", "warning [s]", log=False))
    counts = [int((np.abs(img - np.asarray(matplotlib.colors.to_rgb(f"C{i}"))).max(-1)
                   < 0.02).sum()) for i in range(3)]
    # Legend swatches alone are ≈ 100 px at 80 dpi; a visible pair of bars adds several hundred.
    assert min(counts) > 300, counts


@pytest.mark.parametrize("n", [3, 12])
def test_summary_table_fits_or_scrolls_in_its_box(n):
    html = summary_table(_summary(n))
    assert html.startswith("<div class='wide'>")
    if n <= 6:  # transposed: a column per architecture, a row per statistic
        assert html.count("<th>layer=") == n and "<th>warning_median_s</th>" in html


@pytest.mark.browser
def test_report_fits_the_page_in_a_browser(chromium, tmp_path):
    import campaign_standin
    from campaign_helpers import write_campaign

    from hyperdef.campaign.run import run_campaign
    from hyperdef.viewer.browser import Browser

    path = write_campaign(tmp_path / "c.yaml", samples=8, batch_size=8, chunk_size=8, sweep={
        "parameters": [{"name": "a_rather_long_parameter_name", "path": "duration_s",
                        "values": [180.0, 600.0, 900.0]}]})
    run_campaign(path, tmp_path / "store", workers=0, evaluate=campaign_standin.evaluate)
    report = write_campaign_report(tmp_path / "store")
    with Browser(width=1024, height=1600, executable=chromium) as browser:
        browser.open(report.resolve().as_uri())
        widths = browser.wait_for("document.body && [document.documentElement.scrollWidth, "
                                  "document.documentElement.clientWidth]", 30)
        errors = list(browser.console_errors)
    assert widths[0] <= widths[1], f"page {widths[0]} px wide in a {widths[1]} px window"
    assert errors == []
