"""MeasBatch from a detections table; padded innovations equal the per-kind functions."""

import jax
import numpy as np
import pandas as pd
import pytest

from hyperdef.measurement import batch as mb
from hyperdef.measurement.los import los_innovation, los_unit
from hyperdef.measurement.radar import radar_innovation, radar_measure

TGT_R = np.array([5.0e6, 2.0e6, 3.0e6])
TGT_V = np.array([-1000.0, 3000.0, 500.0])


def _table():
    sat = np.array([8.0e6, 1.0e6, 1.0e6])
    u = np.asarray(los_unit(sat, TGT_R + np.array([50.0, 0.0, 0.0])))
    site_lat, site_lon = 0.45, 0.38
    from hyperdef.earth.geodetic import geodetic_to_ecef
    site = np.asarray(geodetic_to_ecef(site_lat, site_lon, 0.0))
    z = np.asarray(radar_measure(site, np.zeros(3), site_lat, site_lon, TGT_R, TGT_V))
    nan = np.nan
    common = dict(sample=0, sensor="x", snr_db=20.0)
    rows = [
        dict(t_s=0.0, platform=3, kind="los", obs_x_m=sat[0], obs_y_m=sat[1], obs_z_m=sat[2],
             obs_vx_mps=7e3, obs_vy_mps=0.0, obs_vz_mps=0.0, obs_lat_rad=0.1, obs_lon_rad=0.2,
             los_x=u[0], los_y=u[1], los_z=u[2], sigma_ang_rad=2e-5, range_m=nan, az_rad=nan,
             el_rad=nan, range_rate_mps=nan, sigma_range_m=nan, sigma_az_rad=nan,
             sigma_el_rad=nan, sigma_rr_mps=nan, truth_id=0),
        dict(t_s=1.0, platform=0, kind="radar", obs_x_m=site[0], obs_y_m=site[1],
             obs_z_m=site[2], obs_vx_mps=0.0, obs_vy_mps=0.0, obs_vz_mps=0.0,
             obs_lat_rad=site_lat, obs_lon_rad=site_lon, los_x=nan, los_y=nan, los_z=nan,
             sigma_ang_rad=nan, range_m=z[0] + 30.0, az_rad=z[1], el_rad=z[2],
             range_rate_mps=z[3] - 2.0, sigma_range_m=10.0, sigma_az_rad=1e-3,
             sigma_el_rad=2e-3, sigma_rr_mps=1.0, truth_id=-1),
        dict(t_s=2.0, platform=0, kind="radar", obs_x_m=site[0], obs_y_m=site[1],
             obs_z_m=site[2], obs_vx_mps=0.0, obs_vy_mps=0.0, obs_vz_mps=0.0,
             obs_lat_rad=site_lat, obs_lon_rad=site_lon, los_x=nan, los_y=nan, los_z=nan,
             sigma_ang_rad=nan, range_m=z[0], az_rad=z[1], el_rad=z[2], range_rate_mps=nan,
             sigma_range_m=10.0, sigma_az_rad=1e-3, sigma_el_rad=2e-3, sigma_rr_mps=nan,
             truth_id=5),
    ]
    return pd.DataFrame([{**common, **r} for r in rows])


def test_from_detections_layout():
    df = _table()
    b = mb.from_detections(df)
    np.testing.assert_array_equal(np.asarray(b.kind), [0, 1, 2])
    np.testing.assert_array_equal(mb.dof(np.asarray(b.kind)), [2, 4, 3])
    np.testing.assert_allclose(b.sigma[0], [2e-5, 2e-5, 1.0, 1.0])
    np.testing.assert_allclose(b.sigma[2], [10.0, 1e-3, 2e-3, 1.0])
    assert float(b.z[0, 3]) == 0.0 and float(b.z[2, 3]) == 0.0
    np.testing.assert_allclose(b.t_s, [0.0, 1.0, 2.0])
    # The tracker never sees truth: the same table without truth_id gives the same batch.
    b2 = mb.from_detections(df.drop(columns="truth_id"))
    for a, c in zip(b, b2, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(c))


def test_from_detections_rejects_unknown_kind():
    df = _table()
    df.loc[1, "kind"] = "sonar"
    with pytest.raises(ValueError, match="rows \\[1\\]"):
        mb.from_detections(df)


def test_padded_innovation_matches_kind_functions():
    b = mb.from_detections(_table())
    nu = np.asarray(jax.vmap(mb.innovation, in_axes=(0, None, None))(b, TGT_R, TGT_V))
    r0 = mb.row(b, 0)
    exp_los = np.asarray(los_innovation(r0.z[:3], r0.r_obs_ecef_m, TGT_R))
    np.testing.assert_allclose(nu[0], [*exp_los, 0.0, 0.0], atol=1e-18)
    # 50 m offset at ~3 200 km from the satellite: |ν| ≈ 50 m × sin(geometry)/ρ ≈ 1e-5 rad.
    assert 1e-6 < np.linalg.norm(nu[0]) < 2e-5
    r1 = mb.row(b, 1)
    exp_radar = np.asarray(radar_innovation(r1.z, r1.r_obs_ecef_m, r1.v_obs_ecef_mps,
                                            r1.lat_obs_rad, r1.lon_obs_rad, TGT_R, TGT_V))
    np.testing.assert_allclose(nu[1], exp_radar, atol=1e-9)
    np.testing.assert_allclose(nu[1], [30.0, 0.0, 0.0, -2.0], atol=1e-6)
    np.testing.assert_allclose(nu[2], [0.0, 0.0, 0.0, 0.0], atol=1e-6)  # rr pad is exactly 0
    assert nu[2, 3] == 0.0
    finite = np.asarray(jax.vmap(mb.row_finite)(b))
    assert finite.all()


def test_row_finite_flags_nan_measurement():
    b = mb.from_detections(_table())
    r = mb.row(b, 0)
    assert not bool(mb.row_finite(r._replace(z=r.z.at[1].set(np.nan))))
    assert bool(mb.row_finite(r._replace(lat_obs_rad=np.nan)))  # LOS does not need lat/lon
    r1 = mb.row(b, 1)
    assert not bool(mb.row_finite(r1._replace(lat_obs_rad=np.nan)))
