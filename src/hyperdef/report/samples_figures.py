"""A Monte Carlo run in the report: each threat's figures of merit over every sample, not the first
sample alone (metrics.parquet holds one row per sample and threat).

Warning time counts a sample without warning as 0 s, the population every hyperdef statistic
uses (the campaign summary's too), so the spread shows how often warning was missed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hyperdef.report.figures import COLORS, Figure, encode_png, subplots
from hyperdef.report.rundata import RunData

# (metrics.parquet column, panel title, unit divisor, value for a missing entry)
PANELS = (
    ("assess_warning_time_s", "warning time [s] (none: 0 s)", 1.0, 0.0),
    ("custody_fraction", "custody fraction of flight time", 1.0, 0.0),
    ("first_firm_track_t_s", "first firm track [s since epoch]", 1.0, np.nan),
    ("rmse_pos_m", "track position RMSE [km]", 1e3, np.nan),
)
QUANTILES = (0.1, 0.5, 0.9)


def per_threat(metrics: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """{threat: its rows, one per sample} in the order the threats first appear."""
    return {str(name): g for name, g in metrics.groupby("name", sort=False)}


def values(rows: pd.DataFrame, column: str, scale: float, fill: float) -> np.ndarray:
    """The column over the rows' samples, missing entries as `fill` (NaN: left out), / scale."""
    v = pd.to_numeric(rows[column], errors="coerce").to_numpy(np.float64)
    v = np.where(np.isfinite(v), v, fill) / scale
    return v[np.isfinite(v)]


def sample_statistics(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per threat and panel: samples counted, samples with a value, 10/50/90 % quantiles.

    Missing warning times count as 0 s and missing custody as 0; a missing first-firm-track
    time or RMSE (never firmly tracked) is left out and shows in `with_value`."""
    rows = []
    for name, g in per_threat(metrics).items():
        for column, title, scale, fill in PANELS:
            if column not in g:
                continue
            ok = values(g, column, scale, fill)
            q = np.quantile(ok, QUANTILES) if ok.size else np.full(len(QUANTILES), np.nan)
            rows.append({"threat": name, "figure": title, "samples": len(g),
                         "with_value": int(ok.size), "p10": q[0], "median": q[1], "p90": q[2]})
    return pd.DataFrame(rows)


def over_samples(run: RunData) -> Figure:
    f = Figure("over-samples", "Over all samples",
               "Each threat's warning time, custody, first firm track and position RMSE over "
               "every Monte Carlo sample of the run (boxes: 25–75 %, whiskers 10–90 %, line: "
               "median; points: the samples). A sample without warning counts as 0 s and one "
               "never held as custody 0; first-firm-track time and RMSE count only the samples "
               "that had a firm track (n shown beside each box).")
    m = run.metrics
    if not isinstance(m, pd.DataFrame):
        f.note = "Not drawn: metrics.parquet missing or unreadable."
        return f
    n = int(m["sample"].nunique()) if "sample" in m.columns else 1
    runs = int((run.summary or {}).get("samples") or n)
    if n < 2 and runs > 1:
        f.note = (f"Not drawn: this run has {runs} samples but its metrics.parquet holds one "
                  "(written by an earlier hyperdef); run it again for the distributions.")
        return f
    if n < 2:
        f.note = ("One sample: every figure of this report is that sample's. Set `samples:` "
                  "above 1 for a Monte Carlo and its distributions appear here.")
        return f
    f.title = f"Over all {n} samples"
    threats = per_threat(m)
    panels = [p for p in PANELS if p[0] in m.columns]
    fig, axes = subplots(1, len(panels), figsize=(3.1 * len(panels), 0.9 + 0.55 * len(threats)))
    rng = np.random.default_rng(0)  # jitter of the sample points only; no data is drawn
    for ax, (column, title, scale, fill) in zip(np.atleast_1d(axes), panels, strict=True):
        for i, g in enumerate(threats.values()):
            v = values(g, column, scale, fill)
            if not v.size:
                ax.text(0.02, i, "never", va="center", fontsize=7, color="0.4",
                        transform=ax.get_yaxis_transform())
                continue
            ax.boxplot([v], positions=[i], orientation="horizontal", widths=0.5, whis=(10, 90),
                       showfliers=False, medianprops={"color": COLORS[i % 10]})
            ax.scatter(v, i + rng.uniform(-0.18, 0.18, v.size), s=6, alpha=0.5,
                       color=COLORS[i % 10], zorder=3)
            ax.annotate(f"n={v.size}", (1.0, i), xycoords=("axes fraction", "data"),
                        xytext=(-2, 6), textcoords="offset points", ha="right", fontsize=6)
        ax.set_yticks(range(len(threats)), list(threats) if ax is np.atleast_1d(axes)[0]
                      else [""] * len(threats))
        ax.set_ylim(-0.6, len(threats) - 0.4)
        ax.set_title(title, fontsize=8)
        ax.grid(True, axis="x", lw=0.3)
    f.png_b64 = encode_png(fig)
    return f
