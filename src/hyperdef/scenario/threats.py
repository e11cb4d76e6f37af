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

from pydantic import AfterValidator, Field, field_validator, model_validator

from hyperdef.constants import GM_M3PS2, R_EARTH_MEAN_M, SUTTON_GRAVES_K_AIR
from hyperdef.scenario.base import Dispersed, Model, Normal, Uniform, nominal


def _check(low: float | None = None, high: float | None = None, *, strict_low=True,
           strict_high=False):
    """A validator of a dispersed number: its nominal value (and a uniform range) in bounds."""

    def ok(x: float) -> bool:
        if low is not None and (x <= low if strict_low else x < low):
            return False
        return not (high is not None and (x >= high if strict_high else x > high))

    lo_txt = None if low is None else f"{'>' if strict_low else '>='} {low:g}"
    hi_txt = None if high is None else f"{'<' if strict_high else '<='} {high:g}"
    need = " and ".join(t for t in (lo_txt, hi_txt) if t)

    def validate(v):
        points = [v.low, v.high] if isinstance(v, Uniform) else [nominal(v)]
        if not all(ok(float(x)) for x in points):
            what = "low and high" if isinstance(v, Uniform) else (
                "mean" if isinstance(v, Normal) else "value")
            raise ValueError(f"{what} must be {need}")
        return v

    return AfterValidator(validate)


Positive = Annotated[Dispersed, _check(0.0)]
Lat = Annotated[Dispersed, _check(-90.0, 90.0, strict_low=False)]
Lon = Annotated[Dispersed, _check(-180.0, 360.0, strict_low=False)]
Angle = Annotated[Dispersed, _check(-360.0, 360.0, strict_low=False)]
FlightPath = Annotated[Dispersed, _check(-90.0, 90.0, strict_low=False)]
Fraction = Annotated[Dispersed, _check(0.0, 1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
Schedule = list[tuple[float, float]]


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

    lat_deg: Lat
    lon_deg: Lon
    alt_km: Dispersed | str
    speed_mps: Positive
    flight_path_deg: FlightPath = 0.0
    heading_deg: Angle = 90.0

    @field_validator("alt_km")
    @classmethod
    def _altitude(cls, v):
        if isinstance(v, str):
            if v != "equilibrium":
                raise ValueError("must be a number of km >= 0 or 'equilibrium'")
            return v
        return _check(0.0, strict_low=False).func(v)

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

    dry_mass_kg: Positive
    propellant_kg: Positive
    isp_s: Positive
    burn_time_s: Positive | None = None
    thrust_n: Positive | None = None
    drag_area_m2: Annotated[Dispersed, _check(0.0, strict_low=False)] = 0.0  # C_D·A of the stack
    plume_w_sr: Annotated[Dispersed, _check(0.0, strict_low=False)] = 0.0  # in-band, burning

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

    stages: Annotated[list[Stage], Field(min_length=1, max_length=4)]
    vertical_s: Annotated[float, Field(ge=0.0)] = 10.0
    kick_deg: Annotated[Dispersed, _check(0.0, 89.0, strict_low=False)] | None = None
    kick_s: PositiveFloat = 10.0
    pitch_programme: Schedule | None = None

    @model_validator(mode="after")
    def _programme(self):
        _ordered_schedule(self.pitch_programme, "pitch_programme")
        return self


class AimPoint(Model):
    lat_deg: Lat
    lon_deg: Lon


class AimRange(Model):
    range_km: Positive
    azimuth_deg: Angle


class Release(Model):
    """Boost-glide release targets: the burnout flight-path angle (the kick is solved for it;
    0° when omitted) and a cut-off speed (thrust termination; the full burn when omitted)."""

    flight_path_deg: FlightPath | None = None
    speed_mps: Positive | None = None


class Launch(Model):
    """Launch site, boost and aim. Without `boost:` a ballistic launch is impulsive (the burnout
    state is placed on the site, as in the vacuum textbook problem)."""

    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = 0.0
    boost: Boost | None = None
    aim: AimPoint | AimRange | None = None
    azimuth_deg: Angle | None = None
    trajectory: Literal["minimum_energy", "lofted", "depressed"] = "minimum_energy"
    loft_deg: Annotated[float, Field(gt=0.0, lt=45.0)] = 10.0
    release: Release | None = None

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
    kind: Literal["constant_bank"]
    bank_deg: Annotated[Dispersed, _check(-89.0, 89.0, strict_low=False)]
    start_s: Annotated[float, Field(ge=0.0)] = 0.0


class Weave(Model):
    """Periodic S-weave: bank = amplitude·sin(2π t/period + phase)."""

    kind: Literal["weave"]
    amplitude_deg: Annotated[Dispersed, _check(0.0, 89.0, strict_low=False)]
    period_s: Positive
    phase_deg: Angle = 0.0
    start_s: Annotated[float, Field(ge=0.0)] = 0.0


class BankSchedule(Model):
    """A named schedule: [[t_s, bank_deg], …] after release, piecewise linear, held at the ends."""

    kind: Literal["schedule"]
    schedule: Schedule
    start_s: Annotated[float, Field(ge=0.0)] = 0.0

    @model_validator(mode="after")
    def _rows(self):
        _ordered_schedule(self.schedule, "schedule")
        if any(abs(b) >= 89.0 for _, b in self.schedule):
            raise ValueError("schedule: bank angles must lie within ±89°")
        return self


Manoeuvre = Annotated[ConstantBank | Weave | BankSchedule, Field(discriminator="kind")]


class Target(Model):
    """A glide or cruise target: lateral steering towards it, then a terminal dive."""

    lat_deg: Lat
    lon_deg: Lon
    dive_range_km: PositiveFloat = 100.0
    max_bank_deg: Annotated[float, Field(gt=0.0, lt=89.0)] = 30.0


class Cruise(Model):
    """Powered cruise along a great circle at the initial altitude and speed."""

    range_km: PositiveFloat | None = None  # to the dive (or the end) when no target is given


class Stop(Model):
    """When a flight ends besides impact: a time after launch/release or a falling altitude."""

    impact: Literal[True] = True
    time_s: PositiveFloat | None = None
    alt_km: PositiveFloat | None = None


class BodyIR(Model):
    """The panelled body of `ir_model: body` (hyperdef.threats.body_ir): a shipped geometry,
    any of its values overridden, and the heating and material coefficients."""

    geometry: Literal["reference_glider"] = Field(
        "reference_glider", description="shipped body geometry (threats/data/PROVENANCE.md)")
    nose_radius_m: PositiveFloat | None = Field(
        None, description="nose radius [m]; default: the threat's nose_radius_m")
    leading_edge_radius_m: PositiveFloat | None = Field(
        None, description="leading-edge radius [m]; default: the geometry's")
    leading_edge_sweep_deg: Annotated[float, Field(ge=0.0, lt=90.0)] | None = Field(
        None, description="leading-edge sweep from the span axis [deg]; default: geometry's")
    leading_edge_length_m: Annotated[float, Field(ge=0.0)] | None = Field(
        None, description="length of each of the two leading edges [m]; default: geometry's")
    length_m: PositiveFloat | None = Field(
        None, description="body length, the acreage's running length [m]; default: geometry's")
    windward_area_m2: Annotated[float, Field(ge=0.0)] | None = Field(
        None, description="windward (lower) acreage [m²]; default: geometry's")
    leeward_area_m2: Annotated[float, Field(ge=0.0)] | None = Field(
        None, description="leeward (upper) acreage [m²]; default: geometry's")
    windward_incidence_deg: Annotated[float, Field(ge=-45.0, le=45.0)] | None = Field(
        None, description="lower surface's angle to the body axis, + into the flow [deg]")
    leeward_incidence_deg: Annotated[float, Field(ge=-45.0, le=45.0)] | None = Field(
        None, description="upper surface's angle to the body axis, + into the flow [deg]")
    alpha_deg: Annotated[float, Field(ge=0.0, le=45.0)] = Field(
        14.0, description="angle of attack the body flies at [deg] (Candler & Leyva 2022: "
        "max L/D at 14°, laminar)")
    material_limit_k: Annotated[float, Field(gt=0.0, le=5000.0)] = Field(
        2200.0, description="surface temperature cap of the heat shield [K] (≈ 1 925 °C, the "
        "HTV-2 skin temperature DARPA reported after flight 2)")
    transition_reynolds: Annotated[float, Field(gt=0.0)] = Field(
        1.0e7, description="running-length Reynolds number above which the acreage is "
        "turbulent (smooth slender bodies in flight transition at 1e6–1e7)")


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

    name: Annotated[str, Field(min_length=1, pattern=r"^[^/\s]+$")]
    kind: Literal["glide", "ballistic", "cruise"]
    mass_kg: Positive
    beta_kgpm2: Positive | None = None
    lift_to_drag: Positive | None = None
    aero: Literal["cavh"] | None = None  # a built-in aero table instead of β and L/D
    # With a table: reference area (default: CAV-H's, scaled with mass) and angle of attack.
    reference_area_m2: PositiveFloat | None = None
    alpha_deg: Annotated[float, Field(ge=0.0, le=30.0)] | Literal["max_ld"] = "max_ld"
    nose_radius_m: Positive = 0.1
    emissivity: Fraction = 0.85
    emitting_area_m2: Positive = 1.0
    ir_band_um: tuple[PositiveFloat, PositiveFloat] = (2.69, 2.95)
    heating_k: PositiveFloat = SUTTON_GRAVES_K_AIR
    ir_model: Literal["stagnation", "body"] = Field(
        "stagnation", description="infrared model: 'stagnation' (the whole emitting area at "
        "the cold-wall stagnation temperature, the literature's upper bound) or 'body' (panel "
        "temperatures, intensity toward the viewer); default: body for gliders")
    body: BodyIR = Field(BodyIR(), description="the body of ir_model: body")
    t0_s: Annotated[float, Field(ge=0.0)] = 0.0
    initial: Initial | None = None
    launch: Launch | None = None
    target: Target | None = None
    manoeuvre: Manoeuvre | None = None
    cruise: Cruise | None = None
    stop: Stop = Stop()
    step_s: Annotated[float, Field(gt=0.0, le=10.0)] = 0.5

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
