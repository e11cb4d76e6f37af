"""CZML packets of what flies and what is predicted (hyperdef.io.czml): threat paths, firm
tracks with 3σ covariance ellipsoids, predicted footprints, defended areas and interceptor
sites."""

from __future__ import annotations

import html

import numpy as np
from scipy.spatial.transform import Rotation

from hyperdef.io.czml_style import RGB, THREAT_RGB, field, has, label, rgba, sampled
from hyperdef.status import Status


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


def threat_packets(clk, truth, s):
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
            "point": {"pixelSize": 8, "color": rgba(rgb), "outlineColor": rgba((0, 0, 0)),
                      "outlineWidth": 1},
            "path": {"width": 2, "leadTime": 0, "trailTime": float(clk.t_s[-1] - clk.t_s[0]),
                     "resolution": 5, "material": {"solidColor": {"color": rgba(rgb)}}},
            "label": label(name, rgb),
            "properties": {"kind": kind, "status": status,
                           "alt_km": clk.number(truth.alt_m[s, o] / 1e3, mask),
                           "speed_mps": clk.number(truth.speed_mps[s, o], mask),
                           "mach": clk.number(truth.mach[s, o], mask),
                           "temp_k": clk.number(truth.temp_k[s, o], mask)},
        })
    return packets


def track_packets(clk, trackset, s):
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
                            "unitQuaternion": sampled(quat, clk.t_s, firm)},
            "point": {"pixelSize": 5, "color": rgba(RGB["track"])},
            "ellipsoid": {"radii": {"epoch": clk.iso,
                                    "cartesian": sampled(radii, clk.t_s, firm, 3)},
                          "material": {"solidColor": {"color": rgba(RGB["track"], 90)}}},
            "path": {"width": 1, "leadTime": 0, "trailTime": 300.0,
                     "material": {"polylineDash": {"color": rgba(RGB["track"], 200)}}},
            "properties": {"track_id": track_id, "state": "firm",
                           "sigma_pos_m": clk.number(sigma_m, firm)},
        })
    return packets


_FOOTPRINT_NAMES = {"reachable": "reachable footprint",
                    "impact_ellipse_95": "95 % impact ellipse (no-manoeuvre extrapolation)"}


def _footprint_description(fp, kind) -> str:
    """What the polygon is, in words: a glider's reachable set, or an extrapolated ellipse; the
    point impact, when given, is always labelled as the no-manoeuvre extrapolation it is."""
    lines = [{"reachable": "Reachable footprint: every point the vehicle could still reach "
                           "under its manoeuvre limits, from the firm track at this time.",
              "impact_ellipse_95": "95 % impact ellipse of a no-manoeuvre extrapolation of the "
                                   "firm track at this time."}.get(kind, "Predicted footprint.")]
    imp = field(fp, "predicted_impact") if has(fp, "predicted_impact") else None
    if imp:
        lines.append(f"Impact if no further manoeuvre (extrapolation): {imp['lat_deg']:.2f}°, "
                     f"{imp['lon_deg']:.2f}° ± {imp['sigma_km']:.0f} km (1σ).")
    return "<p>" + "</p><p>".join(lines) + "</p>"


def footprint_packets(clk, footprints):
    packets, by_threat = [], {}
    for fp in footprints:
        by_threat.setdefault(field(fp, "threat"), []).append(fp)
    for threat, fps in by_threat.items():
        fps = sorted(fps, key=lambda f: float(field(f, "t_s")))
        ends = [float(field(f, "t_s")) for f in fps[1:]] + [float(clk.t_s[-1])]
        for i, (fp, t1) in enumerate(zip(fps, ends, strict=True)):
            ring = np.asarray(field(fp, "polygon"), dtype=np.float64)   # (n, 2) lat, lon [deg]
            lonlat0 = np.column_stack([ring[:, 1], ring[:, 0], np.zeros(len(ring))])
            kind = field(fp, "kind") if has(fp, "kind") else None
            packets.append({
                "id": f"footprint/{threat}/{i}",
                "name": f"{_FOOTPRINT_NAMES.get(kind, 'footprint')} {threat}",
                "description": _footprint_description(fp, kind),
                "availability": clk.interval(float(field(fp, "t_s")), t1),
                "polygon": {"positions": {"cartographicDegrees": lonlat0.ravel().tolist()},
                            "height": 0, "material": {"solidColor": {
                                "color": rgba(RGB["footprint"], 90)}},
                            "outline": True, "outlineColor": rgba(RGB["footprint"])},
            })
    return packets


def site_packets(items, kind, fill_alpha, radius_key):
    packets = []
    for item in items:
        name, rgb = field(item, "name"), RGB[kind]
        r_m = 1e3 * float(field(item, radius_key))
        packets.append({
            "id": f"{kind}/{name}", "name": name,
            "description": f"<p>{kind} <b>{html.escape(name)}</b>, radius {r_m / 1e3:.0f} km.</p>",
            "position": {"cartographicDegrees": [float(field(item, "lon_deg")),
                                                 float(field(item, "lat_deg")), 0.0]},
            "point": {"pixelSize": 7, "color": rgba(rgb)}, "label": label(name, rgb),
            "ellipse": {"semiMajorAxis": r_m, "semiMinorAxis": r_m, "height": 0,
                        "fill": fill_alpha > 0, "material": {"solidColor": {
                            "color": rgba(rgb, fill_alpha)}},
                        "outline": True, "outlineColor": rgba(rgb)},
        })
    return packets
