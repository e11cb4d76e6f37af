"""`Truth`: what the threats really did, on the scenario's time grid, for every sample.

Dimensions: sample S, object O (threat), time T. Every per-time quantity is NaN where the object
is not in flight (before launch/release, after impact or stop). `status` says why each flight
ended (hyperdef.status.Status); a NaN anywhere always comes with a status that explains it.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hyperdef.status import Status

if TYPE_CHECKING:
    import xarray as xr

    from hyperdef.threats.body_view import Aspect

# The truth schema, the one list of its variables: name: (unit, description), as written to the
# truth product (docs/conventions.md). VARIABLES are per time (S, O, T), with a trailing xyz axis
# for those in VECTORS; PER_OBJECT are per flight (S, O).
VECTORS = ("r_ecef_m", "v_ecef_mps")
VARIABLES = {
    "r_ecef_m": ("m", "position, ECEF (WGS84 Earth-fixed)"),
    "v_ecef_mps": ("m/s", "velocity relative to the Earth, ECEF"),
    "alt_m": ("m", "height above the Earth model"),
    "speed_mps": ("m/s", "speed relative to the Earth (and the air)"),
    "mach": ("1", "Mach number in the scenario atmosphere"),
    "temp_k": ("K", "radiative-equilibrium stagnation temperature (ir_model body: hot wall, "
               "capped at the material limit)"),
    "ir_w_sr": ("W/sr", "in-band radiant intensity seen from straight above (ir_model body; "
                "stagnation: the heated area), plus plume in boost"),
    "heat_flux_w_m2": ("W/m2", "Sutton-Graves stagnation heat flux"),
    "in_flight": ("1", "true while the object flies"),
}
PER_OBJECT = {
    "status": ("1", "hyperdef.status.Status code of how the flight ended"),
    "t_start_s": ("s", "launch or release time"),
    "t_end_s": ("s", "impact, stop or end-of-grid time"),
    "impact_lat_rad": ("rad", "geodetic latitude of the impact (NaN if none)"),
    "impact_lon_rad": ("rad", "longitude of the impact (NaN if none)"),
    "emissivity": ("1", "surface emissivity used"),
    "emitting_area_m2": ("m2", "emitting area used for ir_w_sr"),
    "nose_radius_m": ("m", "nose radius used for heating"),
    "mass_kg": ("kg", "vehicle mass used"),
    "beta_kgpm2": ("kg/m2", "ballistic coefficient used (at release for table vehicles)"),
    "lift_to_drag": ("1", "lift-to-drag ratio used (at release for table vehicles)"),
    "start_to_end_m": ("m", "geodesic from launch/release point to impact/end"),
    "ground_track_m": ("m", "distance flown along the ground track"),
}
DTYPES = {"in_flight": bool, "status": np.int32}  # the rest are float64


def trailing_shape(name: str, n_times: int) -> tuple[int, ...]:
    """The shape of variable `name` after its (S, O) axes, on a grid of n_times times."""
    if name in PER_OBJECT:
        return ()
    return (n_times, 3) if name in VECTORS else (n_times,)


def _float(x: float) -> float | None:
    x = float(x)
    return None if not math.isfinite(x) else x


@dataclasses.dataclass(frozen=True)
class Truth:
    """The threats' true trajectories and signatures (NumPy arrays; see the module docstring).

    Its arrays are the truth schema's variables (VARIABLES and PER_OBJECT above, whose order is
    the order of the truth product) under the same names."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    sample_ids: np.ndarray  # (S,) int64
    t_s: np.ndarray  # (T,)
    r_ecef_m: np.ndarray  # (S, O, T, 3)
    v_ecef_mps: np.ndarray  # (S, O, T, 3)
    alt_m: np.ndarray  # (S, O, T)
    speed_mps: np.ndarray
    mach: np.ndarray
    temp_k: np.ndarray
    ir_w_sr: np.ndarray
    heat_flux_w_m2: np.ndarray
    in_flight: np.ndarray  # (S, O, T) bool
    status: np.ndarray  # (S, O) int
    t_start_s: np.ndarray  # (S, O)
    t_end_s: np.ndarray
    impact_lat_rad: np.ndarray
    impact_lon_rad: np.ndarray
    emissivity: np.ndarray
    emitting_area_m2: np.ndarray
    nose_radius_m: np.ndarray
    mass_kg: np.ndarray
    beta_kgpm2: np.ndarray
    lift_to_drag: np.ndarray
    ir_band_m: tuple[float, float]  # band of ir_w_sr [m] (of the first object, see ir_bands_m)
    start_to_end_m: np.ndarray  # (S, O) geodesic from launch/release point to impact/end
    ground_track_m: np.ndarray  # (S, O) distance flown along the ground track
    ir_bands_m: tuple[tuple[float, float], ...] = ()  # (O) per-object bands; () = all ir_band_m
    ir_models: tuple[str, ...] = ()  # (O) 'stagnation' or 'body' per object; () = stagnation
    # (O) per object None (stagnation: the same from every side) or a
    # hyperdef.threats.body_view.Aspect, with which a sensor sees the body from its own direction
    # (detections); in memory only, the truth product keeps the view from above.
    ir_aspects: tuple[Aspect | None, ...] = ()

    def ir_model_of(self, o: int) -> str:
        """The infrared model ('stagnation' or 'body') of object o's ir_w_sr."""
        return self.ir_models[o] if self.ir_models else "stagnation"

    def band_of(self, o: int) -> tuple[float, float]:
        """The band [m] of object o's ir_w_sr."""
        return self.ir_bands_m[o] if self.ir_bands_m else self.ir_band_m

    def to_xarray(self) -> xr.Dataset:
        """xarray.Dataset with dims (sample, object, time[, xyz]); units in each `attrs`."""
        import xarray as xr

        coords = {"sample": self.sample_ids, "object": list(self.names), "time": self.t_s,
                  "xyz": ["x", "y", "z"], "kind": ("object", list(self.kinds))}
        data = {}
        for name, (unit, desc) in VARIABLES.items():
            arr = getattr(self, name)
            dims = ("sample", "object", "time") + (("xyz",) if name in VECTORS else ())
            data[name] = (dims, arr, {"units": unit, "long_name": desc})
        for name, (unit, desc) in PER_OBJECT.items():
            data[name] = (("sample", "object"), getattr(self, name),
                          {"units": unit, "long_name": desc})
        bands = np.array([self.band_of(o) for o in range(len(self.names))]).reshape(-1, 2)
        data["ir_band_lo_m"] = (("object",), bands[:, 0], {"units": "m",
                                                          "long_name": "ir_w_sr band, low end"})
        data["ir_band_hi_m"] = (("object",), bands[:, 1], {"units": "m",
                                                          "long_name": "ir_w_sr band, high end"})
        data["ir_model"] = (("object",), [self.ir_model_of(o) for o in range(len(self.names))],
                            {"long_name": "infrared model of ir_w_sr"})
        ds = xr.Dataset(data, coords=coords)
        ds["time"].attrs.update(units="s", long_name="seconds since the scenario epoch")
        ds.attrs.update(ir_band_lo_m=self.ir_band_m[0], ir_band_hi_m=self.ir_band_m[1],
                        status_codes=", ".join(f"{s.value}={s.name}" for s in Status))
        return ds

    # JSON-ready rows: values of mixed types (str, float, None, a nested impact dict).
    def summary(self, sample_index: int = 0) -> list[dict[str, Any]]:
        """One JSON-ready dict per threat for one sample (plain floats; None for no value)."""
        rows = []
        s = sample_index
        for o, (name, kind) in enumerate(zip(self.names, self.kinds, strict=True)):
            fl = self.in_flight[s, o]
            anyfl = bool(fl.any())

            def mx(a: np.ndarray, o: int = o, anyfl: bool = anyfl) -> float | None:
                return _float(np.nanmax(a[s, o])) if anyfl else None

            lat, lon = self.impact_lat_rad[s, o], self.impact_lon_rad[s, o]
            impact = None if not np.isfinite(lat) else {
                "lat_deg": float(np.rad2deg(lat)), "lon_deg": float(np.rad2deg(lon))}
            dur = self.t_end_s[s, o] - self.t_start_s[s, o]
            max_alt = mx(self.alt_m)
            rng = _float(self.start_to_end_m[s, o])
            track = _float(self.ground_track_m[s, o])
            rows.append({
                "name": name,
                "kind": kind,
                "status": Status(int(self.status[s, o])).name,
                "flight_time_s": _float(dur),
                "ground_track_km": None if track is None else track / 1e3,
                "start_to_end_km": None if rng is None else rng / 1e3,
                "ir_model": self.ir_model_of(o),
                "max_alt_km": None if max_alt is None else max_alt / 1e3,
                "max_speed_mps": mx(self.speed_mps),
                "max_temp_k": mx(self.temp_k),
                "impact": impact,
            })
        return rows
