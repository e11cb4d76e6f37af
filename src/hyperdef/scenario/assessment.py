"""Scenario sections for the assessment layer: defended areas and notional interceptor envelopes.

Interceptors are kinematic envelopes only (can anything reach this point in time?), never guidance
laws or system parameters; every number here is notional and user-supplied.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from hyperdef.scenario.base import Model, Name
from hyperdef.scenario.bounds import Bounds

Lat = Annotated[float, Bounds(-90.0, 90.0, "deg")]
Lon = Annotated[float, Bounds(-180.0, 360.0, "deg")]


class DefendedArea(Model):
    """A circle on the ground whose warning time is reported."""

    name: Name = Field(description="Unique name of the area; used in outputs.")
    lat_deg: Lat = Field(description="Geodetic latitude of the centre [deg].")
    lon_deg: Lon = Field(description="Longitude of the centre, east positive [deg].")
    radius_km: Annotated[float, Bounds(0.0, 5000.0, "km", low_open=True)] = Field(description=(
        "Radius of the circle on the ground [km]."))


class Interceptor(Model):
    """A notional kinematic envelope around a site (no guidance, no real system data)."""

    name: Name = Field(description="Unique name of the site; used in outputs.")
    lat_deg: Lat = Field(description="Geodetic latitude of the site [deg].")
    lon_deg: Lon = Field(description="Longitude of the site, east positive [deg].")
    alt_m: Annotated[float, Bounds(-500.0, 10_000.0, "m")] = Field(0.0, description=(
        "Site altitude above the ellipsoid [m]."))
    flyout_speed_mps: Annotated[float, Bounds(0.0, 10_000.0, "m/s", low_open=True)] = Field(
        3000.0, description=(
        "Mean fly-out speed of the notional interceptor [m/s] (notional)."))
    max_range_km: Annotated[float, Bounds(0.0, 20_037.5, "km", low_open=True)] = Field(
        200.0, description=(
        "Largest ground range the envelope reaches [km] (notional)."))
    min_alt_km: Annotated[float, Bounds(0.0, 5_000.0, "km")] = Field(15.0, description=(
        "Lowest altitude of the envelope [km] (notional)."))
    max_alt_km: Annotated[float, Bounds(0.0, 5_000.0, "km", low_open=True)] = Field(
        60.0, description=(
        "Highest altitude of the envelope [km] (notional)."))
    reaction_time_s: Annotated[float, Bounds(0.0, 3_600.0, "s")] = Field(30.0, description=(
        "Time from a firm track to launch [s] (notional)."))
    @model_validator(mode="after")
    def _alt_band(self):
        if not self.max_alt_km > self.min_alt_km:
            raise ValueError(
                f"max_alt_km must be > min_alt_km, got {self.max_alt_km} <= {self.min_alt_km}"
            )
        return self
