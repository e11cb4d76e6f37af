"""CZML packets of the sensors (hyperdef.io.czml): satellites with their orbit paths and
nadir-cone footprints, radar sites with coverage domes, and sensor→threat access lines."""

from __future__ import annotations

import numpy as np

from hyperdef.constants import GM_M3PS2, WGS84_A_M, WGS84_B_M
from hyperdef.io.czml_style import RGB, label, rgba

MEAN_EARTH_RADIUS_M = 6371008.8  # IUGG mean radius R1 (Moritz, Geodetic Reference System 1980)
SPACE_ALT_M = 100e3  # a platform above the Kármán line is drawn as a satellite, below as a site


def spec_kind(spec):
    """The sensor spec's `kind` ('space_ir' | 'radar'), or None when no spec was given."""
    return None if spec is None else getattr(spec, "kind", None)


def platform_ids(name, kind, r_ecef_m):
    """Entity ids and whether each platform (P, T, 3) is drawn as a satellite."""
    r = np.linalg.norm(np.asarray(r_ecef_m), axis=-1)
    in_space = bool(np.nanmedian(r) > WGS84_A_M + SPACE_ALT_M) if kind is None else (
        kind != "radar")
    prefix = "sat" if in_space else "radar"
    ids = [f"{prefix}/{name}/{p}" for p in range(r.shape[0])]
    return ids, in_space


def footprint_radius_m(alt_m, half_angle_rad, earth_radius_m=MEAN_EARTH_RADIUS_M):
    """Ground radius [m] (arc along a spherical Earth) of a nadir cone seen from altitude alt_m.

    Nadir angle η, angular radius of the Earth ρ (sin ρ = R/(R+h)), elevation at the edge ε
    (cos ε = sin η / sin ρ), Earth central angle λ = 90° − η − ε (Wertz & Larson, Space Mission
    Analysis and Design, 3rd ed., 1999, §5.2); a cone wider than the Earth's disc (η ≥ ρ) is
    limited by the horizon, λ = 90° − ρ. alt_m, half_angle_rad: (...) broadcast; returns (...).
    """
    rho = np.arcsin(earth_radius_m / (earth_radius_m + np.asarray(alt_m, np.float64)))
    eta = np.minimum(np.asarray(half_angle_rad, np.float64), rho)
    eps = np.arccos(np.clip(np.sin(eta) / np.sin(rho), -1.0, 1.0))
    return earth_radius_m * (np.pi / 2 - eta - eps)


def for_packets(clk, name, spec, r_ecef_m, ids):
    """The ground footprint of each satellite's nadir-cone field of regard, following it."""
    from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef

    fov = getattr(spec, "field_of_regard", None)
    if fov is None or getattr(fov, "kind", None) != "cone" or fov.pointing != "nadir":
        return []  # box or staring fields of regard are not drawn
    lat, lon, alt = (np.asarray(a) for a in ecef_to_geodetic(r_ecef_m))
    sub = np.asarray(geodetic_to_ecef(lat, lon, np.zeros_like(alt)))
    radius = footprint_radius_m(np.nanmedian(alt, axis=-1), np.radians(fov.half_angle_deg))
    everywhere = np.ones(len(clk.t_s), bool)
    return [{"id": f"for/{name}/{p}", "name": f"{ids[p]} field of regard",
             "position": clk.position(sub[p], everywhere, degree=5),
             "ellipse": {"semiMajorAxis": float(radius[p]), "semiMinorAxis": float(radius[p]),
                         "height": 0, "fill": True, "granularity": 0.02,
                         "material": {"solidColor": {"color": rgba(RGB["IR field of regard"],
                                                                    35)}},
                         "outline": True,
                         "outlineColor": rgba(RGB["IR field of regard"], 160)}}
            for p in range(len(ids)) if np.isfinite(radius[p])]


def sensor_packets(clk, name, spec, r_ecef_m, ids, in_space):
    packets = []
    everywhere = np.ones(len(clk.t_s), bool)
    for p, pid in enumerate(ids):
        r_m = r_ecef_m[p]
        base = {"id": pid, "name": f"{name} {p}" if len(ids) > 1 else name,
                "position": clk.position(r_m, everywhere, degree=5 if in_space else 1),
                "properties": {"sensor": name, "kind": spec_kind(spec) or
                               ("space" if in_space else "ground")}}
        if in_space:
            a_m = float(np.nanmean(np.linalg.norm(r_m, axis=-1)))
            half_period_s = np.pi * np.sqrt(a_m**3 / GM_M3PS2)
            # Labelled on hover only (the viewer shows it): dozens of names would hide the scene.
            hover = label(base["name"], RGB["satellite"]) | {"show": False}
            base.update(point={"pixelSize": 6, "color": rgba(RGB["satellite"])}, label=hover,
                        path={"width": 1, "leadTime": half_period_s, "trailTime": half_period_s,
                              "resolution": 60,
                              "material": {"solidColor": {"color": rgba(RGB["satellite"], 110)}}})
        else:
            base.update(point={"pixelSize": 9, "color": rgba(RGB["radar"])},
                        label=label(base["name"], RGB["radar"]))
            range_km = getattr(spec, "max_range_km", None)
            if range_km:
                # Upper hemisphere of the instrumented range in the site's east-north-up frame;
                # the 4/3-Earth horizon cuts the real coverage below this dome. A wireframe, so
                # that clicks on the threats inside it reach them.
                r = 1e3 * float(range_km)
                base["ellipsoid"] = {
                    "radii": {"cartesian": [r, r, r]}, "maximumCone": np.pi / 2, "fill": False,
                    "outline": True, "outlineColor": rgba(RGB["radar"], 110),
                    "slicePartitions": 24, "stackPartitions": 8}
        packets.append(base)
    return packets


def _clear_los(a_m, b_m):
    """(...,) segment a→b misses the WGS84 ellipsoid shrunk by 1 km (REFERENCES: occlusion)."""
    scale = np.array([1 / (WGS84_A_M - 1e3), 1 / (WGS84_A_M - 1e3), 1 / (WGS84_B_M - 1e3)])
    a, d = a_m * scale, (b_m - a_m) * scale
    t = np.clip(-np.sum(a * d, -1) / np.maximum(np.sum(d * d, -1), 1e-30), 0.0, 1.0)
    return np.linalg.norm(a + t[..., None] * d, axis=-1) >= 1.0


def access_packets(clk, truth, s, name, detected, r_ecef_m, ids):
    """Lines from the nearest clear-sighted platform to each threat while it is detected."""
    packets = []
    for o, threat in enumerate(truth.names):
        det = np.asarray(detected[s, o], bool) & np.all(np.isfinite(truth.r_ecef_m[s, o]), -1)
        if not det.any():
            continue
        tgt = truth.r_ecef_m[s, o][None]                          # (1, T, 3)
        rng = np.linalg.norm(r_ecef_m - tgt, axis=-1)            # (P, T)
        rng = np.where(_clear_los(r_ecef_m, tgt), rng, rng + 1e12)
        best = np.argmin(np.nan_to_num(rng, nan=np.inf), axis=0)  # (T,)
        for p in np.unique(best[det]):
            shown = det & (best == p)
            packets.append({
                "id": f"access/{name}/{p}/{threat}", "name": f"{ids[p]} → {threat}",
                "availability": clk.availability(shown, hold=True),
                "polyline": {"width": 1.5, "arcType": "NONE",
                             "material": {"solidColor": {"color": rgba(RGB["access"], 200)}},
                             "positions": {"references": [f"{ids[p]}#position",
                                                          f"threat/{threat}#position"]}},
            })
    return packets
