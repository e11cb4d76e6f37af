"""A threat's whole flight for all samples: phases chained from its resolved parameters.

- a release state (`ReleaseParams`) → unpowered flight (glide, or ballistic re-entry);
- a cruise (`CruiseParams`) → kinematic cruise, then an unpowered (guided if a target is set)
  descent;
- a launch (`LaunchParams`) → boost (or an impulsive ballistic start) then unpowered flight
  (hyperdef.threats.launch).

Every function returns a `Phase` holding the merged grid states and the end of the last phase.
A sample whose earlier phase failed keeps that phase's status and flies no further.
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.earth.distance import great_circle_m, initial_bearing_rad
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status
from hyperdef.threats.aero import CAVH_MASS_KG, beta_and_ld, builtin_table, max_ld_alpha_rad
from hyperdef.threats.cruise import cruise_grid
from hyperdef.threats.glide import GlideParams, equilibrium_altitude_m, fly_glide
from hyperdef.threats.kinematics import ecef_state
from hyperdef.threats.params import CruiseParams, ReleaseParams, ThreatParams


@dataclasses.dataclass
class Phase:
    """One threat, all samples: merged grid states and how the last phase ended."""

    y_grid: np.ndarray  # (S, T, 6)
    y_end: np.ndarray  # (S, 6)
    t_start_s: np.ndarray  # (S,)
    t_end_s: np.ndarray
    status: np.ndarray
    start_r: np.ndarray  # (S, 3) launch or release point, ECEF
    plume_w_sr: np.ndarray  # (S, T)
    emissivity: np.ndarray
    emitting_area_m2: np.ndarray
    nose_radius_m: np.ndarray
    mass_kg: np.ndarray
    beta_kgpm2: np.ndarray
    lift_to_drag: np.ndarray
    target_r: np.ndarray | None  # (S, 3) target of a guided vehicle, ECEF
    invalid: np.ndarray  # (S,) bool: samples that cannot fly (no equilibrium glide, no plane)


class Vehicle:
    """One threat's vehicle for all samples and the glide parameters it makes."""

    def __init__(self, p: ThreatParams, earth: EarthModel) -> None:
        veh, n = p.vehicle, p.sample_ids.size
        self.p, self.earth = p, earth
        self.table = veh.aero_table
        self.mass, self.nose = veh.mass_kg, veh.nose_radius_m
        self.emissivity, self.area = veh.emissivity, veh.emitting_area_m2
        self.beta, self.ld = veh.beta_kgpm2, veh.lift_to_drag
        tab = builtin_table(self.table) if self.table else None
        self.ref_area = np.full(n, veh.reference_area_m2 or (tab.area_m2 if tab else 1.0))
        if tab is not None and veh.reference_area_m2 is None:
            # The table's own vehicle: scale the area with mass so β is the CAV-H β at any mass.
            self.ref_area = tab.area_m2 * self.mass / CAVH_MASS_KG
        self.alpha = np.full(n, veh.alpha_rad)
        self.prog = veh.bank
        tg = veh.target
        self.guided = tg is not None
        # The target latitude and longitude exist only for a guided vehicle (`guided`).
        self.target_latlon: tuple[np.ndarray, np.ndarray]
        if tg is not None:
            self.target = np.asarray(geodetic_to_ecef(tg.lat_rad, tg.lon_rad, 0.0, earth))
            self.target_latlon = (tg.lat_rad, tg.lon_rad)
        else:
            self.target = np.zeros((n, 3))
        self.dive = np.full(n, tg.dive_range_m if tg is not None else 0.0)
        self.max_bank = np.full(n, tg.max_bank_rad if tg is not None else 0.0)

    def aero_at(self, speed_mps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(β, L/D) (S,) at a speed: constants, or the table at the commanded α."""
        if self.table is None:
            return self.beta, self.ld
        tab = builtin_table(self.table)
        alpha = np.where(np.isnan(self.alpha), np.asarray(max_ld_alpha_rad(tab, speed_mps)),
                         self.alpha)
        b, ld = beta_and_ld(tab, self.mass, self.ref_area, alpha, speed_mps)
        return np.asarray(b), np.asarray(ld)

    def params(self, t_release_s: ArrayLike) -> GlideParams:
        return GlideParams(self.beta, self.ld, self.mass, self.ref_area, self.alpha, self.prog,
                           np.asarray(t_release_s, np.float64), self.target, self.dive,
                           self.max_bank)

    def fly(self, y0: np.ndarray, t0_s: np.ndarray, grid: np.ndarray, atmosphere: str, *,
            step_s: float | None = None, stop: bool = True,
            guided: bool | None = None) -> list[np.ndarray]:
        p = self.p
        t_stop = (t0_s + p.stop.time_s) if (stop and p.stop.time_s) else None
        stop_alt = p.stop.alt_m if (stop and p.stop.alt_m) else None
        fl = fly_glide(self.params(t0_s), jnp.asarray(y0), jnp.asarray(t0_s), grid,
                       earth=self.earth, atmosphere=atmosphere, table=self.table,
                       guided=self.guided if guided is None else guided,
                       step_s=step_s or p.step_s, stop_alt_m=stop_alt, t_stop_s=t_stop)
        return [np.asarray(a) for a in fl]


def make_phase(v: Vehicle, y_grid: np.ndarray, y_end: np.ndarray, t0: np.ndarray,
               t_end: np.ndarray, status: np.ndarray, start_r: np.ndarray,
               release_speed_mps: np.ndarray, plume: np.ndarray | None = None,
               invalid: np.ndarray | None = None) -> Phase:
    """Bundle a flight; β and L/D are reported at the release speed (they vary for tables)."""
    b, ld = v.aero_at(np.nan_to_num(release_speed_mps))
    return Phase(y_grid, y_end, t0, t_end, status.astype(np.int32), start_r,
                 np.zeros(y_grid.shape[:2]) if plume is None else plume, v.emissivity, v.area,
                 v.nose, v.mass, b, ld, v.target if v.guided else None,
                 np.zeros(y_grid.shape[0], bool) if invalid is None else invalid)


def fly_initial(p: ThreatParams, grid: np.ndarray, earth: EarthModel, atmosphere: str) -> Phase:
    """Unpowered flight from a release state (`p.start` a ReleaseParams)."""
    v, ini = Vehicle(p, earth), p.start
    assert isinstance(ini, ReleaseParams)  # the caller dispatches on the start's type
    lat, lon, speed = ini.lat_rad, ini.lon_rad, ini.speed_mps
    invalid = None
    if ini.alt_m is None:  # the equilibrium-glide altitude at the release speed
        b, ld = v.aero_at(speed)
        alt, ok = (np.asarray(a) for a in equilibrium_altitude_m(
            speed, b, ld, lat, earth=earth, atmosphere=atmosphere))
        invalid = ~ok
    else:
        alt = ini.alt_m
    r, vel = (np.asarray(a) for a in ecef_state(lat, lon, alt, speed, ini.flight_path_rad,
                                                ini.heading_rad, earth))
    t0 = np.full(p.sample_ids.size, p.t0_s)
    y, t_end, y_end, status = v.fly(np.concatenate([r, vel], -1), t0, grid, atmosphere)
    return make_phase(v, y, y_end, t0, t_end, status, r, speed, invalid=invalid)


def fly_cruise(p: ThreatParams, grid: np.ndarray, earth: EarthModel, atmosphere: str) -> Phase:
    """Kinematic cruise at the start altitude and speed (`p.start` a CruiseParams), then an
    unpowered descent."""
    v, cr = Vehicle(p, earth), p.start
    assert isinstance(cr, CruiseParams)  # the caller dispatches on the start's type
    n = p.sample_ids.size
    lat, lon, alt, speed, heading = cr.lat_rad, cr.lon_rad, cr.alt_m, cr.speed_mps, cr.heading_rad
    rate = speed * earth.a_m / (earth.a_m + alt)
    cruise_range = np.full(n, np.inf)
    if cr.range_m is not None:
        cruise_range[:] = cr.range_m
    if v.guided:
        tlat, tlon = v.target_latlon
        heading = np.asarray(initial_bearing_rad(lat, lon, tlat, tlon))
        to_go = np.asarray(great_circle_m(lat, lon, tlat, tlon, earth.a_m))
        cruise_range = np.minimum(cruise_range, np.maximum(to_go - v.dive, 0.0))
    t0 = np.full(n, p.t0_s)
    t_stop = t0 + (p.stop.time_s or np.inf)
    t_c = np.minimum(t0 + cruise_range / rate, np.minimum(t_stop, grid[-1]))
    ya, ya_end = (np.asarray(a) for a in cruise_grid(grid, t0, t_c, lat, lon, alt, speed,
                                                      heading, earth))
    descends = t_c < np.minimum(t_stop, grid[-1])
    y0 = np.where(descends[:, None], ya_end, np.nan)
    yb, t_end, y_end, status = v.fly(y0, np.where(descends, t_c, grid[-1]), grid, atmosphere)
    end_status = np.where(t_c >= t_stop, Status.OK, Status.MAX_TIME)
    status = np.where(descends, status, end_status)
    y = np.where(np.isfinite(ya), ya, yb)
    return make_phase(v, y, np.where(descends[:, None], y_end, ya_end), t0,
                  np.where(descends, t_end, t_c), status,
                  np.asarray(geodetic_to_ecef(lat, lon, alt, earth)), speed)
