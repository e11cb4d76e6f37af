"""Ground geometry of footprints: a local plane about a point, star-shaped hulls, polygon areas.

Local plane: the azimuthal equidistant projection on the mean sphere (Snyder, *Map Projections —
A Working Manual*, USGS PP 1395, 1987, §25): (east, north) = distance·(sin az, cos az) along the
great circle, exact in distance and azimuth from the centre, so covariances of impact points
are taken in it. Areas: the Lambert azimuthal equal-area projection about the polygon's centre
(Snyder 1987, Eqs. 24-2, 24-3), where the planar shoelace area is the spherical area of the same
vertices joined by projected-straight edges. Everything works with unit vectors and great-circle
kernels (`hyperdef.earth.distance`), so the antimeridian and the poles need no special case.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from jax.typing import ArrayLike

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.earth.distance import destination, great_circle_m, initial_bearing_rad


def to_local_km(lat_rad: ArrayLike, lon_rad: ArrayLike, lat0_rad: ArrayLike,
                lon0_rad: ArrayLike) -> np.ndarray:
    """(…, 2) azimuthal-equidistant (east, north) [km] of points about (lat0, lon0) on the mean
    sphere (Snyder 1987, §25): distance and initial bearing along the great circle."""
    d = np.asarray(great_circle_m(lat0_rad, lon0_rad, lat_rad, lon_rad)) / 1e3
    az = np.asarray(initial_bearing_rad(lat0_rad, lon0_rad, lat_rad, lon_rad))
    return np.stack([d * np.sin(az), d * np.cos(az)], axis=-1)


def from_local_km(en_km: ArrayLike, lat0_rad: ArrayLike,
                  lon0_rad: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of `to_local_km`: (…, 2) (east, north) [km] → (lat_rad, lon_rad)."""
    en = np.asarray(en_km, np.float64)
    dist_m = np.hypot(en[..., 0], en[..., 1]) * 1e3
    az = np.arctan2(en[..., 0], en[..., 1])
    lat, lon = destination(lat0_rad, lon0_rad, az, dist_m)
    return np.asarray(lat), np.asarray(lon)


def star_polygon(lat_rad: ArrayLike, lon_rad: ArrayLike, lat0_rad: float, lon0_rad: float,
                 bins: int) -> list[list[float]]:
    """Star-shaped hull about an origin: the farthest point in each occupied azimuth bin, joined in
    azimuth order; when those points leave an angular gap wider than 180° (the origin is outside
    their fan, as behind a glider) the origin closes the ring across that gap.

    lat_rad, lon_rad: (N,) points [rad] (NaN entries are skipped); lat0_rad, lon0_rad: origin
    [rad]; bins: azimuth bins. Returns [[lat_deg, lon_deg], …] (open ring, increasing azimuth).
    """
    lat_rad, lon_rad = np.asarray(lat_rad, np.float64), np.asarray(lon_rad, np.float64)
    ok = np.isfinite(lat_rad) & np.isfinite(lon_rad)
    # Kernels run on the whole (fixed-size) batch, NaNs masked after: one compilation per size.
    d = np.asarray(great_circle_m(lat0_rad, lon0_rad, np.where(ok, lat_rad, 0.0),
                                  np.where(ok, lon_rad, 0.0)))
    az = np.asarray(initial_bearing_rad(lat0_rad, lon0_rad, np.where(ok, lat_rad, 0.0),
                                        np.where(ok, lon_rad, 0.0)))
    k = np.where(ok, np.minimum((az / (2.0 * np.pi) * bins).astype(int), bins - 1), -1)
    farthest = []
    for b in np.unique(k[ok]):
        sel = np.flatnonzero(k == b)
        farthest.append(sel[np.argmax(d[sel])])
    keep = np.asarray(farthest)
    keep = keep[np.argsort(az[keep])]
    # Sampled schedules leave the envelope jagged between samples: lift each bin's radius to the
    # largest of it and its occupied neighbours (a max filter of ±1 bin), a conservative fill.
    kb = k[keep]
    r = d[keep]
    r_near = r.copy()
    for shift in (-1, 1):
        nb = np.searchsorted(kb, (kb + shift) % bins)
        hit = (nb < kb.size) & (kb[np.minimum(nb, kb.size - 1)] == (kb + shift) % bins)
        r_near = np.where(hit, np.maximum(r_near, r[np.minimum(nb, kb.size - 1)]), r_near)
    az_pad, r_pad = np.zeros(bins), np.zeros(bins)  # fixed shape (bins,) for `destination`
    az_pad[:keep.size], r_pad[:keep.size] = az[keep], r_near
    lat_v, lon_v = (np.asarray(a)[:keep.size] for a in destination(lat0_rad, lon0_rad, az_pad,
                                                                     r_pad))
    ring = [[float(a), float(b)] for a, b in zip(np.degrees(lat_v), np.degrees(lon_v),
                                                  strict=True)]
    gaps = np.diff(np.append(az[keep], az[keep][0] + 2.0 * np.pi))
    widest = int(np.argmax(gaps))
    if gaps[widest] > np.pi:  # the fan does not surround the origin: close it through the origin
        ring = ring[widest + 1:] + ring[:widest + 1]
        ring.insert(0, [float(np.degrees(lat0_rad)), float(np.degrees(lon0_rad))])
    return continuous_ring(ring)


def continuous_ring(ring: npt.ArrayLike) -> list[list[float]]:
    """The ring [[lat_deg, lon_deg], …] with longitudes unwrapped so that consecutive vertices
    (and the closing edge) differ by less than 180°; the first vertex keeps its value.

    A ring across the antimeridian stored as 179.5, −179.5 is read by every planar consumer
    (matplotlib, GeoJSON tools, a CZML polygon) as an edge all the way round the Earth, and the
    footprint is drawn over the wrong hemisphere. With continuous longitudes (179.5, 180.5) the
    edge is the short one; angles differ by whole turns only, so the geometry is unchanged.
    Valid for rings that do not enclose a pole (footprints span at most a few thousand km).
    """
    p = np.asarray(ring, np.float64).reshape(-1, 2)
    if len(p) == 0:
        return []
    lon = np.degrees(np.unwrap(np.radians(p[:, 1])))
    lon += p[0, 1] - lon[0]
    return [[float(a), float(b)] for a, b in zip(p[:, 0], lon, strict=True)]


def _centre(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[float, float]:
    """Spherical centroid direction of points [deg] → (lat_rad, lon_rad)."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    u = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1).sum(0)
    return float(np.arctan2(u[2], np.hypot(u[0], u[1]))), float(np.arctan2(u[1], u[0]))


def lambert_xy_km(lat_rad: ArrayLike, lon_rad: ArrayLike, lat0_rad: float, lon0_rad: float,
                  radius_km: float = R_EARTH_MEAN_M / 1e3) -> np.ndarray:
    """(…, 2) Lambert azimuthal equal-area (x east, y north) [km] (Snyder 1987, Eqs. 24-2/24-3)."""
    dlon = lon_rad - lon0_rad
    cosc = (np.sin(lat0_rad) * np.sin(lat_rad)
            + np.cos(lat0_rad) * np.cos(lat_rad) * np.cos(dlon))
    k = np.sqrt(2.0 / np.clip(1.0 + cosc, 1e-12, None))
    x = radius_km * k * np.cos(lat_rad) * np.sin(dlon)
    y = radius_km * k * (np.cos(lat0_rad) * np.sin(lat_rad)
                         - np.sin(lat0_rad) * np.cos(lat_rad) * np.cos(dlon))
    return np.stack([x, y], axis=-1)


def polygon_area_km2(polygon: npt.ArrayLike) -> float:
    """Area [km²] of a ring [[lat_deg, lon_deg], …] on the mean sphere (equal-area shoelace)."""
    p = np.asarray(polygon, np.float64)
    if len(p) < 3:
        return 0.0
    lat0, lon0 = _centre(p[:, 0], p[:, 1])
    xy = lambert_xy_km(np.radians(p[:, 0]), np.radians(p[:, 1]), lat0, lon0)
    x, y = xy[:, 0], xy[:, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def polygon_contains(polygon: npt.ArrayLike, lat_deg: float,
                     lon_deg: float) -> bool:
    """True if the point lies inside the ring (even-odd rule on the equal-area projection)."""
    p = np.asarray(polygon, np.float64)
    if len(p) < 3:
        return False
    lat0, lon0 = _centre(p[:, 0], p[:, 1])
    xy = lambert_xy_km(np.radians(p[:, 0]), np.radians(p[:, 1]), lat0, lon0)
    qx, qy = lambert_xy_km(np.radians(lat_deg), np.radians(lon_deg), lat0, lon0)
    # Count the edges a ray from the point towards +x crosses (half-open in y, so a vertex on
    # the ray is counted once): an odd count is inside.
    x0, y0 = xy[:, 0], xy[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    spans = (y0 > qy) != (y1 > qy)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x0 + (qy - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(spans & (x_cross > qx)) % 2)
