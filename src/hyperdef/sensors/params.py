"""Scenario sensor specs (degrees, km, dB) resolved into the SI parameter records the kernels take.

Also the sensor's frame times on the scenario grid: a sensor with frame (or scan) period Δ
produces a frame at the first grid time of each interval [kΔ, (k+1)Δ); with no period, or a period
shorter than the grid step, every grid time is a frame. A detection made in a frame is held for the
grid times of that frame when flags are reported per grid time (`frame_start_index`).
"""

from __future__ import annotations

import numpy as np

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel
from hyperdef.scenario.sensors import RadarSpec, SpaceIRSpec
from hyperdef.sensors.radar import (
    RadarParams,
    snr_constant_power_aperture,
    snr_constant_pulse,
    snr_constant_ref,
)
from hyperdef.sensors.space_ir import IRParams

_DEG = np.pi / 180.0


def ir_params(spec: SpaceIRSpec, earth: EarthModel) -> IRParams:
    """SI parameters of a space_ir spec (earth places a fixed aim point)."""
    fr = spec.field_of_regard
    aim = None
    if fr is not None and fr.pointing != "nadir":
        aim = tuple(float(x) for x in np.asarray(geodetic_to_ecef(
            fr.pointing.lat_deg * _DEG, fr.pointing.lon_deg * _DEG, fr.pointing.alt_m, earth)))
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
        q = spec.radar_equation
        c = snr_constant_pulse(q.peak_power_w, q.gain_db, q.wavelength_m, q.t_sys_k,
                               q.bandwidth_hz, q.loss_db, q.n_coherent)
    table = spec.rcs_m2 if not isinstance(spec.rcs_m2, float | int) else None
    az = spec.az_limits_deg
    if az is not None and np.mod(az[1] - az[0], 360.0) == 0.0:
        az = None  # [0, 360] and the like: the whole circle
    return RadarParams(
        snr_constant_m2=float(c),
        rcs_m2=None if table is not None else float(spec.rcs_m2),
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


def frame_period_of(spec) -> float | None:
    return spec.scan_period_s if isinstance(spec, RadarSpec) else spec.frame_period_s


def frame_start_index(t_s, period_s: float | None) -> np.ndarray:
    """(T,) int: for each grid time, the index of the first grid time of its frame."""
    t = np.asarray(t_s, np.float64)
    if period_s is None:
        return np.arange(t.size)
    frame = np.floor((t - t[0]) / period_s + 1e-9).astype(np.int64)
    starts = np.r_[True, frame[1:] != frame[:-1]]
    return np.maximum.accumulate(np.where(starts, np.arange(t.size), 0))


def frame_mask(t_s, period_s: float | None) -> np.ndarray:
    """(T,) bool: True at the grid times where the sensor takes a frame (or scan)."""
    idx = frame_start_index(t_s, period_s)
    return idx == np.arange(idx.size)
