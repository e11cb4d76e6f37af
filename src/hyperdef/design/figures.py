"""Figures of merit from per-look detection probabilities: N-fold and stereo coverage, revisit,
expected time of first detection and of the first stereo pair.

Everything starts from p[s, k, t], the probability that satellite s detects target k at grid
time t (a smooth surrogate, or 0/1 when evaluated exactly; `look_probability`). Looks by
different satellites are treated as independent, so with q = 1 − p:

- P(≥ 1 look) = 1 − Π_s q_s;  P(≥ 2) = 1 − Π_s q_s − Σ_s p_s Π_{s'≠s} q_s' (Poisson binomial;
  Y. H. Wang, Statistica Sinica 3, 295–312, 1993). Leave-one-out products come from cumulative
  products from both ends, so a certain look (q = 0) gives no division by zero.
- Stereo: a pair (s, s') counts when both look and their lines of sight to the target are at least
  γ_min apart (the tracker's triangulation gate), with soft gate g; the surrogate is
  1 − Π_{s<s'} (1 − p_s p_s' g_ss'). For 0/1 inputs this is exactly "some qualifying pair sees the
  target" (for fractional p the pairs share satellites, so it is a surrogate, not an expectation).
- First-look time with a survival product (the discrete-time hazard form, e.g. Kalbfleisch &
  Prentice, The Statistical Analysis of Failure Time Data, 2002, §1.2): with h_n the probability of
  a look at in-flight step n of length Δt, S_n = Π_{m≤n} (1 − h_m), and
  E[t_first] = t_a + Σ_{t_a ≤ t_n < t_b} Δt·S_n for a flight [t_a, t_b]. For 0/1 hazards this is
  exactly the first time with a look; a flight never seen is censored at t_b.
- Revisit: the expected number of access starts E[N] = Σ_n h_n (1 − h_{n−1}) and the mean interval
  they cut the window into, window/(1 + E[N]); for 0/1 hazards, exactly that of the indicator.
Shapes: satellites first, then targets, then time.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from hyperdef.design.smooth import (
    Widths,
    background_height_m,
    cone_margin_rad,
    occlusion_margin_m,
    parallax_margin_rad,
    soft_clutter,
    soft_pd,
    soft_step,
)
from hyperdef.earth.model import EarthModel


def look_probability(r_sat_ecef_m, r_tgt_ecef_m, intensity_w_sr, *, half_angle_rad, nei_w_m2,
                     fixed, widths: Widths, earth: EarthModel):
    """(S, K, T) probability that a nadir-cone space IR sensor detects each target in one look.

    r_sat_ecef_m: (S, T, 3) satellites [m]; r_tgt_ecef_m: (K, T, 3) targets [m];
    intensity_w_sr: (K, T) in-band intensity [W/sr] (0 where not in flight);
    half_angle_rad, nei_w_m2: scalars (design variables); fixed: `SensorFixed`.
    SNR = τ·I/(R²·NEI·c_bg) as hyperdef.sensors.space_ir.snr_ir, with the background factor c_bg
    smooth in the ray's height behind the target (`soft_clutter`).
    """
    ro = r_sat_ecef_m[:, None]
    rt = r_tgt_ecef_m[None]
    d = rt - ro
    rng2 = jnp.sum(d * d, axis=-1)
    boresight = -ro / jnp.linalg.norm(ro, axis=-1, keepdims=True)
    p = soft_step(occlusion_margin_m(ro, rt, earth, fixed.grazing_alt_m), widths.occlusion_m)
    p = p * soft_step(cone_margin_rad(ro, rt, boresight, half_angle_rad), widths.cone_rad)
    if np.isfinite(fixed.max_range_m):
        p = p * soft_step(fixed.max_range_m - jnp.sqrt(rng2), widths.range_m)
    clutter = soft_clutter(background_height_m(ro, rt, earth), fixed.limb_top_m, fixed.clutter,
                           widths.occlusion_m)
    snr = fixed.transmission * intensity_w_sr[None] / (rng2 * nei_w_m2 * clutter)
    return p * soft_pd(snr, fixed.snr_threshold, widths.snr)


def _leave_one_out_prod(q, axis=0):
    """Π over `axis` of q without each element, by cumulative products from both ends."""
    q = jnp.moveaxis(q, axis, 0)
    ones = jnp.ones_like(q[:1])
    before = jnp.cumprod(jnp.concatenate([ones, q[:-1]]), axis=0)
    after = jnp.flip(jnp.cumprod(jnp.flip(jnp.concatenate([q[1:], ones]), 0), axis=0), 0)
    return jnp.moveaxis(before * after, 0, axis)


def fold_probabilities(p):
    """(P(≥1), P(≥2)), each (K, T), from p (S, K, T) (Poisson binomial)."""
    q = 1.0 - p
    none = jnp.prod(q, axis=0)
    one = jnp.sum(p * _leave_one_out_prod(q), axis=0)
    return 1.0 - none, 1.0 - none - one


def pair_gate(r_sat_ecef_m, r_tgt_ecef_m, min_parallax_rad, widths: Widths):
    """(n_pairs, K, T) soft parallax gate for the satellite pairs s < s' (triu order).

    r_sat_ecef_m: (S, T, 3); r_tgt_ecef_m: (K, T, 3) [m]; min_parallax_rad: γ_min.
    """
    d = r_sat_ecef_m[:, None] - r_tgt_ecef_m[None]
    u = d / jnp.linalg.norm(d, axis=-1, keepdims=True)
    i, j = np.triu_indices(r_sat_ecef_m.shape[0], k=1)
    return soft_step(parallax_margin_rad(u[i], u[j], min_parallax_rad), widths.parallax_rad)


def stereo_probability(p, gate):
    """(K, T) surrogate probability that some qualifying pair sees each target; p (S, K, T),
    gate (n_pairs, K, T) from `pair_gate`."""
    i, j = np.triu_indices(p.shape[0], k=1)
    return 1.0 - jnp.prod(1.0 - p[i] * p[j] * gate, axis=0)


def look_hazard(p_any, looks_per_step):
    """(…, T) probability of ≥ 1 detection in a grid step from the per-look probability p_any.

    looks_per_step n = Δt/frame_period: n ≥ 1 looks give 1 − (1 − p)^n; with fewer than one look
    per step the frame falls in a given step with probability n (frame phase averaged), n·p.
    Both equal p at n = 1 (one frame per grid time, as hyperdef.sensors.params.frame_mask), but
    their slopes in n differ there: the hazard has a kink at frame period = grid step, so keep a
    frame-period design variable's bounds on one side of the step.
    """
    n = jnp.asarray(looks_per_step, jnp.float64)
    many = 1.0 - jnp.power(jnp.clip(1.0 - p_any, 0.0, 1.0), jnp.maximum(n, 1.0))
    return jnp.where(n >= 1.0, many, jnp.minimum(n, 1.0) * p_any)


def expected_first_time_s(hazard, t_s, in_flight):
    """(K,) expected time [s] of the first look of each flight, censored at its end.

    hazard: (K, T) probability of a look in each grid step; t_s: (T,) uniform grid [s];
    in_flight: (K, T) bool. A flight never in flight returns NaN.
    """
    t = jnp.asarray(t_s, jnp.float64)
    dt = t[1] - t[0]
    h = jnp.where(in_flight, hazard, 0.0)
    survive = jnp.cumprod(1.0 - h, axis=-1)
    t_a = jnp.min(jnp.where(in_flight, t, jnp.inf), axis=-1)
    t_b = jnp.max(jnp.where(in_flight, t, -jnp.inf), axis=-1)
    before_end = in_flight & (t < t_b[:, None])
    first = t_a + dt * jnp.sum(jnp.where(before_end, survive, 0.0), axis=-1)
    return jnp.where(jnp.isfinite(t_a), first, jnp.nan)


def expected_revisit_s(hazard, window_s):
    """(K,) window/(1 + E[number of access starts]) [s]; hazard (K, T) on the window's grid."""
    prev = jnp.concatenate([jnp.zeros_like(hazard[..., :1]), hazard[..., :-1]], axis=-1)
    starts = jnp.sum(hazard * (1.0 - prev), axis=-1)
    return window_s / (1.0 + starts)
