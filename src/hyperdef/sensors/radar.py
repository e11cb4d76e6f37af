"""Ground and ship radars: coverage limits, radar-equation SNR, Pd, noisy measurements, clutter.

Every sensitivity form reduces to SNR = C·σ/R⁴ with a constant C [m²] (σ the RCS [m²], R [m]):

- reference range (the usual way a radar's reach is quoted): C = SNR_ref·R_ref⁴/σ_ref;
- search (power-aperture) equation: C = P_avg·A·t_f/(4π·Ω·k·T_s·L) (Skolnik, *Introduction to
  Radar Systems*, 3rd ed., 2001, Eq. 2.63; t_f the frame time, Ω the searched solid angle);
- pulse equation: C = P_t·G²·λ²·n/((4π)³·k·T_s·B·L) (Skolnik 2001, ch. 2; n coherently
  integrated pulses).

Visibility: in flight, slant range in [min, max], azimuth inside the sector (clockwise from the
first to the second limit), apparent elevation within the limits and the ray clear of the
effective Earth kR (hyperdef.sensors.horizon). The reported elevation is the geometric one
(refraction bends the beam, not the geometry the tracker predicts). Angle noise is the floor σ₀
combined with the thermal term of a monopulse radar, √(σ₀² + (θ_B/(k_m√(2·SNR)))²)
(Barton, *Radar System Analysis and Modeling*, 2005), when a beamwidth is given.

False alarms: a Poisson number per scan with the given mean, uniform over the range/angle cells
of the coverage (uniform in range, azimuth, elevation and range rate), power above the threshold
T = −ln Pfa by an Exp(1) amount (square-law detector in unit noise), truth_id −1.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.constants import BOLTZMANN_J_PER_K
from hyperdef.measurement.radar import radar_measure
from hyperdef.sensors.horizon import apparent_elevation_rad, effective_earth_clear
from hyperdef.sensors.pd import pd_of
from hyperdef.sensors.streams import normal_ot, split_keys, uniform_ot

_TWO_PI = 2.0 * np.pi


def snr_constant_ref(ref_range_m: float, ref_rcs_m2: float, ref_snr_db: float) -> float:
    """C [m²] of a radar that reaches SNR ref_snr_db on ref_rcs_m2 at ref_range_m."""
    return 10.0 ** (ref_snr_db / 10.0) * ref_range_m**4 / ref_rcs_m2


def snr_constant_power_aperture(p_avg_w: float, aperture_m2: float, frame_time_s: float,
                                solid_angle_sr: float, t_sys_k: float, loss_db: float) -> float:
    """C [m²] of the search radar equation (Skolnik 2001, Eq. 2.63)."""
    loss = 10.0 ** (loss_db / 10.0)
    return (p_avg_w * aperture_m2 * frame_time_s
            / (4.0 * np.pi * solid_angle_sr * BOLTZMANN_J_PER_K * t_sys_k * loss))


def snr_constant_pulse(peak_power_w: float, gain_db: float, wavelength_m: float, t_sys_k: float,
                       bandwidth_hz: float, loss_db: float, n_coherent: float = 1) -> float:
    """C [m²] of the pulse radar equation (docs/references.md#radar-equation)."""
    gain = 10.0 ** (gain_db / 10.0)
    loss = 10.0 ** (loss_db / 10.0)
    return (peak_power_w * gain**2 * wavelength_m**2 * n_coherent
            / ((4.0 * np.pi) ** 3 * BOLTZMANN_J_PER_K * t_sys_k * bandwidth_hz * loss))


@dataclasses.dataclass(frozen=True)
class RadarParams:
    """SI parameters of one radar (hashable: a static argument of the jitted kernel)."""

    snr_constant_m2: float
    rcs_m2: float | None  # constant RCS, or None with the table below
    rcs_aspect_rad: tuple[float, ...]
    rcs_db: tuple[float, ...]  # 10·log10(σ/m²) at rcs_aspect_rad
    refraction_k: float
    az_lo_rad: float | None  # None: all azimuths
    az_width_rad: float
    el_lo_rad: float
    el_hi_rad: float
    min_range_m: float
    max_range_m: float
    pd_model: str
    pfa: float
    n_pulses: int
    snr_threshold: float  # linear, for the step model
    sigma: tuple[float, float, float, float]  # range [m], az [rad], el [rad], range rate [m/s]
    beamwidth_rad: float | None
    monopulse_k: float
    max_range_rate_mps: float  # false alarms are spread over ± this


def rcs_m2(v_tgt: jax.Array, r_tgt: jax.Array, r_obs: jax.Array, p: RadarParams) -> jax.Array:
    """(...,) RCS [m²]: constant, or the aspect table at the angle between the target's velocity
    and the target→radar direction (0 = nose-on), linear in dBsm. Inputs (..., 3) ECEF."""
    if p.rcs_m2 is not None:
        return jnp.full(r_tgt.shape[:-1], p.rcs_m2)
    to_radar = r_obs - r_tgt
    cos_a = jnp.sum(v_tgt * to_radar, axis=-1) / (
        jnp.linalg.norm(v_tgt, axis=-1) * jnp.linalg.norm(to_radar, axis=-1) + 1e-300)
    aspect = jnp.arccos(jnp.clip(cos_a, -1.0, 1.0))
    return 10.0 ** (jnp.interp(aspect, jnp.asarray(p.rcs_aspect_rad), jnp.asarray(p.rcs_db)) / 10)


def in_sector(az_rad: jax.Array, p: RadarParams) -> jax.Array:
    """(...,) bool: azimuth inside [lo, lo + width] going clockwise (wraps through north)."""
    if p.az_lo_rad is None:
        return jnp.ones(jnp.shape(az_rad), bool)
    return jnp.mod(az_rad - p.az_lo_rad, _TWO_PI) <= p.az_width_rad


def measurement_sigmas(snr: ArrayLike, p: RadarParams) -> jax.Array | np.ndarray:
    """(..., 4) 1σ of [range_m, az_rad, el_rad, range_rate_mps] at linear SNR (...): the floors,
    with the monopulse thermal term added in quadrature to the angles when a beamwidth is set.

    NumPy in, NumPy out (the false alarms, drawn on the host in counts that vary per sample and
    scan: eager JAX would compile once per count); JAX inside the detection kernels."""
    xp: Any = np if isinstance(snr, np.ndarray) else jnp
    s = xp.asarray(snr, xp.float64)
    sigma = xp.broadcast_to(xp.asarray(p.sigma), s.shape + (4,))
    if p.beamwidth_rad is None:
        return sigma
    thermal = p.beamwidth_rad / (p.monopulse_k * xp.sqrt(2.0 * xp.maximum(s, 1e-12)))
    return xp.stack([sigma[..., 0], xp.hypot(p.sigma[1], thermal),
                     xp.hypot(p.sigma[2], thermal), sigma[..., 3]], axis=-1)


@functools.partial(jax.jit, static_argnames="p")
def observe_radar_sample(r_obs: jax.Array, v_obs: jax.Array, lat_obs: jax.Array,
                         lon_obs: jax.Array, alt_obs: jax.Array, radius_m: jax.Array,
                         r_tgt: jax.Array, v_tgt: jax.Array, alt_tgt: jax.Array,
                         in_flight: jax.Array, frame: jax.Array, keys: jax.Array, *,
                         p: RadarParams) -> dict[str, jax.Array]:
    """One Monte Carlo sample seen by one radar.

    r_obs, v_obs: (P, T, 3) radar ECEF state [m, m/s]; lat_obs, lon_obs, alt_obs: (P, T) geodetic
    [rad, rad, m]; radius_m: (P, T) local Earth radius for the effective-Earth horizon [m];
    r_tgt, v_tgt: (O, T, 3) target ECEF state; alt_tgt: (O, T) [m]; in_flight: (O, T) bool;
    frame: (T,) bool scan times; keys: (T,) per-time keys of the (sample, sensor) stream.
    Returns dict of (O, P, T) arrays: visible, snr, detected, and z_meas, sigma (O, P, T, 4)
    ([range_m, az_rad, el_rad, range_rate_mps] noisy, and their 1σ).
    """
    k_det, k_noise = split_keys(keys, 2)
    ro, vo = r_obs[None], v_obs[None]
    rt, vt = r_tgt[:, None], v_tgt[:, None]
    z = radar_measure(ro, vo, lat_obs[None], lon_obs[None], rt, vt)
    rng, az = z[..., 0], z[..., 1]
    h_r, h_t, rad = alt_obs[None], alt_tgt[:, None], radius_m[None]
    el_app = apparent_elevation_rad(rng, h_r, h_t, rad, p.refraction_k)
    visible = (in_flight[:, None, :] & (rng >= p.min_range_m) & (rng <= p.max_range_m)
               & in_sector(az, p) & (el_app >= p.el_lo_rad) & (el_app <= p.el_hi_rad)
               & effective_earth_clear(rng, h_r, h_t, rad, p.refraction_k))
    snr = p.snr_constant_m2 * rcs_m2(vt, rt, ro, p) / rng**4
    pd = pd_of(p.pd_model, snr, snr_threshold=p.snr_threshold, pfa=p.pfa, n_pulses=p.n_pulses)
    detected = visible & frame[None, None, :] & (uniform_ot(k_det, visible.shape[:2]) < pd)
    sigma = measurement_sigmas(snr, p)
    z_meas = z + sigma * normal_ot(k_noise, z.shape[:2] + (4,))
    z_meas = z_meas.at[..., 1].set(jnp.mod(z_meas[..., 1], _TWO_PI))
    return {"visible": visible, "snr": snr, "detected": detected, "z_meas": z_meas,
            "sigma": sigma}


# observe_radar_sample's arguments that carry a block's sample axis: the targets and the keys.
_PER_SAMPLE = (None,) * 6 + (0, 0, 0, 0, None, 0)


@functools.partial(jax.jit, static_argnames="p")
def observe_radar_samples(*args: jax.Array, p: RadarParams) -> dict[str, jax.Array]:
    """`observe_radar_sample` for a block of B samples seen by the same radars and scans: its
    arguments, with the target arrays (B, O, T, …) and keys (B, T) carrying the sample axis
    first. Returns the same dict, each array (B, O, P, T, …)."""
    out: dict[str, jax.Array] = jax.vmap(functools.partial(observe_radar_sample, p=p),
                                         in_axes=_PER_SAMPLE)(*args)
    return out


def false_alarms(mean_per_scan: float, n_scans: int, p: RadarParams,
                 key: jax.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False-alarm draws for n_scans scans.

    Returns (scan_index (N,) int, z (N, 4) [range_m, az_rad, el_rad, range_rate_mps],
    snr (N,) linear) as NumPy arrays; N is Poisson(mean_per_scan) per scan, summed. The count is
    data-dependent, so the draws use a NumPy generator seeded from the JAX key's bits (still one
    deterministic stream per (sample, sensor)).
    """
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).ravel().tolist())
    counts = rng.poisson(mean_per_scan, n_scans)
    scan = np.repeat(np.arange(n_scans), counts)
    n = scan.size
    u = rng.uniform(size=(n, 4))
    az_lo = 0.0 if p.az_lo_rad is None else p.az_lo_rad
    az_w = _TWO_PI if p.az_lo_rad is None else p.az_width_rad
    z = np.stack([
        p.min_range_m + u[:, 0] * (p.max_range_m - p.min_range_m),
        np.mod(az_lo + u[:, 1] * az_w, _TWO_PI),
        p.el_lo_rad + u[:, 2] * (p.el_hi_rad - p.el_lo_rad),
        (2.0 * u[:, 3] - 1.0) * p.max_range_rate_mps,
    ], axis=-1)
    snr = -np.log(p.pfa) + rng.exponential(size=n)
    return scan, z, snr
