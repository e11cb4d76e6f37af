"""Building blocks for scenario models: strict frozen models and Monte Carlo dispersions.

Every model forbids unknown keys (a typo must never be silently ignored) and is frozen (a resolved
scenario is a value). A dispersed number is written `12.0`, `{mean: 12, sd: 0.5}` or
`{low: 10, high: 14}`; sample id 0 always takes the nominal value, so a single run is the
nominal case and dispersions only matter in Monte Carlo samples 1, 2, ….
"""

from __future__ import annotations

from typing import Annotated

import jax
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Normal(Model):
    """Gaussian dispersion; `sd` ≥ 0."""

    mean: float
    sd: Annotated[float, Field(ge=0.0)]

    @property
    def nominal(self) -> float:
        return self.mean


class Uniform(Model):
    """Uniform dispersion on [low, high]."""

    low: float
    high: float

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


def draw(value: Dispersed, keys, sample_ids) -> np.ndarray:
    """(n,) float64 draws of a dispersed number, one per sample.

    keys: (n,) JAX key array, one stream per sample (so a sample's draw does not depend on how
    samples are chunked); sample_ids: (n,) stable sample ids. Sample id 0 is always the nominal
    value, so a plain run (one sample) is the nominal case.
    """
    ids = np.asarray(sample_ids)
    if isinstance(value, int | float):
        return np.full(ids.shape, float(value))
    if isinstance(value, Normal):
        z = np.asarray(jax.vmap(lambda k: jax.random.normal(k, ()))(keys))
        x = value.mean + value.sd * z
    else:
        u = np.asarray(jax.vmap(lambda k: jax.random.uniform(k, ()))(keys))
        x = value.low + (value.high - value.low) * u
    return np.where(ids == 0, value.nominal, x)
