"""Extended Kalman filter, Joseph-form covariance update, symmetrised.

Predict:  x⁻ = f(x, T),  P⁻ = F P Fᵀ + Q,  F = ∂f/∂x (JAX forward-mode autodiff)
Update:   ν = innovation(x⁻),  H = −∂ν/∂x,  S = H P⁻ Hᵀ + R,  K = P⁻ Hᵀ S⁻¹,
          x⁺ = x⁻ + K ν,  P⁺ = (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ    (Joseph form)
(Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001,
§5.2, and §5.2.3 for the Joseph form, which keeps P⁺ symmetric positive semi-definite for any
gain and so survives rounding better than P⁻ − K S Kᵀ.)

The innovation is written as a function of the state (z − h(x), or the LOS tangent-plane form),
never as z and h(x) separately, so angle wrapping happens inside ν and H comes from the same code.
S⁻¹ is applied through its Cholesky factor; a factor that fails (S not positive definite) yields
status SINGULAR, non-finite inputs NON_FINITE, and in both cases the state is returned unchanged.

`ekf_predict` / `ekf_update` are the generic cores (any f, any innovation function, any size);
`ekf_ops` binds them to a `MotionModel` and detection rows (`hyperdef.measurement.batch`,
read as `filters.rows` says).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.status import Status
from hyperdef.tracking.filters.ops import FilterOps, Row, UpdateResult, VecFn
from hyperdef.tracking.filters.pda import weighted_update
from hyperdef.tracking.filters.rows import accept_only, check_rows, pad4, row_model
from hyperdef.tracking.filters.smallmat import factor, mm, sandwich, sum_log_diag
from hyperdef.tracking.filters.sqrt import symmetrize
from hyperdef.tracking.motion import MotionModel, embed6

_LOG_2PI = 1.8378770664093453


class EKFState(NamedTuple):
    """x: (n,) state mean; P: (n, n) covariance (units of the motion model's components)."""

    x: jax.Array
    P: jax.Array


def _value_and_jacfwd(fun: VecFn, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(fun(x), ∂fun/∂x) in one forward-mode pass."""
    def both(y: jax.Array) -> tuple[jax.Array, jax.Array]:
        v = fun(y)
        return v, v

    jac, value = jax.jacfwd(both, has_aux=True)(x)
    return value, jac


def ekf_predict(x: jax.Array, P: jax.Array, f: VecFn,  # noqa: N803 — P, Q are the standard symbols
                Q: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Generic EKF prediction: f (n,) → (n,) already bound to the step; Q (n, n). Returns (x, P)."""
    x_new, F = _value_and_jacfwd(f, x)
    return x_new, symmetrize(sandwich(F, P) + Q)


def gaussian_innovation(x: jax.Array, P: jax.Array, nu_fn: VecFn,  # noqa: N803
                        R: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(ν (m,), S (m, m), H (m, n)) of innovation function nu_fn (n,) → (m,) at x."""
    nu, J = _value_and_jacfwd(nu_fn, x)
    H = -J
    return nu, symmetrize(sandwich(H, P) + R), H


def _all_finite(arrays: Sequence[jax.Array]) -> jax.Array:
    return functools.reduce(jnp.logical_and, [jnp.all(jnp.isfinite(a)) for a in arrays])


def update_status(inputs_ok: ArrayLike, inputs: Sequence[jax.Array], chol_factor: jax.Array,
                  outputs: Sequence[jax.Array]) -> jax.Array:
    """Status of an update: NON_FINITE for a non-finite input or result, SINGULAR when the
    innovation covariance's Cholesky factor failed (not positive definite).

    Inputs are checked through x, ν and S = H P Hᵀ + R rather than P itself (a NaN anywhere in
    P reaches S, as 0·NaN = NaN); results through the gain and the NIS, not x⁺ and P⁺: those
    are finite whenever the gain, the prior and ν are (short of overflow beyond 1e308). Checking
    the values the kernel materialises anyway keeps XLA from evaluating the covariance products
    a second time inside the check.
    """
    finite_in = inputs_ok & _all_finite(inputs)
    chol_ok = _all_finite([chol_factor])
    return jnp.where(
        ~finite_in, Status.NON_FINITE,
        jnp.where(~chol_ok, Status.SINGULAR,
                  jnp.where(~_all_finite(outputs), Status.NON_FINITE, Status.OK)),
    ).astype(jnp.int32)


def ekf_update(x: jax.Array, P: jax.Array, nu_fn: VecFn, R: jax.Array, *, dof: ArrayLike,  # noqa: N803
               inputs_ok: ArrayLike = True) -> tuple[jax.Array, ...]:
    """Generic Joseph-form EKF update.

    x: (n,); P: (n, n); nu_fn: (n,) → (m,) innovation z − h(x) (angles wrapped inside);
    R: (m, m) noise covariance; dof: () number of measured components (≤ m, for the likelihood);
    inputs_ok: () bool, False marks the measurement non-finite (status NON_FINITE).
    Returns (x, P, nis, status, log_lik); x, P are the inputs unchanged unless status == OK.
    """
    nu, S, H = gaussian_innovation(x, P, nu_fn, R)
    L, solve_lower, solve_chol = factor(S)
    # Kᵀ = S⁻¹ H P (P symmetric), through the Cholesky factor: no explicit inverse.
    K = solve_chol(L, mm(H, P)).T
    x_new = x + mm(K, nu)
    ikh = jnp.eye(x.shape[0]) - mm(K, H)
    P_new = symmetrize(sandwich(ikh, P) + sandwich(K, R))
    w = solve_lower(L, nu)
    nis = mm(w[None], w)[0]
    log_lik = -0.5 * nis - sum_log_diag(L) - 0.5 * dof * _LOG_2PI
    status = update_status(inputs_ok, (x, nu, S), L, (K, nis))
    ok = status == Status.OK
    return (
        jnp.where(ok, x_new, x),
        jnp.where(ok, P_new, P),
        jnp.where(ok, nis, jnp.nan),
        status,
        jnp.where(ok, log_lik, -jnp.inf),
    )


def ekf_ops(motion: MotionModel, *, rows: str = "mixed") -> FilterOps:
    """EKF `FilterOps` for one motion model (states `EKFState`); `rows` as in `filters.rows`."""
    rows = check_rows(rows)

    def init_from(x6: jax.Array, P6: jax.Array) -> EKFState:  # noqa: N803
        return EKFState(*embed6(motion, x6, P6))

    def predict(state: EKFState, dt_s: ArrayLike) -> EKFState:
        return EKFState(*ekf_predict(state.x, state.P, lambda x: motion.f(x, dt_s),
                                     motion.Q(state.x, dt_s)))

    def innovation(state: EKFState, row: Row) -> tuple[jax.Array, jax.Array]:
        rm = row_model(motion, row, rows)
        nu, S, _ = gaussian_innovation(state.x, state.P, rm.nu_fn, rm.R)
        return pad4(nu, S, rm.accepted)

    def update_full(state: EKFState, row: Row) -> UpdateResult:
        rm = row_model(motion, row, rows)
        x, P, nis, status, ll = ekf_update(state.x, state.P, rm.nu_fn, rm.R, dof=rm.dof,
                                           inputs_ok=rm.finite)
        return accept_only(rm.accepted, UpdateResult(EKFState(x, P), nis, status, ll), state)

    def update(state: EKFState, row: Row) -> tuple[EKFState, jax.Array, jax.Array]:
        r = update_full(state, row)
        return r.state, r.nis, r.status

    def gaussian(state: EKFState) -> tuple[jax.Array, jax.Array]:
        return state.x, state.P

    def from_gaussian(x: jax.Array, P: jax.Array) -> EKFState:  # noqa: N803
        return EKFState(x, symmetrize(P))

    def update_weighted(state: EKFState, rows_m: Row, betas: jax.Array) -> EKFState:
        return weighted_update(update_full, gaussian, from_gaussian, state, rows_m, betas)

    def mean6(state: EKFState) -> tuple[jax.Array, jax.Array]:
        return state.x[:6], state.P[:6, :6]

    return FilterOps(init_from, predict, innovation, update, update_weighted, mean6, motion.dim,
                     update_full, gaussian, from_gaussian, "ekf")
