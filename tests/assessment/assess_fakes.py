"""Small stand-ins for Truth / Observation / TrackSet / Scenario, with only the fields assess reads.

They follow the fixed interfaces (threats: Truth; sensors: Observation; tracker: TrackSet) so the
assessment can be tested on cases whose answers are known by hand.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.status import Status


def level_flight(t_s, lat0_deg, lon0_deg, alt_m, speed_mps, heading_deg, t_start, t_end,
                 radius_m=6371008.8, earth=None):
    """(T,3) ECEF positions of a vehicle at constant height above `earth` (WGS84 by default)
    whose ground point moves along a great circle of the mean sphere at speed_mps."""
    from hyperdef.earth.distance import destination

    t = np.asarray(t_s, float)
    dist = speed_mps * np.clip(t - t_start, 0.0, t_end - t_start)
    lat, lon = destination(np.radians(lat0_deg), np.radians(lon0_deg),
                           np.radians(heading_deg), dist, radius_m=radius_m)
    kw = {} if earth is None else {"earth": earth}
    r = np.array(geodetic_to_ecef(np.asarray(lat), np.asarray(lon), np.full(t.shape, alt_m), **kw))
    fly = (t >= t_start) & (t <= t_end)
    r[~fly] = np.nan
    return r, fly


def truth(t_s, r_ecef_m, in_flight, *, names=None, kinds=None, status=None, t_end_s=None,
          beta=5000.0, lift_to_drag=0.0, earth=None):
    """A Truth-like object with one sample; r_ecef_m (O,T,3), in_flight (O,T)."""
    r = np.asarray(r_ecef_m, float)[None]
    fly = np.asarray(in_flight, bool)[None]
    o = r.shape[1]
    names = tuple(names or [f"threat{i}" for i in range(o)])
    kinds = tuple(kinds or ["ballistic"] * o)
    lat, lon, alt = (np.asarray(a) for a in ecef_to_geodetic(r, *([earth] if earth else [])))
    t = np.asarray(t_s, float)
    last = [np.flatnonzero(fly[0, i])[-1] if fly[0, i].any() else 0 for i in range(o)]
    t_end = np.asarray(t_end_s if t_end_s is not None else [t[k] for k in last], float)[None]
    status = np.asarray(status if status is not None else [Status.IMPACT] * o)[None]
    imp_lat = np.asarray([lat[0, i, last[i]] for i in range(o)])[None]
    imp_lon = np.asarray([lon[0, i, last[i]] for i in range(o)])[None]
    return SimpleNamespace(
        names=names, kinds=kinds, sample_ids=np.array([0]), t_s=t, r_ecef_m=r,
        v_ecef_mps=np.zeros_like(r), alt_m=alt, in_flight=fly, status=status,
        t_start_s=np.asarray([[t[fly[0, i]][0] if fly[0, i].any() else np.nan
                               for i in range(o)]]),
        t_end_s=t_end, impact_lat_rad=imp_lat, impact_lon_rad=imp_lon,
        beta_kgpm2=np.full((1, o), beta), lift_to_drag=np.full((1, o), lift_to_drag))


def observation(detected: dict, t_s, truth_ids=None):
    """An Observation-like object: detected {sensor: (O,T) bool}; a detections table with one row
    per (sensor, object, detected time)."""
    rows = []
    t = np.asarray(t_s, float)
    for name, d in detected.items():
        d = np.asarray(d, bool)
        for o in range(d.shape[0]):
            for k in np.flatnonzero(d[o]):
                rows.append({"sample": 0, "t_s": t[k], "sensor": name, "platform": 0,
                             "truth_id": o if truth_ids is None else truth_ids[o]})
    df = pd.DataFrame(rows, columns=["sample", "t_s", "sensor", "platform", "truth_id"])
    return SimpleNamespace(detections=df,
                           detected={k: np.asarray(v, bool)[None] for k, v in detected.items()})


def trackset(t_s, x, P, state, track_ids=None):
    """A TrackSet-like object with one sample: x (K,T,6), P (K,T,6,6), state (K,T)."""
    x = np.asarray(x, float)[None]
    k = x.shape[1]
    return SimpleNamespace(track_ids=np.asarray(track_ids if track_ids is not None
                                                else np.arange(k)),
                           t_s=np.asarray(t_s, float), sample_ids=np.array([0]), x=x,
                           P=np.asarray(P, float)[None], state=np.asarray(state, np.int8)[None],
                           state_dim=6, assignments=pd.DataFrame(), problems={})


def scenario(defended_areas=(), interceptors=(), atmosphere="us76"):
    return SimpleNamespace(defended_areas=list(defended_areas), interceptors=list(interceptors),
                           atmosphere=atmosphere)


def enu_velocity(r_ecef_m, v_enu_mps):
    """ECEF velocity from a local east/north/up velocity at r_ecef_m."""
    lat, lon, _ = ecef_to_geodetic(np.asarray(r_ecef_m, float))
    return np.asarray(R_enu_from_ecef(lat, lon)).T @ np.asarray(v_enu_mps, float)
