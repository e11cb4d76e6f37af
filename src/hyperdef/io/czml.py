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

import json
from pathlib import Path

import numpy as np

from hyperdef.io.czml_objects import (
    covariance_ellipsoid,
    footprint_packets,
    site_packets,
    threat_packets,
    track_packets,
)
from hyperdef.io.czml_sensors import (
    access_packets,
    footprint_radius_m,
    for_packets,
    platform_ids,
    sensor_packets,
    spec_kind,
)
from hyperdef.io.czml_style import LEGEND_PREFIX, META_ID, RGB, THREAT_RGB, Clock

__all__ = ["covariance_ellipsoid", "footprint_radius_m", "read_scene_version", "write_czml"]


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
    clk, s = Clock(epoch, truth.t_s), int(sample_index)
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
    packets = [meta, *threat_packets(clk, truth, s)]
    specs = {spec.name: spec for spec in sensors}
    if observation is not None:
        for name, r_ecef_m in observation.platforms.items():
            r_ecef_m = np.asarray(r_ecef_m, dtype=np.float64)
            spec = specs.get(name)
            ids, in_space = platform_ids(name, spec_kind(spec), r_ecef_m)
            packets += sensor_packets(clk, name, spec, r_ecef_m, ids, in_space)
            if in_space:
                packets += for_packets(clk, name, spec, r_ecef_m, ids)
            if name in observation.detected:
                packets += access_packets(clk, truth, s, name,
                                          np.asarray(observation.detected[name]), r_ecef_m, ids)
    if trackset is not None:
        packets += track_packets(clk, trackset, s)
    packets += footprint_packets(clk, footprints)
    packets += site_packets(defended_areas, "area", 60, "radius_km")
    packets += site_packets(interceptors, "interceptor", 0, "max_range_km")
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
