"""The coverage map of hyperdef.sensors.coverage.coverage as a PNG (matplotlib, Agg): per grid
cell, the time fraction seen by ≥ 1 satellite, by ≥ 2 (the stereo pair a line-of-sight tracker
triangulates from) and the longest gap, each over Natural Earth coastlines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hyperdef.report.basemap import draw_coastlines

PANELS = (  # map key, colour-bar label, scale, colour map
    ("fraction_ge1", "time fraction seen by ≥ 1 satellite", 1.0, "viridis"),
    ("fraction_ge2", "time fraction seen by ≥ 2 (stereo)", 1.0, "viridis"),
    ("max_gap_s", "longest gap [min]", 1 / 60.0, "magma_r"),
)


def coverage_figure(result, path) -> Path:
    """Write the coverage maps of `result` (a hyperdef.sensors.coverage.CoverageResult, which
    carries the per-cell `map`) to a PNG; returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid_map = getattr(result, "map", None)
    if grid_map is None:
        raise ValueError("coverage_figure needs the result of coverage() (it carries the map); "
                         "a result read back from JSON has no per-cell data")
    lat, lon = np.asarray(grid_map["lat_deg"]), np.asarray(grid_map["lon_deg"])
    panels = [p for p in PANELS if p[0] in grid_map]
    aspect = float(lat.max() - lat.min() + 1.0) / float(lon.max() - lon.min() + 1.0)
    panel_h = 0.8 + 7.0 * min(max(aspect, 0.25), 1.5)  # a plate carrée panel 7 in wide
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.8, panel_h * len(panels)), dpi=110,
                             squeeze=False, layout="constrained")
    for ax, (key, label, scale, cmap) in zip(axes[:, 0], panels, strict=True):
        values = np.asarray(grid_map[key], np.float64) * scale
        # Gaps on a scale of at least a minute: a map without any gap stays one pale colour.
        top = 1.0 if key.startswith("fraction") else max(float(values.max()), 1.0)
        mesh = ax.pcolormesh(lon, lat, values, vmin=0.0, vmax=top, cmap=cmap,
                             shading="nearest")
        draw_coastlines(ax, 0.5 * float(lon.min() + lon.max()), color="k", lw=0.5,
                        alpha=0.6)
        fig.colorbar(mesh, ax=ax, label=label, shrink=0.9)
        ax.set_xlim(lon.min() - 0.5, lon.max() + 0.5)
        ax.set_ylim(lat.min() - 0.5, lat.max() + 0.5)
        ax.set_aspect("equal")
        ax.set_ylabel("latitude [deg]")
    axes[-1, 0].set_xlabel("longitude [deg]")
    axes[0, 0].set_title(
        f"{', '.join(result['sensors']) or 'no space sensors'} at {result['alt_m'] / 1e3:g} km: "
        f"≥1 {100 * result['fraction_ge1']:.1f} %, ≥2 {100 * result['fraction_ge2']:.1f} %, "
        f"max gap {result['max_gap_s']:.0f} s", fontsize=9)
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
