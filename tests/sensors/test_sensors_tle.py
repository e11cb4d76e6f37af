"""TLE reading and propagation: Skyfield as the oracle, and malformed files reported by line."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from hyperdef.constants import OMEGA_EARTH_RADPS
from hyperdef.sensors.tle import TleError, parse_tle, read_tle, tle_states_ecef
from hyperdef.time import Epoch

DATA = Path(__file__).parent / "data"
TLE = DATA / "public.tle"


def _skyfield_ecef(line1, line2, epoch, t):
    from skyfield.api import EarthSatellite, load
    from skyfield.framelib import itrs

    ts = load.timescale(builtin=True)
    times = ts.from_datetimes([epoch.to_datetime(x) for x in t])
    xyz = EarthSatellite(line1, line2, "x", ts).at(times).frame_xyz(itrs).m.T
    # Skyfield rotates with UT1; hyperdef takes UT1 = UTC. Undo the Earth-rotation difference
    # ω⊕·(UT1 − UTC) about z so that only the frame conversion itself is compared.
    ang = -OMEGA_EARTH_RADPS * times.dut1
    c, s = np.cos(ang), np.sin(ang)
    return np.stack([c * xyz[:, 0] + s * xyz[:, 1], -s * xyz[:, 0] + c * xyz[:, 1], xyz[:, 2]],
                    axis=-1)


def test_tle_states_match_skyfield():
    tles = read_tle(str(TLE))
    lines = [s for s in TLE.read_text().splitlines() if s.startswith(("1 ", "2 "))]
    for k, sat in enumerate(tles.satrecs):
        epoch = Epoch(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
                      + dt.timedelta(days=sat.jdsatepoch + sat.jdsatepochF - 2451544.5, hours=2))
        epoch = Epoch(epoch.utc.replace(microsecond=0))
        t = np.arange(0.0, 86400.0, 5400.0)
        r, _, err = tle_states_ecef(tles, t, epoch=epoch)
        assert (err[k] == 0).all()
        ref = _skyfield_ecef(lines[2 * k], lines[2 * k + 1], epoch, t)
        # Both run the same SGP4 and turn TEME into the Earth-fixed frame with GMST (Vallado et
        # al. 2006); the residual is float rounding (< 1 mm seen). 1 m would still catch a
        # wrong sign or a 1e-7 rad rotation error (0.7 m at GEO).
        # measured worst case: 1.9e-4 m (hyperdef 0.1.0, float64).
        assert np.linalg.norm(r[k] - ref, axis=-1).max() < 1.0, tles.names[k]


def test_tle_velocity_is_derivative_of_skyfield_positions():
    tles = read_tle(str(TLE))
    lines = [s for s in TLE.read_text().splitlines() if s.startswith(("1 ", "2 "))]
    sat = tles.satrecs[0]
    epoch = Epoch(dt.datetime(2019, 12, 9, 18, 0, tzinfo=dt.UTC))
    _, v, _ = tle_states_ecef(tles, np.array([600.0]), epoch=epoch)
    ref = _skyfield_ecef(lines[0], lines[1], epoch, np.array([599.5, 600.5]))
    fd = ref[1] - ref[0]
    # Central difference over 1 s: truncation |jerk|·h²/24 < 1e-3 m/s for the ISS, and SGP4's
    # analytic velocity itself differs from the derivative of its positions by ≈ 1 cm/s (seen in
    # TEME, before any frame change); 5 cm/s bounds both. Forgetting the ω⊕ × r term of the
    # transport theorem would be off by ≈ 500 m/s.
    assert np.linalg.norm(v[0, 0] - fd) < 0.05
    assert sat.satnum == 25544


def _lines():
    return TLE.read_text().splitlines()


def test_bad_checksum_reports_file_and_line(tmp_path):
    lines = _lines()
    lines[4] = lines[4][:-1] + str((int(lines[4][-1]) + 1) % 10)  # DELTA 1 DEB, line 1
    path = tmp_path / "bad.tle"
    path.write_text("\n".join(lines))
    with pytest.raises(TleError, match=r"bad\.tle:5: checksum"):
        read_tle(str(path))


def test_short_line_reports_file_and_line(tmp_path):
    lines = _lines()
    lines[8] = lines[8][:40]
    path = tmp_path / "short.tle"
    path.write_text("\n".join(lines))
    with pytest.raises(TleError, match=r"short\.tle:9: TLE line 2 must have 69 columns"):
        read_tle(str(path))


def test_garbage_field_and_missing_line_are_reported():
    lines = _lines()
    body = lines[1][:18] + "1934X.69339541" + lines[1][32:]
    # Keep the checksum right so that the field itself is what fails.
    from hyperdef.sensors.tle import checksum

    body = body[:68] + str(checksum(body))
    with pytest.raises(TleError, match=r"x\.tle:2:"):
        parse_tle("\n".join([lines[0], body, lines[2]]), "x.tle")
    with pytest.raises(TleError, match=r"y\.tle:2: TLE line 1 is not followed"):
        parse_tle("\n".join(lines[:2]), "y.tle")
    with pytest.raises(TleError, match=r"z\.tle:3: catalogue number"):
        parse_tle("\n".join([lines[0], lines[1], lines[5]]), "z.tle")


def test_unknown_tle_file_lists_builtins(tmp_path):
    from hyperdef.scenario.resolve_sensors import tle_path

    with pytest.raises(TleError, match="tle_file: 'nope.tle'"):
        tle_path("nope.tle", tmp_path)
    # Relative paths resolve against the scenario's folder.
    assert len(read_tle(tle_path("public.tle", DATA))) == 5


def test_tle_constellation_platforms_rotating_and_not():
    from hyperdef.earth.model import SPHERICAL_NONROTATING, WGS84
    from hyperdef.scenario.resolve_sensors import space_platforms_of
    from hyperdef.scenario.sensors import SpaceIRSpec
    from hyperdef.sensors.platforms import space_platforms

    spec = SpaceIRSpec(name="cat", kind="space_ir", tle_file="public.tle", nei_w_m2=1e-12)
    epoch = Epoch(dt.datetime(2019, 12, 9, 18, 0, tzinfo=dt.UTC))
    t = np.array([0.0, 600.0])
    cat = space_platforms_of(spec, DATA)
    rot = space_platforms(cat, t, epoch=epoch, earth=WGS84)
    still = space_platforms(cat, t, epoch=epoch, earth=SPHERICAL_NONROTATING)
    assert rot.r_ecef_m.shape == (5, 2, 3)
    # At epoch both frames coincide; 600 s later they differ by the Earth's turn ω⊕·600 s
    # (0.0437 rad), which for the ISS (6 800 km) is ≈ 0.044 × r⊥ — hundreds of km.
    assert np.allclose(rot.r_ecef_m[0, 0], still.r_ecef_m[0, 0], atol=1e-6)
    turn = np.arctan2(still.r_ecef_m[0, 1, 1], still.r_ecef_m[0, 1, 0]) - np.arctan2(
        rot.r_ecef_m[0, 1, 1], rot.r_ecef_m[0, 1, 0])
    assert abs(np.mod(turn + np.pi, 2 * np.pi) - np.pi - OMEGA_EARTH_RADPS * 600.0) < 1e-6
