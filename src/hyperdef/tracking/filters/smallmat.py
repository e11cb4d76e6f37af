"""Products of the small dense matrices of single-track filters, written to batch well.

The filters work on one track (n ≤ 10 states, m ≤ 4 measurements) and are batched by `jax.vmap`.
XLA:CPU lowers a batched `dot_general` of such tiny operands to one small library call per
matrix, whose overhead dominates: measured ~10× slower, for 10⁴ 6×6 products, than the same
product written as an unrolled sum of k outer products, which XLA fuses into a single loop
vectorised over the batch. These helpers are that sum (and an unrolled Cholesky factor and
triangular solves for the smallest systems). Shapes are static, so the Python loops unroll at
trace time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.scipy.linalg import cho_solve as _lapack_cho_solve
from jax.scipy.linalg import solve_triangular


def mm(a: jax.Array, b: jax.Array) -> jax.Array:
    """a @ b for a (p, k) and b (k, q) or b (k,): Σ_k a[:, k] ⊗ b[k]."""
    if b.ndim == 1:
        out = a[:, 0] * b[0]
        for k in range(1, a.shape[1]):
            out = out + a[:, k] * b[k]
        return out
    out = a[:, 0, None] * b[None, 0, :]
    for k in range(1, a.shape[1]):
        out = out + a[:, k, None] * b[None, k, :]
    return out


def mtm(a: jax.Array, b: jax.Array) -> jax.Array:
    """aᵀ @ b for a (k, p) and b (k, q): Σ_k a[k] ⊗ b[k] (sums over sigma points, say)."""
    out = a[0, :, None] * b[0, None, :]
    for k in range(1, a.shape[0]):
        out = out + a[k, :, None] * b[k, None, :]
    return out


def sum_log_diag(l: jax.Array) -> jax.Array:
    """Σ log l_ii of a square matrix (log-determinant of a Cholesky factor's product, halved)."""
    out = jnp.log(l[0, 0])
    for i in range(1, l.shape[0]):
        out = out + jnp.log(l[i, i])
    return out


def sandwich(a: jax.Array, p: jax.Array) -> jax.Array:
    """a @ p @ aᵀ for a (r, n) and p (n, n)."""
    return mm(mm(a, p), a.T)


def cholesky(a: jax.Array) -> jax.Array:
    """Lower Cholesky factor of a symmetric (m, m) matrix, unrolled (Cholesky–Banachiewicz).

    Not positive definite → a non-finite factor (sqrt of a negative pivot is NaN, a zero pivot
    divides by zero), exactly what callers test with `isfinite`. Only the lower triangle of a
    is read.
    """
    m = a.shape[0]
    rows: list[list[Any]] = [[None] * m for _ in range(m)]  # filled in row by row below
    for i in range(m):
        for j in range(i + 1):
            s = a[i, j]
            for k in range(j):
                s = s - rows[i][k] * rows[j][k]
            rows[i][j] = jnp.sqrt(s) if i == j else s / rows[j][j]
    zero = jnp.zeros_like(a[0, 0])
    return jnp.stack([jnp.stack([rows[i][j] if j <= i else zero for j in range(m)])
                      for i in range(m)])


def solve_lower(l: jax.Array, b: jax.Array) -> jax.Array:
    """l⁻¹ b for lower-triangular l (m, m) and b (m,) or (m, q), by forward substitution."""
    m = l.shape[0]
    out: list[jax.Array] = []
    for i in range(m):
        s = b[i]
        for k in range(i):
            s = s - l[i, k] * out[k]
        out.append(s / l[i, i])
    return jnp.stack(out)


def solve_upper_t(l: jax.Array, b: jax.Array) -> jax.Array:
    """l⁻ᵀ b for lower-triangular l (m, m), by back substitution on lᵀ."""
    m = l.shape[0]
    out: list[Any] = [None] * m  # filled in from the last row up
    for i in reversed(range(m)):
        s = b[i]
        for k in range(i + 1, m):
            s = s - l[k, i] * out[k]
        out[i] = s / l[i, i]
    return jnp.stack(out)


def cho_solve(l: jax.Array, b: jax.Array) -> jax.Array:
    """a⁻¹ b given a = l lᵀ: b (m,) or (m, q)."""
    return solve_upper_t(l, solve_lower(l, b))


# Largest innovation size factored by the unrolled code: measured on XLA:CPU (10⁴ tracks), the
# unrolled 2×2 factor and solves cut the angle-only EKF cycle by a third; at 4×4 they gain
# nothing over LAPACK.
UNROLL_MAX = 2


# solve(l, b) with l a lower Cholesky factor
Solve = Callable[[jax.Array, jax.Array], jax.Array]


def factor(s: jax.Array) -> tuple[jax.Array, Solve, Solve]:
    """Cholesky factor of an (m, m) innovation covariance with matching solvers.

    Returns (l, solve_lower(l, b), cho_solve(l, b)). For m ≤ UNROLL_MAX the unrolled forms
    above (a few fused flops); larger m uses LAPACK through JAX, whose calls also materialise the
    factor and the solutions once instead of letting XLA re-derive them inside every consumer.
    """
    if s.shape[0] <= UNROLL_MAX:
        return cholesky(s), solve_lower, cho_solve
    return (jnp.linalg.cholesky(s),
            lambda l, b: solve_triangular(l, b, lower=True),
            lambda l, b: _lapack_cho_solve((l, True), b))
