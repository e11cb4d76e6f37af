"""The coverage map: the ≥ 1-fold coverage time fraction per grid cell of
hyperdef.sensors.coverage.coverage, as a PNG (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path


def coverage_figure(result, path) -> Path:
    """Write a PNG map of the ≥ 1-fold coverage time fraction per cell of `result` (a
    hyperdef.sensors.coverage.CoverageResult, which carries the per-cell `map`); returns the
    path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid_map = getattr(result, "map", None)
    if grid_map is None:
        raise ValueError("coverage_figure needs the result of coverage() (it carries the map); "
                         "a result read back from JSON has no per-cell data")
    lat, lon = grid_map["lat_deg"], grid_map["lon_deg"]
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    mesh = ax.pcolormesh(lon, lat, grid_map["fraction_ge1"], vmin=0.0, vmax=1.0,
                         cmap="viridis", shading="nearest")
    fig.colorbar(mesh, ax=ax, label="time fraction seen by ≥ 1 satellite")
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ax.set_title(f"{', '.join(result['sensors']) or 'no space sensors'} at "
                 f"{result['alt_m'] / 1e3:g} km: ≥1 {100 * result['fraction_ge1']:.1f} %, "
                 f"≥2 {100 * result['fraction_ge2']:.1f} %, max gap {result['max_gap_s']:.0f} s",
                 fontsize=9)
    ax.set_aspect("equal")
    out = Path(path)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out
