"""Building blocks for scenario models: strict frozen models and Monte Carlo dispersions.

Every model forbids unknown keys (a typo must never be silently ignored), is frozen (a resolved
scenario is a value) and refuses NaN and ±inf in every number it holds, however deeply nested
(`allow_inf_nan=False`; free-form values, such as a campaign's overrides, go through
`finite_tree`). A dispersed number is written `12.0`, `{mean: 12, sd: 0.5}` or
`{low: 10, high: 14}`; sample id 0 always takes the nominal value, so a single run is the
nominal case and dispersions only matter in Monte Carlo samples 1, 2, ….
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from hyperdef.random import draw  # noqa: F401  (re-exported: draws live with the key tree)

# Text limits: a name is an identifier in outputs and file names, a description a paragraph.
MAX_NAME_CHARS = 100
MAX_TEXT_CHARS = 10_000


class Model(BaseModel):
    """Base of every scenario and campaign model: frozen, no unknown keys, finite numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True,
                              allow_inf_nan=False)


def finite_tree(value: Any, where: str = "") -> Any:
    """Raise ValueError naming the first NaN or ±inf inside a free-form value (dicts, lists).

    The caller bounds the size of what it is given (a parsed file is size- and alias-checked
    before validation), so the walk is bounded too."""
    stack = [(where, value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            at = f" at {path}" if path else ""
            raise ValueError(f"numbers must be finite{at}, got {v}; give a finite value")
        if isinstance(v, dict):
            stack.extend((f"{path}.{k}" if path else str(k), x) for k, x in v.items())
        elif isinstance(v, list | tuple):
            stack.extend((f"{path}[{i}]", x) for i, x in enumerate(v))
    return value


FiniteAny = Annotated[Any, AfterValidator(finite_tree)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class Normal(Model):
    """Gaussian dispersion of a number: sample 0 takes `mean`, others a normal draw."""

    mean: float = Field(description="Mean (and nominal value), in the unit of the field.")
    sd: Annotated[float, Field(ge=0.0)] = Field(
        description="Standard deviation (1σ), in the unit of the field; ≥ 0.")

    @property
    def nominal(self) -> float:
        return self.mean


class Uniform(Model):
    """Uniform dispersion on [low, high]: sample 0 takes the mid-range, others a uniform draw."""

    low: float = Field(description="Lower end of the range, in the unit of the field.")
    high: float = Field(description="Upper end of the range (≥ low), in the unit of the field.")

    @model_validator(mode="after")
    def _ordered(self):
        if not self.high >= self.low:
            raise ValueError(f"high must be >= low, got low={self.low}, high={self.high}")
        return self

    @property
    def nominal(self) -> float:
        return 0.5 * (self.low + self.high)


Dispersed = float | Normal | Uniform


def nominal(value: Dispersed) -> float:
    """The nominal (mean or mid-range) value of a possibly dispersed number."""
    return float(value) if isinstance(value, int | float) else value.nominal
