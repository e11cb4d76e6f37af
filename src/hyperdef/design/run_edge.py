"""The edge between a scenario run and hyperdef.design.sensitivity: platform states and sensor
parameters from the scenario's specs, truth from the run (sample 0), and an HTML table."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from hyperdef.design.layer import SensorFixed
from hyperdef.design.sensitivity import SensorLayer, run_sensitivities
from hyperdef.scenario.resolve_sensors import space_platforms_of
from hyperdef.scenario.sensors import SpaceIRSpec
from hyperdef.sensors.platforms import space_platforms


def _layer(spec: SpaceIRSpec, t_s, *, epoch, earth, scenario_dir, step_s) -> SensorLayer | None:
    fr = spec.field_of_regard
    if spec.nei_w_m2 is None or spec.tle_file is not None or (
            fr is not None and (fr.kind != "cone" or fr.pointing != "nadir")):
        return None
    plat = space_platforms(space_platforms_of(spec, scenario_dir), t_s, epoch=epoch,
                           earth=earth)
    fixed = SensorFixed(spec.snr_threshold, (spec.clutter.space, spec.clutter.limb,
                                             spec.clutter.earth),
                        spec.grazing_alt_km * 1e3, spec.limb_top_km * 1e3, spec.transmission,
                        np.inf if spec.max_range_km is None else spec.max_range_km * 1e3)
    return SensorLayer(spec.name, plat.r_ecef_m, fixed, spec.nei_w_m2,
                       spec.frame_period_s or step_s,
                       None if fr is None else float(np.radians(fr.half_angle_deg)))


def scenario_sensitivities(result, base_dir: Path | None) -> dict:
    """Sensitivities of a `hyperdef.result.RunResult` (sample 0 of every threat)."""
    from hyperdef.earth.model import earth_model

    scenario, truth = result.scenario, result.truth
    if truth is None:
        return {"per_threat": [], "not_differentiated": [s.name for s in scenario.sensors]}
    earth = earth_model(scenario.earth)
    t = truth.t_s
    layers, skipped = [], []
    for spec in scenario.sensors:
        layer = None
        if isinstance(spec, SpaceIRSpec):
            layer = _layer(spec, t, epoch=result.epoch, earth=earth, scenario_dir=base_dir,
                           step_s=scenario.step_s)
        (layers.append(layer) if layer is not None else skipped.append(spec.name))
    if not layers:
        return {"per_threat": [], "not_differentiated": skipped}
    fly = truth.in_flight[0]
    doc = run_sensitivities(
        layers, names=list(truth.names),
        r_tgt_ecef_m=np.nan_to_num(truth.r_ecef_m[0], nan=1e8),
        ir_w_sr=np.where(fly, np.nan_to_num(truth.ir_w_sr[0]), 0.0), in_flight=fly, t_s=t,
        min_parallax_rad=float(scenario.tracker.to_params().min_parallax_rad), earth=earth)
    doc["not_differentiated"] = skipped
    return doc


def sensitivities_html(doc: dict) -> str:
    """An HTML section (table per threat) for the run report."""
    parts = ["<h2>Sensitivities (smooth surrogate)</h2><p>Expected first detection and the "
             "layer's warning time (flight end − expected first stereo pair), and their "
             "derivatives with respect to each space sensor's parameters.</p>"]
    for t in doc["per_threat"]:
        parts.append(f"<h3>{html.escape(t['threat'])}: first detection "
                     f"{t['first_detection_s']} s, warning {t['warning_time_s']} s</h3><table>"
                     "<tr><th>sensor</th><th>parameter</th><th>value</th><th>d first det.</th>"
                     "<th>d warning</th><th>change</th><th>Δ first det. [s]</th>"
                     "<th>Δ warning [s]</th></tr>")
        for s in t["sensors"]:
            for key, r in s["parameters"].items():
                parts.append(
                    f"<tr><td>{html.escape(s['sensor'])}</td><td>{key}</td>"
                    f"<td>{r['value']:.4g}</td><td>{r['d_first_detection_s']:.4g}</td>"
                    f"<td>{r['d_warning_time_s']:.4g}</td><td>{r['typical_change']}</td>"
                    f"<td>{r['first_detection_change_s']:+.3g}</td>"
                    f"<td>{r['warning_time_change_s']:+.3g}</td></tr>")
        parts.append("</table>")
    if doc.get("not_differentiated"):
        parts.append("<p>Not differentiated: "
                     f"{html.escape(', '.join(doc['not_differentiated']))}.</p>")
    return "\n".join(parts)
