"""The scenario file's schema: one frozen pydantic model per section, unknown keys are errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final, Literal

from pydantic import Field, field_validator, model_validator

from hyperdef.scenario.assessment import DefendedArea, Interceptor
from hyperdef.scenario.base import Model, Name, Text
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.scenario.threats import ThreatSpec
from hyperdef.scenario.tracker import TrackerSpec

SCHEMA_VERSION: Final = 1  # Final: mypy reads it as Literal[1], the field's type
MAX_TIME_STEPS = 1_000_000  # beyond this a run is a campaign, not a scenario
MAX_DURATION_S = 30 * 86_400.0


class Scenario(Model):
    """A whole scenario: time grid, Earth and atmosphere models, threats, sensors, tracker."""

    schema_version: Literal[1] = Field(SCHEMA_VERSION, description=(
        "Version of the scenario file format (1)."))
    name: Name = Field("scenario", description="Scenario name; shown in reports.")
    description: Text = Field("", description="Free text shown in reports.")
    epoch: dt.datetime = Field(description=(
        "Start of the scenario, ISO 8601 (e.g. 2030-01-01T00:00:00Z); a time without zone is "
        "read as UTC. UT1 is taken equal to UTC."))
    duration_s: Annotated[float, Bounds(0.0, MAX_DURATION_S, "s", low_open=True,
                                        why="a scenario spans at most 30 days")] = Field(
        description="Length of the simulated time grid [s].")
    step_s: Annotated[float, Bounds(0.0, 3600.0, "s", low_open=True)] = Field(
        1.0, description="Spacing of the scenario time grid [s]; sensors sample on it.")
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(0, description=(
        "Random seed: every random stream of the run derives from it (bit-identical reruns)."))
    samples: Annotated[int, Field(ge=1, le=100_000)] = Field(1, description=(
        "Monte Carlo samples (sample 0 is the nominal case)."))
    earth: Literal["wgs84", "spherical", "spherical-nonrotating"] = Field("wgs84", description=(
        "Earth model: WGS 84 ellipsoid with J2, a rotating sphere, or a non-rotating sphere "
        "(for literature comparison)."))
    atmosphere: Literal["us76", "exponential"] = Field("us76", description=(
        "Atmosphere: U.S. Standard Atmosphere 1976 or a single exponential."))
    threats: Annotated[list[ThreatSpec], Field(max_length=1_000)] = Field([], description=(
        "Threat vehicles (glide, ballistic, cruise)."))
    sensors: Annotated[list[SensorSpec], Field(max_length=1_000)] = Field([], description=(
        "Sensors: space_ir constellations and radars."))
    tracker: TrackerSpec = Field(TrackerSpec(), description=(
        "Tracker settings (filter, motion models, association, fusion)."))
    defended_areas: Annotated[list[DefendedArea], Field(max_length=1_000)] = Field(
        [], description="Areas whose warning time is reported.")
    interceptors: Annotated[list[Interceptor], Field(max_length=1_000)] = Field(
        [], description="Notional interceptor kinematic envelopes.")

    @field_validator("epoch")
    @classmethod
    def _utc(cls, v: dt.datetime) -> dt.datetime:
        # A naive time in a scenario file is read as UTC: the file format has one time scale.
        return v.replace(tzinfo=dt.UTC) if v.tzinfo is None else v.astimezone(dt.UTC)

    @model_validator(mode="after")
    def _grid_and_names(self):
        if self.step_s > self.duration_s:
            raise ValueError(
                f"step_s ({self.step_s}) must not exceed duration_s ({self.duration_s})"
            )
        if self.duration_s / self.step_s > MAX_TIME_STEPS:
            raise ValueError(
                f"duration_s/step_s gives {self.duration_s / self.step_s:.0f} time steps; "
                f"at most {MAX_TIME_STEPS} — raise step_s"
            )
        self._frames_on_grid()
        for section in ("threats", "sensors", "defended_areas", "interceptors"):
            names = [item.name for item in getattr(self, section)]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{section}: names must be unique, repeated: {', '.join(dup)}")
        return self

    def _frames_on_grid(self) -> None:
        # Sensors sample the scenario grid, so a frame period below step_s cannot be honoured;
        # running it at step_s instead would silently halve (or worse) the frame rate asked for.
        for i, sensor in enumerate(self.sensors):
            key = "scan_period_s" if sensor.kind == "radar" else "frame_period_s"
            period = getattr(sensor, key)
            if period is not None and period < self.step_s * (1.0 - 1e-9):
                raise ValueError(
                    f"sensors[{i}].{key}: {period:g} s is shorter than the scenario step_s "
                    f"({self.step_s:g} s), and frames can only fall on the time grid; set "
                    f"{key} >= {self.step_s:g} (or omit it: one frame per grid time), or lower "
                    f"step_s to {period:g}")
