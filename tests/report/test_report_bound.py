"""The PCRB drawn in the report, against the closed form of a single radar detection."""

import numpy as np
import pandas as pd
from report_run import COLUMNS, T, make_truth

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.measurement.radar import radar_measure
from hyperdef.report.bound import position_bound
from hyperdef.report.rundata import RunData


def test_one_radar_detection_bounds_range_and_angles():
    # One detection of the glider at t = 300 s: with a diffuse prior the position bound is the
    # inverse of that detection's information, i.e. σ_r along the line of sight and ρ·σ_el in the
    # vertical cross-range direction (range-rate adds only velocity information).
    truth = make_truth()
    k = int(np.searchsorted(T, 300.0))
    r, v = truth.r_ecef_m[0, 0, k], truth.v_ecef_mps[0, 0, k]
    lat, lon = np.radians(15.0), np.radians(-178.0)
    site = np.asarray(geodetic_to_ecef(lat, lon, 0.0))
    z = np.asarray(radar_measure(site, np.zeros(3), lat, lon, r, v))
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(sample=0, t_s=300.0, sensor="radar", platform=0, kind="radar", obs_x_m=site[0],
               obs_y_m=site[1], obs_z_m=site[2], obs_vx_mps=0.0, obs_vy_mps=0.0,
               obs_vz_mps=0.0, obs_lat_rad=lat, obs_lon_rad=lon, range_m=z[0], az_rad=z[1],
               el_rad=z[2], range_rate_mps=z[3], sigma_range_m=20.0, sigma_az_rad=1e-3,
               sigma_el_rad=1e-3, sigma_rr_mps=5.0, snr_db=20.0, truth_id=0)
    run = RunData(folder=None, truth=truth.to_xarray(), detections=pd.DataFrame([row]))
    t, P = position_bound(run, 0)
    Pk = P[k]
    u = (r - site) / z[0]
    along = np.sqrt(u @ Pk @ u)
    # measured worst case: 4.0e-9 m along, 2.4e-7 relative across (hyperdef 0.1.0, float64).
    assert abs(along - 20.0) < 0.2  # m: σ_r; the 1e6 m prior shifts it by < 1e-6 relative
    up = site / np.linalg.norm(site)
    e_el = up - (up @ u) * u
    e_el /= np.linalg.norm(e_el)
    cross = np.sqrt(e_el @ Pk @ e_el)
    assert abs(cross / (z[0] * 1e-3) - 1.0) < 0.01  # ρ·σ_el, elevation direction (1 %)
    assert np.all(np.isnan(P[:k]))  # no bound before the first detection
