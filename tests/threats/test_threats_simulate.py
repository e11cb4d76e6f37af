"""simulate() and Truth: the contract, reproducibility, per-sample failures, manoeuvres, cruise."""

import json

import numpy as np
import pytest

from hyperdef.earth.distance import geodesic_m
from hyperdef.earth.model import WGS84
from hyperdef.random import component_key, sample_key, stream
from hyperdef.scenario.resolve_threats import Draws, resolve_threats
from hyperdef.scenario.threats import threat_spec
from hyperdef.status import Status
from hyperdef.threats.simulate import simulate

GRID = np.arange(0.0, 2500.0, 2.0)
GLIDER = dict(name="glider", kind="glide", mass_kg=1000.0, beta_kgpm2={"low": 4700, "high": 13000},
              lift_to_drag=2.6, nose_radius_m=0.034,
              initial=dict(lat_deg=0.0, lon_deg=-170.0, alt_km=50.0, speed_mps=5000.0,
                           heading_deg=90.0))


def _specs():
    return [threat_spec(s) for s in (
        GLIDER,
        dict(GLIDER, name="weaver", beta_kgpm2=8000.0,
             manoeuvre=dict(kind="weave", amplitude_deg=30.0, period_s=120.0)),
        dict(GLIDER, name="banked", beta_kgpm2=8000.0,
             manoeuvre=dict(kind="constant_bank", bank_deg=20.0, start_s=100.0)),
        dict(GLIDER, name="late", beta_kgpm2=8000.0, t0_s=301.0),
        dict(GLIDER, name="bad-tail", beta_kgpm2={"mean": 100.0, "sd": 2000.0}),
        dict(name="cruiser", kind="cruise", mass_kg=1500.0, beta_kgpm2=5000.0, lift_to_drag=3.0,
             target=dict(lat_deg=2.0, lon_deg=-160.0),
             initial=dict(lat_deg=0.0, lon_deg=-170.0, alt_km=30.0, speed_mps=2000.0)),
        dict(GLIDER, name="too-far", beta_kgpm2=8000.0, target=dict(lat_deg=0.0, lon_deg=60.0)),
        dict(GLIDER, name="wild", beta_kgpm2=8000.0,
             initial=dict(GLIDER["initial"], alt_km={"mean": 1.0, "sd": 30.0},
                          speed_mps={"mean": 9000.0, "sd": 4000.0})),
        dict(name="cav", kind="glide", mass_kg=907.0, aero="cavh", t0_s=10.0,
             stop=dict(time_s=600.0),
             initial=dict(lat_deg=10.0, lon_deg=-170.0, alt_km="equilibrium", speed_mps=6000.0,
                          heading_deg=45.0)),
    )]


@pytest.fixture(scope="module")
def truth():
    return simulate(resolve_threats(_specs(), seed=11, sample_ids=np.arange(6)), earth=WGS84,
                    atmosphere="us76", t_grid_s=GRID)


def test_truth_contract(truth):
    s, o, t = 6, 9, GRID.size
    assert truth.r_ecef_m.shape == (s, o, t, 3) and truth.v_ecef_mps.shape == (s, o, t, 3)
    for name in ("alt_m", "speed_mps", "mach", "temp_k", "ir_w_sr", "heat_flux_w_m2"):
        a = getattr(truth, name)
        assert a.shape == (s, o, t)
        # NaN exactly where not in flight: never a NaN without a reason.
        assert np.array_equal(np.isnan(a), ~truth.in_flight), name
    assert np.array_equal(np.isnan(truth.r_ecef_m).any(-1), ~truth.in_flight)
    for name in ("status", "t_start_s", "t_end_s", "emissivity", "beta_kgpm2", "mass_kg"):
        assert getattr(truth, name).shape == (s, o)
    never = ~truth.in_flight.any(-1)
    assert np.all(np.isin(truth.status[never], [Status.INVALID_INPUT, Status.NON_FINITE,
                                                 Status.BELOW_GROUND_AT_START, Status.ESCAPE]))
    ds = truth.to_xarray()
    assert dict(ds.sizes) == {"sample": s, "object": o, "time": t, "xyz": 3}
    for name in ("r_ecef_m", "alt_m", "mach", "temp_k", "ir_w_sr", "status"):
        assert "units" in ds[name].attrs
    rows = truth.summary(0)
    json.dumps(rows, allow_nan=False)
    assert [r["name"] for r in rows] == [sp.name for sp in _specs()]
    assert set(rows[0]) == {"name", "kind", "status", "flight_time_s", "ground_track_km",
                            "start_to_end_km", "ir_model",
                            "max_alt_km", "max_speed_mps", "max_temp_k", "impact"}


def test_sample_zero_is_nominal_and_draws_are_per_sample(truth):
    assert truth.beta_kgpm2[0, 0] == pytest.approx(8850.0)  # mid-range of the uniform
    assert np.unique(truth.beta_kgpm2[:, 0]).size == 6
    assert np.all((truth.beta_kgpm2[1:, 0] > 4700) & (truth.beta_kgpm2[1:, 0] < 13000))
    # A sample's draws do not depend on which other samples run with it, nor in what order.
    ids = np.array([5, 4, 9, 8, 7, 6])
    other = simulate(resolve_threats(_specs()[:1], seed=11, sample_ids=ids), earth=WGS84,
                     atmosphere="us76", t_grid_s=GRID)
    assert other.beta_kgpm2[1, 0] == truth.beta_kgpm2[4, 0]
    assert np.array_equal(other.r_ecef_m[:2, 0], truth.r_ecef_m[[5, 4], 0], equal_nan=True)


def test_field_keys_are_component_keys():
    d = Draws("glider", 11, np.array([0, 3]))
    import jax

    want = component_key(component_key(sample_key(jax.random.key(11), 3), "threat/glider"),
                         "beta_kgpm2")
    assert np.array_equal(jax.random.key_data(d.keys("beta_kgpm2")[1]), jax.random.key_data(want))
    assert np.array_equal(jax.random.key_data(d.base[1]),
                          jax.random.key_data(stream(11, 3, "threat/glider")))


def test_bad_draws_become_invalid_input_not_nan(truth):
    o = 4  # β ~ N(100, 2000): most draws are negative
    bad = truth.beta_kgpm2[:, o] <= 0
    assert bad.any()
    assert np.all(truth.status[bad, o] == Status.INVALID_INPUT)
    assert not truth.in_flight[bad, o].any()
    assert truth.in_flight[0, o].any()  # sample 0 is the nominal, β = 100: it flies


def test_manoeuvres_and_late_start(truth):
    rows = {r["name"]: r for r in truth.summary(0)}
    lat = lambda o: np.rad2deg(truth.impact_lat_rad[0, o])
    # Wings-level eastward flight stays on the equator; a right bank turns south (heading > 90°).
    assert abs(lat(0)) < 1e-6
    assert lat(2) < -1.0
    # A symmetric weave keeps the mean heading: it lands near the equator, short of straight flight.
    assert abs(lat(1)) < 1.0 and (rows["weaver"]["start_to_end_km"]
                                 < rows["glider"]["start_to_end_km"])
    late = truth.in_flight[0, 3]
    assert not late[GRID < 301.0].any() and late[GRID >= 302.0][0]
    assert truth.t_start_s[0, 3] == 301.0


def test_cruise_dive_hits_its_target_and_table_vehicle_stops_on_time(truth):
    o = 5
    assert np.all(truth.status[:, o] == Status.IMPACT)
    miss = np.asarray(geodesic_m(np.deg2rad(2.0), np.deg2rad(-160.0), truth.impact_lat_rad[:, o],
                                 truth.impact_lon_rad[:, o]))
    assert np.all(miss < 50.0)  # proportional navigation to a fixed point: metres
    alt = truth.alt_m[0, o]
    cruising = np.isfinite(alt) & (GRID < 300.0)
    assert np.max(np.abs(alt[cruising] - 30e3)) < 1.0
    assert np.max(np.abs(truth.speed_mps[0, o][cruising] - 2000.0)) < 0.004 * 2000.0
    o = 8
    assert np.all(truth.status[:, o] == Status.OK)
    assert np.allclose(truth.t_end_s[:, o], 610.0)
    assert np.all(truth.lift_to_drag[:, o] > 3.0)  # CAV-H at its best α


def test_unreachable_glide_target_is_out_of_reach(truth):
    o = 6  # 130° of longitude away: far beyond a 5 km/s glide
    assert np.all(truth.status[:, o] == Status.OUT_OF_REACH)
    assert np.all(np.isfinite(truth.impact_lat_rad[:, o]))  # it still landed, short


def test_release_below_ground_or_above_escape_is_a_status(truth):
    o = 7  # altitude ~ N(1 km, 30 km), speed ~ N(9, 4 km/s): some draws cannot fly
    st = truth.status[1:, o]
    assert np.any(np.isin(st, [Status.BELOW_GROUND_AT_START, Status.ESCAPE,
                               Status.INVALID_INPUT]))
    for s in range(1, 6):
        if truth.status[s, o] in (Status.BELOW_GROUND_AT_START, Status.ESCAPE):
            assert not truth.in_flight[s, o].any()
