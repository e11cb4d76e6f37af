"""The scenario's `threats:` section: one `ThreatSpec` per boost-glide, ballistic or cruise vehicle.

Units in the file are degrees, km and seconds (converted to SI in hyperdef.threats). Any vehicle
number may be dispersed for Monte Carlo: `12.0`, `{mean: 12, sd: 0.5}` or `{low: 10, high: 14}`
(hyperdef.scenario.base; sample 0 is always nominal). Checks here catch what is wrong for every
sample (a negative nominal mass, L/D ≤ 0, a start below ground, a speed above escape); a draw that
is wrong for one sample only (a normal β tail below zero) becomes that sample's INVALID_INPUT
status at run time, never a NaN without a status.

A threat starts either from `initial:` (a release state: position, altitude or `equilibrium`,
speed, flight-path angle, heading) or from `launch:` (a site, an optional multi-stage `boost:` and
an `aim:`). Example (a notional glider released over the open ocean):

    threats:
      - name: glider
        kind: glide
        mass_kg: 1000
        beta_kgpm2: {low: 4700, high: 13000}
        lift_to_drag: 2.6
        nose_radius_m: 0.034
        initial: {lat_deg: 0, lon_deg: -170, alt_km: equilibrium, speed_mps: 6000,
                  heading_deg: 90}
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hyperdef.constants import GM_M3PS2, R_EARTH_MEAN_M, SUTTON_GRAVES_K_AIR
from hyperdef.scenario.base import Dispersed, Model, Name, nominal
from hyperdef.scenario.bounds import Bounds

# Limits shared by several keys. A threat flies below ~5 000 km (an ICBM's apogee is ~1 200 km),
# within a day of the epoch, and at most half a great circle (20 037 km) from where it starts.
ALT_MAX_KM = 5_000.0
TIME_MAX_S = 86_400.0
HALF_GREAT_CIRCLE_KM = 20_037.5
_ALT = "far above any missile apogee"
_TIME = "a threat's flight ends within a day"


def _num(low=None, high=None, unit="", **kw):
    """A dispersed number with physical bounds (see hyperdef.scenario.bounds)."""
    return Annotated[Dispersed, Bounds(low, high, unit, **kw)]


def _real(low=None, high=None, unit="", **kw):
    """A plain (not dispersed) number with physical bounds."""
    return Annotated[float, Bounds(low, high, unit, **kw)]


Lat = _num(-90.0, 90.0, "deg")
Lon = _num(-180.0, 360.0, "deg")
Angle = _num(-360.0, 360.0, "deg")
FlightPath = _num(-90.0, 90.0, "deg")
Fraction = _num(0.0, 1.0, low_open=True)
Mass = _num(0.1, 1e6, "kg", why="a vehicle or stage of 100 g to 1 000 t")
Time = _real(0.0, TIME_MAX_S, "s", why=_TIME)
Schedule = Annotated[list[tuple[Time, _real(-90.0, 90.0, "deg")]],
                     Field(min_length=1, max_length=1_000)]


def escape_speed_mps(alt_m: float) -> float:
    """√(2μ/r) at altitude alt_m [m] above the mean sphere (the load-time escape check)."""
    return math.sqrt(2.0 * GM_M3PS2 / (R_EARTH_MEAN_M + alt_m))


def _ordered_schedule(rows: Schedule | None, what: str) -> None:
    if rows is not None:
        if not rows:
            raise ValueError(f"{what}: give at least one [t, value] row")
        ts = [r[0] for r in rows]
        if any(b <= a for a, b in zip(ts, ts[1:], strict=False)):
            raise ValueError(f"{what}: the first column must increase strictly, got {ts}")


class Initial(Model):
    """A release state: geodetic position, altitude (km or `equilibrium`), velocity."""

    lat_deg: Lat = Field(description="Geodetic latitude of the release point [deg].")
    lon_deg: Lon = Field(description="Longitude of the release point, east positive [deg].")
    alt_km: Dispersed | str = Field(description=(
        "Altitude above the ellipsoid at release [km], or `equilibrium` for the altitude where "
        "lift balances gravity less centrifugal force at the release speed (equilibrium glide, "
        f"Candler & Leyva, S&GS 30(3), 2022, Eqs. 4–5). Range 0 to {ALT_MAX_KM:g} km."))
    speed_mps: _num(50.0, unit="m/s", why="a threat moves at least as fast as a slow aircraft") = \
        Field(description="Speed relative to the rotating Earth at release [m/s]; below escape "
                          "speed at that altitude.")
    flight_path_deg: FlightPath = Field(0.0, description=(
        "Flight-path angle above the local horizontal at release [deg]."))
    heading_deg: Angle = Field(90.0, description=(
        "Heading at release, clockwise from north [deg] (90 = east)."))

    @field_validator("alt_km")
    @classmethod
    def _altitude(cls, v):
        if isinstance(v, str):
            if v != "equilibrium":
                raise ValueError("must be a number of km >= 0 or 'equilibrium'")
            return v
        return Bounds(0.0, ALT_MAX_KM, "km", why=_ALT).check(v)

    @model_validator(mode="after")
    def _below_escape(self):
        alt_m = 0.0 if self.alt_km == "equilibrium" else 1e3 * nominal(self.alt_km)
        v_esc = escape_speed_mps(alt_m)
        if nominal(self.speed_mps) >= v_esc:
            raise ValueError(
                f"speed_mps ({nominal(self.speed_mps):g}) is at or above escape speed "
                f"({v_esc:.0f} m/s at {alt_m / 1e3:g} km); lower it")
        return self


class Stage(Model):
    """One rocket stage; give exactly one of burn_time_s and thrust_n."""

    dry_mass_kg: Mass = Field(description="Stage mass without propellant [kg].")
    propellant_kg: Mass = Field(description="Propellant mass burnt by the stage [kg].")
    isp_s: _num(50.0, 1000.0, "s", why="chemical rockets reach about 450 s") = Field(
        description="Vacuum specific impulse [s] (thrust per propellant weight flow).")
    burn_time_s: _num(0.0, 3600.0, "s", low_open=True) | None = Field(None, description=(
        "Burn duration [s]; give this or thrust_n."))
    thrust_n: _num(0.0, 1e8, "N", low_open=True) | None = Field(None, description=(
        "Constant thrust [N]; give this or burn_time_s."))
    drag_area_m2: _num(0.0, 100.0, "m²") = Field(0.0, description=(
        "Drag coefficient times reference area, C_D·A, of the stack while this stage burns "
        "[m²]; 0 ignores drag."))
    plume_w_sr: _num(0.0, 1e9, "W/sr") = Field(0.0, description=(
        "In-band radiant intensity of the plume while burning [W/sr]; notional, user-supplied "
        "(published SBIRS-class detection thresholds are a few kW/sr)."))

    @model_validator(mode="after")
    def _one_rate(self):
        if (self.burn_time_s is None) == (self.thrust_n is None):
            raise ValueError("give exactly one of burn_time_s and thrust_n")
        return self


class Boost(Model):
    """A multi-stage boost: vertical rise, pitch-over (kick) then gravity turn, or a programme.

    kick_deg: the pitch-over from vertical; when omitted it is solved (ballistic: for the
    trajectory type's burnout angle; glide: for `release.flight_path_deg`).
    pitch_programme: [[t_s, pitch_deg], …] thrust pitch above the local horizontal, piecewise
    linear in time since launch; replaces the gravity turn.
    """

    stages: Annotated[list[Stage], Field(min_length=1, max_length=4)] = Field(description=(
        "The rocket stages, first to last (1 to 4)."))
    vertical_s: _real(0.0, 600.0, "s") = Field(10.0, description=(
        "Time of the vertical rise before the pitch-over [s]."))
    kick_deg: _num(0.0, 89.0, "deg") | None = Field(None, description=(
        "Pitch-over angle from vertical [deg]; omitted: solved for the burnout angle."))
    kick_s: _real(0.0, 600.0, "s", low_open=True) = Field(10.0, description=(
        "Duration of the pitch-over manoeuvre [s]."))
    pitch_programme: Schedule | None = Field(None, description=(
        "Rows [t_s, pitch_deg]: thrust pitch above the local horizontal [deg] against time since "
        "launch [s], piecewise linear; replaces the gravity turn. Times increase strictly."))

    @model_validator(mode="after")
    def _programme(self):
        _ordered_schedule(self.pitch_programme, "pitch_programme")
        return self


class AimPoint(Model):
    """An aim point on the ground."""

    lat_deg: Lat = Field(description="Geodetic latitude of the aim point [deg].")
    lon_deg: Lon = Field(description="Longitude of the aim point, east positive [deg].")


class AimRange(Model):
    """An aim given as a ground range and azimuth from the launch site."""

    range_km: _num(0.0, HALF_GREAT_CIRCLE_KM, "km", low_open=True,
                   why="half a great circle") = Field(description=(
        "Great-circle ground range from the launch site [km]."))
    azimuth_deg: Angle = Field(description="Launch azimuth, clockwise from north [deg].")


class Release(Model):
    """Boost-glide release targets: the burnout flight-path angle (the kick is solved for it;
    0° when omitted) and a cut-off speed (thrust termination; the full burn when omitted)."""

    flight_path_deg: FlightPath | None = Field(None, description=(
        "Flight-path angle at release [deg]; omitted: 0 (level)."))
    speed_mps: _num(500.0, unit="m/s", why="a boost-glide release is hypersonic, "
                    "Mach 5 ≈ 1 500 m/s") | None = Field(None, description=(
        "Cut-off speed at release [m/s] (thrust termination); omitted: the full burn."))


class Launch(Model):
    """Launch site, boost and aim. Without `boost:` a ballistic launch is impulsive (the burnout
    state is placed on the site, as in the vacuum textbook problem)."""

    lat_deg: Lat = Field(description="Geodetic latitude of the launch site [deg].")
    lon_deg: Lon = Field(description="Longitude of the launch site, east positive [deg].")
    alt_m: _real(-500.0, 20_000.0, "m", why="from the Dead Sea shore to an air launch") = \
        Field(0.0, description="Launch altitude above the ellipsoid [m].")
    boost: Boost | None = Field(None, description=(
        "The multi-stage boost; omitted: an impulsive ballistic launch."))
    aim: AimPoint | AimRange | None = Field(None, description=(
        "Where to: {lat_deg, lon_deg} or {range_km, azimuth_deg}."))
    azimuth_deg: Angle | None = Field(None, description=(
        "Launch azimuth, clockwise from north [deg], when no aim is given."))
    trajectory: Literal["minimum_energy", "lofted", "depressed"] = Field(
        "minimum_energy", description="Ballistic trajectory type for the solved pitch-over.")
    loft_deg: _real(0.0, 45.0, "deg", low_open=True, high_open=True) = Field(10.0, description=(
        "Burnout angle above (lofted) or below (depressed) the minimum-energy angle [deg]."))
    release: Release | None = Field(None, description=(
        "Boost-glide release targets (flight-path angle, cut-off speed)."))

    @model_validator(mode="after")
    def _heading(self):
        if self.aim is None and self.azimuth_deg is None:
            raise ValueError("give aim: {lat_deg, lon_deg} or {range_km, azimuth_deg}, "
                             "or azimuth_deg")
        return self


def _antipodal_aim(la: Launch) -> bool:
    """True where a fixed (undispersed) lat/lon aim is exactly the site's antipode."""
    pts = (la.lat_deg, la.lon_deg, getattr(la.aim, "lat_deg", None),
           getattr(la.aim, "lon_deg", None))
    if not all(isinstance(x, int | float) for x in pts):
        return False  # no aim, a range/azimuth aim, or dispersed: checked per sample
    lat, lon, alat, alon = (float(x) for x in pts)
    dlon = (alon - lon) % 360.0
    return abs(alat + lat) < 1e-9 and (abs(dlon - 180.0) < 1e-9 or abs(abs(lat) - 90.0) < 1e-9)


class ConstantBank(Model):
    """A constant bank angle from start_s after release."""

    kind: Literal["constant_bank"] = Field(description="Manoeuvre type tag.")
    bank_deg: _num(-89.0, 89.0, "deg") = Field(description=(
        "Bank angle, positive to the right [deg]."))
    start_s: Time = Field(0.0, description="Start time after release [s].")


class Weave(Model):
    """Periodic S-weave: bank = amplitude·sin(2π t/period + phase)."""

    kind: Literal["weave"] = Field(description="Manoeuvre type tag.")
    amplitude_deg: _num(0.0, 89.0, "deg") = Field(description="Bank amplitude [deg].")
    period_s: _num(0.0, TIME_MAX_S, "s", low_open=True) = Field(description=(
        "Weave period [s]."))
    phase_deg: Angle = Field(0.0, description="Phase of the sine at start_s [deg].")
    start_s: Time = Field(0.0, description="Start time after release [s].")


class BankSchedule(Model):
    """A named schedule: [[t_s, bank_deg], …] after release, piecewise linear, held at the ends."""

    kind: Literal["schedule"] = Field(description="Manoeuvre type tag.")
    schedule: Schedule = Field(description=(
        "Rows [t_s, bank_deg]: bank angle [deg, within ±89] against time after release [s], "
        "piecewise linear, held at the ends. Times increase strictly."))
    start_s: Time = Field(0.0, description="Start time after release [s].")

    @model_validator(mode="after")
    def _rows(self):
        _ordered_schedule(self.schedule, "schedule")
        if any(abs(b) >= 89.0 for _, b in self.schedule):
            raise ValueError("schedule: bank angles must lie within ±89°")
        return self


Manoeuvre = Annotated[ConstantBank | Weave | BankSchedule, Field(discriminator="kind")]


class Target(Model):
    """A glide or cruise target: lateral steering towards it, then a terminal dive."""

    lat_deg: Lat = Field(description="Geodetic latitude of the target [deg].")
    lon_deg: Lon = Field(description="Longitude of the target, east positive [deg].")
    dive_range_km: _real(0.0, 5_000.0, "km", low_open=True) = Field(100.0, description=(
        "Ground range to the target at which the terminal dive starts [km]."))
    max_bank_deg: _real(0.0, 89.0, "deg", low_open=True, high_open=True) = Field(
        30.0, description="Largest bank angle the lateral steering commands [deg].")


class Cruise(Model):
    """Powered cruise along a great circle at the initial altitude and speed."""

    range_km: _real(0.0, HALF_GREAT_CIRCLE_KM, "km", low_open=True) | None = Field(
        None, description="Cruise range to the dive (or the end) when no target is given [km].")


class Stop(Model):
    """When a flight ends besides impact: a time after launch/release or a falling altitude."""

    impact: Literal[True] = Field(True, description="A flight always ends at impact (fixed).")
    time_s: _real(0.0, TIME_MAX_S, "s", low_open=True, why=_TIME) | None = Field(
        None, description="End the flight this long after launch or release [s].")
    alt_km: _real(0.0, ALT_MAX_KM, "km", low_open=True, why=_ALT) | None = Field(
        None, description="End the flight when it falls through this altitude [km].")


class BodyIR(Model):
    """The panelled body of `ir_model: body` (hyperdef.threats.body_ir): a shipped geometry,
    any of its values overridden, and the heating and material coefficients."""

    geometry: Literal["reference_glider"] = Field(
        "reference_glider", description="Shipped body geometry (threats/data/PROVENANCE.md).")
    nose_radius_m: _real(0.0, 5.0, "m", low_open=True) | None = Field(
        None, description="Nose radius [m]; default: the threat's nose_radius_m.")
    leading_edge_radius_m: _real(0.0, 5.0, "m", low_open=True) | None = Field(
        None, description="Leading-edge radius [m]; default: the geometry's.")
    leading_edge_sweep_deg: _real(0.0, 89.9, "deg") | None = Field(
        None, description="Leading-edge sweep from the span axis [deg]; default: geometry's.")
    leading_edge_length_m: _real(0.0, 100.0, "m") | None = Field(
        None, description="Length of each of the two leading edges [m]; default: geometry's.")
    length_m: _real(0.0, 100.0, "m", low_open=True) | None = Field(
        None, description="Body length, the acreage's running length [m]; default: geometry's.")
    windward_area_m2: _real(0.0, 1_000.0, "m²") | None = Field(
        None, description="Windward (lower) acreage [m²]; default: geometry's.")
    leeward_area_m2: _real(0.0, 1_000.0, "m²") | None = Field(
        None, description="Leeward (upper) acreage [m²]; default: geometry's.")
    windward_incidence_deg: _real(-45.0, 45.0, "deg") | None = Field(
        None, description="Lower surface's angle to the body axis, + into the flow [deg].")
    leeward_incidence_deg: _real(-45.0, 45.0, "deg") | None = Field(
        None, description="Upper surface's angle to the body axis, + into the flow [deg].")
    alpha_deg: _real(0.0, 45.0, "deg") = Field(
        14.0, description="Angle of attack the body flies at [deg] (Candler & Leyva 2022: "
        "max L/D at 14°, laminar).")
    material_limit_k: _real(0.0, 5_000.0, "K", low_open=True) = Field(
        2200.0, description="Surface temperature cap of the heat shield [K] (≈ 1 925 °C, the "
        "HTV-2 skin temperature DARPA reported after flight 2).")
    transition_reynolds: _real(0.0, 1e12, low_open=True) = Field(
        1.0e7, description="Running-length Reynolds number above which the acreage is "
        "turbulent [-] (smooth slender bodies in flight transition at 1e6–1e7).")


def _default_ir_model(data):
    """`ir_model` defaults to `body` for gliders and `stagnation` for the rest (the shipped
    body is a glider; a re-entry vehicle or cruise missile has no shipped body yet)."""
    if isinstance(data, dict) and data.get("ir_model") is None:
        data = dict(data, ir_model="body" if data.get("kind") == "glide" else "stagnation")
    return data


class ThreatSpec(Model):
    """One threat. Defaults: emissivity 0.85 and the 2.69–2.95 µm band of Candler & Leyva (S&GS
    30(3), 2022); 1 m² emitting area (an assumption: the heated area seen by a sensor, expose and
    disperse it); Sutton–Graves constant for air; an RK4 step of 0.5 s."""

    name: Annotated[Name, Field(pattern=r"^[^/\s]+$")] = Field(description=(
        "Unique name of the threat (no spaces or slashes); used in outputs."))
    kind: Literal["glide", "ballistic", "cruise"] = Field(description=(
        "Vehicle type: a boost-glide vehicle, a ballistic missile or a powered cruise vehicle."))
    mass_kg: Mass = Field(description="Mass of the vehicle after boost (the glider or RV) [kg].")
    beta_kgpm2: _num(10.0, 1e6, "kg/m²", why="from a light decoy to a dense re-entry vehicle") \
        | None = Field(None, description=(
            "Ballistic coefficient m/(C_D·S) [kg/m²]; HTV-2 class ≈ 13 000 (Tracy & Wright, "
            "S&GS 28(3), 2020). Required unless aero gives the drag."))
    lift_to_drag: _num(0.0, 10.0, low_open=True) | None = Field(None, description=(
        "Lift-to-drag ratio [-]; HTV-2 class ≈ 2.6 (Tracy & Wright 2020). Required for glide "
        "and cruise vehicles unless aero is given."))
    aero: Literal["cavh"] | None = Field(None, description=(
        "A built-in aerodynamic table instead of β and L/D: `cavh` (CAV-H fit, Phillips 2003 as "
        "used by Lu 2013)."))
    reference_area_m2: _real(0.0, 100.0, "m²", low_open=True) | None = Field(None, description=(
        "Reference area of the aero table [m²]; omitted: CAV-H's 0.4839 m² scaled with mass."))
    alpha_deg: _real(0.0, 30.0, "deg") | Literal["max_ld"] = Field("max_ld", description=(
        "Angle of attack with an aero table [deg], or `max_ld` for the best lift-to-drag."))
    nose_radius_m: _num(0.0, 5.0, "m", low_open=True) = Field(0.1, description=(
        "Nose radius for stagnation heating [m]; HTV-2 class ≈ 0.034 (Tracy & Wright 2020)."))
    emissivity: Fraction = Field(0.85, description=(
        "Surface emissivity [-] (Candler & Leyva, S&GS 30(3), 2022)."))
    emitting_area_m2: _num(0.0, 1_000.0, "m²", low_open=True) = Field(1.0, description=(
        "Heated area seen by a sensor [m²]; an assumption, worth dispersing."))
    ir_band_um: tuple[_real(0.1, 100.0, "µm"), _real(0.1, 100.0, "µm")] = Field(
        (2.69, 2.95), description=(
            "Infrared band [low, high] of the threat's own signature [µm] (Candler & Leyva "
            "2022's 2.69–2.95 µm water band)."))
    heating_k: _real(0.0, 1e-2, "kg^0.5/m", low_open=True) = Field(
        SUTTON_GRAVES_K_AIR, description=(
            "Sutton–Graves stagnation-heating constant [SI] (air, Sutton & Graves, NASA TR "
            "R-376, 1971)."))
    ir_model: Literal["stagnation", "body"] = Field("stagnation", description=(
        "Infrared model: `stagnation` (the whole emitting area at the cold-wall stagnation "
        "temperature, the literature's upper bound) or `body` (panel temperatures, intensity "
        "toward the viewer); default: body for gliders, stagnation otherwise."))
    body: BodyIR = Field(BodyIR(), description="The panelled body of `ir_model: body`.")
    t0_s: Time = Field(0.0, description="Launch (or release) time after the epoch [s].")
    initial: Initial | None = Field(None, description=(
        "A release state; give this or launch."))
    launch: Launch | None = Field(None, description=(
        "A launch site, boost and aim; give this or initial."))
    target: Target | None = Field(None, description=(
        "Glide or cruise target: lateral steering and a terminal dive."))
    manoeuvre: Manoeuvre | None = Field(None, description=(
        "A bank manoeuvre: constant_bank, weave or schedule."))
    cruise: Cruise | None = Field(None, description="Powered-cruise settings (cruise vehicles).")
    stop: Stop = Field(Stop(), description="When the flight ends besides impact.")
    step_s: _real(0.0, 10.0, "s", low_open=True) = Field(0.5, description=(
        "RK4 integration step of the flight [s]."))

    _ir_default = model_validator(mode="before")(_default_ir_model)

    @model_validator(mode="after")
    def _consistent(self):
        if (self.initial is None) == (self.launch is None):
            raise ValueError("give exactly one of initial: (a release state) and launch: "
                             "(site, boost, aim)")
        if self.ir_band_um[1] <= self.ir_band_um[0]:
            raise ValueError("ir_band_um: [lo, hi] must have hi > lo")
        if self.aero is None and self.beta_kgpm2 is None:
            raise ValueError("beta_kgpm2 is required unless aero: cavh gives the drag")
        if self.kind in ("glide", "cruise") and self.aero is None and self.lift_to_drag is None:
            raise ValueError(f"a {self.kind} vehicle needs lift_to_drag (> 0) or aero: cavh")
        if self.kind == "ballistic" and (self.lift_to_drag is not None or self.aero is not None):
            raise ValueError("a ballistic vehicle has no lift: remove lift_to_drag/aero "
                             "(use kind: glide for a lifting body)")
        if self.kind == "ballistic" and (self.manoeuvre is not None or self.target is not None):
            raise ValueError("manoeuvre and target apply to glide and cruise vehicles only")
        if self.kind == "cruise":
            if self.initial is None or self.initial.alt_km == "equilibrium":
                raise ValueError("a cruise vehicle needs initial: with a numeric alt_km")
        if self.kind == "glide" and self.launch is not None and self.launch.boost is None:
            raise ValueError("a glide vehicle launched from a site needs launch.boost "
                             "(or give initial: for a release state)")
        if self.launch is not None and self.kind == "ballistic" and self.launch.aim is None \
                and self.launch.boost is None:
            raise ValueError("an impulsive ballistic launch (no boost) needs launch.aim")
        if self.launch is not None and self.kind == "ballistic" and self.launch.aim is None \
                and self.launch.boost is not None and self.launch.boost.kick_deg is None \
                and not self.launch.boost.pitch_programme:
            raise ValueError("launch.boost: a ballistic launch on azimuth_deg without an aim "
                             "needs kick_deg or pitch_programme (the burnout angle is solved "
                             "only for an aim); give one of them, or give launch.aim")
        if self.launch is not None and _antipodal_aim(self.launch):
            raise ValueError("launch.aim: the aim is the launch site's antipode, which every "
                             "azimuth reaches, so the launch plane is undefined; move the aim")
        return self
