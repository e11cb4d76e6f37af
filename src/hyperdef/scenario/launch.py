"""A threat's `launch:` section: site, multi-stage boost, aim, and boost-glide release targets.

Example (a notional two-stage missile aimed 3 000 km down range):

    launch:
      lat_deg: 40
      lon_deg: 120
      aim: {range_km: 3000, azimuth_deg: 90}
      boost:
        stages:
          - {dry_mass_kg: 1500, propellant_kg: 12000, isp_s: 260, burn_time_s: 60}
          - {dry_mass_kg: 500, propellant_kg: 4000, isp_s: 280, burn_time_s: 50}
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from hyperdef.scenario.base import Dispersed, Model
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.threat_fields import (
    HALF_GREAT_CIRCLE_KM,
    Angle,
    FlightPath,
    Lat,
    Lon,
    Mass,
    Schedule,
    ordered_schedule,
)


class Stage(Model):
    """One rocket stage; give exactly one of burn_time_s and thrust_n."""

    dry_mass_kg: Mass = Field(description="Stage mass without propellant [kg].")
    propellant_kg: Mass = Field(description="Propellant mass burnt by the stage [kg].")
    isp_s: Annotated[Dispersed, Bounds(50.0, 1000.0, "s",
                                       why="chemical rockets reach about 450 s")] = Field(
        description="Vacuum specific impulse [s] (thrust per propellant weight flow).")
    burn_time_s: Annotated[Dispersed, Bounds(0.0, 3600.0, "s", low_open=True)] | None = Field(
        None, description=(
        "Burn duration [s]; give this or thrust_n."))
    thrust_n: Annotated[Dispersed, Bounds(0.0, 1e8, "N", low_open=True)] | None = Field(
        None, description=(
        "Constant thrust [N]; give this or burn_time_s."))
    drag_area_m2: Annotated[Dispersed, Bounds(0.0, 100.0, "m²")] = Field(0.0, description=(
        "Drag coefficient times reference area, C_D·A, of the stack while this stage burns "
        "[m²]; 0 ignores drag."))
    plume_w_sr: Annotated[Dispersed, Bounds(0.0, 1e9, "W/sr")] = Field(0.0, description=(
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
    vertical_s: Annotated[float, Bounds(0.0, 600.0, "s")] = Field(10.0, description=(
        "Time of the vertical rise before the pitch-over [s]."))
    kick_deg: Annotated[Dispersed, Bounds(0.0, 89.0, "deg")] | None = Field(None, description=(
        "Pitch-over angle from vertical [deg]; omitted: solved for the burnout angle."))
    kick_s: Annotated[float, Bounds(0.0, 600.0, "s", low_open=True)] = Field(10.0, description=(
        "Duration of the pitch-over manoeuvre [s]."))
    pitch_programme: Schedule | None = Field(None, description=(
        "Rows [t_s, pitch_deg]: thrust pitch above the local horizontal [deg] against time since "
        "launch [s], piecewise linear; replaces the gravity turn. Times increase strictly."))

    @model_validator(mode="after")
    def _programme(self):
        ordered_schedule(self.pitch_programme, "pitch_programme")
        return self


class AimPoint(Model):
    """An aim point on the ground."""

    lat_deg: Lat = Field(description="Geodetic latitude of the aim point [deg].")
    lon_deg: Lon = Field(description="Longitude of the aim point, east positive [deg].")


class AimRange(Model):
    """An aim given as a ground range and azimuth from the launch site."""

    range_km: Annotated[Dispersed, Bounds(0.0, HALF_GREAT_CIRCLE_KM, "km", low_open=True,
                   why="half a great circle")] = Field(description=(
        "Great-circle ground range from the launch site [km]."))
    azimuth_deg: Angle = Field(description="Launch azimuth, clockwise from north [deg].")


class Release(Model):
    """Boost-glide release targets: the burnout flight-path angle (the kick is solved for it;
    0° when omitted) and a cut-off speed (thrust termination; the full burn when omitted)."""

    flight_path_deg: FlightPath | None = Field(None, description=(
        "Flight-path angle at release [deg]; omitted: 0 (level)."))
    speed_mps: Annotated[Dispersed, Bounds(500.0, unit="m/s",
                                           why="a boost-glide release is hypersonic, "
                                           "Mach 5 ≈ 1 500 m/s")] | None = Field(None, description=(
        "Cut-off speed at release [m/s] (thrust termination); omitted: the full burn."))


class Launch(Model):
    """Launch site, boost and aim. Without `boost:` a ballistic launch is impulsive (the burnout
    state is placed on the site, as in the vacuum textbook problem)."""

    lat_deg: Lat = Field(description="Geodetic latitude of the launch site [deg].")
    lon_deg: Lon = Field(description="Longitude of the launch site, east positive [deg].")
    alt_m: Annotated[float, Bounds(-500.0, 20_000.0, "m",
                                   why="from the Dead Sea shore to an air launch")] = Field(
        0.0, description="Launch altitude above the ellipsoid [m].")
    boost: Boost | None = Field(None, description=(
        "The multi-stage boost; omitted: an impulsive ballistic launch."))
    aim: AimPoint | AimRange | None = Field(None, description=(
        "Where to: {lat_deg, lon_deg} or {range_km, azimuth_deg}."))
    azimuth_deg: Angle | None = Field(None, description=(
        "Launch azimuth, clockwise from north [deg], when no aim is given."))
    trajectory: Literal["minimum_energy", "lofted", "depressed"] = Field(
        "minimum_energy", description="Ballistic trajectory type for the solved pitch-over.")
    loft_deg: Annotated[float, Bounds(0.0, 45.0, "deg", low_open=True, high_open=True)] = Field(
        10.0, description=(
        "Burnout angle above (lofted) or below (depressed) the minimum-energy angle [deg]."))
    release: Release | None = Field(None, description=(
        "Boost-glide release targets (flight-path angle, cut-off speed)."))

    @model_validator(mode="after")
    def _heading(self):
        if self.aim is None and self.azimuth_deg is None:
            raise ValueError("give aim: {lat_deg, lon_deg} or {range_km, azimuth_deg}, "
                             "or azimuth_deg")
        return self


def antipodal_aim(la: Launch) -> bool:
    """True where a fixed (undispersed) lat/lon aim is exactly the site's antipode."""
    pts = (la.lat_deg, la.lon_deg, getattr(la.aim, "lat_deg", None),
           getattr(la.aim, "lon_deg", None))
    nums = [x for x in pts if isinstance(x, int | float)]
    if len(nums) != len(pts):
        return False  # no aim, a range/azimuth aim, or dispersed: checked per sample
    lat, lon, alat, alon = (float(x) for x in nums)
    dlon = (alon - lon) % 360.0
    return abs(alat + lat) < 1e-9 and (abs(dlon - 180.0) < 1e-9 or abs(abs(lat) - 90.0) < 1e-9)
