"""The scenario file's schema: one frozen pydantic model per section, unknown keys are errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hyperdef.scenario.assessment import DefendedArea, Interceptor
from hyperdef.scenario.base import Model
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.scenario.threats import ThreatSpec
from hyperdef.scenario.tracker import TrackerSpec

SCHEMA_VERSION = 1
MAX_TIME_STEPS = 1_000_000  # beyond this a run is a campaign, not a scenario


class Scenario(Model):
    """A whole scenario: time grid, Earth and atmosphere models, threats, sensors, tracker."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "scenario"
    description: str = ""
    epoch: dt.datetime
    duration_s: Annotated[float, Field(gt=0.0)]
    step_s: Annotated[float, Field(gt=0.0)] = 1.0
    seed: Annotated[int, Field(ge=0)] = 0
    samples: Annotated[int, Field(ge=1, le=100_000)] = 1
    earth: Literal["wgs84", "spherical", "spherical-nonrotating"] = "wgs84"
    atmosphere: Literal["us76", "exponential"] = "us76"
    threats: list[ThreatSpec] = []
    sensors: list[SensorSpec] = []
    tracker: TrackerSpec = TrackerSpec()
    defended_areas: list[DefendedArea] = []
    interceptors: list[Interceptor] = []

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
        for section in ("threats", "sensors", "defended_areas", "interceptors"):
            names = [item.name for item in getattr(self, section)]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{section}: names must be unique, repeated: {', '.join(dup)}")
        return self
