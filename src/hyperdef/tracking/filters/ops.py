"""The filter engine's interface: `FilterOps`, a bundle of pure single-track functions.

Every function works on one track and is jit-able; the tracker batches with `jax.vmap` over
states (and rows). A state is a pytree whose layout belongs to the filter (EKF: mean and
covariance; UKF: mean and square-root factor; IMM: member states and model probabilities).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
from jax.typing import ArrayLike

from hyperdef.measurement.batch import MeasBatch

# A filter's single-track state: a pytree whose layout belongs to the filter (EKFState, UKFState,
# IMMState); JAX gives pytrees no narrower static type.
State = Any
# A detection row is a `MeasBatch` without the leading axis (m rows for `update_weighted`).
Row = MeasBatch
# A function of one state vector, (n,) -> (m,): a motion step bound to dt, or an innovation.
VecFn = Callable[[jax.Array], jax.Array]


class UpdateResult(NamedTuple):
    """What one measurement update returns.

    state: the updated state, or the input state unchanged when status != OK
    nis: () normalised innovation squared νᵀS⁻¹ν (NaN when status != OK); χ² with `dof` degrees
    status: () int32 `hyperdef.status.Status` (OK, NON_FINITE for NaN inputs, SINGULAR for an
      innovation covariance that is not positive definite)
    log_lik: () log N(ν; 0, S) over the row's dof (−inf when status != OK)
    """

    state: State
    nis: jax.Array
    status: jax.Array
    log_lik: jax.Array


class FilterOps(NamedTuple):
    """Pure single-track filter functions (hyperdef tracking contract).

    init_from(x6 (6,), P6 (6, 6)) -> state: new track from an ECEF position/velocity estimate;
      extra components get the motion model's prior (`hyperdef.tracking.motion.embed6`)
    predict(state, dt_s ()) -> state
    innovation(state, row) -> (nu (4,), S (4, 4)): padded per dof, for gating and JPDA
    update(state, row) -> (state, nis, status): state unchanged unless status == OK
    update_weighted(state, rows (m,), betas (m + 1,)) -> state: PDA/JPDA combined update;
      betas[0] is the probability that none of the rows is the target's
    mean6(state) -> (x6 (6,), P6 (6, 6)): ECEF position [m] and velocity [m/s] with covariance
    dim: full state size
    update_full(state, row) -> UpdateResult: update with the log-likelihood (for IMM)
    gaussian(state) -> (x (dim,), P (dim, dim)); from_gaussian(x, P) -> state
    name: "ekf" | "ukf" | "imm"
    """

    init_from: Callable[[jax.Array, jax.Array], State]
    predict: Callable[[State, ArrayLike], State]
    innovation: Callable[[State, Row], tuple[jax.Array, jax.Array]]
    update: Callable[[State, Row], tuple[State, jax.Array, jax.Array]]
    update_weighted: Callable[[State, Row, jax.Array], State]
    mean6: Callable[[State], tuple[jax.Array, jax.Array]]
    dim: int
    update_full: Callable[[State, Row], UpdateResult]
    gaussian: Callable[[State], tuple[jax.Array, jax.Array]]
    from_gaussian: Callable[[jax.Array, jax.Array], State]
    name: str
