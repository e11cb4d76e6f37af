"""The constellation of a `kind: space_ir` sensor: a Walker pattern, mean elements per
satellite, or geostationary longitudes (a TLE file is the fourth choice, a plain path).

Degrees and km here (file units); hyperdef.scenario.resolve_sensors converts them to SI.
"""

from __future__ import annotations

from typing import Annotated, Literal, cast

from pydantic import Field, field_validator, model_validator

from hyperdef.constants import WGS84_A_M
from hyperdef.scenario.base import Model
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.fields import AngleDeg, Lon, one_of

MIN_ALT_KM = 100.0
# Orbits studied here stay below 50 000 km (geostationary is 35 786 km above the equator).
MAX_ALT_KM = 50_000.0
_ORBIT = "geostationary orbit is 35 786 km up"


class WalkerSpec(Model):
    """Walker pattern i:T/P/F (hyperdef.sensors.walker; Walker, J. Br. Interplanet. Soc. 1984)."""

    total: Annotated[int, Field(ge=1, le=10_000)] = Field(description=(
        "Total number of satellites T."))
    planes: Annotated[int, Field(ge=1, le=1_000)] = Field(description=(
        "Number of equally spaced orbital planes P (divides total)."))
    phasing: Annotated[int, Field(ge=0, le=999)] = Field(0, description=(
        "Relative phasing F between adjacent planes, 0..planes-1."))
    alt_km: float = Field(description=(
        f"Circular orbit altitude above the equatorial radius [km], {MIN_ALT_KM:g} to "
        f"{MAX_ALT_KM:g}."))
    inc_deg: Annotated[float, Bounds(0.0, 180.0, "deg")] = Field(
        description="Orbit inclination [deg].")
    raan0_deg: AngleDeg = Field(0.0, description=(
        "Right ascension of the first plane's ascending node [deg]."))
    pattern: Literal["delta", "star"] = Field("delta", description=(
        "delta: planes spread over 360° of RAAN; star: over 180°."))

    @field_validator("alt_km")
    @classmethod
    def _alt(cls, v: float) -> float:
        if v < MIN_ALT_KM:
            raise ValueError(f"alt_km must be >= {MIN_ALT_KM:g} km (lower orbits decay within "
                             "hours); raise it")
        return Bounds(MIN_ALT_KM, MAX_ALT_KM, "km", why=_ORBIT).check(v)

    @model_validator(mode="after")
    def _pattern(self):
        if self.total % self.planes:
            divisors = [d for d in range(1, self.total + 1) if self.total % d == 0]
            raise ValueError(f"planes ({self.planes}) must divide total ({self.total}); "
                             f"choose planes from {divisors}")
        if self.phasing >= self.planes:
            raise ValueError(f"phasing must be in 0..planes-1 = 0..{self.planes - 1}, "
                             f"got {self.phasing}")
        return self


class OrbitSpec(Model):
    """One satellite's mean elements at the scenario epoch (a_km or alt_km = a − 6378.137 km)."""

    # Only upper bounds here: the perigee check below says what is too low, and why.
    a_km: Annotated[float, Bounds(0.0, WGS84_A_M / 1e3 + MAX_ALT_KM, "km", low_open=True,
                                  why=_ORBIT)] | None = Field(
        None, description="Semi-major axis [km]; give this or alt_km.")
    alt_km: Annotated[float, Bounds(None, MAX_ALT_KM, "km", why=_ORBIT)] | None = Field(
        None, description=(
        "Semi-major axis less the equatorial radius 6 378.137 km (WGS 84) [km]; give this or "
        "a_km."))
    e: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(0.0, description="Eccentricity [-].")
    inc_deg: Annotated[float, Bounds(0.0, 180.0, "deg")] = Field(description="Inclination [deg].")
    raan_deg: AngleDeg = Field(0.0, description="Right ascension of the ascending node [deg].")
    argp_deg: AngleDeg = Field(0.0, description="Argument of perigee [deg].")
    mean_anomaly_deg: AngleDeg = Field(0.0, description="Mean anomaly at the epoch [deg].")

    @model_validator(mode="after")
    def _perigee(self):
        one_of(self, ("a_km", "alt_km"), "the orbit size")
        perigee_km = self.a_m * (1.0 - self.e) / 1e3 - WGS84_A_M / 1e3
        if perigee_km < MIN_ALT_KM:
            raise ValueError(f"perigee altitude is {perigee_km:.1f} km; it must be >= "
                             f"{MIN_ALT_KM:g} km — raise a_km/alt_km or lower e")
        return self

    @property
    def a_m(self) -> float:
        if self.a_km is not None:
            return self.a_km * 1e3
        # The model validator has checked that exactly one of a_km and alt_km is given.
        return WGS84_A_M + cast(float, self.alt_km) * 1e3


class GeoSpec(Model):
    """Geostationary satellites at the given longitudes (east positive)."""

    lons_deg: Annotated[list[Lon], Field(min_length=1, max_length=1_000)] = Field(description=(
        "Sub-satellite longitudes, east positive [deg]."))
