"""The curated public surface of hyperdef.

    from hyperdef.api import load_scenario, simulate
    scenario, base = load_scenario("demo")
    result = simulate(scenario, base)        # arrays, no files
    tree = result.to_xarray()                # truth, detections, tracks, metrics
    result.write("runs/demo")                # the run folder `hyperdef run` writes

Importing this module turns on JAX's persistent compilation cache exactly as the command line
does (hyperdef.jaxcache: the folder from `HYPERDEF_JAX_CACHE`, default `~/.cache/hyperdef/jax`,
`0` turns it off), so a script pays the first-call compilation once per machine, not once per
process.
"""

from __future__ import annotations

from pathlib import Path

import jax

import hyperdef
from hyperdef import pipeline
from hyperdef.jaxcache import enable_compilation_cache
from hyperdef.pipeline import simulate, summary
from hyperdef.result import RunResult
from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.load import builtin_names, load_scenario
from hyperdef.scenario.schema import Scenario

__all__ = [
    "RunResult", "Scenario", "ScenarioError", "builtin_names", "enable_compilation_cache",
    "environment_info", "load_scenario", "run", "scenario_coverage", "simulate", "summary",
]

enable_compilation_cache()

CONVENTIONS = {
    "ecef": "WGS84 Earth-fixed",
    "eci": "ECEF rotated about z by the Earth rotation angle (IERS 2010); "
           "no precession, nutation or polar motion",
    "teme": "sgp4 output; to ECEF by GMST (IAU-82)",
    "time": "t_s = float64 seconds since the scenario epoch (UTC); UT1 taken equal to UTC",
    "units": "SI inside; degrees and km only in scenario files and reports",
}


def run(scenario: Scenario, base_dir: Path | None, out: Path, *, command: str,
        sensitivities: bool = False) -> dict:
    """Simulate and write the run folder `hyperdef run` writes, report.html included,
    atomically; returns the summary document (as `hyperdef run --json` prints it).

    base_dir: the scenario's folder (relative paths in it); command: recorded in manifest.json;
    sensitivities: add hyperdef.design's smooth sensitivities (summary, report, own JSON).
    """
    from hyperdef.report.html import write_run_report

    return pipeline.run(scenario, base_dir, Path(out), command=command,
                        sensitivities=sensitivities, report=write_run_report)


def environment_info() -> dict:
    """Version, JAX backend/devices, float64 status and the frame conventions."""
    return {
        "hyperdef_version": hyperdef.__version__,
        "jax_version": jax.__version__,
        "jax_backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
        "x64": bool(jax.config.values["jax_enable_x64"]),
        "builtin_scenarios": builtin_names(),
        "conventions": CONVENTIONS,
    }


def scenario_coverage(source: str | Path, *, alt_km: float, grid_deg: float = 5.0,
                      figure: Path | None = None) -> dict:
    """N-fold coverage of a scenario's space sensors at a target altitude over its duration."""
    from hyperdef.earth.model import earth_model
    from hyperdef.report.coverage_figure import coverage_figure
    from hyperdef.scenario.resolve_sensors import resolve_sensors
    from hyperdef.sensors.coverage import coverage
    from hyperdef.time import Epoch

    scenario, base = load_scenario(source)
    space = [s for s in scenario.sensors if s.kind == "space_ir"]
    if not space:
        raise ValueError(f"{source}: sensors: no space_ir sensor to compute coverage for")
    earth = earth_model(scenario.earth)
    sensors = resolve_sensors(space, earth=earth, step_s=scenario.step_s, scenario_dir=base)
    doc = coverage(sensors, epoch=Epoch(scenario.epoch), earth=earth,
                   duration_s=scenario.duration_s, step_s=scenario.step_s,
                   alt_m=alt_km * 1e3, grid_deg=grid_deg)
    if figure is not None:
        coverage_figure(doc, figure)
    return doc
