"""Covariance square roots that never fail, for square-root and sigma-point filters.

A filter must not stop on a covariance that rounding has made slightly indefinite (or a process
noise that is exactly singular, e.g. at dt = 0): `psd_sqrt` returns the Cholesky factor when it
exists and otherwise a symmetric eigendecomposition root with negative eigenvalues clipped to 0
(the nearest PSD matrix in Frobenius norm; Higham, Linear Algebra Appl. 103:103–118, 1988).
`tria` is the triangularisation step of square-root filters (Arasaratnam & Haykin, IEEE TAC
54(6):1254–1269, 2009, "Tria"): a triangular L with L Lᵀ = A Aᵀ from one QR decomposition.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def symmetrize(P: jax.Array) -> jax.Array:  # noqa: N803 — P is the standard symbol
    """(…, n, n) → (P + Pᵀ)/2: removes the antisymmetric rounding that products accumulate."""
    return 0.5 * (P + jnp.swapaxes(P, -1, -2))


def psd_sqrt(P: jax.Array) -> jax.Array:  # noqa: N803
    """(n, n) root A with A Aᵀ = P: lower Cholesky factor, or an eigen root if that fails.

    The eigen root V·diag(√max(λ, 0)) is not triangular; every use here accepts any root.
    """
    P = symmetrize(P)
    L = jnp.linalg.cholesky(P)
    lam, v = jnp.linalg.eigh(P)
    eig_root = v * jnp.sqrt(jnp.maximum(lam, 0.0))[None, :]
    return jnp.where(jnp.all(jnp.isfinite(L)), L, eig_root)


def tria(A: jax.Array) -> jax.Array:  # noqa: N803
    """(n, m) → (n, n) lower-triangular L, non-negative diagonal, with L Lᵀ = A Aᵀ (QR of Aᵀ)."""
    r = jnp.linalg.qr(A.T, mode="r")
    n = A.shape[0]
    r = r[:n, :n] if r.shape[0] >= n else jnp.zeros((n, n)).at[: r.shape[0]].set(r)
    L = r.T
    # Flip column signs so the diagonal is >= 0: the same factor as Cholesky when P is definite.
    s = jnp.where(jnp.diagonal(L) < 0.0, -1.0, 1.0)
    return L * s[None, :]
