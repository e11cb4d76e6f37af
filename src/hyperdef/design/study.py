"""A design study as plain records: free variables with bounds, objective, cost proxy, counts.

Free variables are optimised in box-normalised coordinates u ∈ [0, 1] (x = lo + u·(hi − lo), or
log-uniform for NEI, whose useful range spans decades), so L-BFGS-B sees comparable scales.
The cost proxy is satellites × aperture area, with the aperture area taken ∝ 1/NEI: for a given
detector, NEI = NEP/A_aperture (point-source sensitivity, Holst 2008 ch. 18), so halving NEI
doubles the collecting area; cost = N·(NEI_ref/NEI)^exponent·cost_per_satellite.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hyperdef.design.layer import VARIABLES, LayerDesign, design_from_file_units
from hyperdef.design.problem import SENSE, Problem
from hyperdef.design.smooth import Widths

# What each variable buys is reported as d(objective)/d(variable) × this change (file units).
TYPICAL_CHANGE = {"alt_km": 50.0, "inc_deg": 5.0, "raan_spread_deg": 10.0, "phasing": 1.0,
                  "half_angle_deg": 2.0, "nei_w_m2": None, "frame_period_s": 1.0}
NEI_TYPICAL_FRACTION = 0.1  # NEI's typical change: 10 % of its value


class DesignError(ValueError):
    """A design study that cannot be run; the message names the variable and the fix."""


@dataclasses.dataclass(frozen=True)
class FreeVariable:
    name: str  # a key of hyperdef.design.layer.VARIABLES (file units)
    lo: float
    hi: float

    @property
    def log(self) -> bool:
        return self.name == "nei_w_m2"

    def to_x(self, u):
        if self.log:
            return math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo))) \
                if isinstance(u, float) else _exp_interp(self.lo, self.hi, u)
        return self.lo + u * (self.hi - self.lo)

    def to_u(self, x: float) -> float:
        if self.log:
            return (math.log(x) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))
        return (x - self.lo) / (self.hi - self.lo)

    def typical(self, x: float) -> float:
        # None only for nei_w_m2, which is log-scaled.
        return NEI_TYPICAL_FRACTION * x if self.log else TYPICAL_CHANGE[self.name]  # type: ignore[return-value]


def _exp_interp(lo, hi, u):
    import jax.numpy as jnp

    return jnp.exp(jnp.log(lo) + u * (jnp.log(hi) - jnp.log(lo)))


@dataclasses.dataclass(frozen=True)
class Cost:
    per_satellite: float = 1.0
    nei_ref_w_m2: float = 1e-10
    exponent: float = 1.0

    def of(self, satellites: int, nei_w_m2: float) -> float:
        return satellites * self.per_satellite * (self.nei_ref_w_m2 / nei_w_m2) ** self.exponent


@dataclasses.dataclass(frozen=True, eq=False)
class Study:
    """Everything `hyperdef.design.optimize.optimize` needs (no file formats, no pydantic)."""

    problem: Problem
    base: dict  # every VARIABLES name → value in file units (the base design)
    free: tuple[FreeVariable, ...]
    objective: str
    counts: tuple[int, ...]
    planes: int
    cost: Cost = Cost()
    widths: Widths = Widths()
    starts: int = 3
    max_iterations: int = 30
    seed: int = 0

    @property
    def sense(self) -> str:
        return SENSE[self.objective]

    def design(self, u) -> LayerDesign:
        """The LayerDesign at normalised free coordinates u (n_free,) (JAX-traceable)."""
        values = dict(self.base)
        for i, v in enumerate(self.free):
            values[v.name] = v.to_x(u[i])
        return design_from_file_units(values)

    def values(self, u) -> dict[str, float]:
        """All variables in file units at u (plain floats)."""
        values = {k: float(x) for k, x in self.base.items()}
        for i, v in enumerate(self.free):
            values[v.name] = float(v.to_x(float(u[i])))
        return values

    def u_of(self, values: dict) -> np.ndarray:
        return np.array([np.clip(v.to_u(values[v.name]), 0.0, 1.0) for v in self.free])


assert set(TYPICAL_CHANGE) == set(VARIABLES)
