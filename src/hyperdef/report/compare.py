"""`write_compare(run_dirs, out)`: one self-contained page setting runs side by side.

The joint-study use: the same threats under different sensing architectures. For every threat
the page tabulates, one column per run, warning time, custody, first detection and first firm
track, the longest custody gap and track position RMSE by flight phase, and overlays the
same quantities (warning, custody, position error against time, OSPA against time) in figures.
Runs whose threats differ (names, kinds or the threat entries of the resolved scenario) are
refused unless `allow_different`: their numbers would not measure the architectures alone.

Flight phases are thirds of each threat's time in flight (early, middle, late), a split that
means the same for every threat kind; RMSE is over the grid times a firm track held the threat.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from hyperdef.report import html as page
from hyperdef.report.figures import COLORS, Figure, encode_png, subplots
from hyperdef.report.rundata import RunData, load_run, time_axis
from hyperdef.report.tracking_figures import errors

PHASES = ("early", "middle", "late")
# Identical runs overlay exactly: each run also gets its own line style and marker.
STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "x", "+", "^")


class CompareError(ValueError):
    """Runs that cannot be compared; the message names the run and the fix."""


def _label(run: RunData) -> str:
    return run.folder.name


def _threat_key(run: RunData) -> list:
    threats = (run.scenario or {}).get("threats")
    if threats is not None:
        return [{k: v for k, v in t.items()} for t in threats]
    return [(t.get("name"), t.get("kind")) for t in (run.summary or {}).get("threats", [])]


def check_same_threats(runs: list[RunData]) -> None:
    """Raise CompareError naming the first run whose threats differ from the first run's."""
    ref = _threat_key(runs[0])
    for r in runs[1:]:
        if _threat_key(r) != ref:
            names = lambda rr: [t.get("name") if isinstance(t, dict) else t[0]  # noqa: E731
                                for t in _threat_key(rr)]
            raise CompareError(
                f"RUN {r.folder}: its threats ({', '.join(map(str, names(r)))}) differ from "
                f"those of {runs[0].folder} ({', '.join(map(str, names(runs[0])))}); compare "
                "runs of the same threats, or pass --allow-different")


def phase_rmse_m(run: RunData, o: int, name: str) -> dict[str, float | None]:
    """{phase: 3-D position RMSE [m] of the holding firm track} over thirds of the flight."""
    out = dict.fromkeys(PHASES)
    if run.truth is None or run.tracks is None:
        return out
    err = errors(run, o, name)
    fly = np.isfinite(np.asarray(run.truth["r_ecef_m"].isel(sample=0).values)[o, :, 0])
    if err is None or not fly.any():
        return out
    t_all = time_axis(run.truth)[fly]
    edges = np.linspace(t_all[0], t_all[-1], len(PHASES) + 1)
    t, e, _, _ = err
    d2 = np.sum(e**2, axis=1)
    for i, ph in enumerate(PHASES):
        sel = (t >= edges[i]) & ((t < edges[i + 1]) | (i == len(PHASES) - 1))
        if sel.any():
            out[ph] = float(np.sqrt(np.mean(d2[sel])))
    return out


def _rows(runs: list[RunData], name: str) -> list[list[str]]:
    def a(r, key):
        return r.assessment.get("per_threat", {}).get(name, {}).get(key)

    spec = [("warning from first firm track [s]", "warning_time_s", "{:.0f}"),
            ("warning from first detection [s]", "warning_from_detection_s", "{:.0f}"),
            ("first detection [s]", "first_detection_t_s", "{:.0f}"),
            ("first firm track [s]", "first_firm_track_t_s", "{:.0f}"),
            ("custody fraction", "custody_fraction", "{:.2f}"),
            ("longest custody gap [s]", "longest_gap_s", "{:.0f}")]
    rows = [[page._e(lab)] + [page._num(a(r, key), fmt) for r in runs]
            for lab, key, fmt in spec]
    rmse = [phase_rmse_m(r, r.threat_names().index(name), name)
            if name in r.threat_names() else dict.fromkeys(PHASES) for r in runs]
    rows += [[page._e(f"position RMSE, {ph} third of flight [m]")]
             + [page._num(x[ph], "{:.0f}") for x in rmse] for ph in PHASES]
    return rows


def _bars(runs, names, key, ylabel, title, fid) -> Figure:
    f = Figure(fid, title, f"{ylabel} per threat, one bar per run (missing: never).")
    fig, ax = subplots(figsize=(10, 3.0))
    width = 0.8 / len(runs)
    for i, r in enumerate(runs):
        vals = [r.assessment.get("per_threat", {}).get(n, {}).get(key) for n in names]
        x = np.arange(len(names)) + (i - (len(runs) - 1) / 2) * width
        ax.bar(x, [np.nan if v is None else v for v in vals], width, color=COLORS[i % 10],
               label=_label(r))
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names)
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", lw=0.3)
    ax.legend(fontsize=8)
    f.png_b64 = encode_png(fig)
    return f


def _error_overlay(runs, names) -> Figure:
    f = Figure("cmp-error", "Track position error against time",
               "3-D position error of the firm track holding each threat, one line per run "
               "(gaps: no firm track).")
    fig, axes = subplots(1, len(names), figsize=(5 * len(names) + 1, 3.2), squeeze=False)
    for c, name in enumerate(names):
        ax = axes[0, c]
        for i, r in enumerate(runs):
            if r.truth is None or r.tracks is None or name not in r.threat_names():
                continue
            err = errors(r, r.threat_names().index(name), name)
            if err is not None:
                ax.semilogy(err[0], np.linalg.norm(err[1], axis=1) / 1e3,
                            MARKERS[i % len(MARKERS)], ms=3, mfc="none", ls="none",
                            color=COLORS[i % 10], label=_label(r))
        ax.set_title(name)
        ax.set_xlabel("time since epoch [s]")
        ax.set_ylabel("position error [km]")
        ax.grid(True, which="both", lw=0.3)
        ax.legend(fontsize=7, markerscale=4)
    f.png_b64 = encode_png(fig)
    return f


def _ospa_overlay(runs) -> Figure:
    f = Figure("cmp-ospa", "OSPA against time",
               "OSPA of the firm tracks against the threats in flight (c = 10 km, p = 2), one "
               "line per run (median over samples).")
    fig, ax = subplots(figsize=(10, 3.0))
    for i, r in enumerate(runs):
        if r.set_metrics is not None and len(r.set_metrics):
            med = r.set_metrics.groupby("t_s")["ospa_m"].median()
            ax.plot(med.index, med.to_numpy() / 1e3, color=COLORS[i % 10],
                    ls=STYLES[i % len(STYLES)], lw=1.4 + 0.6 * (len(runs) - 1 - i),
                    label=_label(r))
    ax.set_xlabel("time since epoch [s]")
    ax.set_ylabel("OSPA [km]")
    ax.grid(True, lw=0.3)
    ax.legend(fontsize=8)
    f.png_b64 = encode_png(fig)
    return f


def render(runs: list[RunData]) -> str:
    names = list(dict.fromkeys(n for r in runs for n in r.threat_names()))
    labels = [_label(r) for r in runs]
    tables = "".join(f"<h3>{page._e(n)}</h3>" + page._table(["measure"] + labels,
                                                            _rows(runs, n)) for n in names)
    arch = page._table(["run", "folder", "sensors"], [
        [page._e(_label(r)), page._e(r.folder),
         page._e(", ".join(s.get("name", "?") for s in (r.scenario or {}).get("sensors", [])))]
        for r in runs], left=3)
    figs = [_bars(runs, names, "warning_time_s", "warning [s]", "Warning time", "cmp-warning"),
            _bars(runs, names, "custody_fraction", "custody fraction", "Custody",
                  "cmp-custody"),
            _error_overlay(runs, names), _ospa_overlay(runs)]
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>hyperdef comparison</title>"
            f"<style>{page.CSS}</style><script>{page.CHECK_IMAGES_JS}</script></head><body>"
            f"<h1>hyperdef comparison — {len(runs)} runs</h1>"
            f'<p class="small">Written {made}; all threats and sensors notional.</p>'
            f"<h2>Runs</h2>{arch}<h2>Per threat</h2>{tables}"
            f"{''.join(page._figure_html(f) for f in figs)}</body></html>\n")


def write_compare(run_dirs, out, *, allow_different: bool = False) -> Path:
    """Write the comparison page to `out` and return its path (see the module docstring)."""
    if len(run_dirs) < 2:
        raise CompareError("RUN: give at least two run folders to compare")
    runs = []
    for d in run_dirs:
        if not Path(d).is_dir():
            raise CompareError(f"RUN {d}: no such folder; give the --out folder of a run")
        runs.append(load_run(d))
    if not allow_different:
        check_same_threats(runs)
    out = Path(out)
    text = render(runs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
