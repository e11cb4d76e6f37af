"""Is a track estimate good enough to derive products from (footprints, impacts, windows)?

A footprint or predicted impact computed from an initialising or diverged estimate is drawn with
the same confidence as one from a converged track, and can land on the wrong continent. Every
track-derived product is therefore gated on the estimate's own covariance: the 1σ position
uncertainty (square root of the largest eigenvalue of P_rr) must be below `max_pos_sigma_m` and
the 1σ velocity uncertainty below `max_vel_sigma_mps`. The defaults are a tenth of the smallest
defended-area radius worth assessing (150 km → 15 km) and a velocity error that moves a
10-minute extrapolation by no more than that order (25 m/s × 600 s = 15 km).

Innovation consistency (NIS) is not in the TrackSet, so a track that is confident *and* wrong
passes this gate; the filter-consistency tests bound how often that happens.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class QualityGate:
    """Thresholds on a 6-state estimate's 1σ uncertainty (see the module docstring)."""

    max_pos_sigma_m: float = 15e3
    max_vel_sigma_mps: float = 25.0


def withheld_reason(P6, gate: QualityGate = QualityGate()) -> str | None:
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
