"""Design files: YAML naming a base scenario, the layer to design, free variables with bounds, the
objective and a cost proxy; validated (unknown keys and infeasible bounds are errors naming the
field) and resolved into the plain records of hyperdef.design.study.

```yaml
schema_version: 1
name: example
base_scenario: demo            # a scenario file (relative to this file) or a built-in name
layer: tranche1                # a space_ir sensor of the base scenario: walker, nadir cone, NEI
counts: [8, 12, 16]            # satellite counts (each a multiple of planes): the outer loop
planes: 4
start: {raan_spread_deg: 360}  # optional: base values replaced before optimising
variables:                     # alt_km, inc_deg, raan_spread_deg, phasing, half_angle_deg,
  alt_km: {low: 400, high: 2000}   # nei_w_m2, frame_period_s; the others keep the base values
objective: {figure: stereo_coverage}
corridor: {from: {lat_deg: 12, lon_deg: 140}, to: {lat_deg: 20, lon_deg: 170}, alt_km: 40,
           points: 12, intensity_w_sr: 1.0e4, window_s: 10800, step_s: 60}
cost: {per_satellite: 1.0, nei_ref_w_m2: 7.5e-11, exponent: 1.0}
```
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from hyperdef.design.layer import VARIABLES, LayerShape, SensorFixed
from hyperdef.design.problem import CORRIDOR_FIGURES, SENSE, Problem
from hyperdef.design.smooth import Widths
from hyperdef.design.study import Cost, DesignError, FreeVariable, Study
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import earth_model
from hyperdef.scenario.base import Model
from hyperdef.scenario.errors import ScenarioError, problems_of
from hyperdef.scenario.load import load_scenario, parse_yaml
from hyperdef.scenario.schema import Scenario
from hyperdef.scenario.sensors import SpaceIRSpec
from hyperdef.time import Epoch, t_grid_s

BUILTIN = importlib.resources.files("hyperdef.design") / "builtin"
# The feasible range of each variable (file units): a bound pair outside it excludes every design.
FEASIBLE = {"alt_km": (100.0, 50000.0), "inc_deg": (0.0, 180.0), "raan_spread_deg": (0.0, 360.0),
            "phasing": (0.0, 1e6), "half_angle_deg": (0.0, 90.0), "nei_w_m2": (0.0, np.inf),
            "frame_period_s": (0.0, np.inf)}
OPEN_BELOW = ("half_angle_deg", "nei_w_m2", "frame_period_s")  # the low end itself is invalid


class Bounds(Model):
    low: float
    high: float


class Point(Model):
    lat_deg: Annotated[float, Field(ge=-90, le=90)]
    lon_deg: Annotated[float, Field(ge=-180, le=360)]


class Corridor(Model):
    """Points on the great circle from → to at alt_km, looked at over window_s every step_s."""

    model_config = Model.model_config | {"populate_by_name": True}
    start: Point = Field(alias="from")
    to: Point
    alt_km: Annotated[float, Field(ge=0.0, le=100.0)] = 40.0
    points: Annotated[int, Field(ge=1, le=200)] = 12
    intensity_w_sr: Annotated[float, Field(gt=0.0)]
    window_s: Annotated[float, Field(gt=0.0)] = 10800.0
    step_s: Annotated[float, Field(gt=0.0)] = 60.0


class Objective(Model):
    figure: Literal[tuple(SENSE)]  # type: ignore[valid-type]


class CostSpec(Model):
    per_satellite: Annotated[float, Field(gt=0.0)] = 1.0
    nei_ref_w_m2: Annotated[float, Field(gt=0.0)] = 1e-10
    exponent: Annotated[float, Field(ge=0.0)] = 1.0


class DesignFile(Model):
    schema_version: Literal[1] = 1
    name: str = "design"
    base_scenario: str
    layer: str
    counts: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
    planes: Annotated[int, Field(ge=1)]
    variables: dict[Literal[tuple(VARIABLES)], Bounds]  # type: ignore[valid-type]
    start: dict[Literal[tuple(VARIABLES)], float] = {}  # type: ignore[valid-type]
    objective: Objective
    corridor: Corridor | None = None
    cost: CostSpec = CostSpec()
    widths_scale: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    starts: Annotated[int, Field(ge=1, le=64)] = 2
    max_iterations: Annotated[int, Field(ge=1, le=1000)] = 15
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _check(self):
        if not self.variables:
            raise ValueError("variables: name at least one free variable with low/high bounds")
        for name, b in self.variables.items():
            lo, hi = FEASIBLE[name]
            if not b.high > b.low:
                raise ValueError(f"variables.{name}: high ({b.high}) must exceed low ({b.low})")
            if b.low < lo or b.high > hi or (name in OPEN_BELOW and b.low <= lo):
                raise ValueError(
                    f"variables.{name}: bounds [{b.low}, {b.high}] leave the feasible range "
                    f"{_range(lo, hi)} (no valid design there); keep both bounds inside it")
        bad = [n for n in self.counts if n % self.planes]
        if bad:
            raise ValueError(f"counts: {bad} are not multiples of planes ({self.planes}); "
                             "every count must split evenly into the planes")
        if self.objective.figure in CORRIDOR_FIGURES and self.corridor is None:
            raise ValueError(f"corridor: objective {self.objective.figure} is a corridor "
                             "coverage figure; add a corridor section")
        return self


def _range(lo, hi) -> str:
    return f"({lo:g}, {hi:g})" if lo == 0.0 else f"[{lo:g}, {hi:g}]"


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in BUILTIN.iterdir()
                  if p.name.endswith(".yaml"))


def read_design(source: str) -> tuple[DesignFile, Path | None]:
    """(DesignFile, folder for relative paths) from a path or a built-in name."""
    path = Path(source)
    if path.is_file():
        text, base = path.read_text(encoding="utf-8"), path.resolve().parent
    elif source in builtin_names():
        text, base = (BUILTIN / f"{source}.yaml").read_text(encoding="utf-8"), None
    else:
        raise DesignError(f"{source}: no such file, and not a built-in design (built-ins: "
                          f"{', '.join(builtin_names())})")
    try:
        data = parse_yaml(text, source)
        return DesignFile.model_validate(data), base
    except ScenarioError as exc:
        raise DesignError(str(exc)) from None
    except ValidationError as exc:
        raise DesignError(f"{source}: invalid design file\n" + "\n".join(
            f"  {p}" for p in problems_of(exc, DesignFile))) from None


def _layer(scenario: Scenario, name: str) -> SpaceIRSpec:
    specs = {s.name: s for s in scenario.sensors}
    spec = specs.get(name)
    if not isinstance(spec, SpaceIRSpec):
        choices = [s.name for s in scenario.sensors if isinstance(s, SpaceIRSpec)]
        raise DesignError(f"layer: {name!r} is not a space_ir sensor of the base scenario; "
                          f"choose one of {', '.join(choices) or '(none)'}")
    fr = spec.field_of_regard
    if spec.walker is None or spec.nei_w_m2 is None or fr is None or fr.kind != "cone" \
            or fr.pointing != "nadir":
        raise DesignError(f"layer: {name!r} must be a walker constellation with nei_w_m2 and a "
                          "nadir cone field_of_regard to be designed")
    return spec


def _corridor_ecef(c: Corridor, earth) -> np.ndarray:
    """(K, 3) ECEF points evenly spaced on the great circle (spherical slerp of the unit vectors;
    a corridor is a notional line, so the sphere's great circle is close enough)."""
    def unit(p):
        la, lo = np.radians(p.lat_deg), np.radians(p.lon_deg)
        return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    a, b = unit(c.start), unit(c.to)
    omega = np.arccos(np.clip(a @ b, -1.0, 1.0))
    f = np.linspace(0.0, 1.0, c.points)[:, None]
    v = a if omega == 0 else (np.sin((1 - f) * omega) * a + np.sin(f * omega) * b) / np.sin(omega)
    lat, lon = np.arcsin(v[:, 2]), np.arctan2(v[:, 1], v[:, 0])
    return np.asarray(geodetic_to_ecef(lat, lon, c.alt_km * 1e3, earth))


def resolve(design: DesignFile, base_dir: Path | None) -> tuple[Study, Scenario, Path | None]:
    """The Study (plain records), the base scenario and its folder."""
    source = design.base_scenario
    if base_dir is not None and (base_dir / source).is_file():
        source = str(base_dir / source)
    try:
        scenario, scen_dir = load_scenario(source)
    except ScenarioError as exc:
        raise DesignError(f"base_scenario: {exc}") from None
    spec = _layer(scenario, design.layer)
    w, fr = spec.walker, spec.field_of_regard
    # _layer has checked that the layer is a walker constellation with a cone field of regard.
    assert w is not None and fr is not None and fr.kind == "cone"
    base = {"alt_km": w.alt_km, "inc_deg": w.inc_deg,
            "raan_spread_deg": 360.0 if w.pattern == "delta" else 180.0,
            "phasing": float(w.phasing), "half_angle_deg": fr.half_angle_deg,
            "nei_w_m2": spec.nei_w_m2, "frame_period_s": spec.frame_period_s or scenario.step_s}
    base.update(design.start)
    earth = earth_model(scenario.earth)
    epoch = Epoch(scenario.epoch)
    fixed = SensorFixed(snr_threshold=spec.snr_threshold,
                        clutter=(spec.clutter.space, spec.clutter.limb, spec.clutter.earth),
                        grazing_alt_m=spec.grazing_alt_km * 1e3, limb_top_m=spec.limb_top_km * 1e3,
                        transmission=spec.transmission,
                        max_range_m=np.inf if spec.max_range_km is None
                        else spec.max_range_km * 1e3)
    c = design.corridor
    corridor = _corridor_ecef(c, earth) if c is not None else np.zeros((1, 3))
    window = t_grid_s(c.window_s, c.step_s) if c is not None else np.arange(2.0)
    t = t_grid_s(scenario.duration_s, scenario.step_s)
    r, ir, fly = np.zeros((1, t.size, 3)), np.zeros((1, t.size)), np.zeros((1, t.size), bool)
    if design.objective.figure not in CORRIDOR_FIGURES:
        if not scenario.threats:
            raise DesignError(f"objective.figure: {design.objective.figure} needs the base "
                              "scenario's threats, and it has none")
        from hyperdef.scenario.resolve_threats import resolve_threats
        from hyperdef.threats.simulate import simulate as simulate_threats

        threats = resolve_threats(scenario.threats, seed=scenario.seed,
                                  sample_ids=np.arange(scenario.samples))
        truth = simulate_threats(threats, earth=earth, atmosphere=scenario.atmosphere,
                                 t_grid_s=t, epoch=epoch)
        fly = truth.in_flight.reshape(-1, t.size)
        r = np.nan_to_num(truth.r_ecef_m.reshape(-1, t.size, 3), nan=1e8)
        ir = np.where(fly, np.nan_to_num(truth.ir_w_sr.reshape(-1, t.size)), 0.0)
    problem = Problem(
        shape=LayerShape(design.counts[0], design.planes, w.raan0_deg * np.pi / 180.0),
        fixed=fixed, epoch=epoch, earth=earth,
        min_parallax_rad=float(scenario.tracker.to_params().min_parallax_rad),
        corridor_ecef_m=corridor, corridor_ir_w_sr=c.intensity_w_sr if c is not None else 0.0,
        window_t_s=window, threat_t_s=t, threat_r_ecef_m=r, threat_ir_w_sr=ir,
        threat_in_flight=fly)
    study = Study(problem=problem, base=base,
                  free=tuple(FreeVariable(n, b.low, b.high) for n, b in design.variables.items()),
                  objective=design.objective.figure, counts=tuple(design.counts),
                  planes=design.planes, cost=Cost(**design.cost.model_dump()),
                  widths=Widths().scaled(design.widths_scale), starts=design.starts,
                  max_iterations=design.max_iterations, seed=design.seed)
    return study, scenario, scen_dir
