"""A design problem as plain records, and its figures of merit: smooth (differentiable) or exact.

`Problem` holds everything a figure needs as arrays and frozen records; the design file
(hyperdef.design.file) resolves into one. Two target sets:

- the *corridor*: K fixed points (ECEF) on a threat corridor at glide altitude, looked at over a
  time window (coverage fractions and revisit are averages over points and times);
- *threats*: M truth trajectories (first-detection, first-stereo and warning times).

`figures(design, problem, widths)` evaluates every figure the objective needs with the smooth
kernels (hyperdef.design.smooth); `exact_figures(design, problem)` evaluates the same figures with
the hard kernels the scenario pipeline uses (hyperdef.sensors.geometry.access_cone and
`background`, hyperdef.sensors.space_ir.snr_ir, the step Pd, hyperdef.sensors.stereo.parallax_rad
and the frame times of hyperdef.sensors.params.frame_mask, restated in `frame_times` because
that module reads scenario specs and these kernels take plain records only).

Objectives (the figure's name, larger or smaller is better):
coverage_ge1, coverage_ge2, stereo_coverage (maximize; area-time fractions of the corridor),
revisit_s (minimize; corridor mean), first_detection_s, first_stereo_s (minimize; threat mean),
warning_s (maximize; mean over threats of flight end − first stereo pair, the layer's own warning:
the tracker needs a stereo pair to start a track).
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from hyperdef.design.figures import (
    expected_first_time_s,
    expected_revisit_s,
    fold_probabilities,
    look_hazard,
    look_probability,
    pair_gate,
    stereo_probability,
)
from hyperdef.design.layer import LayerDesign, LayerShape, SensorFixed, layer_positions
from hyperdef.design.smooth import Widths
from hyperdef.earth.model import EarthModel
from hyperdef.sensors.geometry import access_cone, background
from hyperdef.sensors.pd import pd_step
from hyperdef.sensors.space_ir import IRParams, snr_ir
from hyperdef.sensors.stereo import parallax_rad
from hyperdef.time import Epoch

SENSE = {"coverage_ge1": "max", "coverage_ge2": "max", "stereo_coverage": "max",
         "revisit_s": "min", "first_detection_s": "min", "first_stereo_s": "min",
         "warning_s": "max"}
CORRIDOR_FIGURES = ("coverage_ge1", "coverage_ge2", "stereo_coverage", "revisit_s")


@dataclasses.dataclass(frozen=True, eq=False)
class Problem:
    """Targets, grids and fixed parameters of one design problem (SI, ECEF)."""

    shape: LayerShape
    fixed: SensorFixed
    epoch: Epoch
    earth: EarthModel
    min_parallax_rad: float
    corridor_ecef_m: np.ndarray  # (K, 3) fixed points at glide altitude
    corridor_ir_w_sr: float  # intensity of a target on the corridor
    window_t_s: np.ndarray  # (T,) uniform times the corridor is looked at
    threat_t_s: np.ndarray  # (T',) uniform scenario grid
    threat_r_ecef_m: np.ndarray  # (M, T', 3), finite (any value where not in flight)
    threat_ir_w_sr: np.ndarray  # (M, T'), 0 where not in flight
    threat_in_flight: np.ndarray  # (M, T') bool

    def with_shape(self, shape: LayerShape) -> Problem:
        return dataclasses.replace(self, shape=shape)


def _corridor_targets(problem: Problem):
    k, t = problem.corridor_ecef_m.shape[0], problem.window_t_s.size
    r = np.broadcast_to(problem.corridor_ecef_m[:, None, :], (k, t, 3))
    return jnp.asarray(r), jnp.full((k, t), problem.corridor_ir_w_sr)


def _window_s(t_s) -> float:
    return float(t_s[-1] - t_s[0] + (t_s[1] - t_s[0] if t_s.size > 1 else 0.0))


def _step_s(t_s) -> float:
    return float(t_s[1] - t_s[0]) if t_s.size > 1 else 1.0


def _aggregate(name, p_fn, gate_fn, hazard_fn, problem: Problem, design: LayerDesign):
    """One figure from per-look probabilities p_fn(r_sat, r_tgt, ir) (S, K, T), pair gates
    gate_fn(r_sat, r_tgt) and step hazards hazard_fn(p_any, t_s) (shared by both paths)."""
    pos = lambda t: layer_positions(design, problem.shape, t, epoch=problem.epoch,
                                    earth=problem.earth)
    if name in CORRIDOR_FIGURES:
        t = problem.window_t_s
        r_sat = pos(t)
        r_tgt, ir = _corridor_targets(problem)
        p = p_fn(r_sat, r_tgt, ir)
        if name == "stereo_coverage":
            return jnp.mean(stereo_probability(p, gate_fn(r_sat, r_tgt)))
        ge1, ge2 = fold_probabilities(p)
        if name == "coverage_ge1":
            return jnp.mean(ge1)
        if name == "coverage_ge2":
            return jnp.mean(ge2)
        return jnp.mean(expected_revisit_s(hazard_fn(ge1, t), _window_s(t)))
    t = problem.threat_t_s
    r_sat = pos(t)
    r_tgt = jnp.asarray(problem.threat_r_ecef_m)
    p = p_fn(r_sat, r_tgt, jnp.asarray(problem.threat_ir_w_sr))
    fly = jnp.asarray(problem.threat_in_flight)
    if name == "first_detection_s":
        return jnp.mean(expected_first_time_s(hazard_fn(fold_probabilities(p)[0], t), t, fly))
    first = expected_first_time_s(hazard_fn(stereo_probability(p, gate_fn(r_sat, r_tgt)), t),
                                  t, fly)
    if name == "first_stereo_s":
        return jnp.mean(first)
    t_end = jnp.max(jnp.where(fly, jnp.asarray(t), -jnp.inf), axis=-1)
    return jnp.mean(t_end - first)


def figure(name: str, design: LayerDesign, problem: Problem, widths: Widths):
    """Scalar smooth figure `name` (see the module docstring) of the design; differentiable."""
    f = problem.fixed

    def p_fn(r_sat, r_tgt, ir):
        return look_probability(r_sat, r_tgt, ir, half_angle_rad=design.half_angle_rad,
                                nei_w_m2=design.nei_w_m2, fixed=f, widths=widths,
                                earth=problem.earth)

    gate_fn = lambda r_sat, r_tgt: pair_gate(r_sat, r_tgt, problem.min_parallax_rad, widths)
    hazard_fn = lambda p_any, t: look_hazard(p_any, _step_s(t) / design.frame_period_s)
    return _aggregate(name, p_fn, gate_fn, hazard_fn, problem, design)


def ir_params_of(design: LayerDesign, fixed: SensorFixed) -> IRParams:
    """The pipeline's parameter record of the designed sensor (nadir cone, gaussian Pd)."""
    return IRParams(nei_w_m2=float(design.nei_w_m2), threshold_w_sr=None,
                    threshold_ref_range_m=None, snr_threshold=fixed.snr_threshold,
                    pd_model="gaussian", sigma_rad=0.0, for_kind="cone",
                    cos_half=float(np.cos(float(design.half_angle_rad))), tan_half_x=0.0,
                    tan_half_y=0.0, grazing_alt_m=fixed.grazing_alt_m,
                    limb_top_m=fixed.limb_top_m, clutter=fixed.clutter,
                    max_range_m=fixed.max_range_m, transmission=fixed.transmission)


def frame_times(t_s, period_s: float) -> np.ndarray:
    """(T,) bool: a frame at the first grid time of each interval [kΔ, (k+1)Δ) from t_s[0] — the
    rule of hyperdef.sensors.params.frame_mask (tests/design check that the two agree)."""
    t = np.asarray(t_s, np.float64)
    k = np.floor((t - t[0]) / period_s + 1e-9)
    return np.r_[True, k[1:] != k[:-1]]


def exact_figure(name: str, design: LayerDesign, problem: Problem) -> float:
    """Figure `name` with the pipeline's hard kernels: access ∧ SNR ≥ threshold per look, the
    tracker's hard parallax gate, and frames at hyperdef.sensors.params.frame_mask times."""
    params = ir_params_of(design, problem.fixed)
    earth = problem.earth

    def p_fn(r_sat, r_tgt, ir):
        ro, rt = r_sat[:, None], r_tgt[None]
        boresight = -ro / jnp.linalg.norm(ro, axis=-1, keepdims=True)
        ok = access_cone(ro, rt, boresight, params.cos_half, params.max_range_m, earth,
                         params.grazing_alt_m)
        rng = jnp.linalg.norm(rt - ro, axis=-1)
        snr = snr_ir(ir[None], rng, background(ro, rt, params.limb_top_m, earth), params)
        return jnp.where(ok, pd_step(snr, params.snr_threshold), 0.0)

    def gate_fn(r_sat, r_tgt):
        i, j = np.triu_indices(r_sat.shape[0], k=1)
        gamma = parallax_rad(r_sat[i][:, None], r_sat[j][:, None], r_tgt[None])
        return (gamma >= problem.min_parallax_rad).astype(jnp.float64)

    def hazard_fn(p_any, t):
        return p_any * jnp.asarray(frame_times(t, float(design.frame_period_s)))

    return float(_aggregate(name, p_fn, gate_fn, hazard_fn, problem, design))
