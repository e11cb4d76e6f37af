"""N-fold coverage of a global or regional grid by space IR constellations.

A point at altitude `alt_m` above the ellipsoid is covered by a satellite when the satellite has
geometric access to it (the same test as detection: LOS clear of the Earth raised by the sensor's
grazing altitude, inside the field of regard, within range; hyperdef.sensors.space_ir.ir_access).
Signal strength is not considered: coverage is where a bright enough target *could* be seen.
Only `space_ir` sensors count; radars are ground-bound sensors with a few-thousand-km reach and
are left out of N-fold counts (they are listed under `ignored`).

The grid has cells of `grid_deg` × `grid_deg` (lat × lon) with the point at each cell centre and
the cell's exact area as its weight (A ∝ Δλ·(sin φ_hi − sin φ_lo)), so fractions are area
fractions. Times are t = 0, step_s, …, duration_s.

Reported (fractions are area- and time-averaged):
- fraction_ge1 / ge2 / ge3: share of (area × time) seen by ≥ 1, ≥ 2 (stereo), ≥ 3 satellites;
- max_gap_s: longest interval any point spends unseen (gaps cut by the start or end of the run
  count with the part inside the run); mean_gap_s: mean gap length, pooled over all gaps of all
  points, area-weighted (0 when there is none);
- mean_revisit_s: mean time between the starts of consecutive access periods at a point, pooled
  and area-weighted (None when no point is accessed twice, e.g. continuous coverage);
- by_lat_band: the three fractions per latitude band of band_deg.
Gap lengths are resolved to step_s.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel, earth_model
from hyperdef.sensors.params import SensorParams, SpaceIRSensor
from hyperdef.sensors.platforms import space_platforms
from hyperdef.sensors.space_ir import IRParams, ir_access, pointing
from hyperdef.time import Epoch, t_grid_s

MAX_CHUNK_CHECKS = 8_000_000


# (lat_lo, lat_hi, lon_lo, lon_hi) [deg].
Region = tuple[float, float, float, float]


# The summary is JSON: numbers, names, None and a list of per-band dicts, hence Any values.
class CoverageResult(dict[str, Any]):
    """The JSON-ready summary (a dict); `.map` holds the per-cell arrays (lat_deg (n_lat,),
    lon_deg (n_lon,), fraction_ge1 and fraction_ge2 (n_lat, n_lon)) that
    hyperdef.report.coverage_figure draws."""

    map: dict[str, np.ndarray]


def grid(region: Region, grid_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell-centre latitudes and longitudes [deg] (n_lat,), (n_lon,) and cell weights
    (n_lat, n_lon) proportional to cell area, for region (lat_lo, lat_hi, lon_lo, lon_hi)."""
    lat_lo, lat_hi, lon_lo, lon_hi = region
    n_lat = max(1, int(round((lat_hi - lat_lo) / grid_deg)))
    n_lon = max(1, int(round((lon_hi - lon_lo) / grid_deg)))
    lat_edges = np.linspace(lat_lo, lat_hi, n_lat + 1)
    lon_edges = np.linspace(lon_lo, lon_hi, n_lon + 1)
    band = np.diff(np.sin(np.radians(lat_edges)))
    w = band[:, None] * np.diff(np.radians(lon_edges))[None, :]
    return 0.5 * (lat_edges[1:] + lat_edges[:-1]), 0.5 * (lon_edges[1:] + lon_edges[:-1]), w


def _region(region: Mapping[str, float] | Sequence[float] | None) -> Region:
    if region is None:
        return (-90.0, 90.0, -180.0, 180.0)
    if isinstance(region, Mapping):
        return (region["lat_min_deg"], region["lat_max_deg"], region["lon_min_deg"],
                region["lon_max_deg"])
    # A sequence region has the four bounds the docstring of `coverage` lists.
    return cast(Region, tuple(float(x) for x in region))


@functools.lru_cache(maxsize=32)
def _count_fn(p: IRParams,
              earth: EarthModel) -> Callable[[np.ndarray, np.ndarray, jax.Array], jax.Array]:
    @jax.jit
    def count(r_sat: jax.Array, point: jax.Array, r_grid: jax.Array) -> jax.Array:
        """(G, Tc) number of satellites with access; r_sat (P, Tc, 3), r_grid (G, 3)."""
        ok = ir_access(r_sat[:, None], r_grid[None, :, None, :], point[:, None], p, earth)
        return jnp.sum(ok, axis=0, dtype=jnp.int32)
    return count


class _Runs:
    """Streaming gap / revisit statistics per grid point (vectorised over G points).

    A gap of n unseen samples between two seen ones lasts n·step_s (the midpoint estimate of a
    sampled gap); a gap cut by the start or the end of the run loses half a step at that end, so
    a point never seen has one gap of exactly the duration.
    """

    def __init__(self, w: np.ndarray) -> None:
        self.w = w
        self.gap = np.zeros(w.shape, np.int64)  # current unseen run [samples]
        self.from_start = np.ones(w.shape, bool)  # the current run began at t = 0
        self.max_gap_s = 0.0
        self.point_max_gap_s = np.zeros(w.shape)  # longest gap of each point [s]
        self.gap_sum = self.gap_w = 0.0
        self.prev = np.zeros(w.shape, bool)
        self.last_start = np.full(w.shape, -1.0)
        self.rev_sum = self.rev_w = 0.0

    def step(self, seen: np.ndarray, t: float, step_s: float) -> None:
        self._close(seen & (self.gap > 0), step_s, 0.0)
        self.from_start &= ~seen
        self.gap = np.where(seen, 0, self.gap + 1)
        start = seen & ~self.prev
        again = start & (self.last_start >= 0)
        self.rev_sum += float(np.sum(self.w[again] * (t - self.last_start[again])))
        self.rev_w += float(np.sum(self.w[again]))
        self.last_start = np.where(start, t, self.last_start)
        self.prev = seen

    def _close(self, mask: np.ndarray, step_s: float, end_cut: float) -> None:
        if mask.any():
            dur = (self.gap[mask] - 0.5 * self.from_start[mask] - end_cut) * step_s
            self.max_gap_s = max(self.max_gap_s, float(dur.max()))
            self.point_max_gap_s[mask] = np.maximum(self.point_max_gap_s[mask], dur)
            self.gap_sum += float(np.sum(self.w[mask] * dur))
            self.gap_w += float(np.sum(self.w[mask]))

    def finish(self, step_s: float) -> None:
        self._close(self.gap > 0, step_s, 0.5)


def _frac(weights: np.ndarray, values: np.ndarray) -> float:
    """Weighted mean of fractions with exactly rounded sums, so that all-1 gives exactly 1."""
    return math.fsum(weights * values) / math.fsum(weights)


def coverage(sensors: Sequence[SensorParams], *, epoch: Epoch | str | _dt.datetime,
             earth: EarthModel | str, duration_s: float, step_s: float, alt_m: float,
             region: Mapping[str, float] | Sequence[float] | None = None,
             grid_deg: float = 2.0, band_deg: float = 10.0) -> CoverageResult:
    """N-fold coverage of the space IR sensors in `sensors` (see the module docstring).

    sensors: resolved sensor records (hyperdef.sensors.params; radars are ignored); epoch:
    Epoch / ISO text; earth: EarthModel or name; duration_s, step_s: time grid [s]; alt_m:
    target altitude above the ellipsoid [m];
    region: None (global), (lat_lo, lat_hi, lon_lo, lon_hi) [deg] or a mapping with lat_min_deg,
    lat_max_deg, lon_min_deg, lon_max_deg; grid_deg: cell size [deg]; band_deg: latitude band
    width of `by_lat_band` [deg].
    """
    earth = earth_model(earth) if isinstance(earth, str) else earth
    epoch = epoch if isinstance(epoch, Epoch) else Epoch.parse(str(epoch))
    t = t_grid_s(duration_s, step_s)
    lat_c, lon_c, w2d = grid(_region(region), grid_deg)
    lat2d, lon2d = np.meshgrid(lat_c, lon_c, indexing="ij")
    r_grid = geodetic_to_ecef(np.radians(lat2d).ravel(), np.radians(lon2d).ravel(), alt_m, earth)
    w = w2d.ravel()
    counted = [s for s in sensors if isinstance(s, SpaceIRSensor)]
    views = []
    for sensor in counted:
        p = sensor.ir
        plat = space_platforms(sensor.platforms, t, epoch=epoch, earth=earth)
        point = pointing(jnp.asarray(plat.r_ecef_m), jnp.asarray(plat.v_ecef_mps), p)
        views.append((plat.r_ecef_m, np.asarray(point), _count_fn(p, earth)))
    n_sats = sum(v[0].shape[0] for v in views)
    ge = np.zeros((3, w.size))  # per point: time steps with ≥ 1, 2, 3
    runs = _Runs(w)
    chunk = max(1, MAX_CHUNK_CHECKS // max(1, w.size * max(1, n_sats)))
    for a in range(0, t.size, chunk):
        b = min(a + chunk, t.size)
        n = np.zeros((w.size, b - a), np.int32)
        for r_sat, point, count in views:
            n += np.asarray(count(r_sat[:, a:b], point[:, a:b], r_grid))
        for k in range(3):
            ge[k] += np.sum(n >= k + 1, axis=1)
        for j in range(b - a):
            runs.step(n[:, j] >= 1, float(t[a + j]), step_s)
    runs.finish(step_s)
    frac = ge / t.size  # (3, G) time fraction per point
    bands = []
    edges = np.arange(np.floor(lat_c.min() / band_deg) * band_deg,
                      lat_c.max() + band_deg, band_deg)
    for lo, hi in zip(edges[:-1], edges[1:], strict=False):
        sel = ((lat2d.ravel() >= lo) & (lat2d.ravel() < hi))
        if sel.any():
            bands.append({"lat_lo_deg": float(lo), "lat_hi_deg": float(hi),
                          **{f"fraction_ge{k + 1}": _frac(w[sel], frac[k, sel])
                             for k in range(3)}})
    result = CoverageResult(
        fraction_ge1=_frac(w, frac[0]),
        fraction_ge2=_frac(w, frac[1]),
        fraction_ge3=_frac(w, frac[2]),
        max_gap_s=runs.max_gap_s,
        mean_gap_s=float(runs.gap_sum / runs.gap_w) if runs.gap_w else 0.0,
        mean_revisit_s=float(runs.rev_sum / runs.rev_w) if runs.rev_w else None,
        by_lat_band=bands,
        alt_m=float(alt_m), duration_s=float(duration_s), step_s=float(step_s),
        grid_deg=float(grid_deg), satellites=int(n_sats),
        sensors=[s.name for s in counted],
        ignored=[s.name for s in sensors if not isinstance(s, SpaceIRSensor)],
    )
    result.map = {"lat_deg": lat_c, "lon_deg": lon_c,
                  "fraction_ge1": frac[0].reshape(w2d.shape),
                  "fraction_ge2": frac[1].reshape(w2d.shape),
                  "fraction_ge3": frac[2].reshape(w2d.shape),
                  "max_gap_s": runs.point_max_gap_s.reshape(w2d.shape)}
    return result

