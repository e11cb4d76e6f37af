"""The `kind: radar` item of a scenario's `sensors:` section: a ground or ship radar.

Angles and distances are in degrees and km (file units), converted to SI when the radar is built
(hyperdef.sensors.radar). Every default is notional unless a source is named.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, cast

from pydantic import Field, model_validator

from hyperdef.scenario.base import Model, Name
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.fields import Lat, Lon, one_of

SiteAlt = Annotated[float, Bounds(-500.0, 30_000.0, "m",
                                  why="from the Dead Sea shore to an aerostat")]
# A ground radar sees a target 5 000 km up at most √((R+h)² − R²) ≈ 9 400 km away (R = 6 371 km).
RANGE_MAX_KM = 10_000.0
_HORIZON = "a ground radar's horizon to a target 5 000 km up is ≈ 9 400 km"
Azimuth = Annotated[float, Bounds(-360.0, 360.0, "deg")]
Elevation = Annotated[float, Bounds(-10.0, 90.0, "deg")]
Db = Annotated[float, Bounds(-50.0, 100.0, "dB")]
Period = Annotated[float, Bounds(0.0, 3600.0, "s", low_open=True, why="one scan an hour at most")]


class SiteSpec(Model):
    """A fixed radar site."""

    lat_deg: Lat = Field(description="Geodetic latitude of the site [deg].")
    lon_deg: Lon = Field(description="Longitude of the site, east positive [deg].")
    alt_m: SiteAlt = Field(0.0, description="Antenna altitude above the ellipsoid [m].")


class ShipSpec(Model):
    """A ship sailing a great circle from (lat, lon) with a start heading; alt_m = antenna."""

    lat_deg: Lat = Field(description="Geodetic latitude at the epoch [deg].")
    lon_deg: Lon = Field(description="Longitude at the epoch, east positive [deg].")
    heading_deg: Annotated[float, Bounds(-360.0, 360.0, "deg")] = Field(0.0, description=(
        "Initial heading, clockwise from north [deg]."))
    speed_mps: Annotated[float, Bounds(0.0, 60.0, "m/s", why="faster than any ship")] = Field(
        0.0, description=(
        "Speed over ground [m/s]."))
    alt_m: Annotated[float, Bounds(0.0, 200.0, "m")] = Field(0.0, description=(
        "Antenna height above the sea surface [m]."))


class RcsTable(Model):
    """RCS against aspect (0° = nose-on, 180° = tail-on), interpolated linearly in dBsm."""

    aspect_deg: Annotated[list[Annotated[float, Bounds(0.0, 180.0, "deg")]],
                          Field(min_length=2, max_length=1_000)] = Field(description=(
        "Aspect angles from the nose [deg], strictly increasing."))
    rcs_m2: Annotated[list[Annotated[float, Bounds(0.0, 1e4, "m²", low_open=True)]],
                      Field(min_length=2, max_length=1_000)] = Field(
        description="Radar cross-section at each aspect [m²].")

    @model_validator(mode="after")
    def _table(self):
        if len(self.aspect_deg) != len(self.rcs_m2):
            raise ValueError("aspect_deg and rcs_m2 must have the same length")
        if any(b <= a for a, b in zip(self.aspect_deg, self.aspect_deg[1:], strict=False)):
            raise ValueError("aspect_deg must increase strictly")
        return self


class PowerAperture(Model):
    """Search radar equation: SNR = P_avg·A·t·σ/(4π·Ω·k·T_s·L·R⁴) (Skolnik 2001, Eq. 2.63)."""

    p_avg_w: Annotated[float, Bounds(0.0, 1e9, "W", low_open=True)] = Field(
        description="Average transmitted power [W].")
    aperture_m2: Annotated[float, Bounds(0.0, 1e4, "m²", low_open=True)] = Field(
        description="Effective antenna aperture [m²].")
    t_sys_k: Annotated[float, Bounds(0.0, 1e5, "K", low_open=True)] = Field(
        description="System noise temperature [K].")
    search_solid_angle_sr: Annotated[float, Bounds(0.0, 4.0 * math.pi, "sr",
                                                   low_open=True)] = Field(
        description=(
        "Solid angle searched each frame [sr] (4π: the whole sphere)."))
    loss_db: Annotated[float, Bounds(0.0, 100.0, "dB")] = Field(
        0.0, description="Total system losses [dB].")
    frame_time_s: Period | None = Field(None, description=(
        "Time to search the solid angle once [s]; omitted: the radar's scan_period_s (or the "
        "scenario step)."))


class RadarEquationSpec(Model):
    """Pulse radar equation: SNR = P_t·G²·λ²·σ·n/((4π)³·k·T_s·B·L·R⁴) (Skolnik, Introduction
    to Radar Systems, 3rd ed., 2001, ch. 2)."""

    peak_power_w: Annotated[float, Bounds(0.0, 1e10, "W", low_open=True)] = Field(
        description="Peak transmitted power [W].")
    gain_db: Annotated[float, Bounds(-20.0, 80.0, "dB")] = Field(description="Antenna gain [dBi].")
    wavelength_m: Annotated[float, Bounds(1e-4, 100.0, "m")] = Field(
        description="Carrier wavelength [m].")
    t_sys_k: Annotated[float, Bounds(0.0, 1e5, "K", low_open=True)] = Field(
        description="System noise temperature [K].")
    bandwidth_hz: Annotated[float, Bounds(0.0, 1e11, "Hz", low_open=True)] = Field(
        description="Receiver noise bandwidth [Hz].")
    loss_db: Annotated[float, Bounds(0.0, 100.0, "dB")] = Field(
        0.0, description="Total system losses [dB].")
    n_coherent: Annotated[int, Field(ge=1, le=1_000_000)] = Field(1, description=(
        "Pulses integrated coherently [-]."))


class RadarNoise(Model):
    """1-sigma measurement noises; angles in µrad or mrad (one of each)."""

    range_m: Annotated[float, Bounds(0.0, 1e5, "m", low_open=True)] = Field(
        description="1σ range noise [m].")
    az_urad: Annotated[float, Bounds(0.0, 1e6, "µrad", low_open=True)] | None = Field(
        None, description=(
        "1σ azimuth noise [µrad]; give this or az_mrad."))
    az_mrad: Annotated[float, Bounds(0.0, 1e3, "mrad", low_open=True)] | None = Field(
        None, description=(
        "1σ azimuth noise [mrad]; give this or az_urad."))
    el_urad: Annotated[float, Bounds(0.0, 1e6, "µrad", low_open=True)] | None = Field(
        None, description=(
        "1σ elevation noise [µrad]; give this or el_mrad."))
    el_mrad: Annotated[float, Bounds(0.0, 1e3, "mrad", low_open=True)] | None = Field(
        None, description=(
        "1σ elevation noise [mrad]; give this or el_urad."))
    range_rate_mps: Annotated[float, Bounds(0.0, 1e4, "m/s", low_open=True)] = Field(
        description="1σ range-rate noise [m/s].")

    @model_validator(mode="after")
    def _one_each(self):
        one_of(self, ("az_urad", "az_mrad"), "the azimuth noise")
        one_of(self, ("el_urad", "el_mrad"), "the elevation noise")
        return self

    @property
    def az_rad(self) -> float:
        # `_one_each` has checked that exactly one of the pair is given.
        return self.az_urad * 1e-6 if self.az_urad is not None else cast(float, self.az_mrad) * 1e-3

    @property
    def el_rad(self) -> float:
        return self.el_urad * 1e-6 if self.el_urad is not None else cast(float, self.el_mrad) * 1e-3


class RadarSpec(Model):
    """A ground or ship radar (hyperdef.sensors.radar).

    Position: site or ship (great-circle course). Coverage: refraction_k (effective Earth radius
    factor, 4/3), az_limits_deg [from, to] clockwise (omitted = all round), el_limits_deg,
    min/max_range_km. Sensitivity, exactly one of: ref_range_km (SNR ref_snr_db on ref_rcs_m2 at
    that range), power_aperture (search equation) or radar_equation (pulse equation). Target:
    rcs_m2, constant or an aspect table. Detection: pd_model albersheim (n_pulses non-coherent)
    / swerling1 / step (snr_threshold_db), pfa. Noise: 1σ range, az, el, range rate, plus the
    monopulse thermal term when beamwidth_mrad is given. false_alarms_per_scan: Poisson mean per
    scan; scan_period_s as frame_period_s of space_ir.
    """

    name: Name = Field(description="Unique sensor name; used in outputs.")
    kind: Literal["radar"] = Field(description="Sensor type tag.")
    site: SiteSpec | None = Field(None, description="A fixed site; give this or ship.")
    ship: ShipSpec | None = Field(None, description="A ship's course; give this or site.")
    refraction_k: Annotated[float, Bounds(0.5, 10.0)] = Field(4.0 / 3.0, description=(
        "Effective Earth-radius factor for refraction [-]; 4/3 is the standard atmosphere "
        "(Skolnik, Introduction to Radar Systems, 3rd ed., 2001)."))
    az_limits_deg: tuple[Azimuth, Azimuth] | None = Field(
        None, description=(
            "Azimuth sector [from, to], clockwise from the first [deg]; omitted: all round."))
    el_limits_deg: tuple[Elevation, Elevation] = Field(
        (0.0, 90.0), description="Elevation limits [low, high] [deg].")
    min_range_km: Annotated[float, Bounds(0.0, RANGE_MAX_KM, "km", why=_HORIZON)] = Field(
        0.0, description=(
        "Minimum instrumented range [km]."))
    max_range_km: Annotated[float, Bounds(0.0, RANGE_MAX_KM, "km", low_open=True,
                                          why=_HORIZON)] = Field(
        description=(
        "Maximum instrumented range [km]."))
    ref_range_km: Annotated[float, Bounds(0.0, RANGE_MAX_KM, "km", low_open=True,
                                          why=_HORIZON)] | None = Field(
        None, description=(
        "Range at which a ref_rcs_m2 target gives ref_snr_db [km]; one of the three "
        "sensitivity options."))
    ref_rcs_m2: Annotated[float, Bounds(0.0, 1e4, "m²", low_open=True)] = Field(1.0, description=(
        "Reference target RCS for ref_range_km [m²]."))
    ref_snr_db: Db = Field(13.0, description="SNR of the reference target at ref_range_km [dB].")
    power_aperture: PowerAperture | None = Field(None, description=(
        "Search radar equation sensitivity; one of the three sensitivity options."))
    radar_equation: RadarEquationSpec | None = Field(None, description=(
        "Pulse radar equation sensitivity; one of the three sensitivity options."))
    rcs_m2: Annotated[float, Bounds(0.0, 1e4, "m²", low_open=True)] | RcsTable = Field(
        0.1, description=(
        "Target radar cross-section [m²], constant or an aspect table (notional 0.1 m²)."))
    pd_model: Literal["albersheim", "swerling1", "step"] = Field("swerling1", description=(
        "Detection model: Albersheim's approximation, Swerling 1, or a step at "
        "snr_threshold_db."))
    pfa: Annotated[float, Field(gt=0.0, lt=0.1)] = Field(1e-6, description=(
        "False-alarm probability per cell [-]."))
    n_pulses: Annotated[int, Field(ge=1, le=10_000)] = Field(1, description=(
        "Pulses integrated non-coherently (Albersheim) [-]."))
    snr_threshold_db: Db = Field(13.0, description="Detection threshold of the step model [dB].")
    noise: RadarNoise = Field(description="1σ measurement noises.")
    beamwidth_mrad: Annotated[float, Bounds(0.0, 1e3, "mrad", low_open=True)] | None = Field(
        None, description=(
        "3 dB beamwidth [mrad]; adds the monopulse thermal angle noise "
        "beamwidth/(k_m·√(2·SNR)) when given."))
    monopulse_k: Annotated[float, Bounds(0.0, 10.0, low_open=True)] = Field(
        1.6, description="Monopulse slope k_m [-].")
    false_alarms_per_scan: Annotated[float, Bounds(0.0, 1e4)] = Field(0.0, description=(
        "Poisson mean number of false alarms per scan [-]."))
    max_range_rate_mps: Annotated[float, Bounds(0.0, 2e4, "m/s", low_open=True)] = Field(
        8000.0, description=(
        "Largest measurable range rate [m/s]."))
    scan_period_s: Period | None = Field(None, description=(
        "Time between scans [s], at least the scenario's step_s; omitted: every grid time."))

    @model_validator(mode="after")
    def _choices(self):
        one_of(self, ("site", "ship"), "the radar's position")
        one_of(self, ("ref_range_km", "power_aperture", "radar_equation"), "the sensitivity")
        if self.az_limits_deg is not None and self.az_limits_deg[0] == self.az_limits_deg[1]:
            raise ValueError("az_limits_deg must span a sector (clockwise from the first to "
                             f"the second azimuth), got {self.az_limits_deg}; omit it for 360°")
        if not self.el_limits_deg[1] > self.el_limits_deg[0]:
            raise ValueError(f"el_limits_deg must be [low, high] with high > low, "
                             f"got {self.el_limits_deg}")
        if not self.max_range_km > self.min_range_km:
            raise ValueError(f"max_range_km ({self.max_range_km}) must exceed min_range_km "
                             f"({self.min_range_km})")
        return self
