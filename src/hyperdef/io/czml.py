"""A run as a time-dynamic CZML scene for Cesium (and STK, which reads the same format).

CZML is a JSON array of packets (CZML Guide and Packet reference, czml-writer wiki, Analytical
Graphics/Cesium, CZML version 1.0): a `document` packet with the clock, then one packet per entity.
Every position here is ECEF (`"referenceFrame": "FIXED"`) sampled at seconds after the scenario
epoch, so the file carries the run's own frame and time grid without re-sampling.

The scene: threat paths coloured by kind, satellites with their orbit paths, radar sites with
coverage domes, sensor→threat access lines while the sensor detects the threat, firm tracks with
3σ covariance ellipsoids, predicted footprints, defended areas, interceptor sites. The run's
metadata (hyperdef version, epoch, Monte Carlo sample, legend) sits in the custom properties of
one packet with id `hyperdef`, because strict CZML readers (czml3) accept only id, name, version,
description and clock on the document packet.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from hyperdef.constants import GM_M3PS2, WGS84_A_M, WGS84_B_M
from hyperdef.status import Status

META_ID = "hyperdef"
THREAT_RGB = {"glide": (255, 90, 40), "ballistic": (255, 215, 0), "cruise": (230, 80, 230)}
RGB = {"threat": (255, 255, 255), "satellite": (120, 200, 255), "radar": (90, 230, 120),
       "access": (0, 255, 255), "track": (255, 255, 255), "footprint": (255, 60, 60),
       "area": (60, 140, 255), "interceptor": (40, 220, 160), "IR field of regard": (255, 170, 60)}
#: Legend row → the entity-id prefix whose presence puts it in the legend.
LEGEND_PREFIX = {"satellite": "sat/", "radar": "radar/", "access": "access/", "track": "track/",
                 "footprint": "footprint/", "area": "area/", "interceptor": "interceptor/",
                 "IR field of regard": "for/"}
MEAN_EARTH_RADIUS_M = 6371008.8  # IUGG mean radius R1 (Moritz, Geodetic Reference System 1980)
SPACE_ALT_M = 100e3  # a platform above the Kármán line is drawn as a satellite, below as a site


def _rgba(rgb, alpha=255):
    return {"rgba": [*rgb, alpha]}


def _field(item, key):
    """Areas, footprints and sites come as dicts (YAML) or frozen models (scenario specs)."""
    return item[key] if isinstance(item, Mapping) else getattr(item, key)


def _label(text, rgb):
    return {"text": text, "font": "13px sans-serif", "fillColor": _rgba(rgb),
            "horizontalOrigin": "LEFT", "pixelOffset": {"cartesian2": [9, 0]},
            "showBackground": True, "backgroundColor": _rgba((0, 0, 0), 140)}


def _sampled(values, t_s, mask, decimals=None):
    """Flat CZML samples [t0, v0..., t1, v1..., ...] of the rows where mask holds.

    values: (T, n) or (T,); t_s: (T,) seconds after epoch; mask: (T,) bool; decimals: rounding
    of the values (3 for metres: a millimetre, far below any sensor's resolution; None keeps all).
    """
    v = np.asarray(values, dtype=np.float64).reshape(len(t_s), -1)
    keep = mask & np.all(np.isfinite(v), axis=1)
    v = v[keep] if decimals is None else np.round(v[keep], decimals)
    return np.concatenate([np.round(t_s[keep], 6)[:, None], v], axis=1).ravel().tolist()


def _runs(mask):
    """(start, stop) index pairs, inclusive, of the runs of True in a (T,) bool mask."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[0::2], edges[1::2] - 1, strict=True))


class _Clock:
    """Epoch-relative seconds to ISO-8601 instants and intervals."""

    def __init__(self, epoch, t_s):
        self.epoch, self.t_s = epoch, np.asarray(t_s, dtype=np.float64)
        self.iso = epoch.isoformat()

    def at(self, t_s):
        return self.epoch.to_datetime(float(t_s)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def interval(self, t0_s, t1_s):
        return f"{self.at(t0_s)}/{self.at(t1_s)}"

    def availability(self, mask, hold=False):
        """Intervals where mask holds; hold=True keeps each run up to the next grid time."""
        last = len(self.t_s) - 1
        out = [self.interval(self.t_s[i0], self.t_s[min(i1 + 1, last) if hold else i1])
               for i0, i1 in _runs(mask)]
        return out[0] if len(out) == 1 else out

    def position(self, r_m, mask, degree=1):
        algorithm = "LINEAR" if degree == 1 else "LAGRANGE"
        return {"epoch": self.iso, "referenceFrame": "FIXED", "interpolationAlgorithm": algorithm,
                "interpolationDegree": degree, "cartesian": _sampled(r_m, self.t_s, mask, 3)}

    def number(self, values, mask):
        return {"epoch": self.iso, "number": _sampled(values, self.t_s, mask, 6)}


def covariance_ellipsoid(P_pos_ecef_m2, n_sigma=3.0):
    """Principal axes of position covariances as ellipsoid radii and a body→ECEF quaternion.

    P = R·diag(σ1², σ2², σ3²)·Rᵀ (eigendecomposition of a symmetric matrix); the ellipsoid's body
    axes are R's columns, so R rotates body to ECEF, as Cesium's entity orientation expects.
    P_pos_ecef_m2: (..., 3, 3) position covariance, ECEF [m²]
    returns: radii_m (..., 3) = n_sigma·σ [m]; quat_xyzw (..., 4) unit quaternion (x, y, z, w),
    the order of CZML's `unitQuaternion`.
    """
    P = np.asarray(P_pos_ecef_m2, dtype=np.float64)
    lam, vec = np.linalg.eigh(0.5 * (P + np.swapaxes(P, -1, -2)))
    # eigh may return a reflection; flipping one axis leaves the ellipsoid unchanged.
    vec[..., :, 2] *= np.sign(np.linalg.det(vec))[..., None]
    radii = n_sigma * np.sqrt(np.clip(lam, 0.0, None))
    quat = Rotation.from_matrix(vec.reshape(-1, 3, 3)).as_quat().reshape(*P.shape[:-2], 4)
    return radii, quat


def _continuous(quat):
    """(T, 4) quaternions with signs chosen so neighbours agree (q and −q are one rotation)."""
    flips = np.sign(np.sum(quat[1:] * quat[:-1], axis=-1))
    flips[flips == 0] = 1.0
    out = quat.copy()
    out[1:] *= np.cumprod(flips)[:, None]
    return out


def _status_name(code):
    try:
        return Status(code).name
    except ValueError:
        return str(code)


def _spec_kind(spec):
    """The sensor spec's `kind` ('space_ir' | 'radar'), or None when no spec was given."""
    return None if spec is None else getattr(spec, "kind", None)


def _threats(clk, truth, s):
    packets = []
    for o, name in enumerate(truth.names):
        mask = np.asarray(truth.in_flight[s, o], bool) & np.isfinite(truth.alt_m[s, o])
        if not mask.any():
            continue
        kind = truth.kinds[o]
        rgb = THREAT_RGB.get(kind, RGB["threat"])
        status = _status_name(int(truth.status[s, o]))
        packets.append({
            "id": f"threat/{name}", "name": name, "availability": clk.availability(mask),
            "description": (f"<p>Threat <b>{html.escape(name)}</b> ({html.escape(kind)}), end "
                            f"status {status}; max altitude "
                            f"{np.nanmax(truth.alt_m[s, o]) / 1e3:.1f} km, max speed "
                            f"{np.nanmax(truth.speed_mps[s, o]):.0f} m/s.</p>"),
            "position": clk.position(truth.r_ecef_m[s, o], mask),
            "point": {"pixelSize": 8, "color": _rgba(rgb), "outlineColor": _rgba((0, 0, 0)),
                      "outlineWidth": 1},
            "path": {"width": 2, "leadTime": 0, "trailTime": float(clk.t_s[-1] - clk.t_s[0]),
                     "resolution": 5, "material": {"solidColor": {"color": _rgba(rgb)}}},
            "label": _label(name, rgb),
            "properties": {"kind": kind, "status": status,
                           "alt_km": clk.number(truth.alt_m[s, o] / 1e3, mask),
                           "speed_mps": clk.number(truth.speed_mps[s, o], mask),
                           "mach": clk.number(truth.mach[s, o], mask),
                           "temp_k": clk.number(truth.temp_k[s, o], mask)},
        })
    return packets


def _platform_ids(name, kind, r_ecef_m):
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


def _for_packets(clk, name, spec, r_ecef_m, ids):
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
                         "material": {"solidColor": {"color": _rgba(RGB["IR field of regard"],
                                                                    35)}},
                         "outline": True,
                         "outlineColor": _rgba(RGB["IR field of regard"], 160)}}
            for p in range(len(ids)) if np.isfinite(radius[p])]


def _sensor_packets(clk, name, spec, r_ecef_m, ids, in_space):
    packets = []
    everywhere = np.ones(len(clk.t_s), bool)
    for p, pid in enumerate(ids):
        r_m = r_ecef_m[p]
        base = {"id": pid, "name": f"{name} {p}" if len(ids) > 1 else name,
                "position": clk.position(r_m, everywhere, degree=5 if in_space else 1),
                "properties": {"sensor": name, "kind": _spec_kind(spec) or
                               ("space" if in_space else "ground")}}
        if in_space:
            a_m = float(np.nanmean(np.linalg.norm(r_m, axis=-1)))
            half_period_s = np.pi * np.sqrt(a_m**3 / GM_M3PS2)
            # Labelled on hover only (the viewer shows it): dozens of names would hide the scene.
            label = _label(base["name"], RGB["satellite"]) | {"show": False}
            base.update(point={"pixelSize": 6, "color": _rgba(RGB["satellite"])}, label=label,
                        path={"width": 1, "leadTime": half_period_s, "trailTime": half_period_s,
                              "resolution": 60,
                              "material": {"solidColor": {"color": _rgba(RGB["satellite"], 110)}}})
        else:
            base.update(point={"pixelSize": 9, "color": _rgba(RGB["radar"])},
                        label=_label(base["name"], RGB["radar"]))
            range_km = getattr(spec, "max_range_km", None)
            if range_km:
                # Upper hemisphere of the instrumented range in the site's east-north-up frame;
                # the 4/3-Earth horizon cuts the real coverage below this dome. A wireframe, so
                # that clicks on the threats inside it reach them.
                r = 1e3 * float(range_km)
                base["ellipsoid"] = {
                    "radii": {"cartesian": [r, r, r]}, "maximumCone": np.pi / 2, "fill": False,
                    "outline": True, "outlineColor": _rgba(RGB["radar"], 110),
                    "slicePartitions": 24, "stackPartitions": 8}
        packets.append(base)
    return packets


def _clear_los(a_m, b_m):
    """(...,) segment a→b misses the WGS84 ellipsoid shrunk by 1 km (REFERENCES: occlusion)."""
    scale = np.array([1 / (WGS84_A_M - 1e3), 1 / (WGS84_A_M - 1e3), 1 / (WGS84_B_M - 1e3)])
    a, d = a_m * scale, (b_m - a_m) * scale
    t = np.clip(-np.sum(a * d, -1) / np.maximum(np.sum(d * d, -1), 1e-30), 0.0, 1.0)
    return np.linalg.norm(a + t[..., None] * d, axis=-1) >= 1.0


def _access(clk, truth, s, name, detected, r_ecef_m, ids):
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
                             "material": {"solidColor": {"color": _rgba(RGB["access"], 200)}},
                             "positions": {"references": [f"{ids[p]}#position",
                                                          f"threat/{threat}#position"]}},
            })
    return packets


def _tracks(clk, trackset, s):
    packets = []
    for k, track_id in enumerate(np.asarray(trackset.track_ids).tolist()):
        x = np.asarray(trackset.x[s, k], dtype=np.float64)
        firm = (np.asarray(trackset.state[s, k]) == 2) & np.all(np.isfinite(x[:, :3]), -1)
        P = np.asarray(trackset.P[s, k, :, :3, :3], dtype=np.float64)
        firm &= np.all(np.isfinite(P), axis=(-1, -2))
        if not firm.any():
            continue
        radii, quat = covariance_ellipsoid(np.where(firm[:, None, None], P, np.eye(3)))
        quat[firm] = _continuous(quat[firm])
        sigma_m = np.sqrt(np.trace(P, axis1=-2, axis2=-1) / 3.0)
        packets.append({
            "id": f"track/{track_id}", "name": f"track {track_id}",
            "availability": clk.availability(firm),
            "description": f"<p>Firm track {track_id}; ellipsoid = 3σ position covariance.</p>",
            "position": clk.position(x[:, :3], firm),
            "orientation": {"epoch": clk.iso, "interpolationAlgorithm": "LINEAR",
                            "unitQuaternion": _sampled(quat, clk.t_s, firm)},
            "point": {"pixelSize": 5, "color": _rgba(RGB["track"])},
            "ellipsoid": {"radii": {"epoch": clk.iso,
                                    "cartesian": _sampled(radii, clk.t_s, firm, 3)},
                          "material": {"solidColor": {"color": _rgba(RGB["track"], 90)}}},
            "path": {"width": 1, "leadTime": 0, "trailTime": 300.0,
                     "material": {"polylineDash": {"color": _rgba(RGB["track"], 200)}}},
            "properties": {"track_id": track_id, "state": "firm",
                           "sigma_pos_m": clk.number(sigma_m, firm)},
        })
    return packets


_FOOTPRINT_NAMES = {"reachable": "reachable footprint",
                    "impact_ellipse_95": "95 % impact ellipse (no-manoeuvre extrapolation)"}


def _has(item, key) -> bool:
    return (key in item) if isinstance(item, dict) else hasattr(item, key)


def _footprint_description(fp, kind) -> str:
    """What the polygon is, in words: a glider's reachable set, or an extrapolated ellipse; the
    point impact, when given, is always labelled as the no-manoeuvre extrapolation it is."""
    lines = [{"reachable": "Reachable footprint: every point the vehicle could still reach "
                           "under its manoeuvre limits, from the firm track at this time.",
              "impact_ellipse_95": "95 % impact ellipse of a no-manoeuvre extrapolation of the "
                                   "firm track at this time."}.get(kind, "Predicted footprint.")]
    imp = _field(fp, "predicted_impact") if _has(fp, "predicted_impact") else None
    if imp:
        lines.append(f"Impact if no further manoeuvre (extrapolation): {imp['lat_deg']:.2f}°, "
                     f"{imp['lon_deg']:.2f}° ± {imp['sigma_km']:.0f} km (1σ).")
    return "<p>" + "</p><p>".join(lines) + "</p>"


def _footprints(clk, footprints):
    packets, by_threat = [], {}
    for fp in footprints:
        by_threat.setdefault(_field(fp, "threat"), []).append(fp)
    for threat, fps in by_threat.items():
        fps = sorted(fps, key=lambda f: float(_field(f, "t_s")))
        ends = [float(_field(f, "t_s")) for f in fps[1:]] + [float(clk.t_s[-1])]
        for i, (fp, t1) in enumerate(zip(fps, ends, strict=True)):
            ring = np.asarray(_field(fp, "polygon"), dtype=np.float64)   # (n, 2) lat, lon [deg]
            lonlat0 = np.column_stack([ring[:, 1], ring[:, 0], np.zeros(len(ring))])
            kind = _field(fp, "kind") if _has(fp, "kind") else None
            packets.append({
                "id": f"footprint/{threat}/{i}",
                "name": f"{_FOOTPRINT_NAMES.get(kind, 'footprint')} {threat}",
                "description": _footprint_description(fp, kind),
                "availability": clk.interval(float(_field(fp, "t_s")), t1),
                "polygon": {"positions": {"cartographicDegrees": lonlat0.ravel().tolist()},
                            "height": 0, "material": {"solidColor": {
                                "color": _rgba(RGB["footprint"], 90)}},
                            "outline": True, "outlineColor": _rgba(RGB["footprint"])},
            })
    return packets


def _sites(items, kind, fill_alpha, radius_key):
    packets = []
    for item in items:
        name, rgb = _field(item, "name"), RGB[kind]
        r_m = 1e3 * float(_field(item, radius_key))
        packets.append({
            "id": f"{kind}/{name}", "name": name,
            "description": f"<p>{kind} <b>{html.escape(name)}</b>, radius {r_m / 1e3:.0f} km.</p>",
            "position": {"cartographicDegrees": [float(_field(item, "lon_deg")),
                                                 float(_field(item, "lat_deg")), 0.0]},
            "point": {"pixelSize": 7, "color": _rgba(rgb)}, "label": _label(name, rgb),
            "ellipse": {"semiMajorAxis": r_m, "semiMinorAxis": r_m, "height": 0,
                        "fill": fill_alpha > 0, "material": {"solidColor": {
                            "color": _rgba(rgb, fill_alpha)}},
                        "outline": True, "outlineColor": _rgba(rgb)},
        })
    return packets


def _legend(packets, threat_kinds):
    """Legend rows for the kinds present in the scene only."""
    rows = [(f"threat: {k}", c) for k, c in THREAT_RGB.items() if k in threat_kinds]
    ids = [str(p.get("id", "")) for p in packets]
    rows += [(k, RGB[k]) for k, prefix in LEGEND_PREFIX.items()
             if any(i.startswith(prefix) for i in ids)]
    return json.dumps([{"label": label, "rgb": list(rgb)} for label, rgb in rows])


def write_czml(path, *, epoch, truth, observation=None, trackset=None, sensors=(),
               defended_areas=(), footprints=(), interceptors=(), sample_index=0,
               hyperdef_version):
    """Write one Monte Carlo sample of a run as a CZML scene; return the number of entities.

    truth: Truth-like (names, kinds, t_s (T,), r_ecef_m (S,O,T,3) ECEF [m] NaN out of flight,
    alt_m, speed_mps, mach, temp_k (S,O,T), in_flight (S,O,T), status (S,O)); observation:
    platforms {sensor: (P,T,3) ECEF [m]}, detected {sensor: (S,O,T) bool}; trackset: track_ids
    (K,), x (S,K,T,6) ECEF [m, m/s], P (S,K,T,6,6), state (S,K,T) (2 = firm); sensors: specs with
    name, kind ('space_ir'|'radar') and max_range_km for radars; defended_areas: {name, lat_deg,
    lon_deg, radius_km}; footprints: {threat, t_s, polygon [(lat_deg, lon_deg), ...]};
    interceptors: {name, lat_deg, lon_deg, max_range_km}. The entity count excludes the document.
    """
    clk, s = _Clock(epoch, truth.t_s), int(sample_index)
    if not 0 <= s < np.shape(truth.r_ecef_m)[0]:
        raise IndexError(f"sample_index={s}: truth has {np.shape(truth.r_ecef_m)[0]} samples; "
                         "pass an index in range")
    t0, t1 = float(clk.t_s[0]), float(clk.t_s[-1])
    document = {"id": "document", "name": f"hyperdef {hyperdef_version} scene", "version": "1.0",
                "clock": {"interval": clk.interval(t0, t1), "currentTime": clk.at(t0),
                          "multiplier": 10, "range": "LOOP_STOP",
                          "step": "SYSTEM_CLOCK_MULTIPLIER"}}
    meta = {"id": META_ID, "name": "hyperdef run",
            "properties": {"hyperdef_version": str(hyperdef_version), "epoch_utc": clk.iso,
                           "sample_index": s}}
    packets = [meta, *_threats(clk, truth, s)]
    specs = {spec.name: spec for spec in sensors}
    if observation is not None:
        for name, r_ecef_m in observation.platforms.items():
            r_ecef_m = np.asarray(r_ecef_m, dtype=np.float64)
            spec = specs.get(name)
            ids, in_space = _platform_ids(name, _spec_kind(spec), r_ecef_m)
            packets += _sensor_packets(clk, name, spec, r_ecef_m, ids, in_space)
            if in_space:
                packets += _for_packets(clk, name, spec, r_ecef_m, ids)
            if name in observation.detected:
                packets += _access(clk, truth, s, name, np.asarray(observation.detected[name]),
                                   r_ecef_m, ids)
    if trackset is not None:
        packets += _tracks(clk, trackset, s)
    packets += _footprints(clk, footprints)
    packets += _sites(defended_areas, "area", 60, "radius_km")
    packets += _sites(interceptors, "interceptor", 0, "max_range_km")
    meta["properties"]["legend"] = _legend(packets, set(truth.kinds))
    ids = [p["id"] for p in packets]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"entity ids {dup} repeat: give threats, sensors, areas and sites "
                         "unique names")
    Path(path).write_text(json.dumps([document, *packets], allow_nan=False,
                                     separators=(",", ":")), encoding="utf-8")
    return len(packets)


def read_scene_version(path):
    """The hyperdef version that wrote a CZML scene, or None if it carries none."""
    packets = json.loads(Path(path).read_text(encoding="utf-8"))
    for packet in packets if isinstance(packets, list) else ():
        if isinstance(packet, dict) and packet.get("id") == META_ID:
            return (packet.get("properties") or {}).get("hyperdef_version")
    return None
