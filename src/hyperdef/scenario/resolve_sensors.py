"""Scenario sensor specs (degrees, km, dB) resolved into the SI records the sensor kernels take.

`resolve_sensors` turns each item of a scenario's `sensors:` section into a
hyperdef.sensors.params.SpaceIRSensor or RadarSensor: every angle in radians, every distance in
metres, every decibel figure where the kernel wants it linear, the radar's SNR constant folded
from whichever sensitivity option the file gives. The kernels never see a spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

import numpy as np

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel, earth_model
from hyperdef.scenario.load import BUILTIN
from hyperdef.scenario.radar import RadarEquationSpec, RadarSpec, ShipSpec
from hyperdef.scenario.sensors import SpaceIRSpec
from hyperdef.sensors.params import (
    GeoPlatforms,
    OrbitPlatforms,
    RadarSensor,
    SensorParams,
    ShipPlatform,
    SitePlatform,
    SpaceIRSensor,
    SpacePlatforms,
    TlePlatforms,
    WalkerPlatforms,
)
from hyperdef.sensors.radar import (
    RadarParams,
    snr_constant_power_aperture,
    snr_constant_pulse,
    snr_constant_ref,
)
from hyperdef.sensors.space_ir import IRParams
from hyperdef.sensors.tle import TleError

_DEG = np.pi / 180.0


def space_platforms_of(spec: SpaceIRSpec, scenario_dir: Path | None = None) -> SpacePlatforms:
    """The constellation of a space_ir spec; scenario_dir is where a relative tle_file lives."""
    if spec.walker is not None:
        w = spec.walker
        return WalkerPlatforms(w.total, w.planes, w.phasing, w.alt_km * 1e3, w.inc_deg * _DEG,
                               w.raan0_deg * _DEG, w.pattern)
    if spec.satellites is not None:
        sats = spec.satellites
        return OrbitPlatforms(
            a_m=tuple(s.a_m for s in sats), e=tuple(s.e for s in sats),
            inc_rad=tuple(s.inc_deg * _DEG for s in sats),
            raan_rad=tuple(s.raan_deg * _DEG for s in sats),
            argp_rad=tuple(s.argp_deg * _DEG for s in sats),
            mean_anomaly_rad=tuple(s.mean_anomaly_deg * _DEG for s in sats))
    if spec.geo is not None:
        return GeoPlatforms(tuple(lon * _DEG for lon in spec.geo.lons_deg))
    # The spec's validator has checked that exactly one source is given: here, tle_file.
    tle_file = cast(str, spec.tle_file)
    return TlePlatforms(tle_path(tle_file, scenario_dir), tle_file)


def tle_path(tle_file: str, scenario_dir: Path | None) -> Path:
    """A `tle_file` entry: a path (relative to the scenario's folder) or a built-in name."""
    path = Path(tle_file)
    candidates = [path] if path.is_absolute() else (
        [Path(scenario_dir) / path] if scenario_dir is not None else [path])
    for cand in candidates:
        if cand.is_file():
            return cand
    builtin = BUILTIN / (tle_file if tle_file.endswith(".tle") else f"{tle_file}.tle")
    if builtin.is_file():
        return Path(str(builtin))
    shipped = sorted(p.name for p in BUILTIN.iterdir() if p.name.endswith(".tle"))
    raise TleError(f"tle_file: {tle_file!r} is neither a file (looked in "
                   f"{', '.join(str(c) for c in candidates)}) nor a built-in TLE set "
                   f"({', '.join(shipped) or 'none shipped'})")


def ir_params(spec: SpaceIRSpec, earth: EarthModel) -> IRParams:
    """SI parameters of a space_ir spec (earth places a fixed aim point)."""
    fr = spec.field_of_regard
    aim: tuple[float, float, float] | None = None
    if fr is not None and fr.pointing != "nadir":
        x, y, z = (float(c) for c in np.asarray(geodetic_to_ecef(
            fr.pointing.lat_deg * _DEG, fr.pointing.lon_deg * _DEG, fr.pointing.alt_m, earth)))
        aim = (x, y, z)
    return IRParams(
        nei_w_m2=spec.nei_w_m2,
        threshold_w_sr=spec.threshold_w_sr,
        threshold_ref_range_m=(None if spec.threshold_ref_range_km is None
                               else spec.threshold_ref_range_km * 1e3),
        snr_threshold=spec.snr_threshold,
        pd_model=spec.pd_model,
        sigma_rad=spec.los_noise_urad * 1e-6,
        for_kind=None if fr is None else fr.kind,
        cos_half=float(np.cos(fr.half_angle_deg * _DEG)) if fr is not None and fr.kind == "cone"
        else -1.0,
        tan_half_x=float(np.tan(fr.half_x_deg * _DEG)) if fr is not None and fr.kind == "box"
        else 0.0,
        tan_half_y=float(np.tan(fr.half_y_deg * _DEG)) if fr is not None and fr.kind == "box"
        else 0.0,
        grazing_alt_m=spec.grazing_alt_km * 1e3,
        limb_top_m=spec.limb_top_km * 1e3,
        clutter=(spec.clutter.space, spec.clutter.limb, spec.clutter.earth),
        max_range_m=np.inf if spec.max_range_km is None else spec.max_range_km * 1e3,
        transmission=spec.transmission,
        aim_ecef_m=aim,
    )


def radar_params(spec: RadarSpec, step_s: float) -> RadarParams:
    """SI parameters of a radar spec; step_s is the scenario step (the default frame time)."""
    if spec.ref_range_km is not None:
        c = snr_constant_ref(spec.ref_range_km * 1e3, spec.ref_rcs_m2, spec.ref_snr_db)
    elif spec.power_aperture is not None:
        pa = spec.power_aperture
        frame_s = pa.frame_time_s or spec.scan_period_s or step_s
        c = snr_constant_power_aperture(pa.p_avg_w, pa.aperture_m2, frame_s,
                                        pa.search_solid_angle_sr, pa.t_sys_k, pa.loss_db)
    else:
        # The spec's validator has checked that exactly one model is given: here, the pulse one.
        q = cast(RadarEquationSpec, spec.radar_equation)
        c = snr_constant_pulse(q.peak_power_w, q.gain_db, q.wavelength_m, q.t_sys_k,
                               q.bandwidth_hz, q.loss_db, q.n_coherent)
    table = None if isinstance(spec.rcs_m2, float | int) else spec.rcs_m2
    az = spec.az_limits_deg
    if az is not None and np.mod(az[1] - az[0], 360.0) == 0.0:
        az = None  # [0, 360] and the like: the whole circle
    return RadarParams(
        snr_constant_m2=float(c),
        rcs_m2=float(spec.rcs_m2) if isinstance(spec.rcs_m2, float | int) else None,
        rcs_aspect_rad=() if table is None else tuple(a * _DEG for a in table.aspect_deg),
        rcs_db=() if table is None else tuple(float(10 * np.log10(r)) for r in table.rcs_m2),
        refraction_k=spec.refraction_k,
        az_lo_rad=None if az is None else float(np.mod(az[0], 360.0) * _DEG),
        az_width_rad=2 * np.pi if az is None else float(np.mod(az[1] - az[0], 360.0) * _DEG),
        el_lo_rad=spec.el_limits_deg[0] * _DEG,
        el_hi_rad=spec.el_limits_deg[1] * _DEG,
        min_range_m=spec.min_range_km * 1e3,
        max_range_m=spec.max_range_km * 1e3,
        pd_model=spec.pd_model,
        pfa=spec.pfa,
        n_pulses=spec.n_pulses,
        snr_threshold=10.0 ** (spec.snr_threshold_db / 10.0),
        sigma=(spec.noise.range_m, spec.noise.az_rad, spec.noise.el_rad,
               spec.noise.range_rate_mps),
        beamwidth_rad=None if spec.beamwidth_mrad is None else spec.beamwidth_mrad * 1e-3,
        monopulse_k=spec.monopulse_k,
        max_range_rate_mps=spec.max_range_rate_mps,
    )


def radar_platform_of(spec: RadarSpec) -> SitePlatform | ShipPlatform:
    """The site or ship of a radar spec."""
    if spec.site is not None:
        s = spec.site
        return SitePlatform(s.lat_deg * _DEG, s.lon_deg * _DEG, s.alt_m)
    # The spec's validator has checked that exactly one of site and ship is given: here, ship.
    ship = cast(ShipSpec, spec.ship)
    return ShipPlatform(ship.lat_deg * _DEG, ship.lon_deg * _DEG, ship.heading_deg * _DEG,
                        ship.speed_mps, ship.alt_m)


def resolve_sensor(spec: SpaceIRSpec | RadarSpec, *, earth: EarthModel | str, step_s: float,
                   scenario_dir: Path | None = None) -> SensorParams:
    """The resolved record of one sensor spec.

    earth: EarthModel or its name (places a staring sensor's aim point); step_s: the scenario's
    time step [s] (the default frame time of a power-aperture radar); scenario_dir: where a
    relative tle_file resolves.
    """
    earth = earth_model(earth) if isinstance(earth, str) else earth
    if isinstance(spec, RadarSpec):
        return RadarSensor(name=spec.name, frame_period_s=spec.scan_period_s,
                           platform=radar_platform_of(spec), radar=radar_params(spec, step_s),
                           false_alarms_per_scan=spec.false_alarms_per_scan)
    band = None if spec.band_um is None else (spec.band_um[0] * 1e-6, spec.band_um[1] * 1e-6)
    return SpaceIRSensor(name=spec.name, frame_period_s=spec.frame_period_s,
                         platforms=space_platforms_of(spec, scenario_dir),
                         ir=ir_params(spec, earth), band_m=band)


def resolve_sensors(specs: Iterable[SpaceIRSpec | RadarSpec], *, earth: EarthModel | str,
                    step_s: float, scenario_dir: Path | None = None) -> tuple[SensorParams, ...]:
    """The resolved records of a scenario's sensor specs, in order (see `resolve_sensor`)."""
    return tuple(resolve_sensor(s, earth=earth, step_s=step_s, scenario_dir=scenario_dir)
                 for s in specs)
