"""Sensor platforms from resolved records: ECEF states of every satellite, site or ship on a grid.

One function turns any resolved sensor (hyperdef.sensors.params) into `Platforms` (P platforms ×
T times); everything downstream (visibility, detection, coverage, the 3-D view) reads only these
arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.constants import OMEGA_EARTH_RADPS
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import EarthModel
from hyperdef.sensors.orbits import (
    Elements,
    elements,
    propagate_ecef,
    synchronous_a_m,
)
from hyperdef.sensors.params import (
    GeoPlatforms,
    OrbitPlatforms,
    RadarSensor,
    SensorParams,
    ShipPlatform,
    SitePlatform,
    SpaceIRSensor,
    SpacePlatforms,
    TlePlatforms,
    WalkerPlatforms,
)
from hyperdef.sensors.sites import ship_states, site_states
from hyperdef.sensors.tle import read_tle, tle_states_ecef
from hyperdef.sensors.walker import walker
from hyperdef.time import Epoch, earth_rotation_angle_rad


class Platforms(NamedTuple):
    """States of P platforms at T times (NumPy float64; NaN where a TLE failed to propagate)."""

    r_ecef_m: np.ndarray  # (P, T, 3)
    v_ecef_mps: np.ndarray  # (P, T, 3)
    lat_rad: np.ndarray  # (P, T) geodetic latitude
    lon_rad: np.ndarray  # (P, T)
    alt_m: np.ndarray  # (P, T) height above the ellipsoid

    # Shadows tuple.count (the number of platforms); nothing counts occurrences in a record.
    @property
    def count(self) -> int:  # type: ignore[override]
        return self.r_ecef_m.shape[0]


def constellation_elements(plat: SpacePlatforms, *, epoch: Epoch, earth: EarthModel) -> Elements:
    """Mean elements (P,) of a walker / orbits / geo constellation (not TLE sets)."""
    if isinstance(plat, WalkerPlatforms):
        return walker(plat.total, plat.planes, plat.phasing, plat.alt_m, plat.inc_rad,
                      raan0_rad=plat.raan0_rad, pattern=plat.pattern, earth=earth)
    if isinstance(plat, OrbitPlatforms):
        return elements(list(plat.a_m), list(plat.e), list(plat.inc_rad), list(plat.raan_rad),
                        list(plat.argp_rad), list(plat.mean_anomaly_rad))
    if isinstance(plat, GeoPlatforms):
        # Geostationary: the orbit whose J2-perturbed angular rate is the Earth's sidereal rate,
        # placed at the longitude's inertial angle at epoch (ECI = ECEF rotated by θ).
        a = synchronous_a_m(OMEGA_EARTH_RADPS, 0.0, earth)
        theta0 = float(earth_rotation_angle_rad(0.0, epoch)) if earth.rotating else 0.0
        lons = np.asarray(plat.lons_rad) + theta0
        return elements(a, 0.0, 0.0, 0.0, 0.0, np.mod(lons, 2 * np.pi))
    raise ValueError(f"{type(plat).__name__} has no mean elements (a TLE set propagates "
                     "through SGP4)")


def _geodetic(r: ArrayLike, v: ArrayLike, earth: EarthModel) -> Platforms:
    lat, lon, alt = ecef_to_geodetic(jnp.asarray(r), earth)
    return Platforms(np.asarray(r), np.asarray(v), np.asarray(lat), np.asarray(lon),
                     np.asarray(alt))


def space_platforms(plat: SpacePlatforms, t_s: ArrayLike, *, epoch: Epoch,
                    earth: EarthModel) -> Platforms:
    """ECEF states of a space_ir constellation at t_s (T,) [s since epoch].

    A TLE satellite that SGP4 cannot propagate at some time (decayed, eccentricity out of range;
    sgp4 error codes) has NaN states there, which every visibility test reads as not visible.
    """
    t = np.asarray(t_s, np.float64)
    if isinstance(plat, TlePlatforms):
        tles = read_tle(plat.path, plat.source)
        r, v, _ = tle_states_ecef(tles, t, epoch=epoch, rotating=earth.rotating)
        return _geodetic(r, v, earth)
    el = constellation_elements(plat, epoch=epoch, earth=earth)
    r_el, v_el = propagate_ecef(el, t, epoch=epoch, earth=earth)
    return _geodetic(r_el, v_el, earth)


def radar_platform(plat: SitePlatform | ShipPlatform, t_s: ArrayLike, *,
                   earth: EarthModel) -> Platforms:
    """ECEF states (P = 1) of a radar site or ship at t_s (T,) [s]."""
    t = jnp.asarray(t_s, jnp.float64)
    if isinstance(plat, SitePlatform):
        r, v, lat, lon = site_states(plat.lat_rad, plat.lon_rad, plat.alt_m, t, earth)
    else:
        r, v, lat, lon = ship_states(plat.lat_rad, plat.lon_rad, plat.heading_rad,
                                     plat.speed_mps, plat.alt_m, t, earth)
    alt = jnp.full(lat.shape, plat.alt_m)
    return Platforms(*(np.asarray(x) for x in (r, v, lat, lon, alt)))


def platforms_of(sensor: SensorParams, t_s: ArrayLike, *, epoch: Epoch,
                 earth: EarthModel) -> Platforms:
    """Platforms of any resolved sensor (space IR or radar)."""
    if isinstance(sensor, RadarSensor):
        return radar_platform(sensor.platform, t_s, earth=earth)
    if isinstance(sensor, SpaceIRSensor):
        return space_platforms(sensor.platforms, t_s, epoch=epoch, earth=earth)
    raise TypeError(f"{type(sensor).__name__} is not a resolved sensor record")
