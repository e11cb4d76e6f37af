"""Sensitivities of an ordinary run: d(first detection time) and d(warning time) with respect to
each space IR sensor's NEI, frame period and field-of-regard half-angle.

The figures are the smooth ones of hyperdef.design.figures on the run's own truth trajectories
and platform states (sample 0): every space sensor's per-look probability `look_probability`,
its looks per grid step Δt/frame_period (`look_hazard`), and the survival product over steps.
E[first detection] uses "≥ 1 look by any sensor"; the warning time is the flight's end minus
E[first stereo pair], since the tracker starts a track from a stereo pair (triangulation with
the tracker's minimum parallax), so d(warning) = −d(E[first stereo]). Reverse-mode derivatives
give every parameter at once. Sensors that are not an NEI-mode sensor with a nadir cone (or no)
field of regard, and radars, are left out of the figures and listed in `not_differentiated`.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.design.figures import (
    expected_first_time_s,
    fold_probabilities,
    look_hazard,
    look_probability,
    pair_gate,
    stereo_probability,
)
from hyperdef.design.layer import SensorFixed
from hyperdef.design.smooth import Widths
from hyperdef.earth.model import EarthModel

# Reported changes: a 10 % lower NEI, a 1 s shorter frame period, a 1° wider field of regard.
TYPICAL = {"nei_w_m2": ("-10 %", lambda x: -0.1 * x), "frame_period_s": ("-1 s", lambda x: -1.0),
           "half_angle_deg": ("+1 deg", lambda x: 1.0)}


@dataclasses.dataclass(frozen=True, eq=False)
class SensorLayer:
    """One differentiable space sensor: platform positions and its parameters (SI)."""

    name: str
    r_ecef_m: np.ndarray  # (P, T, 3) on the run's grid
    fixed: SensorFixed
    nei_w_m2: float
    frame_period_s: float
    half_angle_rad: float | None  # None: no field-of-regard limit (Earth-limited)


def _first_times(params, layers, r_tgt, ir, fly, t_s, min_parallax_rad, widths, earth):
    dt = float(t_s[1] - t_s[0])
    hazards, looks, positions = [], [], []
    for layer, (nei, frame, half) in zip(layers, params, strict=True):
        p = look_probability(jnp.asarray(layer.r_ecef_m), r_tgt, ir,
                             half_angle_rad=half if layer.half_angle_rad is not None else np.pi,
                             nei_w_m2=nei, fixed=layer.fixed, widths=widths, earth=earth)
        n = dt / frame
        hazards.append(look_hazard(fold_probabilities(p)[0], n))
        looks.append(look_hazard(p, n))
        positions.append(jnp.asarray(layer.r_ecef_m))
    h_any = 1.0 - jnp.prod(jnp.stack([1.0 - h for h in hazards]), axis=0)
    first = expected_first_time_s(h_any, t_s, fly)
    p_all, r_all = jnp.concatenate(looks), jnp.concatenate(positions)
    stereo = stereo_probability(p_all, pair_gate(r_all, r_tgt, min_parallax_rad, widths))
    return first, expected_first_time_s(stereo, t_s, fly)


def run_sensitivities(layers: list[SensorLayer], *, names, r_tgt_ecef_m, ir_w_sr, in_flight,
                      t_s, min_parallax_rad: float, earth: EarthModel,
                      widths: Widths = Widths()) -> dict:
    """JSON-ready sensitivities per threat. r_tgt_ecef_m (M, T, 3) (finite), ir_w_sr (M, T) (0
    out of flight), in_flight (M, T) bool, t_s (T,) uniform grid [s]."""
    params = [(jnp.float64(x.nei_w_m2), jnp.float64(x.frame_period_s),
               jnp.float64(x.half_angle_rad if x.half_angle_rad is not None else 1.0))
              for x in layers]
    args = (layers, jnp.asarray(r_tgt_ecef_m), jnp.asarray(ir_w_sr), jnp.asarray(in_flight),
            jnp.asarray(t_s), min_parallax_rad, widths, earth)
    first, stereo = _first_times(params, *args)
    jac_first = jax.jacrev(lambda q: _first_times(q, *args)[0])(params)
    jac_stereo = jax.jacrev(lambda q: _first_times(q, *args)[1])(params)
    t_end = np.max(np.where(in_flight, t_s, -np.inf), axis=-1)
    out = []
    for m, name in enumerate(names):
        sensors = []
        for i, layer in enumerate(layers):
            rows = {}
            for j, (key, to_file) in enumerate((("nei_w_m2", 1.0), ("frame_period_s", 1.0),
                                                ("half_angle_deg", np.pi / 180.0))):
                if key == "half_angle_deg" and layer.half_angle_rad is None:
                    continue
                value = [layer.nei_w_m2, layer.frame_period_s,
                         np.degrees(layer.half_angle_rad or 0.0)][j]
                d_first = float(jac_first[i][j][m]) * to_file
                d_warn = -float(jac_stereo[i][j][m]) * to_file
                label, change = TYPICAL[key]
                dx = change(value)
                rows[key] = {"value": value, "d_first_detection_s": d_first,
                             "d_warning_time_s": d_warn, "typical_change": label,
                             "first_detection_change_s": d_first * dx,
                             "warning_time_change_s": d_warn * dx}
            sensors.append({"sensor": layer.name, "parameters": rows})
        out.append({"threat": name, "first_detection_s": _num(first[m]),
                    "warning_time_s": _num(t_end[m] - stereo[m]), "sensors": sensors})
    return {"per_threat": out}


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None
