"""Footprints: geometry against closed forms, predicted impacts against an independent
integration (scipy solve_ivp on equations written here), NEES consistency, reachable-set
containment of dispersed manoeuvring gliders."""

import dataclasses

import numpy as np
import pymap3d
import pytest
from assess_fakes import enu_velocity
from scipy import stats
from scipy.integrate import solve_ivp

from hyperdef.assessment import footprint as fp
from hyperdef.assessment import ground
from hyperdef.assessment.flyout import VehicleClass, coast, fly_to_ground
from hyperdef.constants import GM_M3PS2, J2, OMEGA_EARTH_RADPS, R_EARTH_MEAN_M, WGS84_A_M
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import SPHERICAL_NONROTATING

R_KM = R_EARTH_MEAN_M / 1e3


# --- geometry ---------------------------------------------------------------------------------

def _circle(lat0, lon0, radius_km, n=720):
    az = np.linspace(0, 2 * np.pi, n, endpoint=False)
    en = radius_km * np.stack([np.sin(az), np.cos(az)], -1)
    lat, lon = ground.from_local_km(en, np.radians(lat0), np.radians(lon0))
    return np.degrees(np.stack([lat, lon], -1)).tolist()


@pytest.mark.parametrize("centre", [(10.0, 20.0), (0.0, 180.0), (89.0, -179.5), (-60.0, -180.0)])
def test_cap_area_against_closed_form(centre):
    # A spherical cap of angular radius θ has area 2πR²(1 − cos θ); 720 chords of a 800 km circle
    # cut it by (2π²/3)/n² ≈ 1.3e-5 relative, so 1e-4 relative is the test's bound.
    poly = _circle(*centre, 800.0)
    exact = 2 * np.pi * R_KM**2 * (1 - np.cos(800.0 / R_KM))
    assert ground.polygon_area_km2(poly) == pytest.approx(exact, rel=1e-4)
    assert ground.polygon_contains(poly, *centre)
    lat_out, lon_out = ground.from_local_km(np.array([0.0, 900.0]), *np.radians(centre))
    assert not ground.polygon_contains(poly, np.degrees(lat_out), np.degrees(lon_out))


def test_local_plane_round_trip_across_the_antimeridian():
    en = np.array([[300.0, -120.0], [-450.0, 80.0], [0.0, 0.0]])
    lat, lon = ground.from_local_km(en, np.radians(5.0), np.radians(179.9))
    back = ground.to_local_km(lat, lon, np.radians(5.0), np.radians(179.9))
    assert np.max(np.abs(back - en)) < 1e-6  # km: both directions are the same closed forms


def test_star_polygon_of_a_fan_is_a_pie_slice():
    # Points 1000 km out between azimuths 30.5° and 89.5°: polygon = origin + the arc, area of a
    # spherical sector ≈ (59/360)·cap(1000 km) minus chord segments (bins of 4°).
    az = np.radians(np.linspace(30.5, 89.5, 200))
    en = 1000.0 * np.stack([np.sin(az), np.cos(az)], -1)
    lat, lon = ground.from_local_km(en, 0.0, 0.0)
    poly = ground.star_polygon(lat, lon, 0.0, 0.0, 90)
    bins = len(set(np.floor(np.degrees(az) / 4.0)))  # 4° bins touched by the fan
    assert poly[0] == [0.0, 0.0] and len(poly) == 1 + bins
    sector = 2 * np.pi * R_KM**2 * (1 - np.cos(1000.0 / R_KM)) * 59 / 360
    assert ground.polygon_area_km2(poly) == pytest.approx(sector, rel=0.02)  # chords of 4° bins
    # A ring of points all round: no origin vertex, the polygon surrounds it.
    az = np.radians(np.arange(0.5, 360.0, 3.0))
    lat, lon = ground.from_local_km(1000.0 * np.stack([np.sin(az), np.cos(az)], -1), 0.0, 0.0)
    ring = ground.star_polygon(lat, lon, 0.0, 0.0, 90)
    assert [0.0, 0.0] not in ring and ground.polygon_contains(ring, 0.0, 0.0)


# --- ballistic prediction vs an independent vacuum integration ----------------------------------

def _rhs_vacuum_wgs84(_, y):
    # Point mass + J2 (Vallado, 4th ed., Eq. 8-30), Coriolis and centrifugal in ECEF: written here
    # independently of hyperdef.earth.gravity / hyperdef.dynamics.eom.
    r, v = y[:3], y[3:]
    x, yy, z = r
    rn = np.linalg.norm(r)
    k = 1.5 * J2 * (WGS84_A_M / rn) ** 2
    zr2 = (z / rn) ** 2
    g = -GM_M3PS2 / rn**3 * np.array([x * (1 + k * (1 - 5 * zr2)), yy * (1 + k * (1 - 5 * zr2)),
                                      z * (1 + k * (3 - 5 * zr2))])
    w = np.array([0.0, 0.0, OMEGA_EARTH_RADPS])
    return np.concatenate([v, g - 2 * np.cross(w, v) - np.cross(w, np.cross(w, r))])


def _ground(_, y):
    return pymap3d.ecef2geodetic(*y[:3])[2]  # pymap3d's WGS84 geodetic height: the oracle


_ground.terminal, _ground.direction = True, -1


def _scipy_impact(y0):
    sol = solve_ivp(_rhs_vacuum_wgs84, (0, 3000), y0, rtol=1e-11, atol=1e-6, events=_ground)
    lat, lon, _ = pymap3d.ecef2geodetic(*sol.y_events[0][0][:3])
    return lat, lon, sol.t_events[0][0]


def _ballistic_state():
    r = np.asarray(geodetic_to_ecef(np.radians(20.0), np.radians(179.0), 300e3))
    return np.concatenate([r, enu_velocity(r, [2500.0, 1000.0, 400.0])])


VACUUM = VehicleClass(beta_kgpm2=1e15, lift_to_drag=0.0, beta_log_sd=0.0)


def test_mean_impact_matches_independent_integration():
    x6 = _ballistic_state()
    pred = fp.predict_impact(x6, np.diag([1.0] * 3 + [0.01] * 3), VACUUM, atmosphere="us76")
    lat, lon, t_imp = _scipy_impact(x6)
    miss_km = ground.to_local_km(np.radians(lat), np.radians(lon), np.radians(pred.lat_deg),
                             np.radians(pred.lon_deg))
    # RK4 at 2 s and a linear last-step crossing: ≲ 25 m (a·dt²/8); 0.1 km is the bound.
    # measured worst case: 1.5e-3 km, 5.3e-4 s (hyperdef 0.1.0, float64).
    assert np.hypot(*miss_km) < 0.1
    assert abs(pred.time_to_impact_s - t_imp) < 0.05  # s: crossing interpolated in the step


def test_predicted_impact_covariance_is_consistent_vacuum():
    # Truth states x ~ N(x̂, P) flown by the independent integrator; every true impact scored
    # against the one prediction from (x̂, P): mean NEES within the two-sided 95 % χ²(2N)/N band.
    rng = np.random.default_rng(7)
    x6 = _ballistic_state()
    a = rng.normal(size=(6, 6)) * 0.2
    P = np.diag([400.0**2] * 3 + [20.0**2] * 3) + np.diag([400.0] * 3 + [20.0] * 3) @ (a @ a.T) \
        @ np.diag([400.0] * 3 + [20.0] * 3) * 0.1
    pred = fp.predict_impact(x6, P, VACUUM, atmosphere="us76")
    n = 40
    truths = rng.multivariate_normal(x6, P, size=n)
    nees = [fp.impact_nees(pred, *_scipy_impact(x)[:2]) for x in truths]
    lo, hi = stats.chi2.ppf([0.025, 0.975], 2 * n) / n
    assert lo < np.mean(nees) < hi, (np.mean(nees), lo, hi)


def test_predicted_impact_covariance_is_consistent_with_drag():
    # Re-entry through US76 with an uncertain β (log-normal, sd 0.3): truths drawn from the same
    # distribution the prediction assumes, flown by the same dynamics (the χ² band is the oracle).
    rng = np.random.default_rng(11)
    x6 = _ballistic_state()
    P = np.diag([300.0**2] * 3 + [15.0**2] * 3)
    veh = VehicleClass(beta_kgpm2=3000.0, lift_to_drag=0.0, beta_log_sd=0.3)
    pred = fp.predict_impact(x6, P, veh, atmosphere="us76")
    n = 100
    truths = rng.multivariate_normal(x6, P, size=n)
    beta = 3000.0 * np.exp(0.3 * rng.normal(size=n))
    params = np.column_stack([beta, np.zeros(n), np.zeros(n), np.zeros(n)])
    lat, lon, _ = fly_to_ground(truths, params, atmosphere="us76")
    nees = [fp.impact_nees(pred, np.degrees(a), np.degrees(b)) for a, b in zip(lat, lon, strict=True)]
    lo, hi = stats.chi2.ppf([0.025, 0.975], 2 * n) / n
    assert lo < np.mean(nees) < hi, (np.mean(nees), lo, hi)


# --- reachable footprint of a manoeuvring glider -------------------------------------------------

BETA, LD, MAX_BANK = 13000.0, 2.6, 75.0
GLIDER = VehicleClass(beta_kgpm2=BETA, lift_to_drag=LD, max_bank_deg=MAX_BANK)


def _rhs_glide_sphere(t, y, switch_t, banks):
    # Non-rotating sphere, point-mass gravity, ρ = 1.46·exp(−h/6.97 km) (Tracy & Wright 2020),
    # drag and lift with bank about the velocity (lift in the vertical plane at zero bank):
    # written here.
    r, v = y[:3], y[3:]
    rn, speed = np.linalg.norm(r), np.linalg.norm(v)
    rho = 1.46 * np.exp(-(rn - R_EARTH_MEAN_M) / 6970.0)
    q = rho * speed**2 / (2 * BETA)
    vh, up = v / speed, r / rn
    l0 = up - up.dot(vh) * vh
    l0 /= np.linalg.norm(l0)
    bank = banks[np.searchsorted(switch_t, t, side="right")]
    lift_dir = np.cos(bank) * l0 + np.sin(bank) * np.cross(vh, l0)
    a = -GM_M3PS2 * r / rn**3 - q * vh + LD * q * lift_dir
    return np.concatenate([v, a])


def _sphere_ground(t, y, *_):
    return np.linalg.norm(y[:3]) - R_EARTH_MEAN_M


_sphere_ground.terminal, _sphere_ground.direction = True, -1


def _glide_start(rng):
    lat, lon = rng.uniform(-50, 50), rng.uniform(-180, 180)
    r = np.asarray(geodetic_to_ecef(np.radians(lat), np.radians(lon), rng.uniform(40e3, 50e3),
                                    SPHERICAL_NONROTATING))
    heading = rng.uniform(0, 2 * np.pi)
    speed = rng.uniform(3500.0, 5000.0)
    return np.concatenate([r, enu_velocity_sphere(r, [speed * np.sin(heading),
                                                      speed * np.cos(heading), 0.0])])


def enu_velocity_sphere(r, v_enu):
    up = r / np.linalg.norm(r)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    return np.column_stack([east, np.cross(up, east), up]) @ np.asarray(v_enu)


def _true_glide(y0, rng):
    # A random bank schedule inside the limits: 1–6 segments of 60–400 s, |bank| ≤ 75°.
    k = rng.integers(1, 7)
    switch_t = np.cumsum(rng.uniform(60.0, 400.0, size=k))
    banks = np.radians(rng.uniform(-MAX_BANK, MAX_BANK, size=k + 1))
    banks[-1] = banks[-1] * rng.integers(0, 2)
    sol = solve_ivp(_rhs_glide_sphere, (0, 6000), y0, args=(switch_t, banks), rtol=1e-8,
                    atol=1e-3, events=_sphere_ground, max_step=20.0)
    r = sol.y_events[0][0][:3]
    return np.degrees(np.arcsin(r[2] / np.linalg.norm(r))), np.degrees(np.arctan2(r[1], r[0])), sol


P_TRACK = np.diag([200.0**2] * 3 + [10.0**2] * 3)


def _containment(n, seed):
    rng = np.random.default_rng(seed)
    inside = []
    for _ in range(n):
        y0 = _glide_start(rng)
        lat, lon, _ = _true_glide(y0, rng)
        est = rng.multivariate_normal(y0, P_TRACK)
        reach = fp.reachable_footprint(est, P_TRACK, GLIDER, atmosphere="exponential",
                                       earth=SPHERICAL_NONROTATING)
        inside.append(reach is not None and ground.polygon_contains(reach.polygon, lat, lon))
    return np.array(inside)


def test_reachable_set_contains_true_impacts_fast():
    assert _containment(3, seed=1).all()


@pytest.mark.slow
def test_reachable_set_contains_true_impacts_95_percent():
    inside = _containment(60, seed=2)
    assert inside.mean() >= 0.95, inside.mean()


def test_reachable_area_shrinks_as_energy_bleeds():
    rng = np.random.default_rng(5)
    y0 = _glide_start(rng)
    sol = solve_ivp(_rhs_glide_sphere, (0, 600), y0, args=(np.array([1e9]), np.zeros(2)),
                    rtol=1e-8, atol=1e-3, dense_output=True)
    areas = [fp.reachable_footprint(sol.sol(t), P_TRACK, GLIDER, atmosphere="exponential",
                                    earth=SPHERICAL_NONROTATING).area_km2
             for t in (0.0, 300.0, 600.0)]
    assert areas[0] > areas[1] > areas[2] > 0.0, areas


def test_coast_positions_match_independent_integration():
    # Coasting (used where custody lapses) samples the same flight on the scenario grid: linear
    # interpolation between 2 s RK4 steps under ~10 m/s² costs ≲ a·dt²/8 = 5 m; bound 50 m.
    x6 = _ballistic_state()
    grid = np.arange(0.0, 400.0, 5.0)
    pos = coast(x6[None], [20.0], VACUUM, grid, atmosphere="us76")[0]
    sol = solve_ivp(_rhs_vacuum_wgs84, (0, 380), x6, rtol=1e-11, atol=1e-6, dense_output=True)
    before = grid < 20.0
    assert np.all(np.isnan(pos[before]))
    _, _, t_imp = _scipy_impact(x6)
    live = (~before) & (grid - 20.0 < t_imp - 2.0)
    ref = sol.sol(grid[live] - 20.0)[:3].T
    assert np.max(np.linalg.norm(pos[live] - ref, axis=1)) < 50.0
    assert np.all(np.isnan(pos[grid - 20.0 > t_imp + 2.0]))  # nothing after the impact


def test_footprint_rings_across_the_antimeridian_have_only_short_edges():
    # A 95 % impact ellipse centred 0.2° west of the antimeridian, 300 × 100 km: its vertices
    # lie on both sides. A planar reader joins consecutive vertices with straight edges, so no
    # edge may span ≥ 180° of longitude (stored as +179.9/−179.9 it spans 359.8°).
    pred = fp.ImpactPrediction(lat_deg=10.0, lon_deg=179.8, sigma_km=150 / 2.45,
                               cov_en_km2=[[(150 / 2.45) ** 2, 0.0], [0.0, (50 / 2.45) ** 2]],
                               time_to_impact_s=0.0, points_lost=0)
    ring, area = fp.ellipse_polygon(pred)
    lon = np.array([v[1] for v in ring])
    assert lon.max() > 180.0  # it does cross
    assert np.abs(np.diff(np.append(lon, lon[0]))).max() < 10.0
    # same shape and area as the same ellipse away from the seam (π·a·b for a, b ≈ 150, 50 km)
    ring0, area0 = fp.ellipse_polygon(dataclasses.replace(pred, lon_deg=0.0))
    assert abs(area - area0) < 1e-6 * area0
    assert abs(ground.polygon_area_km2(ring) - ground.polygon_area_km2(ring0)) < 1e-3 * area0
    # a star polygon about an origin on the seam, points on both sides
    lat = np.radians(np.array([10.0, 11.0, 9.0, 10.0]))
    lon = np.radians(np.array([-179.0, 179.5, -179.5, 178.8]))
    star = ground.star_polygon(lat, lon, np.radians(10.0), np.radians(179.9), 36)
    slon = np.array([v[1] for v in star])
    assert np.abs(np.diff(np.append(slon, slon[0]))).max() < 10.0
