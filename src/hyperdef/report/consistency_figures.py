"""Set metrics and filter consistency in the report: OSPA / GOSPA over time (every sample: the
median and the 10–90 % band when the run has several) and the NIS of every update against its
χ² 95 % bounds (definitions and sources in hyperdef.io.run_metrics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from hyperdef.report.figures import COLORS, Figure, encode_png, needs_note, subplots
from hyperdef.report.rundata import RunData

if TYPE_CHECKING:
    import pandas as pd


def _band(ax, df, col, color, label):
    by_t = df.groupby("t_s")[col]
    t = np.asarray(sorted(df["t_s"].unique()))
    med = by_t.median().reindex(t).to_numpy() / 1e3
    if df["sample"].nunique() > 1:
        lo = by_t.quantile(0.1).reindex(t).to_numpy() / 1e3
        hi = by_t.quantile(0.9).reindex(t).to_numpy() / 1e3
        ax.fill_between(t, lo, hi, color=color, alpha=0.2, lw=0)
        label = f"{label} (median, 10–90 % over {df['sample'].nunique()} samples)"
    ax.plot(t, med, color=color, lw=1.4, label=label)


def set_metrics(run: RunData) -> Figure:
    f = Figure("set-metrics", "OSPA and GOSPA over time",
               "Distance between the firm tracks and the threats in flight at each grid time: "
               "OSPA (Schuhmacher et al. 2008) and GOSPA with α = 2 (Rahmathullah et al. 2017), "
               "cut-off c = 10 km, order p = 2. A missed threat or a false track costs c (OSPA, "
               "averaged over the larger set) or c/√2 (GOSPA, summed); localisation error "
               "below c counts as it is.")
    if (note := needs_note(run, "set_metrics.parquet")):
        f.note = note
        return f
    df = cast("pd.DataFrame", run.set_metrics)  # present: needs_note() found it
    if not len(df):
        f.note = "Not drawn: no grid times in set_metrics.parquet."
        return f
    fig, ax = subplots(figsize=(10, 3.2))
    _band(ax, df, "ospa_m", COLORS[0], "OSPA")
    _band(ax, df, "gospa_m", COLORS[1], "GOSPA")
    ax.set_ylabel("distance [km]")
    ax.set_xlabel("time since epoch [s]")
    ax.grid(True, lw=0.3)
    ax.legend(fontsize=8, loc="upper right")
    f.png_b64 = encode_png(fig)
    return f


def nis(run: RunData) -> Figure:
    f = Figure("nis-updates", "Normalised innovation squared (NIS)",
               "NIS of every associated detection (all samples) against a one-step "
               "constant-velocity prediction of its track, by sensor, with the two-sided 95 % "
               "bounds of χ²(m) for each measurement dimension m (dashed; Bar-Shalom, Li & "
               "Kirubarajan 2001, §5.4.2). A consistent filter keeps about 95 % of the points "
               "inside; points far above mean the filter is over-confident.")
    if (note := needs_note(run, "nis.parquet")):
        f.note = note
        return f
    df = cast("pd.DataFrame", run.nis)  # present: needs_note() found it
    if not len(df):
        f.note = "Not drawn: no detection was associated with an existing track."
        return f
    fig, ax = subplots(figsize=(10, 3.4))
    for k, (sensor, d) in enumerate(df.groupby("sensor")):
        inside = ((d["nis"] >= d["nis_lo95"]) & (d["nis"] <= d["nis_hi95"])).mean()
        ax.plot(d["t_s"], d["nis"], ".", ms=3, color=COLORS[(k + 2) % 10],
                label=f"{sensor}: mean {d['nis'].mean():.2f}, {inside:.0%} inside")
    for m, d in df.groupby("dof"):
        for v in (d["nis_lo95"].iloc[0], d["nis_hi95"].iloc[0]):
            ax.axhline(v, color="k", ls="--", lw=0.8)
        ax.annotate(f"χ²({m!s}) 95 %", (df["t_s"].min(), d["nis_hi95"].iloc[0]), fontsize=7,
                    xytext=(2, 2), textcoords="offset points")
    ax.set_yscale("log")
    ax.set_ylabel("NIS")
    ax.set_xlabel("time since epoch [s]")
    ax.grid(True, lw=0.3)
    ax.legend(fontsize=7, loc="upper right", markerscale=3)
    f.png_b64 = encode_png(fig)
    return f
