"""`hyperdef campaign report DIR`: one self-contained HTML page about a campaign store.

It shows how complete the store is, the distributions of warning time, custody fraction and track
RMSE per architecture, a table of per-architecture summaries (hyperdef.campaign.query), and the
Pareto front of the cost proxy (satellites, fewer is better) against median warning time and mean
custody fraction (more is better). Figures are PNGs embedded as data URIs, so the page can be
mailed or archived alone. Everything comes from the store's files; it can be rebuilt at any time,
also while a run is going on (it then reports the chunks done so far).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from hyperdef.campaign.integrity import read_manifest, require_intact
from hyperdef.campaign.pareto import pareto_front
from hyperdef.campaign.query import WARNING_STATS, architecture_summary, results
from hyperdef.campaign.store import write_text_atomic

MAX_OVERLAID = 8  # beyond this many architectures, box plots replace side-by-side histograms
BINS = 30
MAX_COLUMNS = 6  # up to this many architectures the summary is transposed: one column each
FIGURES = (  # column, axis label, log axis
    ("warning_time_s", "warning time [s] (samples without warning at 0 s)", False),
    ("custody_fraction", "custody fraction of flight time", False),
    ("rmse_m", "track position RMSE [m]", True),
)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def distribution_figure(df: pd.DataFrame, column: str, xlabel: str, log: bool):
    """The matplotlib figure of one column's distribution per architecture, or None if empty.

    Up to MAX_OVERLAID architectures share each bin side by side (one bar per architecture and
    bin), so two with the same values both stay visible; more become box plots."""
    import matplotlib.pyplot as plt

    # Warning: a sample without one is plotted at 0 s, the population of the table's quantiles.
    fill = 0.0 if column == "warning_time_s" else np.nan
    groups = [(str(label), g[column].fillna(fill).to_numpy(np.float64))
              for label, g in df.groupby("label", sort=False)]
    groups = [(lab, v[np.isfinite(v) & ((v > 0) if log else True)]) for lab, v in groups]
    if not any(v.size for _, v in groups):
        return None
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    if len(groups) <= MAX_OVERLAID:
        every = np.concatenate([v for _, v in groups if v.size])
        lo, hi = float(every.min()), float(every.max())
        if log:
            bins = np.geomspace(lo, hi if hi > lo else lo * 10.0, BINS + 1)
            ax.set_xscale("log")
        else:
            bins = np.linspace(lo, hi if hi > lo else lo + 1.0, BINS + 1)
        ax.hist([v for _, v in groups], bins=bins.tolist(), histtype="bar", rwidth=0.9,
                label=[f"{label} (n={v.size})" for label, v in groups])
        ax.set_xlabel(xlabel)
        ax.set_ylabel("samples")
        ax.legend(fontsize=7)
    else:
        ax.boxplot([v for _, v in groups], orientation="horizontal", showfliers=False)
        ax.set_yticks(range(1, len(groups) + 1), [lab for lab, _ in groups], fontsize=6)
        ax.set_xlabel(xlabel)
        if log:
            ax.set_xscale("log")
    ax.grid(alpha=0.3)
    return fig


def _embedded(fig) -> str | None:
    """The figure as base64 PNG (None for no figure); closes it."""
    import matplotlib.pyplot as plt

    if fig is None:
        return None
    out = _png(fig)
    plt.close(fig)
    return out


def with_pareto(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with a boolean `pareto` column (satellites ↓, warning_median_s ↑,
    custody_mean ↑; objectives the store lacks are left out)."""
    summary = summary.copy()
    maximize = [c for c in ("warning_median_s", "custody_mean") if c in summary.columns]
    summary["pareto"] = pareto_front(summary, minimize=["satellites"], maximize=maximize) \
        if len(summary) else np.zeros(0, bool)
    return summary


def pareto_figure(summary: pd.DataFrame):
    """Satellites against median warning, coloured by mean custody, the front circled; None
    without a warning column. Labels sit beside their points, turned inward on the right half,
    so none runs off the axes into the colour bar."""
    import matplotlib.pyplot as plt

    if "warning_median_s" not in summary.columns or summary.empty:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    color = summary["custody_mean"] if "custody_mean" in summary.columns else None
    sc = ax.scatter(summary["satellites"], summary["warning_median_s"], c=color, cmap="viridis",
                    vmin=0.0, vmax=1.0, s=40, zorder=3)
    if color is not None:
        fig.colorbar(sc, ax=ax, label="mean custody fraction", pad=0.03)
    front = summary[summary["pareto"]].sort_values("satellites")
    ax.plot(front["satellites"], front["warning_median_s"], "r--", lw=1, zorder=2)
    ax.scatter(front["satellites"], front["warning_median_s"], s=140, facecolors="none",
               edgecolors="r", zorder=4, label="Pareto front")
    ax.margins(x=0.08, y=0.12)
    x_mid = 0.5 * sum(ax.get_xlim())
    for _, row in summary.iterrows():
        right = row["satellites"] > x_mid
        ax.annotate(str(row["label"]), (row["satellites"], row["warning_median_s"]),
                    fontsize=6, xytext=(-6 if right else 6, -9), textcoords="offset points",
                    ha="right" if right else "left", va="top")
    ax.set_xlabel("satellites (cost proxy)")
    ax.set_ylabel("median warning time [s]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return fig


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="—",
                      border=0, classes="t")


def summary_table(summary: pd.DataFrame) -> str:
    """The per-architecture summary as HTML that fits the page: up to MAX_COLUMNS architectures
    as columns (a statistic per row), more as rows in a box that scrolls sideways."""
    if len(summary) <= MAX_COLUMNS:
        t = summary.set_index("label").T
        t.columns.name = None
        body = t.to_html(float_format=lambda x: f"{x:.4g}", na_rep="—", border=0,
                         classes="t")
    else:
        body = _table(summary)
    return f"<div class='wide'>{body}</div>"


STYLE = """body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}
table.t{border-collapse:collapse;font-size:80%}table.t td,table.t th{padding:2px 8px;
border-bottom:1px solid #ddd;text-align:right}h1{font-size:150%}img{max-width:100%}
.note{color:#555;font-size:90%}div.wide{overflow-x:auto;max-width:100%}
table.t th{word-break:break-word}"""


def write_campaign_report(folder: Path) -> Path:
    """Write DIR/report.html from the store's files; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    folder = Path(folder)
    manifest = read_manifest(folder)
    done = len(require_intact(folder).good)  # raises, naming the file, on a damaged store
    df = results(folder)
    summary = with_pareto(architecture_summary(folder))
    title = html.escape(str(manifest.get("campaign", "campaign")))
    state = "complete" if manifest.get("complete") else "<b>incomplete</b>"
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
             f"<style>{STYLE}</style></head><body><h1>Campaign {title}</h1>",
             f"<p>seed {manifest.get('seed')} · {manifest.get('samples')} samples × "
             f"{manifest.get('points')} architecture point(s) · chunks stored {done} of "
             f"{manifest.get('chunks')} · {state} · hyperdef "
             f"{html.escape(str(manifest.get('hyperdef_version')))}</p>"]
    parts.append("<h2>Per-architecture summary</h2>" + summary_table(summary))
    stats = "; ".join(f"{k}: {v}" for k, v in WARNING_STATS.items() if k in summary.columns)
    parts.append(f"<p class='note'>Every statistic is over all rows of a point (sample × "
                 f"threat): {html.escape(stats)}. custody_mean counts a missing custody as 0. "
                 "track_capacity_samples: samples whose tracking stopped at the tracker's "
                 "capacity (tracker.max_tracks), counted as untracked throughout; "
                 "track_numerical_samples: samples with refused numerical updates. "
                 "pareto marks points no other point beats in satellites (fewer), median "
                 "warning and mean custody (more) at once. Samples share their threat draws "
                 "across architectures (same seed and sample id).</p>")
    front = _embedded(pareto_figure(summary))
    if front is not None:
        parts.append(f"<h2>Pareto front</h2><img alt='pareto' src='data:image/png;base64,"
                     f"{front}'>")
    for column, xlabel, log in FIGURES:
        if column in df.columns:
            png = _embedded(distribution_figure(df, column, xlabel, log))
            if png is not None:
                parts.append(f"<h2>{html.escape(column)}</h2><img alt='{column}' "
                             f"src='data:image/png;base64,{png}'>")
    parts.append("</body></html>\n")
    path = folder / "report.html"
    write_text_atomic(path, "\n".join(parts))
    return path
