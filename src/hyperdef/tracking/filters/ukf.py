"""Square-root unscented Kalman filter (scaled sigma points; the cubature rule by default).

The state carries a square root S of the covariance (P = S Sᵀ) and never P itself, so P stays
symmetric positive semi-definite by construction (van der Merwe & Wan, ICASSP 2001; Arasaratnam &
Haykin, IEEE TAC 54(6), 2009, for the cubature form). Sigma points use the scaled unscented
transform (Julier, ACC 2002; van der Merwe's parameters α, β, κ):

    λ = α²(n + κ) − n,  χ_0 = x,  χ_{±i} = x ± √(n + λ) S e_i,
    W^m_0 = λ/(n + λ),  W^c_0 = W^m_0 + 1 − α² + β,  W_i = 1/(2(n + λ))

α = 1, β = 0, κ = 0 (default) is the third-degree spherical-radial cubature rule (W_0 = 0,
Arasaratnam & Haykin 2009). Square-root updates by QR (`sqrt.tria`) need W^c_0 ≥ 0; other
settings are refused at construction with the condition to meet.

Predict:  χ from (x, S); Y = f(χ); x⁻ = Σ W^m Y; S⁻ = tria([√W^c (Y − x⁻), √Q]).
Update:   sigma points are redrawn from (x⁻, S⁻) so that they include Q; ν_i = innovation(χ_i);
          ν = Σ W^m ν_i; P_zz = Σ W^c (ν_i − ν)(…)ᵀ + R; P_xz = −Σ W^c (χ_i − x)(ν_i − ν)ᵀ;
          K = P_xz P_zz⁻¹; x⁺ = x + K ν; S⁺ = tria([√W^c (χ_i − x + K(ν_i − ν)), K √R]),
which is P⁺ = P⁻ − K P_zz Kᵀ in square-root form. Innovations are computed per sigma point
(ν_i = z − h(χ_i) with angles wrapped around z), so an azimuth near north never averages
359° and 1° into 180°.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.status import Status
from hyperdef.tracking.filters.ekf import update_status
from hyperdef.tracking.filters.ops import FilterOps, Row, UpdateResult, VecFn
from hyperdef.tracking.filters.pda import weighted_update
from hyperdef.tracking.filters.rows import accept_only, check_rows, pad4, row_model
from hyperdef.tracking.filters.smallmat import factor, mm, mtm, sum_log_diag
from hyperdef.tracking.filters.sqrt import psd_sqrt, symmetrize, tria
from hyperdef.tracking.motion import MotionModel, embed6

_LOG_2PI = 1.8378770664093453


class UKFState(NamedTuple):
    """x: (n,) state mean; S: (n, n) square root of the covariance, P = S Sᵀ."""

    x: jax.Array
    S: jax.Array


class SigmaWeights(NamedTuple):
    """Scaled unscented transform weights: scale √(n + λ); wm, wc (2n + 1,)."""

    scale: float
    wm: jax.Array
    wc: jax.Array


def sigma_weights(n: int, alpha: float = 1.0, beta: float = 0.0,
                  kappa: float = 0.0) -> SigmaWeights:
    """Weights for state size n; raises ValueError where the square-root form cannot use them."""
    lam = alpha**2 * (n + kappa) - n
    if n + lam <= 0.0:
        raise ValueError(f"ukf: alpha²(n + kappa) must be > 0 (n={n}, alpha={alpha}, "
                         f"kappa={kappa}); raise alpha or kappa")
    wm0 = lam / (n + lam)
    wc0 = wm0 + 1.0 - alpha**2 + beta
    if wc0 < 0.0:
        raise ValueError(
            f"ukf: the square-root UKF needs W^c_0 = λ/(n+λ) + 1 − α² + β ≥ 0, got {wc0:.3g} "
            f"(n={n}, alpha={alpha}, beta={beta}, kappa={kappa}); use alpha=1, beta=0, "
            f"kappa >= 0 (kappa=0 is the cubature rule)"
        )
    wi = 1.0 / (2.0 * (n + lam))
    wm = jnp.full(2 * n + 1, wi).at[0].set(wm0)
    wc = jnp.full(2 * n + 1, wi).at[0].set(wc0)
    return SigmaWeights(float((n + lam) ** 0.5), wm, wc)


def sigma_points(x: jax.Array, S: jax.Array, w: SigmaWeights) -> jax.Array:  # noqa: N803
    """(2n + 1, n) points x, x + √(n+λ) S_:,i, x − √(n+λ) S_:,i (van der Merwe ordering)."""
    d = w.scale * S.T
    return jnp.concatenate([x[None], x[None] + d, x[None] - d])


def ukf_predict(x: jax.Array, S: jax.Array, f: VecFn, Q: jax.Array,  # noqa: N803
                w: SigmaWeights) -> tuple[jax.Array, jax.Array]:
    """Generic SR-UKF prediction; f (n,) → (n,) bound to the step; Q (n, n). Returns (x, S)."""
    y = jax.vmap(f)(sigma_points(x, S, w))
    x_new = mm(w.wm[None], y)[0]
    dev = (y - x_new) * jnp.sqrt(w.wc)[:, None]
    return x_new, tria(jnp.concatenate([dev.T, psd_sqrt(Q)], axis=1))


def ukf_innovation(x: jax.Array, S: jax.Array, nu_fn: VecFn, R: jax.Array,  # noqa: N803
                   w: SigmaWeights) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(ν (m,), P_zz + R (m, m), sigma points, per-point innovations) at (x, S)."""
    chi = sigma_points(x, S, w)
    nus = jax.vmap(nu_fn)(chi)
    nu = mm(w.wm[None], nus)[0]
    dz = nus - nu
    s_zz = symmetrize(mtm(dz * w.wc[:, None], dz) + R)
    return nu, s_zz, chi, nus


def ukf_update(x: jax.Array, S: jax.Array, nu_fn: VecFn, R: jax.Array, w: SigmaWeights, *,  # noqa: N803
               dof: ArrayLike, inputs_ok: ArrayLike = True) -> tuple[jax.Array, ...]:
    """Generic SR-UKF update; arguments as `ekf.ekf_update` with S the square root of P.

    Returns (x, S, nis, status, log_lik); x, S unchanged unless status == OK.
    """
    nu, s_zz, chi, nus = ukf_innovation(x, S, nu_fn, R, w)
    dx = chi - x
    dz = nus - nu
    p_xz = -mtm(dx * w.wc[:, None], dz)
    L, solve_lower, solve_chol = factor(s_zz)
    K = solve_chol(L, p_xz.T).T
    x_new = x + mm(K, nu)
    root_w = jnp.sqrt(w.wc)[:, None]
    S_new = tria(jnp.concatenate([((dx + mm(dz, K.T)) * root_w).T, mm(K, psd_sqrt(R))], axis=1))
    v = solve_lower(L, nu)
    nis = mm(v[None], v)[0]
    log_lik = -0.5 * nis - sum_log_diag(L) - 0.5 * dof * _LOG_2PI
    status = update_status(inputs_ok, (x, S, nus, s_zz), L, (K, nis))
    ok = status == Status.OK
    return (
        jnp.where(ok, x_new, x),
        jnp.where(ok, S_new, S),
        jnp.where(ok, nis, jnp.nan),
        status,
        jnp.where(ok, log_lik, -jnp.inf),
    )


def ukf_ops(motion: MotionModel, *, alpha: float = 1.0, beta: float = 0.0,
            kappa: float = 0.0, rows: str = "mixed") -> FilterOps:
    """Square-root UKF `FilterOps` for one motion model (states `UKFState`); `rows` as in
    `filters.rows`."""
    w = sigma_weights(motion.dim, alpha, beta, kappa)
    rows = check_rows(rows)

    def from_gaussian(x: jax.Array, P: jax.Array) -> UKFState:  # noqa: N803
        return UKFState(x, psd_sqrt(P))

    def gaussian(state: UKFState) -> tuple[jax.Array, jax.Array]:
        return state.x, symmetrize(state.S @ state.S.T)

    def init_from(x6: jax.Array, P6: jax.Array) -> UKFState:  # noqa: N803
        return from_gaussian(*embed6(motion, x6, P6))

    def predict(state: UKFState, dt_s: ArrayLike) -> UKFState:
        return UKFState(*ukf_predict(state.x, state.S, lambda x: motion.f(x, dt_s),
                                     motion.Q(state.x, dt_s), w))

    def innovation(state: UKFState, row: Row) -> tuple[jax.Array, jax.Array]:
        rm = row_model(motion, row, rows)
        nu, s, _, _ = ukf_innovation(state.x, state.S, rm.nu_fn, rm.R, w)
        return pad4(nu, s, rm.accepted)

    def update_full(state: UKFState, row: Row) -> UpdateResult:
        rm = row_model(motion, row, rows)
        x, S, nis, status, ll = ukf_update(state.x, state.S, rm.nu_fn, rm.R, w, dof=rm.dof,
                                           inputs_ok=rm.finite)
        return accept_only(rm.accepted, UpdateResult(UKFState(x, S), nis, status, ll), state)

    def update(state: UKFState, row: Row) -> tuple[UKFState, jax.Array, jax.Array]:
        r = update_full(state, row)
        return r.state, r.nis, r.status

    def update_weighted(state: UKFState, rows_m: Row, betas: jax.Array) -> UKFState:
        return weighted_update(update_full, gaussian, from_gaussian, state, rows_m, betas)

    def mean6(state: UKFState) -> tuple[jax.Array, jax.Array]:
        x, P = gaussian(state)
        return x[:6], P[:6, :6]

    return FilterOps(init_from, predict, innovation, update, update_weighted, mean6, motion.dim,
                     update_full, gaussian, from_gaussian, "ukf")
