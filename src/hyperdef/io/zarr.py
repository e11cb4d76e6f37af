"""Zarr run products that open with the plain reader: `xarray.open_zarr(path)`, no options.

xarray decodes any variable whose `units` attribute reads "<unit> since <something>" as a CF
time (CF Conventions 1.11, §4.4: the reference after "since" must be a date), so a unit such as
"s since scenario epoch" makes `open_zarr` fail with a date-parsing error. The run's epoch is a
real UTC instant, so a time axis carries CF units with that date ("seconds since
2030-01-01T00:00:00"): a reader gets datetime64 values and the epoch in one. Any other
"… since …" unit whose reference is not a date is rewritten as plain seconds with the phrase kept
in `long_name`.

Written as Zarr format 2 with consolidated metadata: its string dtypes and layout are specified
and read by every Zarr implementation (format 3 has no specification for fixed-width strings).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _is_date(text: str) -> bool:
    try:
        pd.Timestamp(text.strip())
    except (ValueError, TypeError):
        return False
    return True


def cf_safe(ds, *, epoch_iso: str | None = None):
    """A copy of `ds` whose "since" units all name a date.

    ds: xarray.Dataset; epoch_iso: the scenario epoch (UTC, ISO 8601), used for a time axis whose
    unit refers to the scenario epoch by name; without it such units become plain "s".
    """
    ds = ds.copy()
    for name in list(ds.variables):
        attrs = dict(ds[name].attrs)
        units = attrs.get("units")
        if not isinstance(units, str) or " since " not in units:
            continue
        unit, ref = units.split(" since ", 1)
        if _is_date(ref):
            continue
        attrs.setdefault("long_name", f"{unit} since {ref}")
        if epoch_iso is not None and unit.strip() in ("s", "seconds"):
            stamp = pd.Timestamp(epoch_iso)
            stamp = stamp.tz_convert(None) if stamp.tz is not None else stamp  # CF: naive UTC
            attrs["units"] = f"seconds since {stamp.isoformat()}"
        else:
            attrs["units"] = "s"
        ds[name].attrs = attrs
    return ds


def write_zarr(ds, path: Path, *, epoch_iso: str | None = None) -> None:
    """Write `ds` to `path` (replacing it) so that `xarray.open_zarr(path)` reads it back."""
    cf_safe(ds, epoch_iso=epoch_iso).to_zarr(Path(path), mode="w", zarr_format=2,
                                              consolidated=True)
