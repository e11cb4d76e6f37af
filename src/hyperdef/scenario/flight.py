"""The flight parts of a threat: release state, bank manoeuvres, target, cruise, stop, IR body.

Units in the file are degrees, km and seconds; numbers typed `num` may be dispersed for Monte
Carlo (hyperdef.scenario.base).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hyperdef.scenario.base import Dispersed, Model, nominal
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.threat_fields import (
    ALT_MAX_KM,
    ALT_WHY,
    HALF_GREAT_CIRCLE_KM,
    TIME_MAX_S,
    TIME_WHY,
    Angle,
    FlightPath,
    Lat,
    Lon,
    Schedule,
    Time,
    escape_speed_mps,
    ordered_schedule,
)


class Initial(Model):
    """A release state: geodetic position, altitude (km or `equilibrium`), velocity."""

    lat_deg: Lat = Field(description="Geodetic latitude of the release point [deg].")
    lon_deg: Lon = Field(description="Longitude of the release point, east positive [deg].")
    alt_km: Dispersed | str = Field(description=(
        "Altitude above the ellipsoid at release [km], or `equilibrium` for the altitude where "
        "lift balances gravity less centrifugal force at the release speed (equilibrium glide, "
        f"Candler & Leyva, S&GS 30(3), 2022, Eqs. 4–5). Range 0 to {ALT_MAX_KM:g} km."))
    speed_mps: Annotated[Dispersed, Bounds(
        50.0, unit="m/s", why="a threat moves at least as fast as a slow aircraft")] = Field(
        description="Speed relative to the rotating Earth at release [m/s]; below escape "
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
        return Bounds(0.0, ALT_MAX_KM, "km", why=ALT_WHY).check(v)

    @model_validator(mode="after")
    def _below_escape(self):
        alt_m = 0.0 if self.alt_km == "equilibrium" else 1e3 * nominal(self.alt_km)
        v_esc = escape_speed_mps(alt_m)
        if nominal(self.speed_mps) >= v_esc:
            raise ValueError(
                f"speed_mps ({nominal(self.speed_mps):g}) is at or above escape speed "
                f"({v_esc:.0f} m/s at {alt_m / 1e3:g} km); lower it")
        return self


class ConstantBank(Model):
    """A constant bank angle from start_s after release."""

    kind: Literal["constant_bank"] = Field(description="Manoeuvre type tag.")
    bank_deg: Annotated[Dispersed, Bounds(-89.0, 89.0, "deg")] = Field(description=(
        "Bank angle, positive to the right [deg]."))
    start_s: Time = Field(0.0, description="Start time after release [s].")


class Weave(Model):
    """Periodic S-weave: bank = amplitude·sin(2π t/period + phase)."""

    kind: Literal["weave"] = Field(description="Manoeuvre type tag.")
    amplitude_deg: Annotated[Dispersed, Bounds(0.0, 89.0, "deg")] = Field(
        description="Bank amplitude [deg].")
    period_s: Annotated[Dispersed, Bounds(0.0, TIME_MAX_S, "s", low_open=True)] = Field(
        description=(
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
        ordered_schedule(self.schedule, "schedule")
        if any(abs(b) >= 89.0 for _, b in self.schedule):
            raise ValueError("schedule: bank angles must lie within ±89°")
        return self


Manoeuvre = Annotated[ConstantBank | Weave | BankSchedule, Field(discriminator="kind")]


class Target(Model):
    """A glide or cruise target: lateral steering towards it, then a terminal dive."""

    lat_deg: Lat = Field(description="Geodetic latitude of the target [deg].")
    lon_deg: Lon = Field(description="Longitude of the target, east positive [deg].")
    dive_range_km: Annotated[float, Bounds(0.0, 5_000.0, "km", low_open=True)] = Field(
        100.0, description=(
        "Ground range to the target at which the terminal dive starts [km]."))
    max_bank_deg: Annotated[float, Bounds(0.0, 89.0, "deg", low_open=True, high_open=True)] = Field(
        30.0, description="Largest bank angle the lateral steering commands [deg].")


class Cruise(Model):
    """Powered cruise along a great circle at the initial altitude and speed."""

    range_km: Annotated[float, Bounds(0.0, HALF_GREAT_CIRCLE_KM, "km",
                                      low_open=True)] | None = Field(
        None, description="Cruise range to the dive (or the end) when no target is given [km].")


class Stop(Model):
    """When a flight ends besides impact: a time after launch/release or a falling altitude."""

    impact: Literal[True] = Field(True, description="A flight always ends at impact (fixed).")
    time_s: Annotated[float, Bounds(0.0, TIME_MAX_S, "s", low_open=True,
                                    why=TIME_WHY)] | None = Field(
        None, description="End the flight this long after launch or release [s].")
    alt_km: Annotated[float, Bounds(0.0, ALT_MAX_KM, "km", low_open=True,
                                    why=ALT_WHY)] | None = Field(
        None, description="End the flight when it falls through this altitude [km].")


class BodyIR(Model):
    """The panelled body of `ir_model: body` (hyperdef.threats.body_ir): a shipped geometry,
    any of its values overridden, and the heating and material coefficients."""

    geometry: Literal["reference_glider"] = Field(
        "reference_glider", description="Shipped body geometry (threats/data/PROVENANCE.md).")
    nose_radius_m: Annotated[float, Bounds(0.0, 5.0, "m", low_open=True)] | None = Field(
        None, description="Nose radius [m]; default: the threat's nose_radius_m.")
    leading_edge_radius_m: Annotated[float, Bounds(0.0, 5.0, "m", low_open=True)] | None = Field(
        None, description="Leading-edge radius [m]; default: the geometry's.")
    leading_edge_sweep_deg: Annotated[float, Bounds(0.0, 89.9, "deg")] | None = Field(
        None, description="Leading-edge sweep from the span axis [deg]; default: geometry's.")
    leading_edge_length_m: Annotated[float, Bounds(0.0, 100.0, "m")] | None = Field(
        None, description="Length of each of the two leading edges [m]; default: geometry's.")
    length_m: Annotated[float, Bounds(0.0, 100.0, "m", low_open=True)] | None = Field(
        None, description="Body length, the acreage's running length [m]; default: geometry's.")
    windward_area_m2: Annotated[float, Bounds(0.0, 1_000.0, "m²")] | None = Field(
        None, description="Windward (lower) acreage [m²]; default: geometry's.")
    leeward_area_m2: Annotated[float, Bounds(0.0, 1_000.0, "m²")] | None = Field(
        None, description="Leeward (upper) acreage [m²]; default: geometry's.")
    windward_incidence_deg: Annotated[float, Bounds(-45.0, 45.0, "deg")] | None = Field(
        None, description="Lower surface's angle to the body axis, + into the flow [deg].")
    leeward_incidence_deg: Annotated[float, Bounds(-45.0, 45.0, "deg")] | None = Field(
        None, description="Upper surface's angle to the body axis, + into the flow [deg].")
    alpha_deg: Annotated[float, Bounds(0.0, 45.0, "deg")] = Field(
        14.0, description="Angle of attack the body flies at [deg] (Candler & Leyva 2022: "
        "max L/D at 14°, laminar).")
    material_limit_k: Annotated[float, Bounds(0.0, 5_000.0, "K", low_open=True)] = Field(
        2200.0, description="Surface temperature cap of the heat shield [K] (≈ 1 925 °C, the "
        "HTV-2 skin temperature DARPA reported after flight 2).")
    transition_reynolds: Annotated[float, Bounds(0.0, 1e12, low_open=True)] = Field(
        1.0e7, description="Running-length Reynolds number above which the acreage is "
        "turbulent [-] (smooth slender bodies in flight transition at 1e6–1e7).")
