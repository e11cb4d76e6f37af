"""Sensor platforms from a scenario spec: ECEF states of every satellite, site or ship on a grid.

One function turns any `sensors:` item into `Platforms` (P platforms × T times); everything
downstream (visibility, detection, coverage, the 3-D view) reads only these arrays.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from hyperdef.constants import OMEGA_EARTH_RADPS
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import EarthModel
from hyperdef.scenario.sensors import RadarSpec, SpaceIRSpec
from hyperdef.sensors.orbits import (
    Elements,
    elements,
    propagate_ecef,
    synchronous_a_m,
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

    @property
    def count(self) -> int:
        return self.r_ecef_m.shape[0]


def constellation_elements(spec: SpaceIRSpec, *, epoch: Epoch, earth: EarthModel) -> Elements:
    """Mean elements (P,) of a walker / satellites / geo constellation (not TLE sets)."""
    deg = np.pi / 180.0
    if spec.walker is not None:
        w = spec.walker
        return walker(w.total, w.planes, w.phasing, w.alt_km * 1e3, w.inc_deg * deg,
                      raan0_rad=w.raan0_deg * deg, pattern=w.pattern, earth=earth)
    if spec.satellites is not None:
        sats = spec.satellites
        return elements([s.a_m for s in sats], [s.e for s in sats],
                        [s.inc_deg * deg for s in sats], [s.raan_deg * deg for s in sats],
                        [s.argp_deg * deg for s in sats],
                        [s.mean_anomaly_deg * deg for s in sats])
    if spec.geo is not None:
        # Geostationary: the orbit whose J2-perturbed angular rate is the Earth's sidereal rate,
        # placed at the longitude's inertial angle at epoch (ECI = ECEF rotated by θ).
        a = synchronous_a_m(OMEGA_EARTH_RADPS, 0.0, earth)
        theta0 = float(earth_rotation_angle_rad(0.0, epoch)) if earth.rotating else 0.0
        lons = np.asarray(spec.geo.lons_deg) * deg + theta0
        return elements(a, 0.0, 0.0, 0.0, 0.0, np.mod(lons, 2 * np.pi))
    raise ValueError(f"sensors.{spec.name}: a TLE constellation has no mean elements")


def _geodetic(r, v, earth: EarthModel) -> Platforms:
    lat, lon, alt = ecef_to_geodetic(jnp.asarray(r), earth)
    return Platforms(np.asarray(r), np.asarray(v), np.asarray(lat), np.asarray(lon),
                     np.asarray(alt))


def space_platforms(spec: SpaceIRSpec, t_s, *, epoch: Epoch, earth: EarthModel,
                    scenario_dir: Path | None = None) -> Platforms:
    """ECEF states of a space_ir constellation at t_s (T,) [s since epoch].

    A TLE satellite that SGP4 cannot propagate at some time (decayed, eccentricity out of range;
    sgp4 error codes) has NaN states there, which every visibility test reads as not visible.
    """
    t = np.asarray(t_s, np.float64)
    if spec.tle_file is not None:
        tles = read_tle(spec.tle_file, scenario_dir)
        r, v, _ = tle_states_ecef(tles, t, epoch=epoch, rotating=earth.rotating)
        return _geodetic(r, v, earth)
    el = constellation_elements(spec, epoch=epoch, earth=earth)
    r, v = propagate_ecef(el, t, epoch=epoch, earth=earth)
    return _geodetic(r, v, earth)


def radar_platform(spec: RadarSpec, t_s, *, earth: EarthModel) -> Platforms:
    """ECEF states (P = 1) of a radar site or ship at t_s (T,) [s]."""
    deg = np.pi / 180.0
    t = jnp.asarray(t_s, jnp.float64)
    if spec.site is not None:
        s = spec.site
        r, v, lat, lon = site_states(s.lat_deg * deg, s.lon_deg * deg, s.alt_m, t, earth)
    else:
        s = spec.ship
        r, v, lat, lon = ship_states(s.lat_deg * deg, s.lon_deg * deg, s.heading_deg * deg,
                                     s.speed_mps, s.alt_m, t, earth)
    alt = jnp.full(lat.shape, s.alt_m)
    return Platforms(*(np.asarray(x) for x in (r, v, lat, lon, alt)))


def platforms_of(spec, t_s, *, epoch: Epoch, earth: EarthModel,
                 scenario_dir: Path | None = None) -> Platforms:
    """Platforms of any sensor spec (space_ir or radar)."""
    if isinstance(spec, RadarSpec):
        return radar_platform(spec, t_s, earth=earth)
    return space_platforms(spec, t_s, epoch=epoch, earth=earth, scenario_dir=scenario_dir)

