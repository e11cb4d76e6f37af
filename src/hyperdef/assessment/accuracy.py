"""Tracking accuracy against truth: RMSE, NEES/NIS with χ² bounds, OSPA/GOSPA, purity, PCRB.

Every metric returns plain numbers or NumPy arrays (GOSPA its `Gospa` record of terms); set
metrics (OSPA, GOSPA) are evaluated per time step, so their cost is linear in the number of time
steps.

Sources: NEES/NIS and their χ² acceptance intervals — Bar-Shalom, Li & Kirubarajan 2001,
*Estimation with Applications to Tracking and Navigation*, §5.4.2 (Eqs. 5.4.2-3 to -8);
OSPA — Schuhmacher, Vo & Vo 2008, IEEE T-SP 56(8), Eq. 3; GOSPA — Rahmathullah,
García-Fernández & Svensson 2017, Proc. FUSION, Eq. 1 and Prop. 1 (α = 2 form);
posterior Cramér–Rao bound — Tichavský, Muravchik & Nehorai 1998, IEEE T-SP 46(5), Eq. 21.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import pandas as pd
from jax.typing import ArrayLike
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2


def rmse_vs_time(est: ArrayLike, true: ArrayLike) -> np.ndarray:
    """Root-mean-square error over Monte Carlo runs at each time.

    est, true: (N, T, d) estimates and truth (same units, e.g. ECEF m); NaN where absent.
    returns: (T,) RMSE over the runs present at each time (NaN where none is).
    """
    e2 = np.sum((np.asarray(est, float) - np.asarray(true, float)) ** 2, axis=-1)
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.nanmean(e2, axis=0)) if e2.size else np.zeros(0)


def nees(err: ArrayLike, P: ArrayLike) -> np.ndarray:  # noqa: N803 — P is the standard symbol
    """Normalised estimation error squared εᵀ P⁻¹ ε.

    err: (..., n) estimation error x̂ − x; P: (..., n, n) the filter's covariance.
    returns: (...) NEES; NaN where P is singular or anything is NaN.
    """
    err = np.asarray(err, float)
    P = np.asarray(P, float)
    out = np.full(err.shape[:-1], np.nan)
    ok = np.isfinite(err).all(-1) & np.isfinite(P).all((-1, -2))
    if ok.any():
        with np.errstate(invalid="ignore"):
            try:
                y = np.linalg.solve(P[ok], err[ok][..., None])[..., 0]
                out[ok] = np.einsum("...i,...i->...", err[ok], y)
            except np.linalg.LinAlgError:
                out[ok] = [_nees_one(e, p) for e, p in zip(err[ok], P[ok], strict=True)]
    return out


def _nees_one(e: np.ndarray, P: np.ndarray) -> float:  # noqa: N803
    try:
        return float(e @ np.linalg.solve(P, e))
    except np.linalg.LinAlgError:
        return np.nan


def nis(nu: ArrayLike, S: ArrayLike) -> np.ndarray:  # noqa: N803 — S is the standard symbol
    """Normalised innovation squared νᵀ S⁻¹ ν: nu (..., m), S (..., m, m) -> (...)."""
    return nees(nu, S)


# Cached: each call is two χ² quantile searches (≈ 1 ms), and a campaign asks every sample's
# NIS and NEES bounds for the few dof values its tables hold.
@functools.lru_cache(maxsize=4096)
def chi2_bounds(dof: int, n_runs: int = 1,
                probability: float = 0.95) -> tuple[float, float]:
    """Two-sided acceptance interval of the average of n_runs independent χ²(dof) values.

    n_runs·mean ~ χ²(n_runs·dof) (Bar-Shalom et al. 2001, Eq. 5.4.2-5), so the interval is
    chi2.ppf((1 ∓ p)/2, n·dof)/n. E.g. dof 6, 100 runs, 95 % → [5.34, 6.70].
    returns: (low, high).
    """
    a = (1.0 - probability) / 2.0
    n = int(n_runs) * int(dof)
    return chi2.ppf(a, n) / n_runs, chi2.ppf(1.0 - a, n) / n_runs


def _points(X: ArrayLike) -> np.ndarray:  # noqa: N803
    """(k, d) float array of points; an empty input becomes (0, 3)."""
    X = np.asarray(X, float)
    return X.reshape(0, 3) if X.size == 0 else X.reshape(-1, X.shape[-1])


def _cutoff_costs(X: np.ndarray, Y: np.ndarray, c: float,  # noqa: N803
                  p: float) -> np.ndarray:
    d = np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=-1)
    return np.minimum(d, c) ** p


def ospa(X: ArrayLike, Y: ArrayLike, *, c: float, p: float = 1.0) -> float:  # noqa: N803
    """OSPA distance between two finite sets of points (Schuhmacher et al. 2008, Eq. 3).

    X: (m, d), Y: (n, d) points (e.g. ECEF positions [m]); c: cut-off [same unit]; p ≥ 1.
    d̄ = ( (1/n) (min_π Σ_i d_c(x_i, y_π(i))^p + c^p (n − m)) )^(1/p), m ≤ n, d_c = min(d, c);
    0 for two empty sets.
    """
    X, Y = _points(X), _points(Y)
    if len(X) > len(Y):
        X, Y = Y, X
    m, n = len(X), len(Y)
    if n == 0:
        return 0.0
    total = c**p * (n - m)
    if m:
        cost = _cutoff_costs(X, Y, c, p)
        r, k = linear_sum_assignment(cost)
        total += cost[r, k].sum()
    return float((total / n) ** (1.0 / p))


@dataclasses.dataclass(frozen=True)
class Gospa:
    """GOSPA between two sets and its α = 2 decomposition, in the points' unit (d, e.g. m).

    distance [d]; localisation, missed, false: the terms of the sum [d^p] (c^p/2 per missed or
    false object); n_missed, n_false: the counts behind the last two.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int


def gospa(X: ArrayLike, Y: ArrayLike, *, c: float, p: float = 1.0,  # noqa: N803
          alpha: float = 2.0) -> Gospa:
    """GOSPA between estimates X (m, d) and truth Y (n, d) (Rahmathullah et al. 2017, Eq. 1).

    d = ( min_π Σ_i d_c(x_i, y_π(i))^p + (c^p/α)·|m − n| )^(1/p), d_c = min(d, c), α ∈ (0, 2].
    For α = 2 it equals (Prop. 1) ( Σ_{assigned, d < c} d^p + (c^p/2)(#missed + #false) )^(1/p),
    split into localisation (units^p), missed and false (units^p, c^p/2 each) — a pair at or
    beyond the cut-off counts as one missed and one false object.
    returns: `Gospa`.
    """
    if not 0.0 < alpha <= 2.0:
        raise ValueError(f"alpha: must lie in (0, 2], got {alpha}")
    X, Y = _points(X), _points(Y)
    m, n = len(X), len(Y)
    pair_cost = np.zeros(0)
    if m and n:
        cost = _cutoff_costs(X, Y, c, p)
        r, k = linear_sum_assignment(cost)
        pair_cost = cost[r, k]
    total = pair_cost.sum() + c**p / alpha * abs(m - n)
    near = pair_cost < c**p
    n_pairs = int(near.sum())
    pen = c**p / 2.0
    return Gospa(distance=float(total ** (1.0 / p)), localisation=float(pair_cost[near].sum()),
                 missed=float((n - n_pairs) * pen), false=float((m - n_pairs) * pen),
                 n_missed=n - n_pairs, n_false=m - n_pairs)


# kw: the set metric's own keyword options (c, p, alpha), passed through as given.
def set_metric_vs_time(est: ArrayLike, true: ArrayLike, metric: str = "ospa",
                       **kw: Any) -> np.ndarray:
    """OSPA or GOSPA distance at every time step.

    est: (K, T, d) estimated points (tracks), NaN where a track does not exist at that time;
    true: (O, T, d) truth points, NaN where an object does not exist (not in flight).
    metric: "ospa" | "gospa"; kw: c, p (and alpha for GOSPA).
    returns: (T,) distances.
    """
    est, true = np.asarray(est, float), np.asarray(true, float)
    out = np.zeros(est.shape[1] if est.size else true.shape[1])
    for t in range(len(out)):
        X = est[:, t][np.isfinite(est[:, t]).all(-1)] if est.size else np.zeros((0, 3))
        Y = true[:, t][np.isfinite(true[:, t]).all(-1)] if true.size else np.zeros((0, 3))
        out[t] = ospa(X, Y, **kw) if metric == "ospa" else gospa(X, Y, **kw).distance
    return out


def track_purity(assignments: pd.DataFrame | None, truth_id: ArrayLike) -> pd.DataFrame:
    """Per-track purity: the share of a track's detections that come from its dominant source.

    assignments: DataFrame (sample, detection, track_id) as in TrackSet.assignments;
    truth_id: (N,) truth_id column of the detections table (−1 = false alarm).
    returns: DataFrame (sample, track_id, n, truth_id (dominant source), purity); false alarms
    count as a source of their own (−1), so a track living on clutter has truth_id −1.
    """
    cols = ["sample", "track_id", "n", "truth_id", "purity"]
    if assignments is None or len(assignments) == 0:
        return pd.DataFrame(columns=cols)
    a = assignments.assign(src=np.asarray(truth_id)[assignments["detection"].to_numpy()])
    counts = a.groupby(["sample", "track_id", "src"]).size().rename("k").reset_index()
    tot = counts.groupby(["sample", "track_id"])["k"].transform("sum")
    counts = counts.assign(n=tot).sort_values(["sample", "track_id", "k", "src"],
                                              ascending=[True, True, False, False])
    best = counts.drop_duplicates(["sample", "track_id"])
    n = best["n"].to_numpy()
    return pd.DataFrame({"sample": best["sample"].to_numpy(),
                         "track_id": best["track_id"].to_numpy(), "n": n,
                         "truth_id": best["src"].to_numpy(), "purity": best["k"].to_numpy() / n})


def pcrb(P0: ArrayLike, F: ArrayLike, Q: ArrayLike,  # noqa: N803
         info_meas: ArrayLike) -> np.ndarray:
    """Posterior Cramér–Rao bound of a single target with linear-Gaussian motion.

    Tichavský et al. (1998) recursion for x_{k+1} = F_k x_k + w_k, w ~ N(0, Q_k), specialised to
    linear dynamics (their Eq. 21; Ristic, Arulampalam & Gordon 2004, §4.2):
        J_{k+1} = (Q_k + F_k J_k⁻¹ F_kᵀ)⁻¹ + E[H_{k+1}ᵀ R⁻¹ H_{k+1}],
    the measurement term evaluated along the true trajectory (exact for linear measurements, the
    usual approximation otherwise). Applies to CV/CA/Singer motion; not to drag or lift models
    whose dynamics depend on the state nonlinearly.

    P0: (n, n) prior covariance (J_0 = P0⁻¹); F, Q: (T, n, n) transition and process noise of
    step k → k+1; info_meas: (T, n, n) Σ HᵀR⁻¹H of the measurements at step k+1 (zeros where
    there are none). returns: (T + 1, n, n) bounds J_k⁻¹, k = 0..T.
    """
    P = np.asarray(P0, float)
    out = [P]
    for Fk, Qk, Ik in zip(np.asarray(F, float), np.asarray(Q, float),
                          np.asarray(info_meas, float), strict=True):
        J = np.linalg.inv(Qk + Fk @ P @ Fk.T) + Ik
        P = np.linalg.inv(J)
        P = 0.5 * (P + P.T)
        out.append(P)
    return np.asarray(out)


def measurement_information(H: ArrayLike, R: ArrayLike) -> np.ndarray:  # noqa: N803
    """Fisher information HᵀR⁻¹H of one measurement: H (..., m, n), R (..., m, m) -> (..., n, n)."""
    H, R = np.asarray(H, float), np.asarray(R, float)
    return np.einsum("...mi,...mk,...kj->...ij", H, np.linalg.inv(R), H)
