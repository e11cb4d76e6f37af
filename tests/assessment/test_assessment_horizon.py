"""A known radar-horizon crossing through the real radar model: first detection and warning time
against the effective-Earth horizon formula (docs/references.md#radar-horizon)."""

import math

import numpy as np
from assess_fakes import level_flight, scenario, truth

from hyperdef.assessment.summary import assess
from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import SPHERICAL_NONROTATING
from hyperdef.scenario.resolve_sensors import resolve_sensors
from hyperdef.scenario.sensors import RadarSpec
from hyperdef.sensors.observe import observe
from hyperdef.time import Epoch

H_T, H_R, K = 30e3, 10.0, 4.0 / 3.0


def test_first_detection_at_the_radar_horizon():
    # A target at 30 km flying west along the equator at 2 km/s straight at a radar on the
    # equator (antenna 10 m): it rises over the 4/3-Earth horizon when the slant range is
    # d = √((kR+h_t)² − (kR)²) + √((kR+h_r)² − (kR)²) (Skolnik 2001, §8.3), R the sphere's radius.
    earth = SPHERICAL_NONROTATING
    t = np.arange(0.0, 500.0, 1.0)
    r, fly = level_flight(t, 0.0, 9.0, H_T, 2000.0, 270.0, 0.0, 499.0, earth=earth)
    tr = truth(t, r[None], fly[None], names=["target"], earth=earth)
    radar = RadarSpec(name="radar", kind="radar", site={"lat_deg": 0.0, "lon_deg": 0.0,
                                                        "alt_m": H_R},
                      refraction_k=K, el_limits_deg=(-5.0, 90.0), max_range_km=5000.0,
                      ref_range_km=5000.0, ref_snr_db=60.0, pd_model="step",
                      noise={"range_m": 10.0, "az_mrad": 0.5, "el_mrad": 0.5,
                             "range_rate_mps": 5.0}, scan_period_s=1.0)
    obs = observe(resolve_sensors([radar], earth=earth, step_s=1.0), tr,
                  epoch=Epoch.parse("2030-01-01T00:00:00Z"), earth=earth, seed=1)
    out = assess(scenario(), tr, obs, None, epoch=None, earth=earth)

    kr = K * R_EARTH_MEAN_M
    d = math.sqrt((kr + H_T) ** 2 - kr**2) + math.sqrt((kr + H_R) ** 2 - kr**2)
    site = np.asarray(geodetic_to_ecef(0.0, 0.0, H_R, earth))
    slant = np.linalg.norm(r - site, axis=1)
    t_cross = np.interp(-d, -slant, t)  # slant range falls through d
    first = out.per_threat["target"].first_detection_t_s
    # Detections come on the 1 s scan grid: the first is the first scan at or after the crossing.
    # measured worst case: first detection 0.45 s after the crossing (hyperdef 0.1.0, float64).
    assert t_cross <= first < t_cross + 1.0 + 1e-6, (first, t_cross)
    w = out.per_threat["target"].warning_from_detection_s
    assert w == tr.t_end_s[0, 0] - first  # no defended area: warning runs to the impact
