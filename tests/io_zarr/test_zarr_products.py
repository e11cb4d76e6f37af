"""Zarr run products open with `xarray.open_zarr(path)` and no options (the plain reader)."""

import sys
from pathlib import Path

import numpy as np
import xarray as xr

from hyperdef.io.zarr import write_zarr

sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
import report_run  # noqa: E402  (the report tests' small run built from the real classes)


def test_tracks_open_with_plain_xarray_and_carry_the_epoch(tmp_path):
    truth = report_run.make_truth()
    ds = report_run.make_trackset(truth).to_xarray()
    write_zarr(ds, tmp_path / "tracks.zarr", epoch_iso="2030-01-01T00:00:00.000000Z")
    opened = xr.open_zarr(tmp_path / "tracks.zarr").load()
    # CF time: datetime64 at the epoch plus t_s, to the nanosecond
    want = np.datetime64("2030-01-01T00:00:00") + (ds["time"].values * 1e9).astype(
        "timedelta64[ns]")
    np.testing.assert_array_equal(opened["time"].values, want)
    np.testing.assert_array_equal(opened["x"].values, ds["x"].values)
    # the readers that want float seconds still get them
    raw = xr.open_zarr(tmp_path / "tracks.zarr", decode_times=False)
    np.testing.assert_array_equal(raw["time"].values, ds["time"].values)


def test_non_date_since_units_without_epoch_become_seconds(tmp_path):
    ds = xr.Dataset(coords={"time": ("time", [0.0, 2.0], {"units": "s since launch"})})
    write_zarr(ds, tmp_path / "a.zarr")
    opened = xr.open_zarr(tmp_path / "a.zarr")
    assert opened["time"].attrs == {"units": "s", "long_name": "s since launch"}
    np.testing.assert_array_equal(opened["time"].values, [0.0, 2.0])
