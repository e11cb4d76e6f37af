"""A small hand-made run (truth, observation, tracks, areas) for the CZML and viewer tests.

Geometry comes from pymap3d (a peer library), not from hyperdef, so a frame error in hyperdef
cannot cancel out between the fixture and the code under test.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pymap3d

from hyperdef.status import Status
from hyperdef.time import Epoch

EPOCH = Epoch.parse("2030-01-01T00:00:00Z")
T_S = np.arange(0.0, 601.0, 10.0)                    # (61,) seconds after EPOCH
OMEGA_RADPS = 7.292115e-5                             # WGS84 Earth rotation rate
GM = 3.986004418e14


def _ecef(lat_deg, lon_deg, alt_m):
    return np.stack(pymap3d.geodetic2ecef(lat_deg, lon_deg, alt_m), axis=-1)


def truth():
    T = len(T_S)
    u = T_S / T_S[-1]
    glide = _ecef(30 + 5 * u, 130 + 30 * u, np.full(T, 40e3))
    in_b = (np.arange(T) >= 5) & (np.arange(T) <= 50)
    ub = np.clip((T_S - T_S[5]) / (T_S[50] - T_S[5]), 0, 1)
    alt_b = 300e3 * np.sin(np.pi * ub)
    ballistic = np.where(in_b[:, None], _ecef(np.full(T, 40.0), 140 + 10 * ub, alt_b), np.nan)
    r = np.stack([glide, ballistic])[None]           # (1, 2, T, 3)
    alt = np.stack([np.full(T, 40e3), np.where(in_b, alt_b, np.nan)])[None]
    speed = np.stack([np.full(T, 5000.0) - 2 * T_S, np.where(in_b, 3000.0, np.nan)])[None]
    return SimpleNamespace(
        names=("HGV-1", "RV-1"), kinds=("glide", "ballistic"), t_s=T_S,
        r_ecef_m=r, v_ecef_mps=np.zeros_like(r), alt_m=alt, speed_mps=speed, mach=speed / 300.0,
        temp_k=np.where(np.isfinite(alt), 1800.0, np.nan),
        in_flight=np.stack([np.ones(T, bool), in_b])[None],
        status=np.array([[int(Status.MAX_TIME), int(Status.IMPACT)]]))


def satellites(n=3, alt_m=1000e3):
    """(n, T, 3) ECEF positions of circular 75°-inclined orbits spread in RAAN."""
    a = 6378137.0 + alt_m
    n_radps = np.sqrt(GM / a**3)
    out = []
    for i in range(n):
        raan, inc, m0 = np.radians(120 + 10 * i), np.radians(75.0), np.radians(20 + 15 * i)
        arg = m0 + n_radps * T_S
        x_orb = a * np.stack([np.cos(arg), np.sin(arg), np.zeros_like(arg)], -1)
        r_inc = np.array([[1, 0, 0], [0, np.cos(inc), -np.sin(inc)], [0, np.sin(inc), np.cos(inc)]])
        r_raan = np.array([[np.cos(raan), -np.sin(raan), 0], [np.sin(raan), np.cos(raan), 0],
                           [0, 0, 1]])
        r_eci = x_orb @ (r_raan @ r_inc).T
        th = OMEGA_RADPS * T_S                       # ECI = ECEF at t = 0
        c, s = np.cos(th), np.sin(th)
        out.append(np.stack([c * r_eci[:, 0] + s * r_eci[:, 1],
                             -s * r_eci[:, 0] + c * r_eci[:, 1], r_eci[:, 2]], -1))
    return np.stack(out)


def observation(tr):
    T = len(T_S)
    det_sat = np.zeros((1, 2, T), bool)
    det_sat[0, 0, 10:41] = True
    det_radar = np.zeros((1, 2, T), bool)
    det_radar[0, 1, 20:31] = True
    site = np.repeat(_ecef(35.0, 139.0, 0.0)[None, None], T, axis=1)
    return SimpleNamespace(
        platforms={"tracking-layer": satellites(), "radar-1": site},
        visible={"tracking-layer": det_sat, "radar-1": det_radar},
        detected={"tracking-layer": det_sat, "radar-1": det_radar})


SENSORS = (SimpleNamespace(name="tracking-layer", kind="space_ir"),
           SimpleNamespace(name="radar-1", kind="radar", max_range_km=2000.0))
SIGMA_M = np.array([300.0, 100.0, 50.0])             # 1σ along the principal axes


def rotation_z(angle_rad):
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def trackset(tr):
    T = len(T_S)
    x = np.full((1, 2, T, 6), np.nan)
    x[0, 0, :, :3] = tr.r_ecef_m[0, 0] + 100.0
    x[0, 0, :, 3:] = 0.0
    x[0, 1, :, :3] = tr.r_ecef_m[0, 0] - 500.0
    P = np.tile(np.eye(6), (1, 2, T, 1, 1)) * 1e4
    for i in range(T):
        rot = rotation_z(0.01 * i)
        P[0, 0, i, :3, :3] = rot @ np.diag(SIGMA_M**2) @ rot.T
    state = np.zeros((1, 2, T), np.int8)
    state[0, 0, 10:15], state[0, 0, 15:46], state[0, 0, 46:] = 1, 2, 3
    state[0, 1, 5:20] = 1                             # never firm: not drawn
    return SimpleNamespace(track_ids=np.array([7, 9]), x=x, P=P, state=state)


AREAS = ({"name": "Base A", "lat_deg": 35.0, "lon_deg": 160.0, "radius_km": 150.0},)
FOOTPRINTS = (
    {"threat": "HGV-1", "t_s": 200.0,
     "polygon": [(33.0, 157.0), (37.0, 157.0), (37.0, 163.0), (33.0, 163.0)]},
    {"threat": "HGV-1", "t_s": 400.0,
     "polygon": [(34.0, 159.0), (36.0, 159.0), (36.0, 161.0), (34.0, 161.0)]},
)
INTERCEPTORS = ({"name": "Battery 1", "lat_deg": 34.0, "lon_deg": 159.0, "max_range_km": 300.0},)


def write_scene(path, version):
    """Write the fake run's scene to path; return (entity count, truth, trackset)."""
    from hyperdef.io.czml import write_czml

    tr = truth()
    ts = trackset(tr)
    n = write_czml(path, epoch=EPOCH, truth=tr, observation=observation(tr), trackset=ts,
                   sensors=SENSORS, defended_areas=AREAS, footprints=FOOTPRINTS,
                   interceptors=INTERCEPTORS, hyperdef_version=version)
    return n, tr, ts
