"""The report's base map: Natural Earth 1:110m coastlines shipped with the package (public domain;
see data/PROVENANCE.md), drawn on a plate carrée map centred on the scene so that tracks across the
antimeridian stay in one piece.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np


@functools.lru_cache(maxsize=1)
def coastlines() -> list[np.ndarray]:
    """Coastline polylines, each (n, 2) [lon_deg, lat_deg] (Natural Earth 110m land boundaries)."""
    text = resources.files("hyperdef.report").joinpath("data/coastlines_110m.json").read_text()
    return [np.asarray(line, np.float64) for line in json.loads(text)["lines"]]


def central_lon(lon_deg) -> float:
    """Circular mean longitude [deg] of finite values (0 when there are none)."""
    lon = np.radians(np.asarray(lon_deg, np.float64))
    lon = lon[np.isfinite(lon)]
    if lon.size == 0:
        return 0.0
    return float(np.degrees(np.arctan2(np.sin(lon).mean(), np.cos(lon).mean())))


def wrap(lon_deg, centre_deg: float):
    """Longitudes [deg] shifted into [centre − 180, centre + 180)."""
    return (np.asarray(lon_deg, np.float64) - centre_deg + 180.0) % 360.0 - 180.0 + centre_deg


def split_at_seam(lon_deg, lat_deg, centre_deg: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Wrap a polyline about centre_deg and cut it where it jumps across the map's edge."""
    x = wrap(lon_deg, centre_deg)
    y = np.asarray(lat_deg, np.float64)
    cut = np.flatnonzero(np.abs(np.diff(x)) > 180.0) + 1
    return [(a, b) for a, b in zip(np.split(x, cut), np.split(y, cut), strict=True) if a.size > 1]


def draw_coastlines(ax, centre_deg: float, **style) -> None:
    """Draw every coastline on `ax` (x = wrapped longitude, y = latitude)."""
    kw = {"color": "0.55", "lw": 0.6, "zorder": 1} | style
    for line in coastlines():
        for x, y in split_at_seam(line[:, 0], line[:, 1], centre_deg):
            ax.plot(x, y, **kw)


def frame(ax, lon_deg, lat_deg, centre_deg: float, margin_deg: float = 6.0) -> None:
    """Set the map limits to the finite points plus a margin, with a plate carrée aspect."""
    x = wrap(np.asarray(lon_deg, np.float64).ravel(), centre_deg)
    y = np.asarray(lat_deg, np.float64).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        x, y, ok = np.array([centre_deg - 30, centre_deg + 30]), np.array([-20.0, 20.0]), [1, 1]
    x, y = x[np.asarray(ok, bool)], y[np.asarray(ok, bool)]
    x0, x1 = x.min() - margin_deg, x.max() + margin_deg
    y0, y1 = max(y.min() - margin_deg, -90.0), min(y.max() + margin_deg, 90.0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / max(np.cos(np.radians(0.5 * (y0 + y1))), 0.2))
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{(t + 180) % 360 - 180:g}" for t in ticks])
    ax.set_xlim(x0, x1)
    ax.grid(True, lw=0.3, alpha=0.5)


def circle_lonlat(lat_deg: float, lon_deg: float, radius_km: float, n: int = 96):
    """(lon_deg (n,), lat_deg (n,)) of a ground circle on the mean sphere (closed)."""
    from hyperdef.earth.distance import destination

    az = np.linspace(0.0, 2.0 * np.pi, n)
    lat, lon = destination(np.radians(lat_deg), np.radians(lon_deg), az, radius_km * 1e3)
    return np.degrees(np.asarray(lon)), np.degrees(np.asarray(lat))
