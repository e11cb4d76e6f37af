"""Atmosphere models by short name, as scenario files choose them (`atmosphere: us76`)."""

from __future__ import annotations

from collections.abc import Callable

from jax.typing import ArrayLike

from hyperdef.atmosphere import exponential, us76
from hyperdef.atmosphere.state import AtmosphereState

__all__ = ["MODELS", "AtmosphereState", "atmosphere"]

MODELS = {
    "us76": us76.properties,
    "exponential": exponential.properties,
}


def atmosphere(name: str) -> Callable[[ArrayLike], AtmosphereState]:
    """The model called `name` as a jit-able function alt_m (...) [m] -> AtmosphereState (...).

    name: "us76" (US Standard Atmosphere 1976, 0–1000 km) or "exponential" (isothermal fit).
    Raises ValueError naming the choices for any other name.
    """
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        choices = ", ".join(repr(k) for k in MODELS)
        raise ValueError(f"unknown atmosphere {name!r}; choose one of {choices}") from None
