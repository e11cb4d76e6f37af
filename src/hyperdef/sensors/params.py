"""The resolved sensor records the kernels take, and each sensor's frame times on the grid.

A scenario's `sensors:` items (degrees, km, dB; hyperdef.scenario.sensors) are resolved by
hyperdef.scenario.resolve_sensors into these frozen records, in SI units: a `SpaceIRSensor` or a
`RadarSensor` (both `SensorParams`), each with its platforms (a Walker pattern, mean elements,
geostationary longitudes or a TLE file; a site or a ship) and the kernel parameters
(hyperdef.sensors.space_ir.IRParams, hyperdef.sensors.radar.RadarParams). Kernels branch on the
record types, never on the file's `kind` strings.

Frame times: a sensor with frame (or scan) period Δ produces a frame at the first grid time of
each interval [kΔ, (k+1)Δ); with no period, or a period shorter than the grid step, every grid
time is a frame. A detection made in a frame is held for the grid times of that frame when flags
are reported per grid time (`frame_start_index`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from jax.typing import ArrayLike

from hyperdef.sensors.radar import RadarParams
from hyperdef.sensors.space_ir import IRParams


@dataclasses.dataclass(frozen=True)
class WalkerPlatforms:
    """A Walker i:T/P/F pattern of circular orbits (hyperdef.sensors.walker)."""

    total: int
    planes: int
    phasing: int
    alt_m: float  # above the equatorial radius
    inc_rad: float
    raan0_rad: float
    pattern: str  # 'delta' | 'star'


@dataclasses.dataclass(frozen=True)
class OrbitPlatforms:
    """Mean elements at the scenario epoch, one entry per satellite."""

    a_m: tuple[float, ...]
    e: tuple[float, ...]
    inc_rad: tuple[float, ...]
    raan_rad: tuple[float, ...]
    argp_rad: tuple[float, ...]
    mean_anomaly_rad: tuple[float, ...]


@dataclasses.dataclass(frozen=True)
class GeoPlatforms:
    """Geostationary satellites at the given longitudes, east positive."""

    lons_rad: tuple[float, ...]


@dataclasses.dataclass(frozen=True)
class TlePlatforms:
    """A two-line-element set: the file to read, and the scenario's `tle_file` entry that named
    it (for messages)."""

    path: Path
    source: str


@dataclasses.dataclass(frozen=True)
class SitePlatform:
    """A fixed site (geodetic latitude, longitude, altitude above the ellipsoid)."""

    lat_rad: float
    lon_rad: float
    alt_m: float


@dataclasses.dataclass(frozen=True)
class ShipPlatform:
    """A ship on a great circle from (lat, lon) at a start heading; alt_m is the antenna's."""

    lat_rad: float
    lon_rad: float
    heading_rad: float
    speed_mps: float
    alt_m: float


SpacePlatforms = WalkerPlatforms | OrbitPlatforms | GeoPlatforms | TlePlatforms
PlatformParams = SpacePlatforms | SitePlatform | ShipPlatform


@dataclasses.dataclass(frozen=True)
class SensorParams:
    """What every sensor has: a unique name and a frame (or scan) period [s] (None: every
    grid time)."""

    name: str
    frame_period_s: float | None


@dataclasses.dataclass(frozen=True)
class SpaceIRSensor(SensorParams):
    """A constellation of IR sensors (hyperdef.sensors.space_ir).

    band_m: the sensor band [low, high] [m], or None for the threat model's own band.
    """

    platforms: SpacePlatforms
    ir: IRParams
    band_m: tuple[float, float] | None = None


@dataclasses.dataclass(frozen=True)
class RadarSensor(SensorParams):
    """A ground or ship radar (hyperdef.sensors.radar); false_alarms_per_scan is a Poisson
    mean."""

    platform: SitePlatform | ShipPlatform
    radar: RadarParams
    false_alarms_per_scan: float = 0.0


def frame_start_index(t_s: ArrayLike, period_s: float | None) -> np.ndarray:
    """(T,) int: for each grid time, the index of the first grid time of its frame."""
    t = np.asarray(t_s, np.float64)
    if period_s is None:
        return np.arange(t.size)
    frame = np.floor((t - t[0]) / period_s + 1e-9).astype(np.int64)
    starts = np.r_[True, frame[1:] != frame[:-1]]
    return np.maximum.accumulate(np.where(starts, np.arange(t.size), 0))


def frame_mask(t_s: ArrayLike, period_s: float | None) -> np.ndarray:
    """(T,) bool: True at the grid times where the sensor takes a frame (or scan)."""
    idx = frame_start_index(t_s, period_s)
    return idx == np.arange(idx.size)
