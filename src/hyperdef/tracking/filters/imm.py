"""Interacting multiple model (IMM) filter over members with different state sizes.

Cycle (Blom & Bar-Shalom, IEEE TAC 33(8):780–783, 1988; Bar-Shalom, Li & Kirubarajan 2001,
§11.6.6): mixing → member predictions → member updates → model probabilities. Mixing happens at
the start of `predict`, with the transition matrix over the step Π(T) (below), so a zero-length
prediction (a second sensor at the same time) does not mix.

Heterogeneous states (6 ↔ 7 ↔ 9: cv, ballistic, ca/singer/glide) are mixed by component name
(`MotionModel.components`). For the mixed prior of member j, a component that member i lacks is
filled in with member j's own mean and variance, and zero cross-covariance with i's components;
components both have are taken from i. Thus x̃_i→j adds no spurious evidence about what model i
does not estimate, and the mixed mean of such a component stays member j's (the "unbiased mixing"
of Granström, Willett & Bar-Shalom, IEEE TAES 51(4):2803–2813, 2015). The IMM's output
(`mean6`, `innovation`) moment-matches the members' common position/velocity part.

Transition over a step T: `transition` Π is the Markov matrix over `transition_dt_s` (default
1 s). Π(T) = expm(G T) with G = logm(Π)/transition_dt_s when that generator is a valid rate
matrix (non-negative off-diagonals), else the first-order G = (Π − I)/transition_dt_s; Π(0) = I.
`transition_dt_s=None` applies Π per call regardless of T (as FilterPy's IMMEstimator does).

If any member's update fails, the IMM returns its state unchanged with that member's status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg
from jax.scipy.linalg import expm
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.status import Status
from hyperdef.tracking.filters.ops import FilterOps, Row, State, UpdateResult
from hyperdef.tracking.filters.pda import moment_match
from hyperdef.tracking.motion import MotionModel


class IMMState(NamedTuple):
    """members: tuple of member filter states; mu: (M,) model probabilities."""

    members: tuple[State, ...]
    mu: jax.Array


def _generator(pi: NDArray[np.float64], dt_ref: float) -> NDArray[np.float64]:
    log_pi = scipy.linalg.logm(pi)
    g = np.real(log_pi) / dt_ref
    off = g - np.diag(np.diag(g))
    if np.iscomplexobj(log_pi) and np.max(np.abs(np.imag(log_pi))) > 1e-12 or np.min(off) < 0:
        g = (pi - np.eye(len(pi))) / dt_ref
    return g


def _spectral_terms(
        g: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """(E (M, M, M), λ (M,)) with expm(G·t) = Σ_k E_k·e^(λ_k t), or None.

    When G has real eigenvalues λ_k and a well-conditioned eigenbasis V (every reversible chain,
    the symmetric default among them), E_k = V[:, k] ⊗ V⁻¹[k, :]. Evaluated per track that is M
    exponentials and a sum the compiler fuses across the batch, where a batched matrix
    exponential runs its data-dependent scaling and squaring for every row."""
    lam, v = np.linalg.eig(g)
    if np.max(np.abs(np.imag(lam))) > 1e-12 or np.linalg.cond(v) > 1e6:
        return None
    v, lam = np.real(v), np.real(lam)
    v_inv = np.linalg.inv(v)
    return np.stack([np.outer(v[:, k], v_inv[k]) for k in range(len(lam))]), lam


def _mix_maps(motions: Sequence[MotionModel]) -> dict[tuple[int, int], NDArray[np.intp]]:
    """For each (i, j): index of each of j's components in i's state, or −1."""
    maps = {}
    for i, mi in enumerate(motions):
        where = {c: k for k, c in enumerate(mi.components)}
        for j, mj in enumerate(motions):
            maps[i, j] = np.array([where.get(c, -1) for c in mj.components])
    return maps


def _to_member_space(xi: jax.Array, Pi: jax.Array, xj: jax.Array, Pj: jax.Array,  # noqa: N803 — P is the standard symbol
                     idx: NDArray[np.intp]) -> tuple[jax.Array, jax.Array]:
    """Member i's Gaussian in member j's components (missing ones filled from j)."""
    have = idx >= 0
    safe = np.where(have, idx, 0)
    x = jnp.where(have, xi[safe], xj)
    both = have[:, None] & have[None, :]
    neither = ~have[:, None] & ~have[None, :]
    P = jnp.where(both, Pi[np.ix_(safe, safe)], jnp.where(neither, Pj, 0.0))
    return x, P


def imm_ops(members: list[FilterOps], motions: list[MotionModel], transition: ArrayLike, *,
            transition_dt_s: float | None = 1.0, mu0: ArrayLike | None = None) -> FilterOps:
    """IMM `FilterOps` over member filters (each built for the motion model beside it).

    transition: (M, M) row-stochastic Markov matrix over transition_dt_s [s] (None: per call)
    mu0: (M,) initial model probabilities (default uniform)
    """
    m = len(members)
    pi = np.asarray(transition, np.float64)
    if pi.shape != (m, m) or np.any(pi < 0) or not np.allclose(pi.sum(axis=1), 1.0):
        raise ValueError(f"imm: transition must be a {m}x{m} row-stochastic matrix, got {pi}")
    mu0 = np.full(m, 1.0 / m) if mu0 is None else np.asarray(mu0, np.float64)
    if mu0.shape != (m,) or np.any(mu0 < 0) or not np.isclose(mu0.sum(), 1.0):
        raise ValueError(f"imm: mu0 must be {m} probabilities summing to 1, got {mu0}")
    gen = None if transition_dt_s is None else _generator(pi, transition_dt_s)
    spectral = None if gen is None else _spectral_terms(gen)
    maps = _mix_maps(motions)

    def pi_of(dt_s: ArrayLike) -> jax.Array:
        if gen is None:
            return jnp.asarray(pi)
        t = jnp.abs(dt_s)
        if spectral is None:
            p = expm(jnp.asarray(gen) * t)
        else:
            terms, lam = spectral
            p = sum(terms[k] * jnp.exp(lam[k] * t) for k in range(m))
        p = jnp.maximum(p, 0.0)
        return p / jnp.sum(p, axis=1, keepdims=True)

    def init_from(x6: jax.Array, P6: jax.Array) -> IMMState:  # noqa: N803
        return IMMState(tuple(f.init_from(x6, P6) for f in members), jnp.asarray(mu0))

    def predict(state: IMMState, dt_s: ArrayLike) -> IMMState:
        p = pi_of(dt_s)
        c = state.mu @ p  # predicted model probabilities
        mix = state.mu[:, None] * p / jnp.where(c > 0.0, c, 1.0)[None, :]  # μ_{i|j}
        gs = [f.gaussian(s) for f, s in zip(members, state.members, strict=True)]
        new = []
        for j, fj in enumerate(members):
            xj, Pj = gs[j]
            parts = [_to_member_space(*gs[i], xj, Pj, maps[i, j]) for i in range(m)]
            x0, P0 = moment_match(mix[:, j], jnp.stack([p[0] for p in parts]),
                                  jnp.stack([p[1] for p in parts]))
            new.append(fj.predict(fj.from_gaussian(x0, P0), dt_s))
        return IMMState(tuple(new), c)

    def _combine6(state: IMMState, vecs: list[jax.Array],
                  covs: list[jax.Array]) -> tuple[jax.Array, jax.Array]:
        return moment_match(state.mu, jnp.stack(vecs), jnp.stack(covs))

    def innovation(state: IMMState, row: Row) -> tuple[jax.Array, jax.Array]:
        out = [f.innovation(s, row) for f, s in zip(members, state.members, strict=True)]
        return _combine6(state, [o[0] for o in out], [o[1] for o in out])

    def update_full(state: IMMState, row: Row) -> UpdateResult:
        res = [f.update_full(s, row) for f, s in zip(members, state.members, strict=True)]
        status = jnp.stack([r.status for r in res])
        ll = jnp.stack([r.log_lik for r in res])
        log_post = jnp.log(state.mu) + ll
        norm = jax.scipy.special.logsumexp(log_post)
        mu = jnp.exp(log_post - norm)
        nu, S = innovation(state, row)
        L = jnp.linalg.cholesky(S)
        v = jax.scipy.linalg.solve_triangular(L, nu, lower=True)
        bad = jnp.argmax(status != Status.OK)
        st = jnp.where(jnp.all(status == Status.OK), Status.OK, status[bad]).astype(jnp.int32)
        st = jnp.where((st == Status.OK) & ~jnp.all(jnp.isfinite(mu)), Status.NON_FINITE, st)
        ok = st == Status.OK
        new = IMMState(tuple(r.state for r in res), mu)
        out = jax.tree.map(lambda a, b: jnp.where(ok, a, b), new, state)
        return UpdateResult(out, jnp.where(ok, v @ v, jnp.nan), st,
                            jnp.where(ok, norm, -jnp.inf))

    def update(state: IMMState, row: Row) -> tuple[IMMState, jax.Array, jax.Array]:
        r = update_full(state, row)
        return r.state, r.nis, r.status

    def update_weighted(state: IMMState, rows: Row, betas: jax.Array) -> IMMState:
        """Members' PDA updates; model probabilities weighted by the β-mixed likelihoods,
        μ_j ∝ μ_j [β_0 + Σ_i β_i Λ_ij / Σ_k μ_k Λ_ik] (reduces to the IMM rule for one row with
        β_1 = 1, and leaves μ unchanged for a certain miss)."""
        betas = jnp.asarray(betas, jnp.float64)
        betas = betas / jnp.sum(betas)
        lls = jnp.stack([jax.vmap(f.update_full, in_axes=(None, 0))(s, rows).log_lik
                         for f, s in zip(members, state.members, strict=True)])  # (M, rows)
        ratio = jnp.exp(lls - jax.scipy.special.logsumexp(
            lls + jnp.log(state.mu)[:, None], axis=0, keepdims=True))
        ratio = jnp.where(jnp.isfinite(ratio), ratio, 1.0)
        mu = state.mu * (betas[0] + ratio @ betas[1:])
        mu = mu / jnp.sum(mu)
        new = tuple(f.update_weighted(s, rows, betas)
                    for f, s in zip(members, state.members, strict=True))
        return IMMState(new, mu)

    def mean6(state: IMMState) -> tuple[jax.Array, jax.Array]:
        gs = [f.mean6(s) for f, s in zip(members, state.members, strict=True)]
        return _combine6(state, [g[0] for g in gs], [g[1] for g in gs])

    def gaussian(state: IMMState) -> tuple[jax.Array, jax.Array]:
        raise NotImplementedError("imm: no single Gaussian over heterogeneous members; "
                                  "use mean6 or the members' states")

    def from_gaussian(x: jax.Array, P: jax.Array) -> IMMState:  # noqa: N803
        raise NotImplementedError("imm: build IMM states with init_from")

    dim = max(f.dim for f in members)
    return FilterOps(init_from, predict, innovation, update, update_weighted, mean6, dim,
                     update_full, gaussian, from_gaussian, "imm")
