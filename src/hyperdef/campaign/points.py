"""Architecture points of a sweep: a full-factorial grid or a Latin hypercube (scipy.stats.qmc).

Each point has a stable id (its position in the expansion, which depends only on the campaign
file and seed), a label, the value of every parameter (stored as a column of the results) and the
scenario changes it makes (path → value).

Full factorial: every combination, the last parameter varying fastest (itertools.product order).
Latin hypercube: `points` rows of scipy.stats.qmc.LatinHypercube(d, rng=default_rng(seed))
(McKay, Beckman & Conover, Technometrics 21(2), 1979); a unit coordinate u maps to
low + u·(high − low) for a range (log-uniform when `log`), to floor(u·n) for n discrete values or
options, so every stratum of every axis is hit once.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from typing import Any, cast

import numpy as np
from scipy.stats import qmc

from hyperdef.campaign.schema import MAX_POINTS, CampaignError, Parameter, Sweep

Level = tuple[Any, dict[str, Any]]  # (column value, scenario changes)


@dataclasses.dataclass(frozen=True)
class Point:
    """One architecture: id, label, parameter values (result columns) and scenario changes."""

    id: int
    label: str
    params: dict[str, Any]
    overrides: dict[str, Any]
    satellites: int | None = None  # cost proxy, filled once the variant is validated


def _column_value(v: Any) -> Any:
    """A parameter value as a Parquet-friendly scalar (structured values become JSON text)."""
    if isinstance(v, bool | int | float | str):
        return v
    return json.dumps(v, sort_keys=True)


# Parameter's validator gives each kind what it needs: a range its [low, high], values and a
# range their `path`, a factorial range its `levels`, an lhs sweep its `points`. The casts
# below record that contract.
def _range_value(p: Parameter, u: float) -> float | int:
    low, high = cast(tuple[float, float], p.range)
    if p.integer:
        lo, hi = math.ceil(low), math.floor(high)
        return int(min(lo + math.floor(u * (hi - lo + 1)), hi))
    if p.log:
        return float(math.exp(math.log(low) + u * (math.log(high) - math.log(low))))
    return float(low + u * (high - low))


def _levels(p: Parameter) -> list[Level]:
    """The discrete levels of a parameter in a factorial design."""
    if p.options is not None:
        return [(o.label, dict(o.set)) for o in p.options]
    path = cast(str, p.path)
    if p.values is not None:
        return [(_column_value(v), {path: v}) for v in p.values]
    low, high = cast(tuple[float, float], p.range)
    n = cast(int, p.levels)
    grid = np.geomspace(low, high, n) if p.log else np.linspace(low, high, n)
    values = [int(round(float(x))) for x in grid] if p.integer else [float(x) for x in grid]
    return [(v, {path: v}) for v in values]


def _level_at(p: Parameter, u: float) -> Level:
    """The level of a parameter at unit coordinate u ∈ [0, 1) of a Latin hypercube."""
    if p.is_range:
        v = _range_value(p, u)
        return v, {cast(str, p.path): v}
    levels = _levels(p)
    return levels[min(int(math.floor(u * len(levels))), len(levels) - 1)]


def n_points(sweep: Sweep) -> int:
    """How many points the sweep expands to (computed without expanding it)."""
    if sweep.design == "lhs":
        return int(cast(int, sweep.points))
    count = 1
    for p in sweep.parameters:
        count *= len(p.options or p.values or []) or int(p.levels or 1)
    return count


def _label(params: dict[str, Any]) -> str:
    if not params:
        return "nominal"
    shown = (f"{v:.6g}" if isinstance(v, float) else str(v) for v in params.values())
    return ", ".join(f"{k}={v}" for k, v in zip(params, shown, strict=True))


def _point(i: int, names: list[str], levels: tuple[Level, ...]) -> Point:
    params = {n: lv[0] for n, lv in zip(names, levels, strict=True)}
    overrides: dict[str, Any] = {}
    for _, changes in levels:
        overrides.update(changes)
    return Point(i, _label(params), params, overrides)


def expand_points(sweep: Sweep, *, seed: int) -> list[Point]:
    """Every point of the sweep, ids 0 … n−1 in a fixed order (see the module docstring)."""
    count = n_points(sweep)
    if count > MAX_POINTS:
        raise CampaignError("sweep", [
            f"expands to {count} points, more than the hard limit {MAX_POINTS}; "
            "use design: lhs with fewer points, or fewer levels"])
    names = [p.name for p in sweep.parameters]
    if sweep.design == "factorial":
        grids = [_levels(p) for p in sweep.parameters]
        return [_point(i, names, combo) for i, combo in enumerate(itertools.product(*grids))]
    sampler = qmc.LatinHypercube(d=len(sweep.parameters), rng=np.random.default_rng(seed))
    unit = sampler.random(count)
    return [_point(i, names, tuple(_level_at(p, float(u)) for p, u in zip(
        sweep.parameters, row, strict=True))) for i, row in enumerate(unit)]
