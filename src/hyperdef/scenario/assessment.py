"""Scenario sections for the assessment layer: defended areas and notional interceptor envelopes.

Interceptors are kinematic envelopes only (can anything reach this point in time?), never guidance
laws or system parameters; every number here is notional and user-supplied.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from hyperdef.scenario.base import Model

Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
Lon = Annotated[float, Field(ge=-180.0, le=360.0)]


class DefendedArea(Model):
    """A circle on the ground whose warning time is reported."""

    name: str
    lat_deg: Lat
    lon_deg: Lon
    radius_km: Annotated[float, Field(gt=0.0, le=5000.0)]


class Interceptor(Model):
    """A notional kinematic envelope around a site (no guidance, no real system data)."""

    name: str
    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = 0.0
    flyout_speed_mps: Annotated[float, Field(gt=0.0, le=10_000.0)] = 3000.0
    max_range_km: Annotated[float, Field(gt=0.0)] = 200.0
    min_alt_km: Annotated[float, Field(ge=0.0)] = 15.0
    max_alt_km: Annotated[float, Field(gt=0.0)] = 60.0
    reaction_time_s: Annotated[float, Field(ge=0.0)] = 30.0

    @model_validator(mode="after")
    def _alt_band(self):
        if not self.max_alt_km > self.min_alt_km:
            raise ValueError(
                f"max_alt_km must be > min_alt_km, got {self.max_alt_km} <= {self.min_alt_km}"
            )
        return self
