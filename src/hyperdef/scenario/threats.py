"""The scenario's `threats:` section: one spec per boost-glide, ballistic or cruise vehicle.

`ThreatSpec` is a union tagged by `kind`: `GlideSpec`, `BallisticSpec` or `CruiseSpec`, each
with only the keys its kind uses (a key of another kind is refused by name). Units in the file are
degrees, km and seconds (hyperdef.scenario.resolve_threats converts them to SI). Any vehicle
number may be dispersed for Monte Carlo: `12.0`, `{mean: 12, sd: 0.5}` or `{low: 10, high: 14}`
(hyperdef.scenario.base; sample 0 is always nominal). Checks here catch what is wrong for every
sample (a negative nominal mass, L/D ≤ 0, a start below ground, a speed above escape); a draw that
is wrong for one sample only (a normal β tail below zero) becomes that sample's INVALID_INPUT
status at run time, never a NaN without a status.

A threat starts either from `initial:` (a release state: position, altitude or `equilibrium`,
speed, flight-path angle, heading) or, unless it is a cruise vehicle, from `launch:` (a site, an
optional multi-stage `boost:` and an `aim:`; hyperdef.scenario.launch). Example (a notional
glider released over the open ocean):

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

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, model_validator

from hyperdef.constants import SUTTON_GRAVES_K_AIR
from hyperdef.scenario.base import Dispersed, Model, Name
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.flight import BodyIR, Cruise, Initial, Manoeuvre, Stop, Target
from hyperdef.scenario.launch import Launch, antipodal_aim
from hyperdef.scenario.threat_fields import ALT_MAX_KM, Fraction, Mass, Time

__all__ = ["ALT_MAX_KM", "BallisticSpec", "CruiseSpec", "GlideSpec", "ThreatSpec",
           "threat_spec"]

_IR_MODEL = ("Infrared model: `stagnation` (the whole emitting area at the cold-wall stagnation "
             "temperature, the literature's upper bound) or `body` (panel temperatures, intensity "
             "toward the viewer); default: body for gliders, stagnation otherwise.")
_INITIAL = "A release state; give this or launch."
_LAUNCH = "A launch site, boost and aim; give this or initial."

BandEdge = Annotated[float, Bounds(0.1, 100.0, "µm")]
Beta = Annotated[Dispersed, Bounds(10.0, 1e6, "kg/m²",
                                   why="from a light decoy to a dense re-entry vehicle")]


class _Threat(Model):
    """Keys every kind of threat has."""

    name: Annotated[Name, Field(pattern=r"^[^/\s]+$")] = Field(description=(
        "Unique name of the threat (no spaces or slashes); used in outputs."))
    kind: str = Field(description=(
        "Vehicle type: a boost-glide vehicle, a ballistic missile or a powered cruise vehicle."))
    mass_kg: Mass = Field(description="Mass of the vehicle after boost (the glider or RV) [kg].")
    beta_kgpm2: Beta | None = Field(None, description=(
            "Ballistic coefficient m/(C_D·S) [kg/m²]; HTV-2 class ≈ 13 000 (Tracy & Wright, "
            "S&GS 28(3), 2020). Required unless aero gives the drag."))
    nose_radius_m: Annotated[Dispersed, Bounds(0.0, 5.0, "m", low_open=True)] = Field(
        0.1, description=(
        "Nose radius for stagnation heating [m]; HTV-2 class ≈ 0.034 (Tracy & Wright 2020)."))
    emissivity: Fraction = Field(0.85, description=(
        "Surface emissivity [-] (Candler & Leyva, S&GS 30(3), 2022)."))
    emitting_area_m2: Annotated[Dispersed, Bounds(0.0, 1_000.0, "m²", low_open=True)] = Field(
        1.0, description=(
        "Heated area seen by a sensor [m²]; an assumption, worth dispersing."))
    ir_band_um: tuple[BandEdge, BandEdge] = Field(
        (2.69, 2.95), description=(
            "Infrared band [low, high] of the threat's own signature [µm] (Candler & Leyva "
            "2022's 2.69–2.95 µm water band)."))
    heating_k: Annotated[float, Bounds(0.0, 1e-2, "kg^0.5/m", low_open=True)] = Field(
        SUTTON_GRAVES_K_AIR, description=(
            "Sutton–Graves stagnation-heating constant [SI] (air, Sutton & Graves, NASA TR "
            "R-376, 1971)."))
    ir_model: Literal["stagnation", "body"] = Field("stagnation", description=_IR_MODEL)
    body: BodyIR = Field(BodyIR(), description="The panelled body of `ir_model: body`.")
    t0_s: Time = Field(0.0, description="Launch (or release) time after the epoch [s].")
    stop: Stop = Field(Stop(), description="When the flight ends besides impact.")
    step_s: Annotated[float, Bounds(0.0, 10.0, "s", low_open=True)] = Field(0.5, description=(
        "RK4 integration step of the flight [s]."))

    @model_validator(mode="before")
    @classmethod
    def _keys_of_the_kind(cls, data):
        """A key that another kind has is refused with the kinds it applies to."""
        if isinstance(data, dict):
            kind = data.get("kind")
            # Another kind's key left empty (`lift_to_drag: null`) says nothing: drop it.
            data = {k: v for k, v in data.items() if v is not None or k in cls.model_fields
                    or not any(k in m.model_fields for m in _KINDS.values())}
            for key in data:
                if key in cls.model_fields or not isinstance(key, str):
                    continue
                owners = [k for k, m in _KINDS.items() if key in m.model_fields]
                if owners:
                    raise ValueError(_SPECIFIC.get((kind, key)) or (
                        f"{key}: a {kind} vehicle has no {key}; it applies to "
                        f"{' and '.join(owners)} vehicles only — remove it (or change kind)"))
        return data

    @model_validator(mode="after")
    def _common(self):
        if self.ir_band_um[1] <= self.ir_band_um[0]:
            raise ValueError("ir_band_um: [lo, hi] must have hi > lo")
        return self


class _Lifting(_Threat):
    """Keys of a lifting vehicle (glide, cruise): aerodynamics, steering, bank manoeuvres."""

    lift_to_drag: Annotated[Dispersed, Bounds(0.0, 10.0, low_open=True)] | None = Field(
        None, description=(
        "Lift-to-drag ratio [-]; HTV-2 class ≈ 2.6 (Tracy & Wright 2020). Required unless aero "
        "is given."))
    aero: Literal["cavh"] | None = Field(None, description=(
        "A built-in aerodynamic table instead of β and L/D: `cavh` (CAV-H fit, Phillips 2003 as "
        "used by Lu 2013)."))
    reference_area_m2: Annotated[float, Bounds(0.0, 100.0, "m²", low_open=True)] | None = Field(
        None, description=(
        "Reference area of the aero table [m²]; omitted: CAV-H's 0.4839 m² scaled with mass."))
    alpha_deg: Annotated[float, Bounds(0.0, 30.0, "deg")] | Literal["max_ld"] = Field(
        "max_ld", description=(
        "Angle of attack with an aero table [deg], or `max_ld` for the best lift-to-drag."))
    target: Target | None = Field(None, description=(
        "Target: lateral steering and a terminal dive."))
    manoeuvre: Manoeuvre | None = Field(None, description=(
        "A bank manoeuvre: constant_bank, weave or schedule."))

    @model_validator(mode="after")
    def _aerodynamics(self):
        if self.aero is None and self.beta_kgpm2 is None:
            raise ValueError("beta_kgpm2 is required unless aero: cavh gives the drag")
        if self.aero is None and self.lift_to_drag is None:
            raise ValueError(f"a {self.kind} vehicle needs lift_to_drag (> 0) or aero: cavh")
        return self


def _one_start(spec) -> None:
    """Exactly one of initial and launch; a launch aim that defines a launch plane."""
    if (spec.initial is None) == (spec.launch is None):
        raise ValueError("give exactly one of initial: (a release state) and launch: "
                         "(site, boost, aim)")
    if spec.launch is not None and antipodal_aim(spec.launch):
        raise ValueError("launch.aim: the aim is the launch site's antipode, which every "
                         "azimuth reaches, so the launch plane is undefined; move the aim")


class GlideSpec(_Lifting):
    """A boost-glide vehicle, released from `initial:` or boosted from `launch:`. Defaults:
    emissivity 0.85 and the 2.69–2.95 µm band of Candler & Leyva (S&GS 30(3), 2022); 1 m²
    emitting area (an assumption: the heated area seen by a sensor, expose and disperse it);
    Sutton–Graves constant for air; an RK4 step of 0.5 s; the panelled body IR model."""

    kind: Literal["glide"] = Field(description="Vehicle type: a boost-glide vehicle.")
    ir_model: Literal["stagnation", "body"] = Field("body", description=_IR_MODEL)
    initial: Initial | None = Field(None, description=_INITIAL)
    launch: Launch | None = Field(None, description=_LAUNCH)

    @model_validator(mode="after")
    def _start(self):
        _one_start(self)
        if self.launch is not None and self.launch.boost is None:
            raise ValueError("a glide vehicle launched from a site needs launch.boost "
                             "(or give initial: for a release state)")
        return self


class BallisticSpec(_Threat):
    """A ballistic missile or re-entry vehicle (no lift), from `initial:` or `launch:`. Defaults
    as for a glider, with the stagnation IR model."""

    kind: Literal["ballistic"] = Field(description="Vehicle type: a ballistic missile.")
    beta_kgpm2: Beta = Field(description="Ballistic coefficient m/(C_D·S) [kg/m²].")
    initial: Initial | None = Field(None, description=_INITIAL)
    launch: Launch | None = Field(None, description=_LAUNCH)

    @model_validator(mode="after")
    def _start(self):
        _one_start(self)
        la = self.launch
        if la is not None and la.aim is None and la.boost is None:
            raise ValueError("an impulsive ballistic launch (no boost) needs launch.aim")
        if la is not None and la.aim is None and la.boost is not None \
                and la.boost.kick_deg is None and not la.boost.pitch_programme:
            raise ValueError("launch.boost: a ballistic launch on azimuth_deg without an aim "
                             "needs kick_deg or pitch_programme (the burnout angle is solved "
                             "only for an aim); give one of them, or give launch.aim")
        return self


class CruiseSpec(_Lifting):
    """A powered cruise vehicle: cruise at its `initial:` altitude and speed, then descend.
    Defaults as for a glider, with the stagnation IR model."""

    kind: Literal["cruise"] = Field(description="Vehicle type: a powered cruise vehicle.")
    initial: Initial = Field(description=(
        "The cruise start: position, altitude (a number of km), speed, heading."))
    cruise: Cruise | None = Field(None, description="Powered-cruise settings.")

    @model_validator(mode="after")
    def _numeric_altitude(self):
        if self.initial.alt_km == "equilibrium":
            raise ValueError("initial.alt_km: a cruise vehicle needs a numeric alt_km (its "
                             "cruise altitude), not 'equilibrium'")
        return self


_KINDS = {"glide": GlideSpec, "ballistic": BallisticSpec, "cruise": CruiseSpec}
# Keys refused with more than the generic words, keyed by (kind, key).
_NO_LIFT = ("lift_to_drag: a ballistic vehicle has no lift: remove lift_to_drag/aero (use "
            "kind: glide for a lifting body)")
_SPECIFIC = {("ballistic", "lift_to_drag"): _NO_LIFT, ("ballistic", "aero"): _NO_LIFT,
             ("cruise", "launch"): "launch: a cruise vehicle starts from initial: (its cruise "
             "altitude and speed), not from a launch site — give initial: instead"}

ThreatSpec = Annotated[GlideSpec | BallisticSpec | CruiseSpec, Field(discriminator="kind")]
_ADAPTER = TypeAdapter(ThreatSpec)


def threat_spec(data: dict) -> GlideSpec | BallisticSpec | CruiseSpec:
    """One threat validated from a mapping (the model its `kind` names)."""
    return _ADAPTER.validate_python(data)
