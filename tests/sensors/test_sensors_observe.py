"""observe(): the detections contract, noise and Pd statistics, streams, frames, summary."""

import numpy as np
import pytest
from pydantic import TypeAdapter

from hyperdef.measurement.detections_table import COLUMNS, SORT_KEYS
from hyperdef.measurement.los import los_innovation
from hyperdef.measurement.radar import radar_innovation
from hyperdef.scenario.resolve_sensors import resolve_sensors
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.sensors.observe import observe
from hyperdef.time import Epoch

EPOCH = Epoch.parse("2030-01-01T00:00:00Z")
SPECS = TypeAdapter(list[SensorSpec]).validate_python([
    {"name": "ir", "kind": "space_ir",
     "walker": {"total": 24, "planes": 4, "phasing": 1, "alt_km": 1000, "inc_deg": 60},
     # Threshold mode, no reference range, equal clutter: SNR = 5·I/1e4 at any range, so a
     # 1e4 W/sr target sits exactly at threshold and the Gaussian model gives Pd = 0.5.
     "threshold_w_sr": 1e4, "snr_threshold": 5.0, "pd_model": "gaussian",
     "clutter": {"space": 1.0, "limb": 1.0, "earth": 1.0},
     "frame_period_s": 2.0, "los_noise_urad": 50.0,
     "field_of_regard": {"kind": "cone", "half_angle_deg": 65.0}},
    {"name": "radar", "kind": "radar", "site": {"lat_deg": 31.0, "lon_deg": 24.0, "alt_m": 50},
     "max_range_km": 2500, "ref_range_km": 1500, "ref_rcs_m2": 1.0, "rcs_m2": 1.0,
     "pd_model": "swerling1", "el_limits_deg": [0.0, 90.0],
     "noise": {"range_m": 30, "az_mrad": 1.0, "el_mrad": 2.0, "range_rate_mps": 8},
     "false_alarms_per_scan": 2.0, "scan_period_s": 3.0},
])


def _resolved(specs):
    return resolve_sensors(specs, earth="wgs84", step_s=1.0)  # the 1 s grid of `case`


@pytest.fixture(scope="module")
def case(truth_factory, track_factory):
    t = np.arange(0.0, 400.0, 1.0)
    tracks = [track_factory(t, 30.0, 20.0, 80.0, 6000.0, 40e3),
              track_factory(t, 29.0, 21.0, 60.0, 5500.0, 40e3)]
    truth = truth_factory(t, tracks, samples=2, ir_w_sr=1e4, launch_s=[0.0, 50.0])
    obs = observe(_resolved(SPECS), truth, epoch=EPOCH, earth="wgs84", seed=7)
    return truth, obs


def test_table_follows_the_contract(case):
    truth, obs = case
    df = obs.detections
    assert list(df.columns) == list(COLUMNS)
    for col, dtype in COLUMNS.items():
        assert str(df[col].dtype) == dtype or (dtype == "str" and df[col].dtype == object)
    assert df.equals(df.sort_values(SORT_KEYS, kind="stable").reset_index(drop=True))
    los, rad = df[df.kind == "los"], df[df.kind == "radar"]
    assert len(los) > 100 and len(rad) > 50
    assert los[["range_m", "az_rad", "sigma_rr_mps"]].isna().all().all()
    assert rad[["los_x", "sigma_ang_rad"]].isna().all().all()
    assert np.allclose(np.linalg.norm(los[["los_x", "los_y", "los_z"]].to_numpy(), axis=1), 1)
    assert (rad.az_rad >= 0).all() and (rad.az_rad < 2 * np.pi).all()
    assert (rad.platform == 0).all() and set(df.truth_id) <= {-1, 0, 1}
    # Object 1 launches at 50 s: nothing may be detected before.
    assert (df[(df.truth_id == 1)].t_s >= 50.0).all()
    assert obs.platforms["ir"].shape == (24, truth.t_s.size, 3)
    assert obs.visible["ir"].shape == obs.detected["ir"].shape == (2, 2, truth.t_s.size)


def test_los_noise_is_isotropic_with_the_stated_sigma(case):
    truth, obs = case
    los = obs.detections[(obs.detections.kind == "los")]
    s, o, ti = los["sample"].to_numpy(), los.truth_id.to_numpy(), (los.t_s.to_numpy()).astype(int)
    r_tgt = truth.r_ecef_m[s, o, ti]
    nu = np.asarray(los_innovation(los[["los_x", "los_y", "los_z"]].to_numpy(),
                                   los[["obs_x_m", "obs_y_m", "obs_z_m"]].to_numpy(), r_tgt))
    z2 = np.sum(nu**2, axis=-1) / los.sigma_ang_rad.to_numpy() ** 2
    n = z2.size
    # Contract noise model: ν/σ ~ N(0, I₂), so mean(|ν|²/σ²) ~ χ²₂/n: mean 2, sd 2/√n; 4 sd.
    assert abs(z2.mean() - 2.0) < 4 * 2 / np.sqrt(n)
    assert abs(np.mean(nu[:, 0] * nu[:, 1]) / 50e-6**2) < 4 / np.sqrt(n)


def test_radar_noise_has_the_stated_sigmas(case):
    truth, obs = case
    rad = obs.detections[(obs.detections.kind == "radar") & (obs.detections.truth_id >= 0)]
    s, o, ti = rad["sample"].to_numpy(), rad.truth_id.to_numpy(), rad.t_s.to_numpy().astype(int)
    z = rad[["range_m", "az_rad", "el_rad", "range_rate_mps"]].to_numpy()
    sig = rad[["sigma_range_m", "sigma_az_rad", "sigma_el_rad", "sigma_rr_mps"]].to_numpy()
    nu = np.asarray(radar_innovation(
        z, rad[["obs_x_m", "obs_y_m", "obs_z_m"]].to_numpy(),
        rad[["obs_vx_mps", "obs_vy_mps", "obs_vz_mps"]].to_numpy(),
        rad.obs_lat_rad.to_numpy(), rad.obs_lon_rad.to_numpy(),
        truth.r_ecef_m[s, o, ti], truth.v_ecef_mps[s, o, ti]))
    n = len(rad)
    # Each normalised component ~ N(0, 1): mean square 1 ± 4·√(2/n).
    assert np.all(np.abs(np.mean((nu / sig) ** 2, axis=0) - 1) < 4 * np.sqrt(2 / n))
    assert np.allclose(sig[0], [30.0, 1e-3, 2e-3, 8.0])


def test_ir_detection_rate_at_threshold_is_one_half(case):
    truth, obs = case
    # The Bernoulli trials are the (sample, object, platform, frame) cases with access: count
    # them with a Pd = 1 twin (same geometry and frames, threshold far below the signal).
    twin = SPECS[0].model_copy(update={"name": "ir-twin", "threshold_w_sr": 1.0})
    trials = len(observe(_resolved([twin]), truth, epoch=EPOCH, earth="wgs84", seed=7).detections)
    hits = int((obs.detections.kind == "los").sum())
    # Pd = Φ(0) = 0.5 per trial: binomial sd √(n/4); 4 sd.
    assert trials > 400
    assert abs(hits / trials - 0.5) < 4 * 0.5 / np.sqrt(trials)


def test_frames_and_held_detected_flags(case):
    truth, obs = case
    df = obs.detections
    assert (df[df.kind == "radar"].t_s.astype(int) % 3 == 0).all()  # scans every 3 s from 0
    assert (df[df.kind == "los"].t_s.astype(int) % 2 == 0).all()  # frames every 2 s
    k = np.arange(truth.t_s.size)
    # A frame's result is held over the grid times of that frame...
    det = obs.detected["radar"]
    assert (det == det[..., 3 * (k // 3)]).all() and det.any()
    # ...and needs access at the frame's time.
    assert not (obs.detected["ir"] & ~obs.visible["ir"][..., 2 * (k // 2)]).any()


def test_streams_are_per_sample_and_sensor(case):
    truth, obs = case
    alone = observe(_resolved([SPECS[1]]), truth, epoch=EPOCH, earth="wgs84", seed=7).detections
    both = obs.detections
    mine = both[both.sensor == "radar"].reset_index(drop=True)
    # Adding the IR sensor must not change a single radar draw.
    assert alone.equals(mine)
    other = observe(_resolved([SPECS[1]]), truth, epoch=EPOCH, earth="wgs84", seed=8).detections
    assert not other.equals(alone)
    # Two samples of one truth draw differently.
    s0 = mine[(mine["sample"] == 0) & (mine.truth_id == 0)].range_m.to_numpy()
    s1 = mine[(mine["sample"] == 1) & (mine.truth_id == 0)].range_m.to_numpy()
    assert s0.size and not np.array_equal(s0, s1[: s0.size])


def test_a_sample_detects_the_same_whatever_it_shares_a_call_with(case, monkeypatch):
    """Samples share a kernel call up to the sweep's element budget; with a budget that holds
    one sample and 10 (IR) or 250 (radar) grid times, every call is one sample's time chunk,
    and the detections must be the same: the same rows, flags and draws, values to 1e-12
    relative (the vectorised transcendental functions may round the last bit differently by
    position in the call: 1e-12 of a unit LOS is 1e-12 rad against 50 µrad of noise)."""
    from hyperdef.sensors import sweep

    truth, obs = case
    monkeypatch.setattr(sweep, "MAX_CHUNK_ELEMENTS", 500)
    alone = observe(_resolved(SPECS), truth, epoch=EPOCH, earth="wgs84", seed=7)
    a, b = alone.detections, obs.detections
    assert len(a) == len(b) and list(a.columns) == list(b.columns)
    for col in a.columns:
        if a[col].dtype.kind == "f":
            np.testing.assert_allclose(a[col], b[col], rtol=1e-12, atol=0, err_msg=col)
        else:
            assert a[col].equals(b[col]), col
    for name in obs.detected:
        assert np.array_equal(alone.detected[name], obs.detected[name])
        assert np.array_equal(alone.visible_by_platform[name], obs.visible_by_platform[name])


def test_false_alarms(case):
    truth, obs = case
    fa = obs.detections[obs.detections.truth_id == -1]
    scans = 2 * int(np.ceil(truth.t_s.size / 3))
    # Poisson(2) per scan summed over the scans of 2 samples: mean 2·scans, sd √(2·scans).
    assert abs(len(fa) - 2 * scans) < 4 * np.sqrt(2 * scans)
    assert (fa.range_m <= 2500e3).all() and (fa.el_rad >= 0).all()
    assert (fa.snr_db >= 10 * np.log10(-np.log(1e-6))).all()


def test_summary(case):
    truth, obs = case
    rows = obs.summary(truth, sample_index=1)
    assert [(r["name"], r["threat"]) for r in rows] == [
        ("ir", "glider-0"), ("ir", "glider-1"), ("radar", "glider-0"), ("radar", "glider-1")]
    df = obs.detections
    for r in rows:
        mine = df[(df["sample"] == 1) & (df.sensor == r["name"])
                  & (df.truth_id == int(r["threat"][-1]))]
        assert r["detections"] == len(mine)
        assert r["first_detection_t_s"] == mine.t_s.min()
        assert 0.0 < r["detected_fraction"] <= 1.0
    assert set(rows[0]) == {"name", "threat", "first_detection_t_s", "last_detection_t_s",
                            "detections", "detected_fraction"}


def test_the_tracker_reads_the_same_contract():
    from hyperdef.tracking.stream import REQUIRED_COLUMNS

    # Everything the table carries but the report and scoring columns, in table order.
    assert REQUIRED_COLUMNS == tuple(c for c in COLUMNS if c not in ("snr_db", "truth_id"))
