"""write_czml: structure per the CZML spec (czml3), frames and times, covariance ellipsoids."""

from __future__ import annotations

import datetime as dt
import json

import czml3
import numpy as np
import pymap3d
import pytest
from fake_run import AREAS, EPOCH, FOOTPRINTS, SIGMA_M, T_S, rotation_z, write_scene
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperdef
from hyperdef.io.czml import covariance_ellipsoid, read_scene_version, write_czml


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "scene.czml"
    n, truth, tracks = write_scene(path, hyperdef.__version__)
    packets = json.loads(path.read_text())
    return path, n, {p["id"]: p for p in packets}, packets, truth, tracks


def instant_s(iso):
    """Seconds after the fixture's epoch of an ISO-8601 instant (parsed by the standard library)."""
    return (dt.datetime.fromisoformat(iso.replace("Z", "+00:00")) - EPOCH.utc).total_seconds()


def samples(flat, width):
    a = np.asarray(flat, dtype=np.float64).reshape(-1, width + 1)
    return a[:, 0], a[:, 1:]


def quat_to_matrix(q):
    """Rotation matrix of a unit quaternion (x, y, z, w), Hamilton convention, as in Cesium's
    Matrix3.fromQuaternion (CesiumJS reference documentation)."""
    x, y, z, w = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def test_czml3_reads_the_document(scene):
    path, n, _, packets, _, _ = scene
    # czml3 models every CZML packet property with pydantic and forbids unknown ones: a typo or a
    # misplaced property (e.g. custom properties on the document packet) fails here.
    doc = czml3.Document.load(path)
    assert len(doc.packets) == len(packets) == n + 1
    assert packets[0]["id"] == "document" and packets[0]["version"] == "1.0"


def test_entities_one_per_object(scene):
    _, n, by_id, packets, _, _ = scene
    assert len(by_id) == len(packets)  # ids are unique
    expected = {"hyperdef", "threat/HGV-1", "threat/RV-1", "sat/tracking-layer/0",
                "sat/tracking-layer/1", "sat/tracking-layer/2", "radar/radar-1/0", "track/7",
                "footprint/HGV-1/0", "footprint/HGV-1/1", "area/Base A", "interceptor/Battery 1",
                "access/radar-1/0/RV-1"}
    assert expected <= set(by_id)
    assert "track/9" not in by_id  # never firm
    assert n == len(packets) - 1


def test_clock_spans_the_grid_from_the_epoch(scene):
    _, _, by_id, _, _, _ = scene
    clock = by_id["document"]["clock"]
    start, stop = clock["interval"].split("/")
    assert instant_s(start) == 0.0 and instant_s(stop) == T_S[-1]
    assert instant_s(clock["currentTime"]) == 0.0
    assert by_id["hyperdef"]["properties"]["hyperdef_version"] == hyperdef.__version__


def test_threat_positions_are_wgs84_ecef_at_epoch_seconds(scene):
    _, _, by_id, _, truth, _ = scene
    pos = by_id["threat/RV-1"]["position"]
    assert pos["referenceFrame"] == "FIXED" and instant_s(pos["epoch"]) == 0.0
    t, r = samples(pos["cartesian"], 3)
    np.testing.assert_array_equal(t, T_S[5:51])  # only the in-flight samples
    lat, lon, alt = pymap3d.ecef2geodetic(r[:, 0], r[:, 1], r[:, 2])
    # pymap3d inverts WGS84 ECEF independently; written to 1 mm, so 5 mm bounds its round trip.
    # measured worst case: altitude 6.9e-4 m, latitude 5.5e-9° (hyperdef 0.1.0, float64).
    assert np.max(np.abs(alt - truth.alt_m[0, 1, 5:51])) < 5e-3
    assert np.max(np.abs(lat - 40.0)) < 2e-8  # 1e-8° of latitude is 1.1 mm
    start, stop = by_id["threat/RV-1"]["availability"].split("/")
    assert (instant_s(start), instant_s(stop)) == (T_S[5], T_S[50])
    _, alt_km = samples(by_id["threat/HGV-1"]["properties"]["alt_km"]["number"], 1)
    assert np.allclose(alt_km, 40.0, atol=1e-6)


def test_access_lines_follow_detections_and_clear_the_earth(scene):
    _, _, by_id, _, truth, _ = scene
    radar = by_id["access/radar-1/0/RV-1"]
    start, stop = radar["availability"].split("/")
    assert (instant_s(start), instant_s(stop)) == (T_S[20], T_S[31])  # held to the next step
    for ref in radar["polyline"]["positions"]["references"]:
        assert ref.split("#")[0] in by_id
    shown = np.zeros(len(T_S), bool)
    sats = [p for i, p in by_id.items() if i.startswith("access/tracking-layer/")]
    assert sats
    for packet in sats:
        intervals = packet["availability"]
        for interval in [intervals] if isinstance(intervals, str) else intervals:
            a, b = (instant_s(x) for x in interval.split("/"))
            steps = np.flatnonzero((T_S >= a) & (T_S < b))
            shown[steps] = True
            sat = by_id[packet["polyline"]["positions"]["references"][0].split("#")[0]]
            ts, rs = samples(sat["position"]["cartesian"], 3)
            for i in steps:
                # Brute-force ray march (REFERENCES: occlusion): 400 points on the segment,
                # none below the ellipsoid (pymap3d altitude).
                u = np.linspace(0, 1, 400)[:, None]
                pts = rs[i] + u * (truth.r_ecef_m[0, 0, i] - rs[i])
                assert pymap3d.ecef2geodetic(*pts.T)[2].min() > -1e3
    np.testing.assert_array_equal(np.flatnonzero(shown), np.arange(10, 41))


def test_track_ellipsoid_is_the_3_sigma_covariance(scene):
    _, _, by_id, _, _, tracks = scene
    track = by_id["track/7"]
    t_r, radii = samples(track["ellipsoid"]["radii"]["cartesian"], 3)
    t_q, quat = samples(track["orientation"]["unitQuaternion"], 4)
    np.testing.assert_array_equal(t_r, T_S[15:46])
    np.testing.assert_array_equal(t_q, T_S[15:46])
    # Rotating a diagonal covariance leaves its eigenvalues: radii are 3σ of the fixture's axes.
    assert np.max(np.abs(np.sort(radii, axis=1) - np.sort(3 * SIGMA_M))) < 2e-3  # 1 mm rounding
    assert np.all(np.sum(quat[1:] * quat[:-1], axis=1) > 0)  # no sign flips between samples
    for j, i in enumerate(range(15, 46)):
        r = quat_to_matrix(quat[j])
        P = r @ np.diag((radii[j] / 3) ** 2) @ r.T
        expected = rotation_z(0.01 * i) @ np.diag(SIGMA_M**2) @ rotation_z(0.01 * i).T
        # radii rounded to 1 mm of 900 m: relative 1e-6, so P agrees to ~2e-6 of 9e4 m².
        assert np.max(np.abs(P - expected)) < 0.5
    _, pos = samples(track["position"]["cartesian"], 3)
    # measured worst case: 5.0e-4 m (hyperdef 0.1.0, float64).
    assert np.max(np.abs(pos - tracks.x[0, 0, 15:46, :3])) < 1e-3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-np.pi, np.pi), min_size=3, max_size=3),
       st.lists(st.floats(1e-2, 1e4), min_size=3, max_size=3))
def test_covariance_ellipsoid_recomposes(angles, sigmas):
    rot = (rotation_z(angles[0])
           @ np.array([[1, 0, 0], [0, np.cos(angles[1]), -np.sin(angles[1])],
                       [0, np.sin(angles[1]), np.cos(angles[1])]])
           @ rotation_z(angles[2]))
    P = rot @ np.diag(np.square(sigmas)) @ rot.T
    radii, quat = covariance_ellipsoid(P, n_sigma=3.0)
    assert abs(np.linalg.norm(quat) - 1) < 1e-12
    # float64 eigendecomposition: eigenvalue errors ~1e-15 of the largest (Golub & Van Loan,
    # §8.1); 1e-10 of it leaves margin and is still far below a micrometre for these sizes.
    tol_m2 = 1e-10 * np.max(np.square(sigmas))
    lam = np.sort(np.square(radii / 3))
    assert np.max(np.abs(lam - np.sort(np.square(sigmas)))) < tol_m2
    r = quat_to_matrix(quat)
    back = r @ np.diag((radii / 3) ** 2) @ r.T
    assert np.max(np.abs(back - P)) < tol_m2


def test_footprints_areas_and_sites(scene):
    _, _, by_id, _, _, _ = scene
    for i, (a, b) in enumerate([(200.0, 400.0), (400.0, 600.0)]):
        fp = by_id[f"footprint/HGV-1/{i}"]
        start, stop = fp["availability"].split("/")
        assert (instant_s(start), instant_s(stop)) == (a, b)
        lonlat = np.asarray(fp["polygon"]["positions"]["cartographicDegrees"]).reshape(-1, 3)
        np.testing.assert_array_equal(lonlat[:, [1, 0]], FOOTPRINTS[i]["polygon"])  # lon first
    area = by_id["area/Base A"]
    assert area["ellipse"]["semiMajorAxis"] == 1e3 * AREAS[0]["radius_km"]
    assert area["position"]["cartographicDegrees"] == [160.0, 35.0, 0.0]
    assert by_id["interceptor/Battery 1"]["ellipse"]["semiMinorAxis"] == 300e3
    dome = by_id["radar/radar-1/0"]["ellipsoid"]
    assert dome["radii"]["cartesian"] == [2e6, 2e6, 2e6]


def test_strict_json_and_version(scene):
    path = scene[0]
    # Browsers' JSON.parse rejects NaN/Infinity: the file must be strict JSON.
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"{c} in CZML"))
    assert read_scene_version(path) == hyperdef.__version__


def test_truth_only_scene(tmp_path):
    from fake_run import truth

    n = write_czml(tmp_path / "s.czml", epoch=EPOCH, truth=truth(), hyperdef_version="0.1.0")
    assert n == 3  # metadata + two threats
    assert len(czml3.Document.load(tmp_path / "s.czml").packets) == 4


def test_bad_input_is_named(tmp_path):
    from fake_run import truth

    with pytest.raises(IndexError, match="sample_index=3"):
        write_czml(tmp_path / "s.czml", epoch=EPOCH, truth=truth(), sample_index=3,
                   hyperdef_version="0.1.0")
    with pytest.raises(ValueError, match="area/Base A"):
        write_czml(tmp_path / "s.czml", epoch=EPOCH, truth=truth(), defended_areas=AREAS * 2,
                   hyperdef_version="0.1.0")
    assert not (tmp_path / "s.czml").exists()


def test_footprints_say_what_they_are_and_label_the_extrapolation(tmp_path):
    # A glider's reachable set and a ballistic target's ellipse, each with the no-manoeuvre
    # impact point: the viewer's name and description say which polygon is which, and the point
    # impact is called an extrapolation wherever it appears.
    from fake_run import truth

    imp = {"lat_deg": 35.0, "lon_deg": 160.0, "sigma_km": 12.0}
    prints = [dict(FOOTPRINTS[0], kind="reachable", predicted_impact=imp),
              dict(FOOTPRINTS[1], threat="RV-1", kind="impact_ellipse_95",
                   predicted_impact=imp)]
    write_czml(tmp_path / "s.czml", epoch=EPOCH, truth=truth(), footprints=prints,
               hyperdef_version="0.1.0")
    czml3.Document.load(tmp_path / "s.czml")  # still valid CZML with the descriptions
    by_id = {p["id"]: p for p in json.loads((tmp_path / "s.czml").read_text())}
    reach, ellipse = by_id["footprint/HGV-1/0"], by_id["footprint/RV-1/0"]
    assert reach["name"] == "reachable footprint HGV-1"
    assert ellipse["name"] == "95 % impact ellipse (no-manoeuvre extrapolation) RV-1"
    assert "Reachable footprint" in reach["description"]
    for p in (reach, ellipse):
        assert ("Impact if no further manoeuvre (extrapolation): 35.00°, 160.00° ± 12 km"
                in p["description"])
