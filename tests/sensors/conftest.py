"""A small Truth-like object for sensor tests: gliders on great circles at constant altitude.

The fields are those of hyperdef.threats.truth.Truth that the sensors read; positions are NaN
outside flight, as in the real Truth.
"""

import types

import numpy as np
import pytest

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84


def great_circle_track(t_s, lat0_deg, lon0_deg, az_deg, speed_mps, alt_m, earth=WGS84):
    """(T, 3) ECEF positions and (T, 3) velocities of a constant-altitude great-circle flight."""
    lat0, lon0, az = np.radians([lat0_deg, lon0_deg, az_deg])
    p0 = np.array([np.cos(lat0) * np.cos(lon0), np.cos(lat0) * np.sin(lon0), np.sin(lat0)])
    east = np.array([-np.sin(lon0), np.cos(lon0), 0.0])
    north = np.cross(p0, east)
    d0 = np.sin(az) * east + np.cos(az) * north
    ang = (speed_mps * np.asarray(t_s) / 6_371_000.0)[:, None]
    p = np.cos(ang) * p0 + np.sin(ang) * d0
    lat = np.arcsin(p[:, 2])
    lon = np.arctan2(p[:, 1], p[:, 0])
    r = np.asarray(geodetic_to_ecef(lat, lon, alt_m, earth))
    return r, np.gradient(r, np.asarray(t_s), axis=0)


def make_truth(t_s, tracks, *, samples=1, ir_w_sr=1e4, temp_k=2000.0, launch_s=None,
               alt_m=40e3):
    """Truth-like namespace; tracks: list of (r (T,3), v (T,3)), one per object."""
    t_s = np.asarray(t_s, np.float64)
    n_o, n_t = len(tracks), t_s.size
    r = np.stack([tr[0] for tr in tracks])[None].repeat(samples, 0)
    v = np.stack([tr[1] for tr in tracks])[None].repeat(samples, 0)
    fly = np.ones((samples, n_o, n_t), bool)
    if launch_s is not None:
        fly &= (t_s >= np.asarray(launch_s)[:, None])[None]
    r = np.where(fly[..., None], r, np.nan)
    v = np.where(fly[..., None], v, np.nan)
    full = lambda x: np.where(fly, x, np.nan)
    return types.SimpleNamespace(
        names=tuple(f"glider-{i}" for i in range(n_o)), t_s=t_s,
        sample_ids=np.arange(samples, dtype=np.int64), r_ecef_m=r, v_ecef_mps=v,
        alt_m=full(np.full(fly.shape, alt_m)), temp_k=full(np.full(fly.shape, temp_k)),
        ir_w_sr=full(np.broadcast_to(np.asarray(ir_w_sr, float), fly.shape)), in_flight=fly,
        emissivity=np.full((samples, n_o), 0.85), emitting_area_m2=np.full((samples, n_o), 1.0),
        ir_band_m=(2.7e-6, 3.0e-6))


@pytest.fixture(scope="session")
def truth_factory():
    return make_truth


@pytest.fixture(scope="session")
def track_factory():
    return great_circle_track
