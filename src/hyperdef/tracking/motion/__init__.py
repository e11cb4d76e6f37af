"""Motion models for the tracker, all in ECEF with position and velocity as the first 6 states.

=========  ===  ==================================================  ===========================
name       dim  extra states (after r, v)                           class
=========  ===  ==================================================  ===========================
cv         6    —                                                   `ConstantVelocity`
ca         9    acceleration a [m/s²]                               `ConstantAcceleration`
singer     9    acceleration a [m/s²] (Gauss-Markov)                `Singer`
ballistic  7    log β [β in kg/m²]                                  `Ballistic`
glide      9    log β, L/D [-], bank σ [rad]                        `Glide`
=========  ===  ==================================================  ===========================

Each model names its components (`components`), so filters can map states between models of
different sizes (IMM mixing) by name, and gives a prior (`extra_mean`, `extra_var`) for the extra
components of a track initiated from a 6-state position/velocity estimate (`embed6`).
Process noise is documented in `kinematic` and `atmospheric`.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.tracking.motion.atmospheric import Ballistic, Glide, rk4_propagate
from hyperdef.tracking.motion.kinematic import (
    ConstantAcceleration,
    ConstantVelocity,
    Singer,
    cv_process_noise,
    singer_transition,
)

__all__ = [
    "Ballistic", "ConstantAcceleration", "ConstantVelocity", "Glide", "MotionModel", "Singer",
    "cv_process_noise", "embed6", "motion_model", "rk4_propagate", "singer_transition",
]


@runtime_checkable
class MotionModel(Protocol):
    """A single-target motion model; every method is pure and jit-able.

    name: short name ("cv", ...); dim: state size n; components: n component names
    extra_mean, extra_var: prior mean and variance of components 6..n−1 for new tracks
    f(x (n,), dt_s ()) -> (n,) state after dt_s [s] (dt_s may be traced, 0 or negative)
    Q(x (n,), dt_s ()) -> (n, n) process noise covariance over dt_s
    pos(x) -> (3,) ECEF position [m]; vel(x) -> (3,) ECEF velocity [m/s]
    """

    name: str
    dim: int
    components: tuple[str, ...]
    extra_mean: tuple[float, ...]
    extra_var: tuple[float, ...]

    def f(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array: ...

    def Q(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array: ...  # noqa: N802

    def pos(self, x: jax.Array) -> jax.Array: ...

    def vel(self, x: jax.Array) -> jax.Array: ...


_MODELS = {
    "cv": ConstantVelocity,
    "ca": ConstantAcceleration,
    "singer": Singer,
    "ballistic": Ballistic,
    "glide": Glide,
}


def motion_model(name: str, **params: Any) -> MotionModel:
    """A motion model by short name with its parameters (see each class for names and units).

    Raises ValueError naming the choices for an unknown name, TypeError for unknown parameters.
    """
    try:
        cls = _MODELS[name]
    except KeyError:
        raise ValueError(
            f"motion model: unknown name {name!r}; choose one of {', '.join(_MODELS)}"
        ) from None
    return cls(**params)


def embed6(model: MotionModel, x6: ArrayLike,  # noqa: N803 — P is the standard symbol
           P6: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """A model's full state from a 6-state estimate: extras get the model's prior.

    x6: (6,) ECEF position [m] and velocity [m/s]; P6: (6, 6) their covariance
    returns: x (n,), P (n, n) with the extras independent of r, v (block-diagonal fill-in)
    """
    x6 = jnp.asarray(x6, jnp.float64)
    P6 = jnp.asarray(P6, jnp.float64)
    n = model.dim
    x = jnp.concatenate([x6, jnp.asarray(model.extra_mean, jnp.float64).reshape(n - 6)])
    P = jnp.zeros((n, n)).at[:6, :6].set(P6)
    P = P.at[6:, 6:].set(jnp.diag(jnp.asarray(model.extra_var, jnp.float64).reshape(n - 6)))
    return x, P
