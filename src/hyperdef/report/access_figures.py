"""Access Gantt: what the geometry allowed, what the sensors detected, and when a firm track held.

Geometric access (access.parquet) is the upper bound a sensor model can reach; the detections
inside it (detections.parquet) show what the detection model made of it, and the firm-track bars
(summary.json custody timelines) what the tracker made of the detections. A long access bar with
few detections points at sensitivity; detections with no firm track point at the tracker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from hyperdef.report.figures import COLORS, Color, Figure, encode_png, needs_note, subplots
from hyperdef.report.rundata import RunData, time_axis

if TYPE_CHECKING:
    import pandas as pd

ACCESS_ALPHA = 0.35  # light: access is the envelope the darker detection bars sit inside


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of closed intervals (platforms of one sensor overlap)."""
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _grid_step_s(run: RunData) -> float:
    if run.truth is not None:
        t = time_axis(run.truth)
        if t.size > 1:
            return float(np.median(np.diff(t)))
    return float((run.scenario or {}).get("step_s", 1.0))


def access_gantt(run: RunData) -> Figure:
    f = Figure("access-gantt", "Geometric access, detections and firm tracks",
               "Per threat and sensor (first sample): geometric access of any platform (light "
               "bar: line of sight clear, inside the field of regard and range limits), the "
               "grid times at which that sensor detected the threat (dark ticks inside it), and "
               "the times a firm track held the threat (black). Access is what the geometry "
               "allows; detection is what the sensor model made of it.")
    if (note := needs_note(run, "access.parquet")):
        f.note = note
        return f
    acc = cast("pd.DataFrame", run.access)  # present: needs_note() found it
    sample = int(acc["sample"].min()) if len(acc) else 0
    acc = acc[acc["sample"] == sample]
    det = run.detections
    if det is not None and len(det):
        det = det[det["sample"] == sample]
    names = run.threat_names()
    sensors = sorted(set(acc["sensor"]) | (set(det["sensor"]) if det is not None else set()))
    colour = {s: COLORS[(k + 2) % 10] for k, s in enumerate(sensors)}
    step = _grid_step_s(run)
    timelines = run.assessment.get("timelines", {})
    # (label, [(spans, colour, alpha, height)])
    rows: list[tuple[str, list[tuple[list[tuple[float, float]], Color, float, float]]]] = []
    for o, name in enumerate(names):
        for s in sensors:
            mine = acc[(acc["threat"] == name) & (acc["sensor"] == s)]
            spans = _merge([(a, b + step) for a, b in zip(mine["start_t_s"], mine["stop_t_s"],
                                                          strict=True)])
            ticks = []
            if det is not None and len(det):
                times = det.loc[(det["truth_id"] == o) & (det["sensor"] == s), "t_s"]
                ticks = [(float(t), float(t) + step) for t in np.unique(times)]
            if spans or ticks:
                rows.append((f"{name}: {s}", [(spans, colour[s], ACCESS_ALPHA, 0.8),
                                              (_merge(ticks), colour[s], 1.0, 0.4)]))
        held = timelines.get(name, {}).get("held", [])
        rows.append((f"{name}: firm track", [([tuple(h) for h in held], "k", 1.0, 0.5)]))
    fig, ax = subplots(figsize=(10, 0.38 * len(rows) + 1.4))
    for i, (_label, layers) in enumerate(rows[::-1]):
        for spans, color, alpha, h in layers:
            ax.broken_barh([(a, b - a) for a, b in spans], (i - h / 2, h), color=color,
                           alpha=alpha, lw=0)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in rows[::-1]], fontsize=8)
    ax.set_xlabel("time since epoch [s]")
    ax.grid(True, axis="x", lw=0.3)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    if det is None:
        f.note = "No detection ticks: " + (needs_note(run, "detections.parquet") or "")
    f.png_b64 = encode_png(fig)
    return f
