"""Launch modes fly where they say: azimuth-only boosts, antipodal aims, unreachable releases."""

import numpy as np
import pytest
from pydantic import ValidationError

from hyperdef.earth.model import SPHERICAL_NONROTATING, WGS84
from hyperdef.scenario.threats import ThreatSpec
from hyperdef.status import Status
from hyperdef.threats.ballistic import impulsive_velocity
from hyperdef.threats.simulate import simulate

STAGES = [
    dict(dry_mass_kg=1500, propellant_kg=12000, isp_s=270, burn_time_s=60, drag_area_m2=0.8),
    dict(dry_mass_kg=500, propellant_kg=4000, isp_s=290, burn_time_s=50, drag_area_m2=0.4),
]
MISSILE = dict(kind="ballistic", mass_kg=700.0, beta_kgpm2=50000.0, nose_radius_m=0.1)
GLIDER = dict(kind="glide", mass_kg=700.0, beta_kgpm2=8000.0, lift_to_drag=2.6)


def test_exactly_antipodal_aim_has_no_launch_plane():
    # Every azimuth reaches the antipode: the old code built the launch direction from
    # rounding noise and could return a velocity into the ground with ok=True.
    from hyperdef.earth.geodetic import geodetic_to_ecef

    r = SPHERICAL_NONROTATING.a_m
    site = np.array([[r, 0.0, 0.0], [0.0, r, 0.0]])
    lat, lon = np.deg2rad([10.0, 0.0, -47.0]), np.deg2rad([20.0, 0.0, 7.0])
    site_w = np.asarray(geodetic_to_ecef(lat, lon, 0.0, WGS84))
    aim_w = np.asarray(geodetic_to_ecef(-lat, lon + np.pi, 0.0, WGS84))
    for earth, s, a in ((SPHERICAL_NONROTATING, site, -site), (WGS84, site_w, aim_w)):
        _, _, ok = impulsive_velocity(s, a, 0.0, earth)
        assert not np.asarray(ok).any()  # was True on WGS84, some velocities into the ground
    # A near-antipodal aim (1 mrad, 6 km off) still has a plane and a bound arc that leaves
    # upward.
    near = np.array([[-r * np.cos(1e-3), r * np.sin(1e-3), 0.0]])
    v, _, ok = (np.asarray(a) for a in impulsive_velocity(site[:1], near, 0.0,
                                                          SPHERICAL_NONROTATING))
    assert ok.all() and np.dot(v[0], site[0]) > 0.0


def test_schema_refuses_what_cannot_fly():
    with pytest.raises(ValidationError, match="antipode"):
        ThreatSpec.model_validate(dict(MISSILE, name="m", launch=dict(
            lat_deg=10.0, lon_deg=20.0, aim=dict(lat_deg=-10.0, lon_deg=-160.0))))
    with pytest.raises(ValidationError, match="kick_deg or pitch_programme"):
        ThreatSpec.model_validate(dict(MISSILE, name="m", launch=dict(
            lat_deg=10.0, lon_deg=20.0, azimuth_deg=45.0, boost=dict(stages=STAGES))))


@pytest.fixture(scope="module")
def flown():
    specs = [ThreatSpec.model_validate(s) for s in (
        # On an azimuth with no aim: used to crash with AttributeError.
        dict(MISSILE, name="azimuth", launch=dict(lat_deg=10.0, lon_deg=20.0, azimuth_deg=45.0,
                                                  boost=dict(stages=STAGES, kick_deg=20.0))),
        # 9 km/s release from a booster good for ~4 km/s: used to release silently at burnout.
        dict(GLIDER, name="too-fast", launch=dict(
            lat_deg=10.0, lon_deg=20.0, azimuth_deg=90.0, boost=dict(stages=STAGES),
            release=dict(flight_path_deg=5.0, speed_mps=7900.0))),
        # An antipodal aim that only the draw makes exact (a point "dispersion"): per sample.
        dict(MISSILE, name="antipode", launch=dict(
            lat_deg=10.0, lon_deg=20.0, aim=dict(lat_deg={"low": -10.0, "high": -10.0},
                                                 lon_deg=-160.0))),
    )]
    return simulate(specs, earth=WGS84, atmosphere="us76", t_grid_s=np.arange(0.0, 2000.0, 4.0),
                    seed=3, sample_ids=[0])


def test_azimuth_only_boost_flies_to_burnout_and_lands(flown):
    from hyperdef.threats.kinematics import flight_angles

    assert flown.status[0, 0] == Status.IMPACT
    k = np.flatnonzero(flown.in_flight[0, 0])[10]  # 40 s in: still boosting, heading ≈ 45°
    _, _, heading = flight_angles(flown.r_ecef_m[0, 0, k], flown.v_ecef_mps[0, 0, k], WGS84)
    assert abs(np.rad2deg(float(heading)) - 45.0) < 1.0


def test_unreachable_release_speed_is_flagged(flown):
    assert flown.status[0, 1] == Status.OUT_OF_REACH
    assert np.nanmax(flown.speed_mps[0, 1]) < 7900.0


def test_antipodal_draw_is_invalid_input_not_a_flight(flown):
    assert flown.status[0, 2] == Status.INVALID_INPUT
    assert not flown.in_flight[0, 2].any()
