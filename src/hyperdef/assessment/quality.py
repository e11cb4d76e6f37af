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
from typing import cast

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


def withheld_reason(P6: ArrayLike, gate: QualityGate = QualityGate()) -> str | None:
    """None when the estimate passes the gate, else a sentence saying why it is withheld.

    P6: (6, 6) covariance of ECEF position [m²] and velocity [m²/s²].
    """
    P6 = np.asarray(P6, float)
    if not np.all(np.isfinite(P6)):
        return "track covariance not finite"
    pos = float(np.sqrt(max(np.linalg.eigvalsh(P6[:3, :3])[-1], 0.0)))
    vel = float(np.sqrt(max(np.linalg.eigvalsh(P6[3:, 3:])[-1], 0.0)))
    if pos > gate.max_pos_sigma_m:
        return (f"track not converged: position 1σ {pos / 1e3:.1f} km > "
                f"{gate.max_pos_sigma_m / 1e3:.1f} km")
    if vel > gate.max_vel_sigma_mps:
        return (f"track not converged: velocity 1σ {vel:.0f} m/s > "
                f"{gate.max_vel_sigma_mps:.0f} m/s")
    return None


@functools.lru_cache(maxsize=256)
def _nis_limit(probability: float, dof: float) -> float:
    # A handful of dof sums recur at every grid time of every sample; scipy's ppf costs ~0.2 ms.
    return float(chi2.ppf(probability, dof))


def innovation_reason(nis: ArrayLike, dof: ArrayLike,
                      gate: QualityGate = QualityGate()) -> str | None:
    """None when the track's latest innovations are consistent, else why the product is withheld.

    nis: (n,) NIS of the track's updates up to the product's time, oldest first [-];
    dof: (n,) their measurement degrees of freedom. Only the last `gate.nis_window` count; a
    track with no update yet passes (its covariance gate is what holds it back).
    """
    nis = np.asarray(nis, float)[-gate.nis_window:]
    dof = np.asarray(dof, float)[-gate.nis_window:]
    if nis.size == 0:
        return None
    if not np.all(np.isfinite(nis)):
        return "innovations not finite"
    total, k = float(nis.sum()), float(dof.sum())
    limit = _nis_limit(gate.nis_probability, k)
    if total > limit:
        return (f"innovations inconsistent: NIS {total:.1f} over the last {nis.size} updates > "
                f"{limit:.1f} (χ²({k:.0f}) {gate.nis_probability:.1%} quantile)")
    return None


def _within_gate(P6: np.ndarray, gate: QualityGate) -> np.ndarray:  # noqa: N803
    """(n,) whether `withheld_reason` passes each of P6 (n, 6, 6): its tests, batched (the
    sentence of a failure is still written by `withheld_reason`)."""
    finite = np.isfinite(P6).all(axis=(1, 2))
    safe = np.where(finite[:, None, None], P6, 0.0)
    pos = np.sqrt(np.maximum(np.linalg.eigvalsh(safe[:, :3, :3])[:, -1], 0.0))
    vel = np.sqrt(np.maximum(np.linalg.eigvalsh(safe[:, 3:, 3:])[:, -1], 0.0))
    return finite & (pos <= gate.max_pos_sigma_m) & (vel <= gate.max_vel_sigma_mps)


def gate_reasons(t_s: np.ndarray, x: np.ndarray, P: np.ndarray, holder_cols: np.ndarray,
                 track_ids: np.ndarray, nis: pd.DataFrame | None,
                 gate: QualityGate) -> list[str | None]:
    """(T,) why the holder's estimate at each grid time fails `quality` (None: it passes, or no
    holder): covariance size first, then the NIS of the holder's latest updates up to that time.
    nis: the sample's NIS rows (`run_metrics.nis_table`) or None (no innovation gate)."""
    reasons: list[str | None] = [None] * len(t_s)
    by_track: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    if nis is not None and len(nis):
        for tid, g in nis.sort_values("t_s", kind="stable").groupby("track"):
            # groupby keys are untyped scalars; track ids are integers.
            by_track[int(cast(int, tid))] = (g["t_s"].to_numpy(), g["nis"].to_numpy(),
                                             g["dof"].to_numpy())
    held = np.flatnonzero(holder_cols >= 0)
    covariance_ok = _within_gate(P[holder_cols[held], held], gate)
    for i, ok in zip(held, covariance_ok, strict=True):
        k = int(holder_cols[i])
        why = ("track estimate not finite" if not np.all(np.isfinite(x[k, i]))
               else None if ok else withheld_reason(P[k, i], gate))
        rows = by_track.get(int(track_ids[k]))
        if why is None and rows is not None:
            n = int(np.searchsorted(rows[0], t_s[i] + 1e-9, side="right"))
            why = innovation_reason(rows[1][:n], rows[2][:n], gate)
        reasons[i] = why
    return reasons
