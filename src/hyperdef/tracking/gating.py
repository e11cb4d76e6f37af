"""χ² gating: which measurements may belong to which track.

Two stages. A cheap NumPy *coarse* gate keeps (track, detection) pairs whose predicted position
lies near the detection's ray; the exact gate then evaluates the filter's own innovation ν and
innovation covariance S for the surviving pairs only (batched and jitted) and keeps
d² = νᵀ S⁻¹ ν < chi2.ppf(P_G, dof) (Bar-Shalom, Li & Kirubarajan 2001, *Estimation with
Applications to Tracking and Navigation*, §2.4.4 and Eq. 5.4.2-5).

Line-of-sight innovations are 2-D padded to 4 with zeros and unit noise (tracking contract), so
the 4×4 quadratic form equals the 2-D one and det S equals the 2-D determinant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray
from scipy.special import gammaln
from scipy.stats import chi2

from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.measurement.batch import KIND_LOS

if TYPE_CHECKING:
    from hyperdef.tracking.filters.ops import Row, State


@overload
def gate_threshold(probability: float, dof: int) -> float: ...


@overload
def gate_threshold(probability: float, dof: NDArray[np.integer]) -> NDArray[np.float64]: ...


def gate_threshold(probability: float, dof: ArrayLike) -> float | NDArray[np.float64]:
    """χ² gate on d² for a gate probability and innovation dimension(s) dof (array-like)."""
    return chi2.ppf(probability, np.asarray(dof))


def bucket(n: int, minimum: int = 16) -> int:
    """Padded batch size: the next power of four ≥ n (and ≥ minimum).

    Every distinct batch shape costs a jit compilation (seconds for an EKF with autodiff
    Jacobians); powers of four keep the number of shapes small at ≤ 4× padding.
    """
    size = max(1, minimum)
    while size < n:
        size *= 4
    return size


def pad_index(idx: ArrayLike, minimum: int = 16) -> NDArray[np.int64]:
    """idx padded to bucket(len) by repeating its first entry (pads are computed, then dropped)."""
    idx = np.asarray(idx, dtype=np.int64)
    out = np.full(bucket(len(idx), minimum), idx[0] if len(idx) else 0, dtype=np.int64)
    out[: len(idx)] = idx
    return out


#: Least padded length of the batched tracker's kernel calls. Each length is one more compilation
#: of every kernel (~1–3 s each for an IMM update); a scan of a whole chunk of samples rarely
#: has fewer rows, and a call of 64 rows costs about what one of 16 does (dispatch dominates):
#: 64 rather than 16 saved 3.5 s of a cold example chunk's 43 s at the same warm speed. (The
#: per-sample tracker keeps 1.)
BATCHED_SMALLEST = 64


def call_lengths(n: int, size: int, smallest: int = 1) -> list[int]:
    """Lengths of the calls `chunked` makes for n rows: each one of bucket(·, smallest) ≤ size.

    Small calls (smallest < BATCHED_SMALLEST) cost their dispatch, so the rows go in calls of
    `size` and one last call padded to the next power of four. From BATCHED_SMALLEST rows on a
    call costs in proportion to its rows, and that padding threw away up to three quarters of
    it (a demo chunk's ≈ 94 updates a scan ran at 256 rows): such rows go in the largest lengths
    that fit, the last < smallest of them padded, so at most smallest − 1 rows are padding and
    no new length (no new compilation) appears. One padded call is kept where it wastes less.
    """
    if smallest < BATCHED_SMALLEST:
        full, rest = divmod(n, size)
        return [size] * full + ([min(size, bucket(rest, smallest))] if rest else [])
    out = []
    while n > 0:
        one = min(size, bucket(n, smallest))  # the least length ≥ n, or size
        if one > n and one - n >= smallest:
            one = max(smallest, one // 4)  # the largest length < n (or smallest)
        out.append(one)
        n -= one
    return out


def chunked(fn: Callable[[NDArray[np.int64]], Any], n: int, size: int,
            smallest: int = 1) -> Any:
    """fn over calls covering range(n) (`call_lengths`), outputs concatenated (NumPy, leading
    axis n).

    fn(sel) takes an int64 index array of one of a few fixed lengths (a last call's indices
    padded by repeating them) and returns a pytree of arrays with that leading axis. A few
    lengths mean a few jit compilations for any n. Every call is dispatched before any result is
    read, so XLA runs one while Python prepares the next.
    """
    if n < 1:
        raise ValueError("chunked: n must be >= 1")
    outs, start = [], 0
    for length in call_lengths(n, size, smallest):
        m = min(length, n - start)
        outs.append((m, fn(np.resize(np.arange(start, start + m), length))))
        start += m
    # copies: writable NumPy, not read-only views of device buffers
    parts = [jax.tree.map(lambda a, m=m: np.asarray(a)[:m].copy(), out) for m, out in outs]
    if len(parts) == 1:
        return parts[0]
    return jax.tree.map(lambda *xs: np.concatenate(xs), *parts)


def measurement_rays(kind: ArrayLike, z: ArrayLike, r_obs_ecef_m: ArrayLike, lat_obs_rad: ArrayLike,
                     lon_obs_rad: ArrayLike) -> NDArray[np.float64]:
    """Unit pointing direction of each detection (for the coarse gate).

    kind: (N,) int; z: (N,4) MeasBatch.z; r_obs_ecef_m (N,3); lat/lon (N,) [rad].
    returns: u (N,3) unit vector observer→target, ECEF.
    Lines of sight carry it directly; a radar's (az, el) is turned into ECEF through the site's
    ENU axes (az clockwise from north, el above the horizon).
    """
    kind = np.asarray(kind)
    z = np.asarray(z, dtype=float)
    u = z[:, :3].copy()
    radar = kind != KIND_LOS  # radar rows with or without range rate
    if radar.any():
        az, el = z[radar, 1], z[radar, 2]
        enu = np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], axis=-1)
        sel = np.flatnonzero(radar)
        p = pad_index(sel)  # padded: one compiled shape for many table sizes
        rot = np.asarray(R_enu_from_ecef(np.asarray(lat_obs_rad)[p],
                                         np.asarray(lon_obs_rad)[p]))[: len(sel)]
        u[radar] = np.einsum("nij,ni->nj", rot, enu)  # ECEF = Rᵀ·ENU
    return u / np.linalg.norm(u, axis=-1, keepdims=True)


def coarse_pairs(pos_m: NDArray[np.float64], pos_sigma_m: NDArray[np.float64],
                 r_obs_ecef_m: NDArray[np.float64], u: NDArray[np.float64],
                 sigma_ang_rad: NDArray[np.float64], *, k: float = 6.0,
                 slack_m: float = 0.0) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(track, detection) pairs whose predicted position lies near the detection's ray.

    pos_m: (K,3) predicted positions, ECEF [m]; pos_sigma_m: (K,) √trace of their position
    covariance [m] (≥ the largest 1σ axis, so the test is conservative);
    r_obs_ecef_m: (N,3), u: (N,3) unit rays, sigma_ang_rad: (N,) angular 1σ [rad].
    A pair survives when the target is in front of the observer and its distance from the ray is
    within k·√(σ_pos² + (ρ·σ_ang)²) + slack_m, ρ the distance along the ray.
    returns: (i_track (P,), j_det (P,)) int arrays.
    """
    w = pos_m[:, None, :] - r_obs_ecef_m[None, :, :]  # (K,N,3)
    along = np.einsum("knc,nc->kn", w, u)
    perp2 = np.einsum("knc,knc->kn", w, w) - along**2
    lim = k * np.sqrt(pos_sigma_m[:, None] ** 2 + (along * sigma_ang_rad[None, :]) ** 2) + slack_m
    ok = (along > 0) & (perp2 <= lim**2)
    i, j = np.nonzero(ok)
    return i, j


def _quad(nu: jax.Array, S: jax.Array) -> tuple[jax.Array, jax.Array]:
    """d² = νᵀS⁻¹ν and ln det S of one (4,)/(4,4) innovation; non-finite when S is singular."""
    L, lower = jax.scipy.linalg.cho_factor(S, lower=True)
    y = jax.scipy.linalg.cho_solve((L, lower), nu)
    d2 = nu @ y
    logdet = 2.0 * jnp.sum(jnp.log(jnp.diag(L)))
    return d2, logdet


def pair_stats(innovation: Callable[[State, Row], tuple[jax.Array, jax.Array]]
               ) -> Callable[[State, Row], tuple[jax.Array, jax.Array]]:
    """d², ln det S of one (state, row) pair, for innovation = FilterOps.innovation
    (state, row) -> (ν (4,), S (4,4)); a singular or non-finite S gives NaN, never an exception.
    Unjitted: the tracker's kernels (`tracking.kernels`) batch it."""

    def one(state: State, row: Row) -> tuple[jax.Array, jax.Array]:
        nu, S = innovation(state, row)
        d2, logdet = _quad(nu, S)
        bad = ~(jnp.isfinite(d2) & jnp.isfinite(logdet))
        return jnp.where(bad, jnp.nan, d2), jnp.where(bad, jnp.nan, logdet)

    return one


def log_likelihood(d2: ArrayLike, logdet: ArrayLike, dof: ArrayLike) -> NDArray[np.float64]:
    """ln N(ν; 0, S) from d² and ln det S of a dof-dimensional innovation (NumPy, broadcasts)."""
    return -0.5 * (np.asarray(d2) + np.asarray(logdet) + np.asarray(dof) * np.log(2.0 * np.pi))


def gate_volume(threshold: ArrayLike, logdet: ArrayLike, dof: ArrayLike) -> NDArray[np.float64]:
    """Volume of the gate ellipsoid {ν: νᵀS⁻¹ν ≤ g}: c_n·g^(n/2)·√det S (Bar-Shalom et al.
    2009, Eq. 8), c_n = π^(n/2)/Γ(n/2+1) the unit n-ball volume."""
    n = np.asarray(dof, dtype=float)
    logc = 0.5 * n * np.log(np.pi) - gammaln(0.5 * n + 1.0)
    return np.exp(logc + 0.5 * n * np.log(threshold) + 0.5 * np.asarray(logdet))
