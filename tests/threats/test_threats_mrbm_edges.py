"""The demo's boosted MRBM, flown from a scenario on the Earths and at the sites where the pad is at
rest inertially: a spherical non-rotating Earth, and either pole of the rotating WGS84 one.

There, the vacuum-arc prediction of a booster still on the pad used to be degenerate, its cut-off
fired at once and the missile was reported as IMPACT after 1e-5 s (tests/threats/
test_threats_kepler.py checks those kernels alone). Here the whole scenario path runs — schema,
resolution, boost, coast and re-entry — truth only (no sensors, so no tracking).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from hyperdef.earth.distance import geodesic_m
from hyperdef.earth.model import earth_model
from hyperdef.pipeline import simulate
from hyperdef.scenario.load import BUILTIN, validate
from hyperdef.status import Status

#: Pole aims 21° of latitude from the pole: about 2 340 km, the demo's own 2 351 km range, so
#: the same booster reaches them on the same minimum-energy arc.
POLE_AIM_COLAT_DEG = 21.0
#: The demo's range flown on the demo's grid (its MRBM lands 946 s after launch); 10 s steps
#: are enough to read the apogee (the altitude changes by g·Δt²/8 ≈ 120 m about the top).
GRID = {"duration_s": 1200.0, "step_s": 10.0}


def _mrbm() -> dict:
    demo = yaml.safe_load((BUILTIN / "demo.yaml").read_text(encoding="utf-8"))
    (mrbm,) = (t for t in demo["threats"] if t["name"] == "mrbm")
    return dict(copy.deepcopy(mrbm), t0_s=0.0)


def _launched(name: str, lat_deg: float, lon_deg: float, aim: tuple[float, float]) -> dict:
    t = _mrbm()
    t["name"] = name
    t["launch"].update(lat_deg=lat_deg, lon_deg=lon_deg,
                       aim={"lat_deg": aim[0], "lon_deg": aim[1]})
    return t


CASES = {
    # The demo's own site and aim, on the Earth the literature comparisons use.
    "spherical-nonrotating": [_mrbm()],
    # Both poles of the rotating Earth: the site has no east and the pad no inertial speed.
    "wgs84": [_launched("north", 90.0, 0.0, (90.0 - POLE_AIM_COLAT_DEG, 170.0)),
              _launched("south", -90.0, 0.0, (POLE_AIM_COLAT_DEG - 90.0, -30.0))],
}


@pytest.fixture(scope="module", params=sorted(CASES))
def flown(request):
    earth = request.param
    doc = {"schema_version": 1, "name": f"mrbm-{earth}", "epoch": "2030-01-01T00:00:00Z",
           "earth": earth, "atmosphere": "us76", "seed": 2030, **GRID,
           "threats": CASES[earth]}
    scenario = validate(doc)
    truth = simulate(scenario, summarise=False).truth
    aims = [t["launch"]["aim"] for t in CASES[earth]]
    return earth, truth, aims


def test_it_leaves_the_pad_and_flies_minutes(flown):
    _, truth, _ = flown
    assert list(truth.status[0]) == [Status.IMPACT] * len(truth.names), truth.status
    flight_s = truth.t_end_s[0] - truth.t_start_s[0]
    # Measured 879–882 s here (the demo's MRBM, higher from its eastward launch, 946 s): a
    # 2 350 km minimum-energy arc takes a quarter of an hour; the old cut-off on the pad ended
    # the flight after 1e-5 s.
    assert np.all((flight_s > 800.0) & (flight_s < 1100.0)), flight_s


def test_apogee_is_that_of_a_medium_range_arc(flown):
    _, truth, _ = flown
    apogee_m = np.nanmax(truth.alt_m[0], axis=-1)
    # A minimum-energy arc peaks at about a quarter of its range over a flat Earth (588 km for
    # 2 350 km); measured 594–596 km here, and the demo's MRBM, launched east with the Earth's
    # rotation, peaks at 664 km. A pad cut-off never rises above the pad.
    assert np.all((apogee_m > 450e3) & (apogee_m < 750e3)), apogee_m


def test_it_lands_on_its_aim(flown):
    earth, truth, aims = flown
    lat = np.deg2rad([a["lat_deg"] for a in aims])
    lon = np.deg2rad([a["lon_deg"] for a in aims])
    miss_m = np.asarray(geodesic_m(lat, lon, truth.impact_lat_rad[0], truth.impact_lon_rad[0],
                                   earth_model(earth)))
    # 1 km, the boosted-path bar of test_threats_launch.py: inside the kilometres of dispersion
    # that atmospheric variability alone gives a re-entry vehicle, and a thousandth of the
    # range. Measured: 4e-9 m on the non-rotating sphere, 53 m from either pole (about the
    # same from 80° N: not a pole effect), centimetres for the demo's own MRBM.
    assert np.all(miss_m < 1000.0), miss_m
