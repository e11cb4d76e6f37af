"""Rotating-Earth sanity against the classical first-order Coriolis results."""

import numpy as np

from hyperdef.dynamics.propagate import propagate
from hyperdef.earth.model import SPHERICAL

R, W = SPHERICAL.a_m, SPHERICAL.omega_radps
G_EFF = SPHERICAL.gm_m3ps2 / R**2 - W**2 * R  # gravity less centrifugal at the equator


def _fly(r0, v0, t_end=200.0):
    f = propagate(np.asarray(r0), np.asarray(v0), np.arange(0.0, t_end + 1, 1.0),
                  earth=SPHERICAL, atmosphere=None, step_s=0.05)
    return np.asarray(f.y_end), np.asarray(f.t_end_s)


def test_dropped_body_lands_east_by_the_classical_amount():
    # A body released at rest (in the rotating frame) from height h lands east of the point
    # below by ω g t³ cos φ / 3, t = √(2h/g) (Landau & Lifshitz, Mechanics, §39, problem 1).
    h = 10e3
    y_end, t_end = _fly([[R + h, 0.0, 0.0]], [[0.0, 0.0, 0.0]])
    east_m = R * np.arctan2(y_end[0, 1], y_end[0, 0])
    t = np.sqrt(2 * h / G_EFF)
    expected = W * G_EFF * t**3 / 3
    # g grows 0.3 % over the 10 km fall (uniform in the formula): t³ shifts by ~0.2 %,
    # 0.05 m of the 22 m; 0.1 m keeps that margin and still catches a wrong Coriolis sign.
    # measured worst case: 0.021 m (hyperdef 0.1.0, float64).
    assert abs(east_m - expected) < 0.1, (east_m, expected)
    assert abs(t_end[0] - t) < 0.02 * t


def test_east_and_west_shots_differ_as_coriolis_predicts():
    # Shots of speed V at elevation γ along the equator, to first order in ω over a flat,
    # uniform-g Earth (Taylor, Classical Mechanics, 2005, §9.8): r(t) = v0 t + g t²/2
    # − (ω×v0) t² − (ω×g) t³/3. Eastward, the Coriolis force lifts the shot (longer flight).
    speed, gam = 300.0, np.deg2rad(45.0)
    vs, vh = speed * np.sin(gam), speed * np.cos(gam)
    r0 = [[R, 0.0, 0.0], [R, 0.0, 0.0]]
    v0 = [[vs, vh, 0.0], [vs, -vh, 0.0]]
    y_end, _ = _fly(r0, v0)
    downrange = R * np.arctan2(y_end[:, 1], y_end[:, 0]) * np.array([1.0, -1.0])
    t_e = 2 * vs / (G_EFF - 2 * W * vh)
    t_w = 2 * vs / (G_EFF + 2 * W * vh)
    east = vh * t_e - W * vs * t_e**2 + G_EFF * W * t_e**3 / 3
    west = vh * t_w + W * vs * t_w**2 - G_EFF * W * t_w**3 / 3
    assert downrange[0] > downrange[1]
    # The difference (≈ 39 m of 9.2 km) is what Coriolis adds; curvature and the 0.07 %
    # fall of g with height act alike on both shots and cancel to < 0.5 m.
    # measured worst case: 0.032 m (hyperdef 0.1.0, float64).
    assert abs((downrange[0] - downrange[1]) - (east - west)) < 0.5, (downrange, east, west)


def test_a_vehicle_at_rest_on_the_ground_stays_put():
    # At rest on the WGS84 surface (rotating with the Earth) a vehicle is on the ground at the
    # start: it ends at once, where it stood. Released 10 m up it drops along the plumb line:
    # the effective gravity of J2 + centrifugal is normal to the ellipsoid to ~1e-6 rad (10 µm
    # over 10 m) and Coriolis moves it east by ω g t³ cos φ / 3 ≈ 0.6 mm (t = 1.4 s), so the
    # landing point lies within 2 mm of the start's ground point.
    from hyperdef.earth.geodetic import geodetic_to_ecef
    from hyperdef.earth.model import WGS84
    from hyperdef.status import Status

    lat, lon = np.deg2rad(35.0), np.deg2rad(20.0)
    ground = np.asarray(geodetic_to_ecef(lat, lon, 0.0, WGS84))
    up = np.asarray(geodetic_to_ecef(lat, lon, 10.0, WGS84))
    f = propagate(np.stack([ground, up]), np.zeros((2, 3)), np.arange(0.0, 11.0, 1.0),
                  earth=WGS84, atmosphere="us76", step_s=0.01)
    assert list(np.asarray(f.status)) == [Status.IMPACT, Status.IMPACT]
    end = np.asarray(f.y_end)[:, :3]
    assert np.asarray(f.t_end_s)[0] < 1e-6
    assert np.linalg.norm(end[0] - ground) < 1e-6
    assert np.linalg.norm(end[1] - ground) < 2e-3, np.linalg.norm(end[1] - ground)
    assert abs(np.asarray(f.t_end_s)[1] - np.sqrt(2 * 10.0 / 9.797)) < 0.01
