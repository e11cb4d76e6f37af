"""The scenario's `sensors:` section: space IR constellations and ground or ship radars.

Each item is a `SpaceIRSpec` (`kind: space_ir`) or a `RadarSpec` (`kind: radar`); `SensorSpec` is
the discriminated union of the two. Angles and distances are in degrees and km here (file units)
and converted to SI when the sensor is built. Every number in a built-in sensor set is notional
(see `sensor_set`), chosen from the public figures in shared/REFERENCES.md.

Built-in sensor sets live in `scenario/builtin/<name>.yaml` (each a runnable scenario, so
`hyperdef coverage tranche1` works); `SENSOR_SETS[name]` is the list of sensor dicts of one.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
from typing import Annotated, Literal

import yaml
from pydantic import Field, field_validator, model_validator

from hyperdef.constants import WGS84_A_M
from hyperdef.scenario.base import Model

Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
Lon = Annotated[float, Field(ge=-180.0, le=360.0)]
Positive = Annotated[float, Field(gt=0.0)]
MIN_ALT_KM = 100.0
SENSOR_SET_NAMES = ("tranche0", "tranche1", "geo-ew", "radars")


def _one_of(model, names: tuple[str, ...], what: str):
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        shown = ", ".join(given) if given else "none"
        raise ValueError(f"give exactly one of {', '.join(names)} for {what} (got {shown})")


class WalkerSpec(Model):
    """Walker pattern i:T/P/F (hyperdef.sensors.walker)."""

    total: Annotated[int, Field(ge=1)]
    planes: Annotated[int, Field(ge=1)]
    phasing: Annotated[int, Field(ge=0)] = 0
    alt_km: float
    inc_deg: Annotated[float, Field(ge=0.0, le=180.0)]
    raan0_deg: float = 0.0
    pattern: Literal["delta", "star"] = "delta"

    @field_validator("alt_km")
    @classmethod
    def _alt(cls, v: float) -> float:
        if v < MIN_ALT_KM:
            raise ValueError(f"alt_km must be >= {MIN_ALT_KM:g} km (lower orbits decay within "
                             "hours); raise it")
        return v

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

    a_km: Positive | None = None
    alt_km: float | None = None
    e: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    inc_deg: Annotated[float, Field(ge=0.0, le=180.0)]
    raan_deg: float = 0.0
    argp_deg: float = 0.0
    mean_anomaly_deg: float = 0.0

    @model_validator(mode="after")
    def _perigee(self):
        _one_of(self, ("a_km", "alt_km"), "the orbit size")
        perigee_km = self.a_m * (1.0 - self.e) / 1e3 - WGS84_A_M / 1e3
        if perigee_km < MIN_ALT_KM:
            raise ValueError(f"perigee altitude is {perigee_km:.1f} km; it must be >= "
                             f"{MIN_ALT_KM:g} km — raise a_km/alt_km or lower e")
        return self

    @property
    def a_m(self) -> float:
        return self.a_km * 1e3 if self.a_km is not None else WGS84_A_M + self.alt_km * 1e3


class GeoSpec(Model):
    """Geostationary satellites at the given longitudes (east positive)."""

    lons_deg: Annotated[list[Lon], Field(min_length=1)]


class AimPoint(Model):
    """A fixed point on the Earth the sensor stares at."""

    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = 0.0


class ConeFOR(Model):
    """Conical field of regard of half-angle half_angle_deg about the boresight."""

    kind: Literal["cone"] = "cone"
    half_angle_deg: Annotated[float, Field(gt=0.0, le=180.0)]
    pointing: Literal["nadir"] | AimPoint = "nadir"


class BoxFOR(Model):
    """Rectangular field of regard: ±half_x_deg along-track (or north), ±half_y_deg across."""

    kind: Literal["box"]
    half_x_deg: Annotated[float, Field(gt=0.0, lt=90.0)]
    half_y_deg: Annotated[float, Field(gt=0.0, lt=90.0)]
    pointing: Literal["nadir"] | AimPoint = "nadir"


FieldOfRegard = Annotated[ConeFOR | BoxFOR, Field(discriminator="kind")]


class Clutter(Model):
    """Noise-equivalent irradiance multipliers per background (≥ 1 means noisier than space)."""

    space: Positive = 1.0
    limb: Positive = 3.0
    earth: Positive = 2.0


class SpaceIRSpec(Model):
    """A constellation of IR sensors producing angle-only detections (hyperdef.sensors.space_ir).

    Constellation: exactly one of walker, tle_file (path relative to the scenario file, or a
    built-in name), satellites (mean elements at epoch) or geo (longitudes).
    Signal: band_um [low, high] re-integrates the heated body's Planck radiance in the sensor's
    band (omit it to use the threat model's own ir_w_sr); exactly one of nei_w_m2 (SNR =
    τ·I/R²/(NEI·clutter)) or threshold_w_sr (literature mode: SNR = snr_threshold·I/threshold,
    times (R_ref/R)² when threshold_ref_range_km is given); pd_model gaussian (Pd = Φ(SNR −
    snr_threshold)) or step. Geometry: field_of_regard (cone or box, nadir or staring at a point;
    omitted = limited by the Earth only), grazing_alt_km (lowest ray altitude), max_range_km;
    limb_top_km is the top of the bright limb (notional 100 km) for the background class; clutter
    multiplies NEI per background. frame_period_s: one frame per period on the scenario grid
    (omitted = every grid time). los_noise_urad: 1σ angular noise per axis.
    """

    name: str
    kind: Literal["space_ir"]
    walker: WalkerSpec | None = None
    tle_file: str | None = None
    satellites: Annotated[list[OrbitSpec], Field(min_length=1)] | None = None
    geo: GeoSpec | None = None
    band_um: tuple[Positive, Positive] | None = None
    nei_w_m2: Positive | None = None
    threshold_w_sr: Positive | None = None
    threshold_ref_range_km: Positive | None = None
    snr_threshold: Positive = 5.0
    pd_model: Literal["gaussian", "step"] = "gaussian"
    frame_period_s: Positive | None = None
    los_noise_urad: float = 20.0
    field_of_regard: FieldOfRegard | None = None
    grazing_alt_km: Annotated[float, Field(ge=0.0)] = 0.0
    limb_top_km: Annotated[float, Field(ge=0.0)] = 100.0
    clutter: Clutter = Clutter()
    max_range_km: Positive | None = None
    transmission: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0

    @field_validator("los_noise_urad")
    @classmethod
    def _noise(cls, v: float) -> float:
        if not v > 0.0:
            raise ValueError("los_noise_urad must be > 0 (a perfect sensor breaks the "
                             "filters' covariance); give the 1-sigma angular noise in µrad")
        return v

    @model_validator(mode="after")
    def _choices(self):
        _one_of(self, ("walker", "tle_file", "satellites", "geo"), "the constellation")
        _one_of(self, ("nei_w_m2", "threshold_w_sr"), "the detection threshold")
        if self.band_um is not None and not self.band_um[1] > self.band_um[0]:
            raise ValueError(f"band_um must be [low, high] with high > low, got {self.band_um}")
        return self


class SiteSpec(Model):
    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = 0.0


class ShipSpec(Model):
    """A ship sailing a great circle from (lat, lon) with a start heading; alt_m = antenna."""

    lat_deg: Lat
    lon_deg: Lon
    heading_deg: float = 0.0
    speed_mps: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    alt_m: float = 0.0


class RcsTable(Model):
    """RCS against aspect (0° = nose-on, 180° = tail-on), interpolated linearly in dBsm."""

    aspect_deg: Annotated[list[Annotated[float, Field(ge=0.0, le=180.0)]], Field(min_length=2)]
    rcs_m2: Annotated[list[Positive], Field(min_length=2)]

    @model_validator(mode="after")
    def _table(self):
        if len(self.aspect_deg) != len(self.rcs_m2):
            raise ValueError("aspect_deg and rcs_m2 must have the same length")
        if any(b <= a for a, b in zip(self.aspect_deg, self.aspect_deg[1:], strict=False)):
            raise ValueError("aspect_deg must increase strictly")
        return self


class PowerAperture(Model):
    """Search radar equation: SNR = P_avg·A·t·σ/(4π·Ω·k·T_s·L·R⁴) (Skolnik 2001, Eq. 2.63)."""

    p_avg_w: Positive
    aperture_m2: Positive
    t_sys_k: Positive
    search_solid_angle_sr: Positive
    loss_db: Annotated[float, Field(ge=0.0)] = 0.0
    frame_time_s: Positive | None = None  # default: the radar's scan_period_s


class RadarEquationSpec(Model):
    """Pulse radar equation: SNR = P_t·G²·λ²·σ·n/((4π)³·k·T_s·B·L·R⁴) (REFERENCES.md)."""

    peak_power_w: Positive
    gain_db: float
    wavelength_m: Positive
    t_sys_k: Positive
    bandwidth_hz: Positive
    loss_db: Annotated[float, Field(ge=0.0)] = 0.0
    n_coherent: Annotated[int, Field(ge=1)] = 1


class RadarNoise(Model):
    """1-sigma measurement noises; angles in µrad or mrad (one of each)."""

    range_m: float
    az_urad: float | None = None
    az_mrad: float | None = None
    el_urad: float | None = None
    el_mrad: float | None = None
    range_rate_mps: float

    @model_validator(mode="after")
    def _positive(self):
        _one_of(self, ("az_urad", "az_mrad"), "the azimuth noise")
        _one_of(self, ("el_urad", "el_mrad"), "the elevation noise")
        for key in ("range_m", "az_urad", "az_mrad", "el_urad", "el_mrad", "range_rate_mps"):
            value = getattr(self, key)
            if value is not None and not value > 0.0:
                raise ValueError(f"{key} must be > 0, got {value}; give the 1-sigma noise")
        return self

    @property
    def az_rad(self) -> float:
        return self.az_urad * 1e-6 if self.az_urad is not None else self.az_mrad * 1e-3

    @property
    def el_rad(self) -> float:
        return self.el_urad * 1e-6 if self.el_urad is not None else self.el_mrad * 1e-3


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

    name: str
    kind: Literal["radar"]
    site: SiteSpec | None = None
    ship: ShipSpec | None = None
    refraction_k: Positive = 4.0 / 3.0
    az_limits_deg: tuple[float, float] | None = None
    el_limits_deg: tuple[Annotated[float, Field(ge=-10.0, le=90.0)],
                         Annotated[float, Field(ge=-10.0, le=90.0)]] = (0.0, 90.0)
    min_range_km: Annotated[float, Field(ge=0.0)] = 0.0
    max_range_km: Positive
    ref_range_km: Positive | None = None
    ref_rcs_m2: Positive = 1.0
    ref_snr_db: float = 13.0
    power_aperture: PowerAperture | None = None
    radar_equation: RadarEquationSpec | None = None
    rcs_m2: Positive | RcsTable = 0.1
    pd_model: Literal["albersheim", "swerling1", "step"] = "swerling1"
    pfa: Annotated[float, Field(gt=0.0, lt=0.1)] = 1e-6
    n_pulses: Annotated[int, Field(ge=1)] = 1
    snr_threshold_db: float = 13.0
    noise: RadarNoise
    beamwidth_mrad: Positive | None = None
    monopulse_k: Positive = 1.6
    false_alarms_per_scan: Annotated[float, Field(ge=0.0)] = 0.0
    max_range_rate_mps: Positive = 8000.0
    scan_period_s: Positive | None = None

    @model_validator(mode="after")
    def _choices(self):
        _one_of(self, ("site", "ship"), "the radar's position")
        _one_of(self, ("ref_range_km", "power_aperture", "radar_equation"), "the sensitivity")
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


SensorSpec = Annotated[SpaceIRSpec | RadarSpec, Field(discriminator="kind")]


@functools.cache
def _load_set(name: str) -> tuple[dict, ...]:
    path = importlib.resources.files("hyperdef.scenario") / "builtin" / f"{name}.yaml"
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["sensors"])


def sensor_set(name: str) -> list[dict]:
    """The sensor dicts of a built-in set (a fresh copy); raises ValueError naming the choices."""
    if name not in SENSOR_SET_NAMES:
        raise ValueError(f"sensor set {name!r} unknown; choose one of "
                         f"{', '.join(SENSOR_SET_NAMES)}")
    return copy.deepcopy(list(_load_set(name)))


# Four small YAML files, read once at import: cheap, and the mapping is a plain dict.
SENSOR_SETS: dict[str, list[dict]] = {name: sensor_set(name) for name in SENSOR_SET_NAMES}
