"""Smooth margins: hard visibility and detection tests rewritten as logistic steps of a width.

Every hard test of hyperdef.sensors (`los_clear`, the cone field of regard, the range limit, a
threshold on SNR) is a sign test on a margin m (m ≥ 0 means "passes"). The surrogate replaces the
indicator 1[m ≥ 0] by the logistic σ(m / w) = 1 / (1 + e^(−m/w)) with a stated width w in the
margin's own unit. As w → 0, σ(m/w) → 1[m > 0] pointwise for every m ≠ 0 (and ½ on the boundary, a
set of measure zero on a time grid), so each smooth figure converges to its exact counterpart
(tests/design/test_design_convergence.py). A width of exactly 0 selects the hard test itself,
which is how the exact figures are evaluated through the same code path.

Margins, each in a physical unit so that widths can be stated and compared:
- Earth occlusion [m]: height of the segment's lowest point above the Earth raised by the grazing
  altitude, from the scaled-ellipsoid construction of hyperdef.sensors.geometry: (|p̃| − 1)(a + h_g)
  with p̃ the closest point in coordinates where the raised ellipsoid is the unit sphere.
- Field-of-regard cone [rad]: (cos θ − cos α)/sin α ≈ α − θ near the edge (θ off-boresight angle,
  α half-angle); written through cosines so the gradient stays finite at the boresight, where
  d(arccos x)/dx is infinite.
- Range [m]: R_max − |d|.
- SNR [SNR units]: s − s_t. The `gaussian` Pd model of hyperdef.sensors.pd is already
  Φ(s − s_t); the hard test is Pd ≥ ½, i.e. s ≥ s_t.
- Background [m]: the lowest height of the line of sight beyond the target (negative when it meets
  the Earth), as in hyperdef.sensors.geometry.background; the clutter factor steps from space to
  limb at `limb_top_m` and from limb to Earth at 0, each step smoothed with the occlusion width
  (a hard class would make the SNR jump, and a gradient blind to the jump).
- Parallax [rad]: (cos γ_min − cos γ)/sin γ_min ≈ γ − γ_min, the stereo gate of the tracker's
  triangulation (hyperdef.tracking.association.rays keeps pairs with u_i·u_j ≤ cos γ_min).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr

from hyperdef.earth.model import EarthModel


class Widths(NamedTuple):
    """Widths of the logistic steps (0 → the hard test). Defaults are a small fraction of the
    scales that matter: 20 km of grazing height against ~1000 km orbits, 0.5° against a tens-of-
    degrees field of regard, 1 SNR unit (the Gaussian detector's own noise, Holst 2008 ch. 18)."""

    occlusion_m: float = 20e3
    cone_rad: float = 0.00873  # 0.5°
    range_m: float = 20e3
    snr: float = 1.0
    parallax_rad: float = 0.00873  # 0.5°

    def scaled(self, factor: float) -> Widths:
        """Every width multiplied by factor (factor → 0 gives the exact figures)."""
        return Widths(*(w * factor for w in self))


EXACT = Widths(0.0, 0.0, 0.0, 0.0, 0.0)


def soft_step(margin, width):
    """(...,) σ(margin/width) for width > 0, the indicator 1[margin ≥ 0] for width = 0.

    width is a Python float (static); margin (...) in the width's unit.
    """
    if width == 0.0:
        return (margin >= 0.0).astype(jnp.float64)
    return jax.nn.sigmoid(margin / width)


def soft_pd(snr, snr_threshold, width):
    """(...,) detection probability smooth in SNR: Φ((s − s_t)/width) (Holst 2008 ch. 18 with
    width 1), the step 1[s ≥ s_t] at width 0."""
    if width == 0.0:
        return (snr >= snr_threshold).astype(jnp.float64)
    return ndtr((snr - snr_threshold) / width)


def _dot(a, b):
    return jnp.sum(a * b, axis=-1)


def occlusion_margin_m(r_obs_ecef_m, r_tgt_ecef_m, earth: EarthModel, grazing_alt_m=0.0):
    """(...,) height [m] of the segment observer→target's lowest point above the Earth raised by
    grazing_alt_m (positive: clear). Positions (..., 3) ECEF [m]."""
    g = jnp.asarray(grazing_alt_m, jnp.float64)
    scale = jnp.stack([1.0 / (earth.a_m + g), 1.0 / (earth.a_m + g), 1.0 / (earth.b_m + g)])
    s = r_obs_ecef_m * scale
    d = (r_tgt_ecef_m - r_obs_ecef_m) * scale
    lam = jnp.clip(-_dot(s, d) / jnp.maximum(_dot(d, d), 1e-300), 0.0, 1.0)
    closest = s + lam[..., None] * d
    return (jnp.sqrt(_dot(closest, closest)) - 1.0) * (earth.a_m + g)


def cone_margin_rad(r_obs_ecef_m, r_tgt_ecef_m, boresight_ecef, half_angle_rad):
    """(...,) (cos θ − cos α)/sin α [rad] for a cone of half-angle α about the unit boresight
    (..., 3); θ the target's angle off boresight. Positions (..., 3) ECEF [m]."""
    d = r_tgt_ecef_m - r_obs_ecef_m
    cos_theta = _dot(d, boresight_ecef) / jnp.sqrt(_dot(d, d))
    return (cos_theta - jnp.cos(half_angle_rad)) / jnp.sin(half_angle_rad)


def parallax_margin_rad(u1, u2, min_parallax_rad):
    """(...,) (cos γ_min − cos γ)/sin γ_min [rad] for unit lines of sight u1, u2 (..., 3)."""
    return (jnp.cos(min_parallax_rad) - _dot(u1, u2)) / jnp.sin(min_parallax_rad)


def background_height_m(r_obs_ecef_m, r_tgt_ecef_m, earth: EarthModel):
    """(...,) height [m] of the lowest point of the ray observer→target beyond the target, from
    the same scaled-ellipsoid construction as hyperdef.sensors.geometry.background: positive above
    the ellipsoid, and (|p| − |p|/|p̃|) < 0 when the ray meets the Earth behind the target."""
    scale = jnp.stack([1.0 / earth.a_m, 1.0 / earth.a_m, 1.0 / earth.b_m])
    d = r_tgt_ecef_m - r_obs_ecef_m
    s, ds = r_obs_ecef_m * scale, d * scale
    lam = jnp.maximum(-_dot(s, ds) / jnp.maximum(_dot(ds, ds), 1e-300), 1.0)
    p_scaled = s + lam[..., None] * ds
    p = r_obs_ecef_m + lam[..., None] * d
    return jnp.sqrt(_dot(p, p)) * (1.0 - 1.0 / jnp.sqrt(_dot(p_scaled, p_scaled)))


def soft_clutter(height_m, limb_top_m, clutter, width_m):
    """(...,) NEI multiplier against the background at the given ray height [m]:
    clutter = (space, limb, earth) factors, blended with logistic steps of width_m."""
    c_space, c_limb, c_earth = clutter
    return (c_space + (c_limb - c_space) * soft_step(limb_top_m - height_m, width_m)
            + (c_earth - c_limb) * soft_step(-height_m, width_m))
