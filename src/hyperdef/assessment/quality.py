"""Is a track estimate good enough to derive products from (footprints, impacts, windows)?

A footprint or predicted impact computed from an initialising or diverged estimate is drawn with
the same confidence as one from a converged track, and can land on the wrong continent. Every
track-derived product is therefore gated on the estimate's own covariance: the 1σ position
uncertainty (square root of the largest eigenvalue of P_rr) must be below `max_pos_sigma_m` and
the 1σ velocity uncertainty below `max_vel_sigma_mps`. The defaults are a tenth of the smallest
defended-area radius worth assessing (150 km → 15 km) and a velocity error that moves a
10-minute extrapolation by no more than that order (25 m/s × 600 s = 15 km).

A track can also be confident *and* wrong (a diverged filter whose covariance shrank while its
estimate left the target). The second gate is innovation consistency: over the track's latest
`nis_window` updates up to the product's time, the sum of the normalised innovations squared
(NIS) of a consistent filter is χ²-distributed with the summed measurement degrees of freedom
(Bar-Shalom, Li & Kirubarajan 2001, §5.4.2); the estimate is withheld when the sum exceeds that
distribution's `nis_probability` quantile (0.999: a consistent track is withheld once in a
thousand products). The NIS rows are those of the run's `nis.parquet`
(`hyperdef.io.run_metrics.nis_table`).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
from jax.typing import ArrayLike
from scipy.stats import chi2


@dataclasses.dataclass(frozen=True)
class QualityGate:
    """Thresholds on a 6-state estimate's 1σ uncertainty (see the module docstring)."""

    max_pos_sigma_m: float = 15e3
    max_vel_sigma_mps: float = 25.0
    nis_window: int = 10  # latest updates whose NIS are summed
    nis_probability: float = 0.999  # χ² quantile above which the innovations are inconsistent


def _sigmas(P6: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: N803
    """(finite, position 1σ [m], velocity 1σ [m/s]), each (n,), of covariances P6 (n, 6, 6): the
    square roots of the largest eigenvalues of P_rr and P_vv."""
    finite = np.isfinite(P6).all(axis=(1, 2))
    safe = np.where(finite[:, None, None], P6, 0.0)
    pos = np.sqrt(np.maximum(np.linalg.eigvalsh(safe[:, :3, :3])[:, -1], 0.0))
    vel = np.sqrt(np.maximum(np.linalg.eigvalsh(safe[:, 3:, 3:])[:, -1], 0.0))
    return finite, pos, vel


def _covariance_reason(finite: bool, pos: float, vel: float, gate: QualityGate) -> str | None:
    if not finite:
        return "track covariance not finite"
    if pos > gate.max_pos_sigma_m:
        return (f"track not converged: position 1σ {pos / 1e3:.1f} km > "
                f"{gate.max_pos_sigma_m / 1e3:.1f} km")
    if vel > gate.max_vel_sigma_mps:
        return (f"track not converged: velocity 1σ {vel:.0f} m/s > "
                f"{gate.max_vel_sigma_mps:.0f} m/s")
    return None


def withheld_reason(P6: ArrayLike, gate: QualityGate = QualityGate()) -> str | None:
    """None when the estimate passes the gate, else a sentence saying why it is withheld.

    P6: (6, 6) covariance of ECEF position [m²] and velocity [m²/s²].
    """
    finite, pos, vel = _sigmas(np.asarray(P6, float)[None])
    return _covariance_reason(bool(finite[0]), float(pos[0]), float(vel[0]), gate)


@functools.lru_cache(maxsize=256)
def _nis_limit(probability: float, dof: float) -> float:
    # A handful of dof sums recur at every grid time of every sample; scipy's ppf costs ~0.2 ms.
    return float(chi2.ppf(probability, dof))


def _nis_reason(total: float, k: float, n: int, finite: bool, gate: QualityGate) -> str | None:
    if n == 0:
        return None
    if not finite:
        return "innovations not finite"
    limit = _nis_limit(gate.nis_probability, k)
    if total > limit:
        return (f"innovations inconsistent: NIS {total:.1f} over the last {n} updates > "
                f"{limit:.1f} (χ²({k:.0f}) {gate.nis_probability:.1%} quantile)")
    return None


def _windows(nis: np.ndarray, dof: np.ndarray, n: np.ndarray, width: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sums over the last `width` of the first n[i] entries, for every i: (NIS total, dof total,
    entries, all finite). Summed left to right, as `innovation_reason` sums one window."""
    lo = np.maximum(n - width, 0)
    idx = lo[:, None] + np.arange(width)
    valid = idx < n[:, None]
    if len(nis) == 0:  # nothing to index: every window is empty
        nis, dof = np.zeros(1), np.zeros(1)
    idx = np.minimum(idx, len(nis) - 1)
    v = np.where(valid, nis[idx], 0.0)
    d = np.where(valid, dof[idx], 0.0)
    total, k = np.zeros(len(n)), np.zeros(len(n))
    for j in range(width):  # left to right: adding the leading zeros changes no bit
        total += v[:, j]
        k += d[:, j]
    return total, k, n - lo, (~valid | np.isfinite(v)).all(axis=1)


def innovation_reason(nis: ArrayLike, dof: ArrayLike,
                      gate: QualityGate = QualityGate()) -> str | None:
    """None when the track's latest innovations are consistent, else why the product is withheld.

    nis: (n,) NIS of the track's updates up to the product's time, oldest first [-];
    dof: (n,) their measurement degrees of freedom. Only the last `gate.nis_window` count; a
    track with no update yet passes (its covariance gate is what holds it back).
    """
    nis, dof = np.asarray(nis, float), np.asarray(dof, float)
    total, k, n, finite = _windows(nis, dof, np.asarray([nis.size]), gate.nis_window)
    return _nis_reason(float(total[0]), float(k[0]), int(n[0]), bool(finite[0]), gate)


def gate_reasons(t_s: np.ndarray, x: np.ndarray, P: np.ndarray, holder_cols: np.ndarray,
                 track_ids: np.ndarray, nis: pd.DataFrame | None,
                 gate: QualityGate) -> list[str | None]:
    """(T,) why the holder's estimate at each grid time fails `quality` (None: it passes, or no
    holder): covariance size first, then the NIS of the holder's latest updates up to that time.
    nis: the sample's NIS rows (`run_metrics.nis_table`) or None (no innovation gate).
    Every test runs on all held grid times at once; sentences are written for failures only."""
    reasons: list[str | None] = [None] * len(t_s)
    held = np.flatnonzero(holder_cols >= 0)
    if len(held) == 0:
        return reasons
    cols = holder_cols[held]
    finite, pos, vel = _sigmas(P[cols, held])
    x_ok = np.isfinite(x[cols, held]).all(axis=1)
    cov_ok = finite & (pos <= gate.max_pos_sigma_m) & (vel <= gate.max_vel_sigma_mps)
    total, k = np.zeros(len(held)), np.zeros(len(held))
    count, nis_finite = np.zeros(len(held), dtype=np.int64), np.ones(len(held), dtype=bool)
    if nis is not None and len(nis):
        # Each track's rows in time order (ties in table order), by NumPy: pandas' sort and
        # group-by cost milliseconds a sample.
        track, t_all = nis["track"].to_numpy(), nis["t_s"].to_numpy()
        order = np.lexsort((t_all, track))
        track, t_all, v_all = track[order], t_all[order], nis["nis"].to_numpy(float)[order]
        d_all = nis["dof"].to_numpy(float)[order]
        tids, first = np.unique(track, return_index=True)
        tid_of = np.asarray(track_ids)[cols]
        for tid, lo, hi in zip(tids, first, [*first[1:], len(track)], strict=True):
            at = np.flatnonzero(tid_of == tid)
            if len(at) == 0:
                continue
            n = np.searchsorted(t_all[lo:hi], t_s[held[at]] + 1e-9, side="right")
            total[at], k[at], count[at], nis_finite[at] = _windows(
                v_all[lo:hi], d_all[lo:hi], n, gate.nis_window)
    for j in np.flatnonzero(~(x_ok & cov_ok) | (count > 0)):
        i = int(held[j])
        if not x_ok[j]:
            reasons[i] = "track estimate not finite"
        elif not cov_ok[j]:
            reasons[i] = _covariance_reason(bool(finite[j]), float(pos[j]), float(vel[j]), gate)
        else:
            reasons[i] = _nis_reason(float(total[j]), float(k[j]), int(count[j]),
                                     bool(nis_finite[j]), gate)
    return reasons
