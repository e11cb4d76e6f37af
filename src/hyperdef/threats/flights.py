"""A threat's whole flight for all samples: phases chained from its spec.

- `initial:` → unpowered flight (glide, or ballistic re-entry) from the release state;
- `kind: cruise` → kinematic cruise, then an unpowered (guided if a target is set) descent;
- `launch:` → boost (or an impulsive ballistic start) then unpowered flight
  (hyperdef.threats.launch).

Every function returns a `Phase` holding the merged grid states and the end of the last phase.
A sample whose earlier phase failed keeps that phase's status and flies no further.
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from hyperdef.earth.distance import great_circle_m, initial_bearing_rad
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status
from hyperdef.threats.aero import CAVH_MASS_KG, beta_and_ld, builtin_table, max_ld_alpha_rad
from hyperdef.threats.cruise import cruise_grid
from hyperdef.threats.glide import GlideParams, equilibrium_altitude_m, fly_glide
from hyperdef.threats.kinematics import ecef_state
from hyperdef.threats.manoeuvres import programme_from_spec


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
    target_r: np.ndarray | None = None  # (S, 3) target of a guided vehicle, ECEF


class Vehicle:
    """The drawn vehicle parameters of one threat and the glide parameters they make."""

    def __init__(self, spec, d, earth: EarthModel):
        self.spec, self.earth, n = spec, earth, d.ids.size
        self.table = spec.aero
        self.mass = d("mass_kg", spec.mass_kg, 0.0)
        self.nose = d("nose_radius_m", spec.nose_radius_m, 0.0)
        self.emissivity = d("emissivity", spec.emissivity, 0.0, 1.0)
        self.area = d("emitting_area_m2", spec.emitting_area_m2, 0.0)
        ballistic_kind = spec.kind == "ballistic"
        self.beta = (d("beta_kgpm2", spec.beta_kgpm2, 0.0) if spec.beta_kgpm2 is not None
                     else np.full(n, np.nan))
        self.ld = (np.zeros(n) if ballistic_kind else
                   d("lift_to_drag", spec.lift_to_drag, 0.0) if spec.lift_to_drag is not None
                   else np.full(n, np.nan))
        tab = builtin_table(self.table) if self.table else None
        self.ref_area = np.full(n, spec.reference_area_m2 or (tab.area_m2 if tab else 1.0))
        if tab is not None and spec.reference_area_m2 is None:
            # The table's own vehicle: scale the area with mass so β is the CAV-H β at any mass.
            self.ref_area = tab.area_m2 * self.mass / CAVH_MASS_KG
        self.alpha = np.full(n, np.nan if spec.alpha_deg == "max_ld"
                             else np.deg2rad(float(spec.alpha_deg)))
        self.prog = programme_from_spec(spec.manoeuvre, d.keys, d.ids)
        if spec.manoeuvre is not None and spec.manoeuvre.kind == "weave":
            d.invalid |= ~(np.asarray(self.prog.omega_radps) > 0.0)
        self.guided = spec.target is not None
        if self.guided:
            tlat = np.deg2rad(d("target/lat_deg", spec.target.lat_deg))
            tlon = np.deg2rad(d("target/lon_deg", spec.target.lon_deg))
            self.target = np.asarray(geodetic_to_ecef(tlat, tlon, 0.0, earth))
            self.target_latlon = (tlat, tlon)
        else:
            self.target = np.zeros((n, 3))
        self.dive = np.full(n, 1e3 * spec.target.dive_range_km if self.guided else 0.0)
        self.max_bank = np.full(n, np.deg2rad(spec.target.max_bank_deg if self.guided else 0.0))

    def aero_at(self, speed_mps):
        """(β, L/D) (S,) at a speed: constants, or the table at the commanded α."""
        if self.table is None:
            return self.beta, self.ld
        tab = builtin_table(self.table)
        alpha = np.where(np.isnan(self.alpha), np.asarray(max_ld_alpha_rad(tab, speed_mps)),
                         self.alpha)
        b, ld = beta_and_ld(tab, self.mass, self.ref_area, alpha, speed_mps)
        return np.asarray(b), np.asarray(ld)

    def params(self, t_release_s) -> GlideParams:
        return GlideParams(self.beta, self.ld, self.mass, self.ref_area, self.alpha, self.prog,
                           np.asarray(t_release_s, np.float64), self.target, self.dive,
                           self.max_bank)

    def fly(self, y0, t0_s, grid, atmosphere, *, step_s=None, stop=True, guided=None):
        spec = self.spec
        t_stop = (t0_s + spec.stop.time_s) if (stop and spec.stop.time_s) else None
        stop_alt = 1e3 * spec.stop.alt_km if (stop and spec.stop.alt_km) else None
        fl = fly_glide(self.params(t0_s), jnp.asarray(y0), jnp.asarray(t0_s), grid,
                       earth=self.earth, atmosphere=atmosphere, table=self.table,
                       guided=self.guided if guided is None else guided,
                       step_s=step_s or spec.step_s, stop_alt_m=stop_alt, t_stop_s=t_stop)
        return [np.asarray(a) for a in fl]


def make_phase(v: Vehicle, y_grid, y_end, t0, t_end, status, start_r, release_speed_mps,
           plume=None) -> Phase:
    """Bundle a flight; β and L/D are reported at the release speed (they vary for tables)."""
    b, ld = v.aero_at(np.nan_to_num(release_speed_mps))
    return Phase(y_grid, y_end, t0, t_end, status.astype(np.int32), start_r,
                 np.zeros(y_grid.shape[:2]) if plume is None else plume, v.emissivity, v.area,
                 v.nose, v.mass, b, ld, v.target if v.guided else None)


def fly_initial(spec, d, grid, earth: EarthModel, atmosphere: str) -> Phase:
    """Unpowered flight from an `initial:` release state."""
    v, ini = Vehicle(spec, d, earth), spec.initial
    lat = np.deg2rad(d("initial/lat_deg", ini.lat_deg, -90.0, 90.0, strict=False))
    lon = np.deg2rad(d("initial/lon_deg", ini.lon_deg))
    speed = d("initial/speed_mps", ini.speed_mps, 0.0)
    fpa = np.deg2rad(d("initial/flight_path_deg", ini.flight_path_deg, -90.0, 90.0, False))
    heading = np.deg2rad(d("initial/heading_deg", ini.heading_deg))
    if ini.alt_km == "equilibrium":
        b, ld = v.aero_at(speed)
        alt, ok = (np.asarray(a) for a in equilibrium_altitude_m(
            speed, b, ld, lat, earth=earth, atmosphere=atmosphere))
        d.invalid |= ~ok
    else:
        alt = 1e3 * d("initial/alt_km", ini.alt_km)
    r, vel = (np.asarray(a) for a in ecef_state(lat, lon, alt, speed, fpa, heading, earth))
    t0 = np.full(d.ids.size, spec.t0_s)
    y, t_end, y_end, status = v.fly(np.concatenate([r, vel], -1), t0, grid, atmosphere)
    return make_phase(v, y, y_end, t0, t_end, status, r, speed)


def fly_cruise(spec, d, grid, earth: EarthModel, atmosphere: str) -> Phase:
    """Kinematic cruise at the initial altitude and speed, then an unpowered descent."""
    v, ini = Vehicle(spec, d, earth), spec.initial
    n = d.ids.size
    lat = np.deg2rad(d("initial/lat_deg", ini.lat_deg, -90.0, 90.0, strict=False))
    lon = np.deg2rad(d("initial/lon_deg", ini.lon_deg))
    alt = 1e3 * d("initial/alt_km", ini.alt_km, 0.0, strict=False)
    speed = d("initial/speed_mps", ini.speed_mps, 0.0)
    heading = np.deg2rad(d("initial/heading_deg", ini.heading_deg))
    rate = speed * earth.a_m / (earth.a_m + alt)
    cruise_range = np.full(n, np.inf)
    if spec.cruise is not None and spec.cruise.range_km is not None:
        cruise_range[:] = 1e3 * spec.cruise.range_km
    if v.guided:
        tlat, tlon = v.target_latlon
        heading = np.asarray(initial_bearing_rad(lat, lon, tlat, tlon))
        to_go = np.asarray(great_circle_m(lat, lon, tlat, tlon, earth.a_m))
        cruise_range = np.minimum(cruise_range, np.maximum(to_go - v.dive, 0.0))
    t0 = np.full(n, spec.t0_s)
    t_stop = t0 + (spec.stop.time_s or np.inf)
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
