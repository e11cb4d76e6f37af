"""Assessment figures: footprint polygons over time and notional engagement windows.

Both come from summary.json's `assessment` (written by `hyperdef.assessment.summary.assess`);
the true ground track (truth.zarr) is drawn for reference when present.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from hyperdef.report import basemap
from hyperdef.report.figures import COLORS, Figure, encode_png, needs_note, subplots
from hyperdef.report.rundata import RunData, truth_geodetic

KIND_TITLES = {"reachable": "reachable set", "impact_ellipse_95": "95 % impact ellipse"}


def withheld_note(per_threat: dict) -> str | None:
    """One sentence per threat whose footprints were withheld by the quality gate: at which
    times and why (the latest reason), or None when nothing was withheld."""
    parts = []
    for name, a in per_threat.items():
        held_back = a.get("footprints_withheld") or []
        if held_back:
            times = ", ".join(f"{w['t_s']:.0f}" for w in held_back)
            parts.append(f"{name}: footprints withheld at t = {times} s "
                         f"({held_back[-1]['reason']}).")
    return " ".join(parts) or None


def footprints(run: RunData) -> Figure:
    f = Figure("footprints", "Predicted footprints over time",
               "For each threat, the footprint computed from the firm track at several times "
               "(colour = time): the reachable set of a glider under its manoeuvre limits, or "
               "the 95 % impact ellipse of a ballistic target; + marks the predicted impact of "
               "an unmanoeuvring vehicle, the line is the true ground track.")
    if (note := needs_note(run, "summary.json")):
        f.note = note
        return f
    prints = run.assessment.get("footprints", [])
    threats = list(dict.fromkeys(p["threat"] for p in prints))
    withheld = withheld_note(run.assessment.get("per_threat", {}))
    if not threats:
        f.note = " ".join(filter(None, [
            "No footprints: no threat was held by a firm track that passed the quality gate "
            "(or only cruise missiles).", withheld]))
        return f
    if withheld:  # a gated early estimate is the gate working, not a missing input: caption
        f.caption = f"{f.caption} {withheld}"
    names = run.threat_names()
    geo = truth_geodetic(run.truth) if run.truth is not None else None
    fig, axes = subplots(1, len(threats), figsize=(6 * len(threats), 5), squeeze=False)
    cmap = colormaps["viridis"]
    for ax, name in zip(axes[0], threats, strict=True):
        mine = [p for p in prints if p["threat"] == name]
        lons = np.concatenate([np.asarray(p["polygon"])[:, 1] for p in mine])
        lats = np.concatenate([np.asarray(p["polygon"])[:, 0] for p in mine])
        o = names.index(name) if name in names else None
        if geo is not None and o is not None:
            lons = np.concatenate([lons, geo[1][o]])
            lats = np.concatenate([lats, geo[0][o]])
        centre = basemap.central_lon(lons)
        basemap.draw_coastlines(ax, centre)
        t_all = np.array([p["t_s"] for p in mine])
        span = max(t_all.max() - t_all.min(), 1.0)
        for p in mine:
            poly = np.asarray(p["polygon"], np.float64)
            c = cmap((p["t_s"] - t_all.min()) / span)
            for x, y in basemap.split_at_seam(np.append(poly[:, 1], poly[0, 1]),
                                              np.append(poly[:, 0], poly[0, 0]), centre):
                ax.fill(x, y, color=c, alpha=0.15, lw=0)
                ax.plot(x, y, color=c, lw=1.0, label=f"t = {p['t_s']:.0f} s, "
                        f"{p['area_km2']:.3g} km²")
            imp = p.get("predicted_impact")
            if imp:
                ax.plot(basemap.wrap(imp["lon_deg"], centre), imp["lat_deg"], "+", color=c,
                        ms=9, mew=2)
        if geo is not None and o is not None:
            ok = np.isfinite(geo[0][o])
            for x, y in basemap.split_at_seam(geo[1][o][ok], geo[0][o][ok], centre):
                ax.plot(x, y, color=COLORS[o % 10], lw=1.5)
        basemap.frame(ax, lons, lats, centre, margin_deg=3.0)
        ax.set_title(f"{name} ({KIND_TITLES.get(mine[0]['kind'], mine[0]['kind'])})")
        ax.legend(fontsize=7, loc="best")
    f.png_b64 = encode_png(fig)
    return f


def engagement(run: RunData) -> Figure:
    f = Figure("engagement", "Notional engagement windows",
               "Left: for each threat and notional interceptor site, the times at which an "
               "intercept point inside the kinematic envelope exists, for a launch decision at "
               "the first firm track (bars). Right: the window length if the decision had come "
               "at another time; the dot marks the actual first firm track. Kinematic envelopes "
               "only: no guidance, no real system parameters.")
    if (note := needs_note(run, "summary.json")):
        f.note = note
        return f
    eng = run.assessment.get("engagement", {})
    pairs = [(t, s, w) for t, sites in eng.items() for s, w in sites.items()]
    if not pairs:
        f.note = "No engagement windows: the scenario has no interceptor sites or no threats."
        return f
    per = run.assessment.get("per_threat", {})
    fig, (ax1, ax2) = subplots(1, 2, figsize=(12, 0.45 * len(pairs) + 2.5),
                                   gridspec_kw={"width_ratios": [3, 2]})
    for i, (threat, site, w) in enumerate(pairs[::-1]):
        ax1.broken_barh([(a, b - a) for a, b in w.get("intervals", [])], (i - 0.35, 0.7),
                        color=COLORS[i % 10])
        ax1.text(1.0, i, f" {w.get('window_s', 0.0):.0f} s", va="center", fontsize=8,
                 transform=ax1.get_yaxis_transform())
        vs = w.get("vs_decision")
        if vs:
            ax2.plot(vs["decision_t_s"], vs["window_s"], color=COLORS[i % 10],
                     label=f"{threat} / {site}")
            t_firm = per.get(threat, {}).get("first_firm_track_t_s")
            if t_firm is not None:
                ax2.plot([t_firm], [np.interp(t_firm, vs["decision_t_s"], vs["window_s"])],
                         "o", color=COLORS[i % 10])
    spans = [sp for tl in run.assessment.get("timelines", {}).values()
             for sp in tl.get("in_flight", [])]
    if spans:  # the whole flight on the time axis, so a short window reads as short
        ax1.set_xlim(min(a for a, _ in spans), max(b for _, b in spans))
    ax1.set_yticks(range(len(pairs)))
    ax1.set_yticklabels([f"{t} / {s}" for t, s, _ in pairs[::-1]], fontsize=8)
    ax1.set_xlabel("intercept time since epoch [s]")
    ax1.grid(True, axis="x", lw=0.3)
    ax2.set_xlabel("launch decision time [s]")
    ax2.set_ylabel("window [s]")
    ax2.grid(True, lw=0.3)
    if ax2.lines:
        ax2.legend(fontsize=7)
    f.png_b64 = encode_png(fig)
    return f
