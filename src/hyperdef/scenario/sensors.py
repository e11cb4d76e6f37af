"""The scenario's `sensors:` section: space IR constellations and ground or ship radars.

Each item is a `SpaceIRSpec` (`kind: space_ir`) or a `RadarSpec` (`kind: radar`); `SensorSpec` is
the discriminated union of the two. Angles and distances are in degrees and km here (file units)
and converted to SI when the sensor is built. Every number in a built-in sensor set is notional
(see `sensor_set`), chosen from public figures
(SDA tracking-layer sizes, SBIRS/DSP-class thresholds; see each built-in file's header).

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

from hyperdef.scenario.base import Model, Name
from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.constellation import MAX_ALT_KM, MIN_ALT_KM, GeoSpec, OrbitSpec, WalkerSpec
from hyperdef.scenario.fields import Lat, Lon, one_of
from hyperdef.scenario.radar import RadarSpec

__all__ = ["MAX_ALT_KM", "MIN_ALT_KM", "RadarSpec", "SensorSpec", "SpaceIRSpec", "sensor_set",
           "SENSOR_SETS"]

SENSOR_SET_NAMES = ("tranche0", "tranche1", "geo-ew", "radars")


class AimPoint(Model):
    """A fixed point on the Earth the sensor stares at."""

    lat_deg: Lat = Field(description="Geodetic latitude of the stare point [deg].")
    lon_deg: Lon = Field(description="Longitude of the stare point, east positive [deg].")
    alt_m: Annotated[float, Bounds(-500.0, 100_000.0, "m")] = Field(0.0, description=(
        "Altitude of the stare point above the ellipsoid [m]."))


class ConeFOR(Model):
    """Conical field of regard of half-angle half_angle_deg about the boresight."""

    kind: Literal["cone"] = Field("cone", description="Field-of-regard shape tag.")
    half_angle_deg: Annotated[float, Bounds(0.0, 180.0, "deg", low_open=True)] = Field(description=(
        "Half-angle of the cone about the boresight [deg]."))
    pointing: Literal["nadir"] | AimPoint = Field("nadir", description=(
        "Boresight: `nadir` or a stare point {lat_deg, lon_deg, alt_m}."))


class BoxFOR(Model):
    """Rectangular field of regard: ±half_x_deg along-track (or north), ±half_y_deg across."""

    kind: Literal["box"] = Field(description="Field-of-regard shape tag.")
    half_x_deg: Annotated[float, Bounds(0.0, 90.0, "deg", low_open=True, high_open=True)] = Field(
        description=(
        "Half-width along track (or north when staring) [deg]."))
    half_y_deg: Annotated[float, Bounds(0.0, 90.0, "deg", low_open=True, high_open=True)] = Field(
        description=(
        "Half-width across track (or east when staring) [deg]."))
    pointing: Literal["nadir"] | AimPoint = Field("nadir", description=(
        "Boresight: `nadir` or a stare point {lat_deg, lon_deg, alt_m}."))


FieldOfRegard = Annotated[ConeFOR | BoxFOR, Field(discriminator="kind")]
Multiplier = Annotated[float, Bounds(0.0, 1e6, low_open=True)]
BandEdge = Annotated[float, Bounds(0.1, 100.0, "µm")]


class Clutter(Model):
    """Noise-equivalent irradiance multipliers per background (≥ 1 means noisier than space)."""

    space: Multiplier = Field(1.0, description="NEI multiplier against cold space [-].")
    limb: Multiplier = Field(3.0, description="NEI multiplier against the bright limb [-] "
                                              "(notional).")
    earth: Multiplier = Field(2.0, description="NEI multiplier against the Earth [-] "
                                               "(notional).")


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
    (omitted = every grid time; never shorter than the scenario step). los_noise_urad: 1σ
    angular noise per axis.
    """

    name: Name = Field(description="Unique sensor name; used in outputs.")
    kind: Literal["space_ir"] = Field(description="Sensor type tag.")
    walker: WalkerSpec | None = Field(None, description=(
        "A Walker constellation; one of walker, tle_file, satellites, geo."))
    tle_file: Annotated[str, Field(min_length=1, max_length=4_096)] | None = Field(
        None, description=("A two-line-element file, relative to the scenario file, or a "
                           "built-in name; one of walker, tle_file, satellites, geo."))
    satellites: Annotated[list[OrbitSpec], Field(min_length=1, max_length=10_000)] | None = \
        Field(None, description=(
            "Mean elements of each satellite; one of walker, tle_file, satellites, geo."))
    geo: GeoSpec | None = Field(None, description=(
        "Geostationary satellites; one of walker, tle_file, satellites, geo."))
    band_um: tuple[BandEdge, BandEdge] | None = Field(
        None, description=("Sensor band [low, high] [µm]; omitted: the threat model's own "
                           "band."))
    nei_w_m2: Annotated[float, Bounds(0.0, 1.0, "W/m²", low_open=True)] | None = Field(
        None, description=(
        "Noise-equivalent irradiance [W/m²]; give this or threshold_w_sr."))
    threshold_w_sr: Annotated[float, Bounds(0.0, 1e9, "W/sr", low_open=True)] | None = Field(
        None, description=(
        "Literature-mode detection threshold on radiant intensity [W/sr] (SBIRS-class 6 kW/sr, "
        "DSP-class 20 kW/sr, as assumed by Tracy & Wright, S&GS 28(3), 2020); give this or "
        "nei_w_m2."))
    threshold_ref_range_km: Annotated[float, Bounds(0.0, 200_000.0, "km",
                                                    low_open=True)] | None = Field(
        None, description="Range at which threshold_w_sr applies (inverse-square) [km].")
    snr_threshold: Annotated[float, Bounds(0.0, 1_000.0, low_open=True)] = Field(5.0, description=(
        "Detection SNR threshold [-]."))
    pd_model: Literal["gaussian", "step"] = Field("gaussian", description=(
        "Detection model: gaussian Pd = Φ(SNR − snr_threshold), or a step at the threshold."))
    frame_period_s: Annotated[float, Bounds(0.0, 3600.0, "s", low_open=True)] | None = Field(
        None, description=(
        "Time between frames [s], at least the scenario's step_s; omitted: every grid time."))
    los_noise_urad: float = Field(20.0, description=(
        "1σ angular noise per axis of a line of sight [µrad]."))
    field_of_regard: FieldOfRegard | None = Field(None, description=(
        "Cone or box field of regard; omitted: limited by the Earth only."))
    grazing_alt_km: Annotated[float, Bounds(0.0, 1_000.0, "km")] = Field(0.0, description=(
        "Lowest altitude a line of sight may pass over the Earth [km]."))
    limb_top_km: Annotated[float, Bounds(0.0, 1_000.0, "km")] = Field(100.0, description=(
        "Top of the bright limb for the background class [km] (notional)."))
    clutter: Clutter = Field(Clutter(), description="NEI multipliers per background.")
    max_range_km: Annotated[float, Bounds(0.0, 200_000.0, "km", low_open=True,
                        why="beyond the Moon's half-distance")] | None = Field(None, description=(
        "Maximum sensor-to-target range [km]; omitted: unlimited."))
    transmission: Annotated[float, Field(gt=0.0, le=1.0)] = Field(1.0, description=(
        "Atmospheric transmission τ along the line of sight [-]."))

    @field_validator("los_noise_urad")
    @classmethod
    def _noise(cls, v: float) -> float:
        if not v > 0.0:
            raise ValueError("los_noise_urad must be > 0 (a perfect sensor breaks the "
                             "filters' covariance); give the 1-sigma angular noise in µrad")
        return Bounds(0.0, 1e5, "µrad", low_open=True).check(v)

    @model_validator(mode="after")
    def _choices(self):
        one_of(self, ("walker", "tle_file", "satellites", "geo"), "the constellation")
        one_of(self, ("nei_w_m2", "threshold_w_sr"), "the detection threshold")
        if self.band_um is not None and not self.band_um[1] > self.band_um[0]:
            raise ValueError(f"band_um must be [low, high] with high > low, got {self.band_um}")
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
