"""The report's figures, each drawn from the run folder's files alone (matplotlib, PNG).

Every function takes a `RunData` and returns a `Figure`; when its inputs are missing it returns a
Figure with no image and a note that names the missing file, so the report still shows the rest.
All figures draw the first sample (sample 0, the nominal run).
"""

from __future__ import annotations

import base64
import dataclasses
import io
from typing import TYPE_CHECKING, cast

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure as MplFigure

from hyperdef.report import basemap
from hyperdef.report.rundata import RunData, time_axis, truth_geodetic, truth_series

if TYPE_CHECKING:
    from matplotlib.artist import Artist

DPI = 90
# tab10 is a listed colormap; its `colors` (typed as any array-like) are ten RGB tuples.
RGB = tuple[float, float, float]
Color = str | RGB  # a matplotlib colour: a name or an RGB tuple
COLORS = cast(tuple[RGB, ...], cast(ListedColormap, colormaps["tab10"]).colors)


@dataclasses.dataclass
class Figure:
    """A titled figure: PNG bytes as base64 (None when it could not be drawn) and a caption."""

    key: str
    title: str
    caption: str
    png_b64: str | None = None
    note: str | None = None


def subplots(*args, figsize, **kwargs):
    """A new figure and its axes, without pyplot: no global state, no backend switch for the
    caller; constrained layout sizes it in the one draw that saving makes."""
    fig = MplFigure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(*args, **kwargs)


def encode_png(fig) -> str:
    """The figure as base64 PNG text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def needs_note(run: RunData, *names) -> str | None:
    """A note naming the missing inputs, or None when all are there."""
    attr = {"truth.zarr": "truth", "tracks.zarr": "tracks", "detections.parquet": "detections",
            "access.parquet": "access", "set_metrics.parquet": "set_metrics",
            "nis.parquet": "nis",
            "summary.json": "summary", "scenario.resolved.yaml": "scenario"}
    gone = [n for n in names if getattr(run, attr[n]) is None]
    if not gone:
        return None
    if all(n in run.not_produced for n in gone):
        return f"Not drawn: {run.not_produced[gone[0]]}."
    return f"Not drawn: {', '.join(gone)} missing or unreadable."


def ground_tracks(run: RunData) -> Figure:
    f = Figure("map", "Ground tracks",
               "Threat ground tracks (sample 0; ▲ start, ✕ end), radar sites, defended areas, "
               "notional interceptor sites with their maximum range, and the latest predicted "
               "footprint of each threat; coastlines: Natural Earth 1:110m.")
    if (note := needs_note(run, "truth.zarr")):
        f.note = note
        return f
    lat, lon, _ = truth_geodetic(run.truth)
    names = run.threat_names()
    sc = run.scenario or {}
    extra_lat, extra_lon = [lat.ravel()], [lon.ravel()]
    for item in sc.get("defended_areas", []) + sc.get("interceptors", []):
        extra_lat.append([item["lat_deg"]])
        extra_lon.append([item["lon_deg"]])
    centre = basemap.central_lon(np.concatenate(extra_lon))
    fig, ax = subplots(figsize=(10, 6))
    basemap.draw_coastlines(ax, centre)
    for o, name in enumerate(names):
        ok = np.isfinite(lat[o])
        if not ok.any():
            continue
        c = COLORS[o % 10]
        for x, y in basemap.split_at_seam(lon[o][ok], lat[o][ok], centre):
            ax.plot(x, y, color=c, lw=1.8, label=name if x is not None else None)
        ax.plot(basemap.wrap(lon[o][ok][0], centre), lat[o][ok][0], "^", color=c, ms=7)
        ax.plot(basemap.wrap(lon[o][ok][-1], centre), lat[o][ok][-1], "x", color=c, ms=8, mew=2)
    _scenario_overlay(ax, sc, centre)
    last = {}
    for fp in run.assessment.get("footprints", []):
        last[fp["threat"]] = fp
    for fp in last.values():
        poly = np.asarray(fp["polygon"], np.float64)
        extra_lat.append(poly[:, 0])  # the map shows where each threat could still be going
        extra_lon.append(poly[:, 1])
        o = names.index(fp["threat"]) if fp["threat"] in names else 0
        for x, y in basemap.split_at_seam(np.append(poly[:, 1], poly[0, 1]),
                                          np.append(poly[:, 0], poly[0, 0]), centre):
            ax.fill(x, y, color=COLORS[o % 10], alpha=0.12, lw=0)
    basemap.frame(ax, np.concatenate(extra_lon), np.concatenate(extra_lat), centre)
    _dedupe_legend(ax)
    f.png_b64 = encode_png(fig)
    return f


def _scenario_overlay(ax, sc: dict, centre: float) -> None:
    for s in sc.get("sensors", []):
        site = s.get("site") or s.get("ship")
        if s.get("kind") == "radar" and site:
            ax.plot(basemap.wrap(site["lon_deg"], centre), site["lat_deg"], "s", color="k",
                    ms=6, label="radar")
            ax.annotate(s.get("name", ""), (basemap.wrap(site["lon_deg"], centre),
                                            site["lat_deg"]), fontsize=7, xytext=(4, 4),
                        textcoords="offset points")
    for a in sc.get("defended_areas", []):
        x, y = basemap.circle_lonlat(a["lat_deg"], a["lon_deg"], a["radius_km"])
        for xx, yy in basemap.split_at_seam(x, y, centre):
            ax.plot(xx, yy, color="tab:green", lw=1.5, label="defended area")
        ax.annotate(a["name"], (basemap.wrap(a["lon_deg"], centre), a["lat_deg"]), fontsize=7)
    for i in sc.get("interceptors", []):
        ax.plot(basemap.wrap(i["lon_deg"], centre), i["lat_deg"], "D", color="tab:purple",
                ms=6, label="interceptor site")
        x, y = basemap.circle_lonlat(i["lat_deg"], i["lon_deg"], i.get("max_range_km", 200.0))
        for xx, yy in basemap.split_at_seam(x, y, centre):
            ax.plot(xx, yy, color="tab:purple", lw=0.8, ls="--")


def _dedupe_legend(ax) -> None:
    h, lab = ax.get_legend_handles_labels()
    seen: dict[str, Artist] = {}
    for hh, ll in zip(h, lab, strict=True):
        if ll and not ll.startswith("_"):
            seen.setdefault(ll, hh)
    if seen:
        ax.legend(seen.values(), seen.keys(), fontsize=8, loc="best")


def flight_profiles(run: RunData) -> Figure:
    f = Figure("profiles", "Altitude, speed and temperature",
               "Truth of sample 0: geodetic altitude, speed relative to the Earth, and the "
               "radiative-equilibrium surface temperature used for the IR signature.")
    if (note := needs_note(run, "truth.zarr")):
        f.note = note
        return f
    t = time_axis(run.truth)
    _, _, alt_km = truth_geodetic(run.truth)
    alt = truth_series(run.truth, "alt_m")
    alt_km = alt / 1e3 if alt is not None else alt_km
    panels = [("altitude [km]", alt_km), ("speed [km/s]", _div(truth_series(run.truth,
                                                                           "speed_mps"), 1e3)),
              ("temperature [K]", truth_series(run.truth, "temp_k"))]
    panels = [p for p in panels if p[1] is not None]
    fig, axes = subplots(len(panels), 1, figsize=(10, 2.3 * len(panels)), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, (label, y) in zip(axes, panels, strict=True):
        for o, name in enumerate(run.threat_names()):
            ax.plot(t, y[o], color=COLORS[o % 10], label=name)
        ax.set_ylabel(label)
        ax.grid(True, lw=0.3)
    axes[0].legend(fontsize=8)
    axes[-1].set_xlabel("time since epoch [s]")
    f.png_b64 = encode_png(fig)
    return f


def _div(a, k):
    return None if a is None else a / k


def access_timeline(run: RunData) -> Figure:
    f = Figure("access", "Sensor access and custody timeline",
               "For each threat: its flight (grey), the detections of each sensor (sample 0; "
               "detections closer than three typical revisit intervals are joined into one bar), "
               "and custody: a firm track held on it (black) or lost after the first firm "
               "track (red).")
    if run.detections is None and not run.assessment.get("timelines"):
        f.note = needs_note(run, "detections.parquet", "summary.json")
        return f
    names = run.threat_names()
    rows: list[tuple[str, list[tuple[list[list[float]], Color]]]] = []  # (label, [(bars, colour)])
    timelines = run.assessment.get("timelines", {})
    det = run.detections
    if det is not None and len(det):
        det = det[det["sample"] == det["sample"].min()]
    sensors = sorted(det["sensor"].unique()) if det is not None and len(det) else []
    colour = {s: COLORS[(k + 2) % 10] for k, s in enumerate(sensors)}  # one colour per sensor
    for o, name in enumerate(names):
        tl = timelines.get(name, {})
        rows.append((f"{name}: in flight", [(tl.get("in_flight", []), "0.75")]))
        if sensors and det is not None:  # sensors is empty without detections
            mine = det[det["truth_id"] == o]
            for sensor in sorted(mine["sensor"].unique()):
                times = np.sort(mine.loc[mine["sensor"] == sensor, "t_s"].to_numpy())
                rows.append((f"{name}: {sensor}", [(_bars(times), colour[sensor])]))
        if tl:
            rows.append((f"{name}: custody", [(tl.get("held", []), "k"),
                                              (tl.get("lost", []), "tab:red")]))
    if not rows:
        f.note = "Nothing to draw: no threats in the run."
        return f
    fig, ax = subplots(figsize=(10, 0.35 * len(rows) + 1.2))
    for i, (_label, layers) in enumerate(rows[::-1]):
        for spans, color in layers:
            ax.broken_barh([(a, b - a) for a, b in spans], (i - 0.35, 0.7), color=color)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in rows[::-1]], fontsize=8)
    ax.set_xlabel("time since epoch [s]")
    ax.grid(True, axis="x", lw=0.3)
    if det is None:
        why = run.not_produced.get("detections.parquet", "detections.parquet missing")
        f.note = f"No per-sensor bars: {why}."
    f.png_b64 = encode_png(fig)
    return f


def _bars(times: np.ndarray) -> list[list[float]]:
    """Join detection times into bars: a gap of more than 3 median spacings starts a new bar."""
    if times.size == 0:
        return []
    d = np.diff(times)
    step = float(np.median(d[d > 0])) if np.any(d > 0) else 1.0
    cut = np.flatnonzero(d > 3.0 * step) + 1
    return [[float(g[0]), float(g[-1] + step)] for g in np.split(times, cut)]
