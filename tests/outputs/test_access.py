"""access.parquet: interval finding, range and elevation against pymap3d, and `hyperdef access`."""

import itertools
import json
from types import SimpleNamespace

import numpy as np
import pymap3d
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_run import write_run
from typer.testing import CliRunner

from hyperdef.cli.main import app
from hyperdef.io.access import access_table, runs


@given(st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=1, max_size=4))
def test_runs_match_a_plain_loop(rows):
    flags = np.array(rows, bool)
    idx, first, last = runs(flags)
    expect = []
    for r, row in enumerate(rows):
        k = 0
        for value, grp in itertools.groupby(row):
            n = len(list(grp))
            if value:
                expect.append((r, k, k + n - 1))
            k += n
    assert [(int(i[0]), int(a), int(b)) for i, a, b in zip(idx, first, last, strict=True)] \
        == expect


def _ecef(lat, lon, alt):
    return np.stack(pymap3d.geodetic2ecef(lat, lon, alt), axis=-1)


def test_intervals_range_and_elevation_agree_with_pymap3d():
    """A target crossing over a site at 100 km; the site sees it at two separated times.

    Oracle: pymap3d.ecef2aer (slant range and elevation above the WGS84 local horizontal). Range
    agrees to 1 mm and elevation to 1 µrad: both are the same closed-form geometry in float64."""
    t = np.arange(0.0, 100.0, 10.0)
    lat = np.linspace(30.0, 40.0, t.size)
    r_tgt = _ecef(lat, np.full(t.size, 140.0), np.full(t.size, 100e3))[None, None]  # (S,O,T,3)
    r_site = np.broadcast_to(_ecef(35.0, 141.0, 50.0), (1, t.size, 3))            # (P,T,3)
    vis = np.zeros((1, 1, 1, t.size), bool)
    vis[0, 0, 0, 2:6] = True
    vis[0, 0, 0, 8:9] = True
    obs = SimpleNamespace(sensor_names=("site",), visible_by_platform={"site": vis},
                          platforms={"site": r_site})
    truth = SimpleNamespace(t_s=t, r_ecef_m=r_tgt, names=("hgv",), sample_ids=np.array([7]))
    table = access_table(obs, truth)
    assert list(table["start_t_s"]) == [20.0, 80.0] and list(table["stop_t_s"]) == [50.0, 80.0]
    assert list(table["duration_s"]) == [30.0, 0.0] and set(table["sample"]) == {7}
    _, el, rng = pymap3d.ecef2aer(*r_tgt[0, 0].T, 35.0, 141.0, 50.0)
    for row, ks in zip(table.itertuples(), (slice(2, 6), slice(8, 9)), strict=True):
        # measured worst case: 0 (range and elevation) (hyperdef 0.1.0, float64).
        assert abs(row.min_range_m - rng[ks].min()) < 1e-3
        assert abs(row.max_elevation_rad - np.radians(el[ks].max())) < 1e-6


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    write_run(folder)
    return folder


def test_access_cli_json_gives_utc_beside_seconds(run_dir):
    res = CliRunner().invoke(app, ["access", str(run_dir), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    first = doc["intervals"][0]
    assert first["sensor"] == "radar-a" and first["start_t_s"] == 100.0
    assert first["start_utc"] == "2030-01-01T00:01:40.000000Z"  # epoch + 100 s
    assert abs(first["max_elevation_deg"] - np.degrees(0.6)) < 1e-9


def test_access_cli_names_a_missing_folder_and_file(tmp_path):
    res = CliRunner().invoke(app, ["access", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "no such folder" in res.output
    res = CliRunner().invoke(app, ["access", str(tmp_path)])
    assert res.exit_code == 2 and "access.parquet" in res.output
