"""`hyperdef export`: OEM read back by the independent `oem` package (PyPI), CSV by pandas, CZML by
json, positions against truth.zarr to the millimetre, and bad input that writes nothing."""

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from oem import OrbitEphemerisMessage
from report_run import scenario_dict, write_run
from typer.testing import CliRunner

from hyperdef.cli.main import app
from hyperdef.io.export import ExportError, export

MM = 1e-3  # the acceptance: positions agree with truth.zarr to the millimetre

GEO_EW = {"name": "geo-ew", "kind": "space_ir", "geo": {"lons_deg": [160.0]},
          "threshold_w_sr": 6000.0, "snr_threshold": 5.0, "pd_model": "step",
          "frame_period_s": 10.0, "los_noise_urad": 20.0,
          "field_of_regard": {"kind": "cone", "half_angle_deg": 9.0, "pointing": "nadir"}}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """The hand-made run folder, with its space layer made a real GEO satellite so the
    satellite export has a platform to rebuild."""
    folder = tmp_path_factory.mktemp("run")
    write_run(folder)
    small = yaml.safe_load((Path(__file__).parents[1] / "report/data/e2e_small.yaml").read_text())
    sc = scenario_dict() | {"threats": small["threats"],
                            "sensors": [small["sensors"][0] | {"name": "radar-a"}, GEO_EW]}
    (folder / "scenario.resolved.yaml").write_text(yaml.safe_dump(sc))
    return folder


def _truth(run_dir):
    ds = xr.open_zarr(run_dir / "truth.zarr", decode_times=False)
    return (np.asarray(ds["time"].values), np.asarray(ds["r_ecef_m"].values[0]),
            np.asarray(ds["v_ecef_mps"].values[0]))


def _read_oem(path):
    with warnings.catch_warnings():  # astropy: "dubious year" for 2030 (future leap seconds)
        warnings.simplefilter("ignore")
        return OrbitEphemerisMessage.open(path)


def _t_s(epoch_text):
    return (pd.Timestamp(str(epoch_text)) - pd.Timestamp("2030-01-01T00:00:00")).total_seconds()


def test_oem_threats_and_tracks_read_back_with_the_oem_package(run_dir, tmp_path):
    out = tmp_path / "oem"
    paths = export(run_dir, "oem", out, objects=["glider", "mrbm", "track/0"])
    assert sorted(p.name for p in paths) == ["threat_glider.oem", "threat_mrbm.oem",
                                             "track_0.oem"]
    t, r, v = _truth(run_dir)
    for o, name in enumerate(("glider", "mrbm")):
        msg = _read_oem(out / f"threat_{name}.oem")
        assert msg.version == "2.0" and not msg.covariances
        assert {s.metadata["REF_FRAME"] for s in msg.segments} == {"ITRF2000"}
        ts = np.array([_t_s(s.epoch) for s in msg.states])
        pos_m = np.array([s.position for s in msg.states]) * 1e3
        vel_mps = np.array([s.velocity for s in msg.states]) * 1e3
        k = np.searchsorted(t, ts)
        assert np.allclose(t[k], ts, atol=1e-6)
        finite = np.isfinite(r[o, :, 0]) & np.isfinite(v[o, :, 0])  # every finite state, once
        assert np.array_equal(k, np.flatnonzero(finite))
        # measured worst case: 5.0e-7 m, 5.0e-10 m/s (hyperdef 0.1.0, float64).
        assert np.max(np.abs(pos_m - r[o, k])) < MM
        assert np.max(np.abs(vel_mps - v[o, k])) < 1e-6  # 1e-12 km/s written
    msg = _read_oem(out / "track_0.oem")
    ds = xr.open_zarr(run_dir / "tracks.zarr", decode_times=False)
    P = np.asarray(ds["P"].values[0, 0])  # noqa: N806
    assert len(msg.covariances) == len(msg.states) > 0
    k = int(np.searchsorted(np.asarray(ds["time"].values), _t_s(msg.covariances[0].epoch)))
    # km² in the file; the hand-made track has σ = 500 m, 30 m/s on the diagonal.
    assert np.allclose(np.asarray(msg.covariances[0].matrix) * 1e6, P[k], rtol=1e-12)


def test_geo_satellite_oem_sits_at_the_geostationary_radius(run_dir, tmp_path):
    """The rebuilt GEO platform. Keplerian synchronous radius a0 = (GM/ω⊕²)^(1/3) = 42 164.2 km
    (Vallado, Fundamentals of Astrodynamics, 4th ed., 2013, §2.2); J2's secular rates of Ω, ω
    and M for an equatorial circular orbit (Vallado §9.6) add up to n·(1 + 3 J2 (R/a)²), so the
    orbit keeping pace with the Earth sits at a0·(1 + 3 J2 (R/a0)²)^(2/3) = 42 166.3 km. 10 m
    tolerance: the neglected J2² terms are ~0.2 m. Fixed in ECEF: |v| < 1 m/s."""
    gm, omega, j2, re = 3.986004418e14, 7.292115e-5, 1.08262668e-3, 6378137.0  # WGS84
    a0 = (gm / omega**2) ** (1 / 3)
    a_j2_km = a0 * (1 + 3 * j2 * (re / a0) ** 2) ** (2 / 3) / 1e3
    export(run_dir, "oem", tmp_path / "sat", objects=["sat/geo-ew/0"])
    msg = _read_oem(tmp_path / "sat" / "sat_geo-ew_0.oem")
    radius_km = np.linalg.norm([s.position for s in msg.states], axis=1)
    assert np.all(np.abs(radius_km - a_j2_km) < 0.010)
    assert np.max(np.linalg.norm([s.velocity for s in msg.states], axis=1)) * 1e3 < 1.0


def test_stk_ephemeris_files_hold_the_truth_positions(run_dir, tmp_path):
    export(run_dir, "stk", tmp_path / "stk", objects=["mrbm", "track/1"])
    t, r, _ = _truth(run_dir)
    text = (tmp_path / "stk" / "threat_mrbm.e").read_text()
    lines = text.splitlines()
    assert lines[0] == "stk.v.11.0" and "ScenarioEpoch 1 Jan 2030 00:00:00.000000" in text
    assert "CoordinateSystem Fixed" in text and "DistanceUnit Meters" in text
    n = int(next(x for x in lines if "NumberOfEphemerisPoints" in x).split()[-1])
    start = lines.index("EphemerisTimePosVel") + 2
    table = np.array([[float(x) for x in row.split()] for row in lines[start:start + n]])
    k = np.searchsorted(t, table[:, 0])
    assert np.max(np.abs(table[:, 1:4] - r[1, k])) < MM
    track = (tmp_path / "stk" / "track_1.e").read_text()
    assert "CovarianceTimePosVel" in track


def test_csv_names_unit_and_frame_in_columns_and_matches_truth(run_dir, tmp_path):
    export(run_dir, "csv", tmp_path / "e.csv")
    df = pd.read_csv(tmp_path / "e.csv")
    for col in ("t_s", "utc", "x_ecef_m", "vz_ecef_mps", "sigma_x_ecef_m"):
        assert col in df
    assert set(df["object"]) >= {"threat/glider", "threat/mrbm", "track/0", "sat/geo-ew/0"}
    t, r, _ = _truth(run_dir)
    g = df[df["object"] == "threat/glider"]
    k = np.searchsorted(t, g["t_s"].to_numpy())
    assert np.max(np.abs(g[["x_ecef_m", "y_ecef_m", "z_ecef_m"]].to_numpy() - r[0, k])) < MM
    assert g["sigma_x_ecef_m"].isna().all()
    tr = df[df["object"] == "track/0"]
    assert np.allclose(tr["sigma_x_ecef_m"], 500.0) and g["utc"].iloc[0].endswith("Z")


def test_czml_export_keeps_only_the_chosen_objects(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    write_run(folder)
    packets = [{"id": "document", "version": "1.0"}, {"id": "threat/glider"},
               {"id": "threat/mrbm"}, {"id": "track/0"}]
    (folder / "scene.czml").write_text(json.dumps(packets))
    export(folder, "czml", tmp_path / "s.czml", objects=["glider", "track/0"])
    ids = [p["id"] for p in json.loads((tmp_path / "s.czml").read_text())]
    assert ids == ["document", "threat/glider", "track/0"]


@pytest.mark.parametrize(("args", "message"), [
    (["{missing}", "--format", "oem"], "no such folder"),
    (["{run}", "--format", "oem", "--objects", "nosuch"], "--objects: no object 'nosuch'"),
    (["{run}", "--format", "oem", "--objects", "glider", "--covariance"],
     "--covariance: threat/glider is truth"),
    (["{run}", "--format", "kml"], "--format: unknown 'kml'"),
])
def test_bad_input_is_named_and_writes_nothing(run_dir, tmp_path, args, message):
    out = tmp_path / "out"
    argv = ["export"] + [a.format(run=run_dir, missing=tmp_path / "nope") for a in args]
    res = CliRunner().invoke(app, argv + ["--out", str(out)])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split())
    assert list(tmp_path.iterdir()) == []  # no output, no staging folder


def test_export_refuses_an_existing_out(run_dir, tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(ExportError, match="already exists"):
        export(run_dir, "oem", tmp_path / "taken")


def test_covariance_flag_exports_tracks_with_blocks(run_dir, tmp_path):
    res = CliRunner().invoke(app, ["export", str(run_dir), "--format", "oem", "--objects",
                                   "track/0,track/1", "--covariance", "--out",
                                   str(tmp_path / "c"), "--json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["files"]) == 2
    assert all("COVARIANCE_START" in p.read_text() for p in (tmp_path / "c").iterdir())
    shutil.rmtree(tmp_path / "c")
