"""Outputs of a design study: the best design as a ready scenario file, the JSON document and a
self-contained HTML report (objective vs iteration, Pareto front of cost vs objective across
satellite counts, and a sensitivity table of what each variable buys)."""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from hyperdef.design.layer import LayerShape, design_from_file_units, walker_elements
from hyperdef.design.optimize import CountResult, DesignResult
from hyperdef.design.study import Study
from hyperdef.scenario.load import dump_resolved, validate
from hyperdef.scenario.schema import Scenario

RAD = 180.0 / np.pi


def best_scenario(study: Study, scenario: Scenario, layer: str, best: CountResult) -> str:
    """YAML of the base scenario with the layer replaced by the best design: a walker entry when
    the phasing is an integer and the node spread 360° (delta) or 180° (star), else the explicit
    mean elements of every satellite (the relaxed pattern is exact either way)."""
    v = best.values
    data = scenario.model_dump(mode="json", exclude_none=True)
    sensor = next(s for s in data["sensors"] if s["name"] == layer)
    phasing = round(v["phasing"])
    pattern = {360.0: "delta", 180.0: "star"}.get(round(v["raan_spread_deg"], 9))
    if pattern and abs(v["phasing"] - phasing) < 1e-9 and 0 <= phasing < study.planes:
        sensor["walker"] = {"total": best.count, "planes": study.planes, "phasing": phasing,
                            "alt_km": v["alt_km"], "inc_deg": v["inc_deg"], "pattern": pattern,
                            "raan0_deg": study.problem.shape.raan0_rad * RAD}
    else:
        sensor.pop("walker")
        el = walker_elements(design_from_file_units(v),
                             LayerShape(best.count, study.planes, study.problem.shape.raan0_rad),
                             study.problem.earth)
        sensor["satellites"] = [
            {"alt_km": v["alt_km"], "inc_deg": v["inc_deg"], "raan_deg": float(r) * RAD,
             "mean_anomaly_deg": float(m) * RAD} for r, m in zip(el.raan_rad, el.m0_rad,
                                                                strict=True)]
    sensor["nei_w_m2"] = v["nei_w_m2"]
    sensor["frame_period_s"] = v["frame_period_s"]
    sensor["field_of_regard"] = {"kind": "cone", "half_angle_deg": v["half_angle_deg"],
                                 "pointing": "nadir"}
    data["name"] = f"{scenario.name}-designed"
    return dump_resolved(validate(data, "best design"))


def sensitivity_rows(study: Study, r: CountResult) -> list[dict]:
    """What each free variable buys at the optimum: d(objective)/d(x) × a typical change."""
    rows = []
    for v in study.free:
        x, g = r.values[v.name], r.gradient[v.name]
        dx = v.typical(x)
        rows.append({"variable": v.name, "value": x, "low": v.lo, "high": v.hi,
                     "d_objective_d_variable": g, "typical_change": dx,
                     "objective_change": g * dx})
    return rows


def document(study: Study, result: DesignResult, *, name: str, out: str | None) -> dict:
    b = result.best
    return {
        "design": name, "out": out, "objective": study.objective, "sense": study.sense,
        "best": {"satellites": b.count, "planes": study.planes, **b.values},
        "objective_surrogate": b.objective_surrogate,
        "objective_exact": b.objective_exact,
        "evaluations": result.evaluations,
        "gradient_check_max_rel_err": result.gradient_check_max_rel_err,
        "counts": [{"satellites": c.count, "objective_surrogate": c.objective_surrogate,
                    "objective_exact": c.objective_exact, "cost": c.cost, "pareto": c.pareto,
                    "evaluations": c.evaluations, "exact_evaluations": c.exact_evaluations,
                    "gradient_check": c.gradient_check, "values": c.values}
                   for c in result.counts],
        "sensitivities": sensitivity_rows(study, b),
        "warnings": result.warnings,
    }


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def report_html(study: Study, result: DesignResult, doc: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    for c in result.counts:
        ax.plot(np.arange(1, len(c.history) + 1), c.history, marker=".", label=f"N = {c.count}")
    ax.set_xlabel("L-BFGS-B iteration (all starts in turn)")
    ax.set_ylabel(f"{study.objective} (smooth, best so far)")
    ax.legend(fontsize=8)
    history = _png(fig)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    cost = [c.cost for c in result.counts]
    obj = [c.objective_exact for c in result.counts]
    ax.plot(cost, obj, "o", color="0.6", label="optimum per count")
    front = sorted((c.cost, c.objective_exact) for c in result.counts if c.pareto)
    ax.plot(*zip(*front, strict=True), "o-", color="C3", label="Pareto front")
    for c in result.counts:
        ax.annotate(str(c.count), (c.cost, c.objective_exact), fontsize=8,
                    textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("cost proxy (satellites × aperture)")
    ax.set_ylabel(f"{study.objective} (exact)")
    ax.legend(fontsize=8)
    pareto = _png(fig)
    plt.close(fig)
    rows = "".join(
        f"<tr><td>{html.escape(r['variable'])}</td><td>{r['value']:.6g}</td>"
        f"<td>[{r['low']:g}, {r['high']:g}]</td><td>{r['d_objective_d_variable']:.4g}</td>"
        f"<td>{r['typical_change']:.4g}</td><td>{r['objective_change']:+.4g}</td></tr>"
        for r in doc["sensitivities"])
    best = ", ".join(f"{k} = {v:.6g}" for k, v in doc["best"].items())
    warn = "".join(f"<li>{html.escape(w)}</li>" for w in doc["warnings"])
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>hyperdef design {html.escape(doc['design'])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:1em auto}}td,th{{padding:2px 8px}}
table{{border-collapse:collapse}}tr:nth-child(even){{background:#f3f3f3}}</style></head><body>
<h1>Design study: {html.escape(doc['design'])}</h1>
<p>Objective <b>{html.escape(study.objective)}</b> ({study.sense}imise). Best: {best}.
Exact objective {doc['objective_exact']:.6g} (smooth {doc['objective_surrogate']:.6g}) after
{doc['evaluations']} evaluations; gradient check max relative error
{doc['gradient_check_max_rel_err']:.2e}.</p>
{f'<ul>{warn}</ul>' if warn else ''}
<h2>Objective vs iteration</h2>
<img alt="objective vs iteration" src="data:image/png;base64,{history}">
<h2>Pareto front: cost vs objective across satellite counts</h2>
<img alt="Pareto front" src="data:image/png;base64,{pareto}">
<h2>Sensitivities at the best design</h2>
<table><tr><th>variable</th><th>value</th><th>bounds</th><th>d(objective)/d(variable)</th>
<th>typical change</th><th>objective change</th></tr>{rows}</table>
</body></html>
"""
