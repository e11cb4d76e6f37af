"""Space-based IR sensing: access, signal-to-noise, Pd and noisy angle-only measurements.

Signal model (point source, no atmospheric path loss beyond a constant `transmission` τ):
in-band irradiance at the aperture E = τ·I/R² [W/m²], I the target's in-band intensity [W/sr]
(hyperdef.radiometry, from the threats' heating model) and R the range. The noise-equivalent
irradiance NEI [W/m²] is multiplied by a clutter factor for the background behind the target
(space / limb / Earth; hyperdef.sensors.geometry.background), so SNR = E/(NEI·c_bg) (the standard
point-source form, e.g. Holst 2008 ch. 18; Tracy & Wright, S&GS 28(3), 2020, compare intensity
against a threshold the same way).

Threshold mode (literature comparison, docs/references.md#heating-and-infrared: 20 kW/sr
DSP-class, 6 kW/sr SBIRS-class): SNR = SNR_t · τ·I·(R_ref/R)²/(I_t·c_bg) with the (R_ref/R)²
factor only when a reference range is given, so a detection happens at I ≥ I_t exactly when Pd
is a step.

Aspect. A threat flown with `ir_model: body` radiates differently toward every direction (its
hot windward acreage faces the ground, the cooler leeward side the sky). The truth's `ir_w_sr`
is the view from straight above; each (sensor platform, time) adds the body model's difference
between its own direction and the view from above (hyperdef.threats.body_view.aspect_gain_w_sr),
so a satellite overhead sees the leeward side and one near the horizon the edge-on body.

Measurements are unit lines of sight with tangent-plane Gaussian noise σ (detections contract),
made by `hyperdef.measurement.los.perturb_los`.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp

from hyperdef.dynamics.eom import altitude_and_up
from hyperdef.earth.model import EarthModel
from hyperdef.measurement.los import los_unit, perturb_los
from hyperdef.sensors.geometry import (
    access_cone,
    background,
    in_box,
    los_clear,
    nadir_frame,
    staring_frame,
)
from hyperdef.sensors.pd import pd_of
from hyperdef.sensors.streams import map_time, split_keys, uniform_ot
from hyperdef.threats.body_view import aspect_gain_w_sr

# What a sensor needs of the body model to see it from its own side: (v_ecef_mps (O, T, 3),
# panels_w_sr (O, T, 4), angles_rad (O, 4)) (`toward_sensor_w_sr`).
BodyView = tuple[jax.Array, jax.Array, jax.Array]


@dataclasses.dataclass(frozen=True)
class IRParams:
    """SI parameters of one space_ir sensor (hashable: a static argument of the jitted kernel)."""

    nei_w_m2: float | None  # None: threshold mode
    threshold_w_sr: float | None
    threshold_ref_range_m: float | None
    snr_threshold: float
    pd_model: str  # 'gaussian' | 'step'
    sigma_rad: float
    for_kind: str | None  # None (Earth-limited), 'cone' or 'box'
    cos_half: float  # cone
    tan_half_x: float  # box
    tan_half_y: float
    grazing_alt_m: float
    limb_top_m: float
    clutter: tuple[float, float, float]  # indexed by Background (space, limb, earth)
    max_range_m: float
    transmission: float
    aim_ecef_m: tuple[float, float, float] | None = None  # None: nadir pointing


def snr_ir(intensity_w_sr: jax.Array, range_m: jax.Array, bg: jax.Array,
           p: IRParams) -> jax.Array:
    """(...,) linear SNR of a point source of in-band intensity (...) [W/sr] at range (...) [m]
    against background class bg (...) int (Background)."""
    clutter = jnp.asarray(p.clutter)[bg]
    irr = p.transmission * intensity_w_sr / (range_m * range_m)
    if p.nei_w_m2 is not None:
        return irr / (p.nei_w_m2 * clutter)
    if p.threshold_ref_range_m is None:
        eff = p.transmission * intensity_w_sr
    else:
        eff = irr * p.threshold_ref_range_m**2
    # Threshold mode (no NEI): the resolver sets threshold_w_sr.
    assert p.threshold_w_sr is not None
    return p.snr_threshold * eff / (p.threshold_w_sr * clutter)


@functools.partial(jax.jit, static_argnames="p")
def pointing(r_sat: jax.Array, v_sat: jax.Array, p: IRParams) -> jax.Array:
    """Boresight (P, T, 3) for a cone, or sensor frame (P, T, 3, 3) for a box, from the platform
    ECEF state (P, T, 3); nadir-pointing or staring at `p.aim_ecef_m`. Zeros when unused."""
    if p.for_kind == "box":
        if p.aim_ecef_m is None:
            return nadir_frame(r_sat, v_sat)
        return staring_frame(r_sat, jnp.asarray(p.aim_ecef_m))
    if p.for_kind == "cone":
        d = -r_sat if p.aim_ecef_m is None else jnp.asarray(p.aim_ecef_m) - r_sat
        return d / jnp.linalg.norm(d, axis=-1, keepdims=True)
    return jnp.zeros_like(r_sat)


def ir_access(r_obs: jax.Array, r_tgt: jax.Array, pointing: jax.Array, p: IRParams,
              earth: EarthModel) -> jax.Array:
    """(...,) bool geometric access (LOS clear of Earth + h_g, field of regard, range).

    r_obs, r_tgt: (..., 3) ECEF [m]. pointing: (..., 3) unit boresight (cone) or (..., 3, 3)
    sensor frame rows x, y, z (box); ignored when the field of regard is Earth-limited.
    """
    if p.for_kind == "cone":
        return access_cone(r_obs, r_tgt, pointing, p.cos_half, p.max_range_m, earth,
                           p.grazing_alt_m)
    ok = los_clear(r_obs, r_tgt, earth, p.grazing_alt_m)
    d = r_tgt - r_obs
    ok = ok & (jnp.sum(d * d, axis=-1) <= p.max_range_m**2)
    if p.for_kind == "box":
        ok = ok & in_box(r_obs, r_tgt, pointing, p.tan_half_x, p.tan_half_y)
    return ok


def toward_sensor_w_sr(intensity_w_sr: jax.Array, r_obs: jax.Array, r_tgt: jax.Array,
                       aspect: BodyView | None, earth: EarthModel) -> jax.Array:
    """(O, P, T) in-band intensity [W/sr] each platform sees of each object.

    intensity_w_sr: (O, T) the truth's view from above; r_obs: (1, P, T, 3), r_tgt:
    (O, 1, T, 3) ECEF [m]; aspect: None (every object the same from every side) or
    (v_ecef_mps (O, T, 3), panels_w_sr (O, T, 4), angles_rad (O, 4)) of the body model
    (zeros for objects without one; hyperdef.threats.body_view.Aspect).
    """
    base = intensity_w_sr[:, None, :]
    if aspect is None:
        return base
    v, panels, angles = aspect
    up = altitude_and_up(r_tgt, earth)[1]
    gain = aspect_gain_w_sr(panels[:, None], angles[:, None, None, :], v[:, None], up,
                            r_obs - r_tgt)
    return base + jnp.where(jnp.isfinite(gain), gain, 0.0)


@functools.partial(jax.jit, static_argnames=("p", "earth"))
def observe_ir_sample(r_sat: jax.Array, pointing: jax.Array, r_tgt: jax.Array,
                      intensity_w_sr: jax.Array, in_flight: jax.Array, frame: jax.Array,
                      keys: jax.Array, *, p: IRParams, earth: EarthModel,
                      aspect: BodyView | None = None) -> dict[str, jax.Array]:
    """One Monte Carlo sample seen by one space_ir sensor.

    r_sat: (P, T, 3) platform ECEF [m]; pointing: (P, T, 3) boresight or (P, T, 3, 3) frame;
    r_tgt: (O, T, 3) target ECEF [m]; intensity_w_sr: (O, T) in-band intensity [W/sr];
    in_flight: (O, T) bool; frame: (T,) bool, True at this sensor's frame times;
    keys: (T,) per-time keys of the (sample, sensor) stream (hyperdef.sensors.streams);
    aspect: None or the body-model view data of `toward_sensor_w_sr`.
    Returns dict of (O, P, T) arrays: visible (bool), snr, detected (bool), and u_meas (O, P, T, 3)
    the noisy unit LOS (meaningful where detected).
    """
    k_det, k_noise = split_keys(keys, 2)
    ro = r_sat[None]
    rt = r_tgt[:, None]
    pt = pointing[None]
    visible = ir_access(ro, rt, pt, p, earth) & in_flight[:, None, :]
    bg = background(ro, rt, p.limb_top_m, earth)
    rng = jnp.linalg.norm(rt - ro, axis=-1)
    snr = snr_ir(toward_sensor_w_sr(intensity_w_sr, ro, rt, aspect, earth), rng, bg, p)
    pd = pd_of(p.pd_model, snr, snr_threshold=p.snr_threshold)
    u = uniform_ot(k_det, visible.shape[:2])
    detected = visible & frame[None, None, :] & (u < pd)
    u_true = jnp.broadcast_to(los_unit(ro, rt), visible.shape + (3,))
    def noisy(k: jax.Array, u_t: jax.Array) -> jax.Array:
        return perturb_los(u_t, p.sigma_rad, key=k)

    u_meas = map_time(noisy, k_noise, u_true)
    return {"visible": visible, "snr": snr, "detected": detected, "u_meas": u_meas}


# observe_ir_sample's arguments that carry a block's sample axis: the targets and the keys.
_PER_SAMPLE = (None, None, 0, 0, 0, None, 0)


@functools.partial(jax.jit, static_argnames=("p", "earth"))
def observe_ir_samples(*args: jax.Array, p: IRParams, earth: EarthModel,
                       aspect: BodyView | None = None) -> dict[str, jax.Array]:
    """`observe_ir_sample` for a block of B samples seen by the same platforms and frames: its
    arguments, with the target arrays (B, O, T, …), keys (B, T) and aspect's arrays carrying the
    sample axis first (vmap maps keyword arguments on their first axis). Returns the same dict,
    each array (B, O, P, T, …)."""
    out: dict[str, jax.Array] = jax.vmap(functools.partial(observe_ir_sample, p=p, earth=earth),
                                         in_axes=_PER_SAMPLE)(*args, aspect=aspect)
    return out
