"""Radars end to end: the 4/3-Earth horizon (Skolnik 2001, §8.3), sites at the pole and on the
antimeridian, azimuth sectors through north, ships on great circles."""

import numpy as np
from pydantic import TypeAdapter

from hyperdef.earth.model import SPHERICAL, WGS84
from hyperdef.scenario.resolve_sensors import resolve_sensors
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.sensors.horizon import radar_horizon_m
from hyperdef.sensors.observe import observe
from hyperdef.sensors.sites import ship_states
from hyperdef.time import Epoch

EPOCH = Epoch.parse("2030-01-01T00:00:00Z")
NOISE = {"range_m": 10, "az_mrad": 1, "el_mrad": 1, "range_rate_mps": 5}


def _radar(**kw):
    base = {"name": "r", "kind": "radar", "max_range_km": 4000, "ref_range_km": 3000,
            "rcs_m2": 1.0, "ref_rcs_m2": 1.0, "ref_snr_db": 30.0, "pd_model": "step",
            "snr_threshold_db": 0.0, "noise": NOISE, "el_limits_deg": [-5.0, 90.0]}
    return TypeAdapter(SensorSpec).validate_python({**base, **kw})


def _resolved(radar):
    return resolve_sensors([radar], earth=WGS84, step_s=1.0)  # the tests' 1 s grids


def test_first_detection_at_the_radar_horizon(truth_factory, track_factory):
    # A glider at 40 km flies straight at a radar 30 m up. On a sphere with k = 4/3 it rises
    # over the radar horizon d = √((kR+h_t)² − (kR)²) + √((kR+h_r)² − (kR)²) (Skolnik 2001).
    h_r, h_t = 30.0, 40e3
    t = np.arange(0.0, 700.0, 1.0)
    track = track_factory(t, 0.0, 0.0, 90.0, 3000.0, h_t, SPHERICAL)
    truth = truth_factory(t, [track], alt_m=h_t)
    radar = _radar(site={"lat_deg": 0.0, "lon_deg": 25.0, "alt_m": h_r})
    obs = observe(resolve_sensors([radar], earth=SPHERICAL, step_s=1.0), truth, epoch=EPOCH,
                  earth=SPHERICAL, seed=0)
    site = obs.platforms["r"][0, 0]
    rng = np.linalg.norm(track[0] - site, axis=-1)
    d = float(radar_horizon_m(h_r, h_t, SPHERICAL.a_m, 4.0 / 3.0))
    t_rise = np.interp(-d, -rng, t)  # range decreases with time
    first = obs.summary(truth)[0]["first_detection_t_s"]
    # Pd is a step far above threshold, so detection starts at the first grid time after the
    # rise: within one 1 s step (3 km of flight, 0.3 % of d ≈ 845 km).
    # measured worst case: first detection 0.021 s after the rise, at 848 km (hyperdef 0.1.0,
    # float64).
    assert 0.0 <= first - t_rise < 1.0
    assert 830e3 < d < 860e3


def test_site_at_the_north_pole(truth_factory, track_factory):
    t = np.arange(0.0, 60.0, 1.0)
    track = track_factory(t, 86.0, 30.0, 180.0, 2000.0, 40e3)
    truth = truth_factory(t, [track])
    radar = _radar(site={"lat_deg": 90.0, "lon_deg": 0.0})
    obs = observe(_resolved(radar), truth, epoch=EPOCH, earth=WGS84, seed=0)
    df = obs.detections
    assert len(df) == t.size and np.isfinite(df[["az_rad", "el_rad", "range_m"]]).all().all()
    # At the pole with lon 0, north is the −x direction... the target at lon 30° lies at
    # azimuth 180° − 30° = 150° from a lon-0 ENU frame (east = +y, north = −x).
    assert abs(np.degrees(np.median(df.az_rad)) - 150.0) < 2.0


def test_site_on_the_antimeridian(truth_factory, track_factory):
    t = np.arange(0.0, 60.0, 1.0)
    track = track_factory(t, 10.0, -178.0, 90.0, 2000.0, 40e3)  # crossing into lon −178 … −177
    truth = truth_factory(t, [track])
    for lon in (180.0, -180.0):
        radar = _radar(site={"lat_deg": 10.0, "lon_deg": lon}, az_limits_deg=[45.0, 135.0])
        obs = observe(_resolved(radar), truth, epoch=EPOCH, earth=WGS84, seed=0)
        assert obs.visible["r"].all()
        assert abs(np.degrees(obs.detections.az_rad.iloc[0]) - 90.0) < 1.0


def test_azimuth_sector_through_north(truth_factory, track_factory):
    t = np.arange(0.0, 10.0, 1.0)
    north = track_factory(t, 12.0, 0.0, 90.0, 100.0, 40e3)
    south = track_factory(t, 8.0, 0.0, 90.0, 100.0, 40e3)
    truth = truth_factory(t, [north, south])
    radar = _radar(site={"lat_deg": 10.0, "lon_deg": 0.0}, az_limits_deg=[300.0, 60.0])
    obs = observe(_resolved(radar), truth, epoch=EPOCH, earth=WGS84, seed=0)
    assert obs.visible["r"][0, 0].all() and not obs.visible["r"][0, 1].any()


def test_ship_sails_a_great_circle():
    t = np.array([0.0, 3600.0, 7200.0])
    lat0, lon0, hdg, v = np.radians(45.0), np.radians(179.9), np.radians(60.0), 15.0
    r, vel, lat, lon = ship_states(lat0, lon0, hdg, v, 0.0, t, SPHERICAL)
    lat, lon = np.asarray(lat[0]), np.asarray(lon[0])
    # Haversine distance from the start (spherical trigonometry) equals speed × time.
    dist = 2 * SPHERICAL.a_m * np.arcsin(np.sqrt(
        np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2))
    # R_mean vs the sphere's a_m are the same here; 1 m over 108 km is float rounding margin.
    assert np.abs(dist - v * t).max() < 1.0
    assert np.allclose(np.linalg.norm(np.asarray(vel[0]), axis=-1), v)
    # Initial course from the ENU components of the velocity.
    e = np.array([-np.sin(lon0), np.cos(lon0), 0.0])
    n = np.array([-np.sin(lat0) * np.cos(lon0), -np.sin(lat0) * np.sin(lon0), np.cos(lat0)])
    course = np.arctan2(np.asarray(vel[0, 0]) @ e, np.asarray(vel[0, 0]) @ n)
    assert abs(course - hdg) < 1e-9
    assert lon[-1] < 0  # it crossed the antimeridian without trouble


def test_full_circle_azimuth_limits():
    from hyperdef.scenario.resolve_sensors import radar_params

    full = radar_params(_radar(site={"lat_deg": 0, "lon_deg": 0}, az_limits_deg=[0, 360]), 1.0)
    assert full.az_lo_rad is None
    wrap = radar_params(_radar(site={"lat_deg": 0, "lon_deg": 0}, az_limits_deg=[300, 60]), 1.0)
    assert abs(np.degrees(wrap.az_width_rad) - 120.0) < 1e-12
