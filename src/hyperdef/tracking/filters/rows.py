"""How a filter reads detection rows: innovation function, noise covariance and dof per row.

`make_filter(..., rows=...)` fixes, at build time, which row kinds a filter accepts:

- "mixed" (default): every kind of `hyperdef.measurement.batch`, as 4-component padded
  innovations, so LOS and radar rows batch together under `jax.vmap` (each row pays for both
  measurement models, which `jnp.where` then selects between);
- "los": angle-only rows only, as 2-component innovations. The same numbers for LOS rows at
  ~1.6× the speed (measured for the 6-state EKF, 10⁴ tracks, XLA:CPU), for architectures whose
  sensors are all space-based IR. Other rows are refused with status INVALID_INPUT.

Either way `FilterOps.innovation` returns the padded (4,), (4, 4) form of the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.measurement import batch as mb
from hyperdef.measurement.los import los_innovation
from hyperdef.status import Status
from hyperdef.tracking.filters.ops import Row, State, UpdateResult
from hyperdef.tracking.motion import MotionModel

ROW_SETS = ("mixed", "los")


class RowModel(NamedTuple):
    """nu_fn: state (n,) → innovation (m,); R: (m, m); dof: (); finite: () bool (inputs finite);
    accepted: () bool (the row's kind is one this filter reads)."""

    nu_fn: Callable[[jax.Array], jax.Array]
    R: jax.Array
    dof: jax.Array
    finite: jax.Array
    accepted: jax.Array


def row_model(motion: MotionModel, row: Row, rows: str) -> RowModel:
    """The measurement model of one detection row for a filter built for row set `rows`."""
    if rows == "los":
        return RowModel(
            lambda x: los_innovation(row.z[:3], row.r_obs_ecef_m, motion.pos(x)),
            jnp.diag(row.sigma[:2] ** 2), jnp.asarray(2), mb.row_finite(row),
            row.kind == mb.KIND_LOS)
    return RowModel(
        lambda x: mb.innovation(row, motion.pos(x), motion.vel(x)), mb.noise_cov(row),
        mb.dof(row.kind), mb.row_finite(row), jnp.asarray(True))


def pad4(nu: jax.Array, S: ArrayLike,  # noqa: N803 — S is the standard symbol
         accepted: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """(m,), (m, m) innovation and covariance padded to the contract's (4,), (4, 4); NaN for a
    row the filter does not read (so that no χ² gate accepts it)."""
    m = nu.shape[0]
    if m < 4:
        nu = jnp.concatenate([nu, jnp.zeros(4 - m)])
        S = jnp.eye(4).at[:m, :m].set(S)
    return jnp.where(accepted, nu, jnp.nan), jnp.where(accepted, S, jnp.nan)


def check_rows(rows: str) -> str:
    if rows not in ROW_SETS:
        raise ValueError(f"filter: rows must be one of {ROW_SETS}, got {rows!r}")
    return rows


def accept_only(accepted: ArrayLike, result: UpdateResult, old_state: State) -> UpdateResult:
    """`result` where the row was accepted; else the old state with status INVALID_INPUT."""
    return UpdateResult(
        jax.tree.map(lambda a, b: jnp.where(accepted, a, b), result.state, old_state),
        jnp.where(accepted, result.nis, jnp.nan),
        jnp.where(accepted, result.status, Status.INVALID_INPUT).astype(jnp.int32),
        jnp.where(accepted, result.log_lik, -jnp.inf),
    )
