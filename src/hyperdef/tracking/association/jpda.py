"""Joint probabilistic data association: marginal association probabilities β.

For each cluster of tracks that share gated measurements, every feasible joint event θ (each
measurement from at most one track, each track detected at most once) gets the posterior
probability (Bar-Shalom, Daum & Huang 2009, "The probabilistic data association filter",
IEEE Control Systems 29(6), Eqs. 38–47; Fortmann, Bar-Shalom & Scheffe 1983):

  parametric (clutter density λ known):
      P(θ) ∝ Π_{(t,j)∈θ} P_D·f_tj / λ · Π_{t undetected in θ} (1 − P_D·P_G)
  non-parametric (diffuse clutter prior, V the cluster's gate volume):
      P(θ) ∝ φ!/V^φ · Π_{(t,j)∈θ} P_D·f_tj · Π_{t undetected} (1 − P_D·P_G)

with f_tj = N(ν_tj; 0, S_tj) and φ the number of measurements θ calls clutter. Then
β_tj = Σ_{θ ∋ (t,j)} P(θ) and β_t0 = Σ_{θ: t undetected} P(θ). Events are enumerated exactly;
to bound the work a track keeps only its `max_candidates` most likely gated measurements
(exact whenever no track has more, which is the closely-spaced case JPDA is for).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components


def jpda_betas(loglik: NDArray[np.float64], gated: NDArray[np.bool_], *, p_detection: float,
               p_gate: float = 1.0,
               clutter_density: float | None = None, gate_volume: ArrayLike | None = None,
               max_candidates: int = 6) -> NDArray[np.float64]:
    """Marginal association probabilities for T tracks and M measurements.

    loglik: (T, M) ln f_tj (ln of the Gaussian innovation density, units of 1/measurement volume).
    gated: (T, M) bool, pairs inside the gate.
    p_detection: P_D; p_gate: P_G (probability that a true measurement falls in the gate).
    clutter_density: λ per unit measurement volume; None → non-parametric with gate_volume.
    gate_volume: (T,) gate volume of each track (non-parametric only); a cluster uses the
        largest of its tracks' volumes as V.
    returns: beta (T, M+1) with beta[:, 0] the miss probability and beta[t, 1+j] the
        probability that measurement j came from track t; rows sum to 1.
    """
    loglik = np.asarray(loglik, dtype=float)
    gated = np.asarray(gated, dtype=bool) & np.isfinite(loglik)
    n_t, n_m = gated.shape
    beta = np.zeros((n_t, n_m + 1))
    beta[:, 0] = 1.0
    if clutter_density is None and gate_volume is None and gated.any():
        raise ValueError("jpda_betas: give clutter_density or gate_volume (non-parametric JPDA)")
    if n_t == 0 or n_m == 0 or not gated.any():
        return beta
    graph = np.zeros((n_t + n_m, n_t + n_m), dtype=bool)
    graph[:n_t, n_t:] = gated
    n_comp, label = connected_components(csr_matrix(graph), directed=False)
    for c in range(n_comp):
        tr = np.flatnonzero(label[:n_t] == c)
        ms = np.flatnonzero(label[n_t:] == c)
        if len(tr) == 0 or len(ms) == 0:
            continue
        sub = _cluster(loglik[np.ix_(tr, ms)], gated[np.ix_(tr, ms)], p_detection, p_gate,
                       clutter_density,
                       None if gate_volume is None else float(np.max(np.asarray(gate_volume)[tr])),
                       max_candidates)
        beta[tr, 0] = sub[:, 0]
        beta[np.ix_(tr, 1 + ms)] = sub[:, 1:]
    return beta


def _cluster(loglik: NDArray[np.float64], gated: NDArray[np.bool_], pd: float, pg: float,
             lam: float | None, volume: float | None,
             max_candidates: int) -> NDArray[np.float64]:
    """Exact event enumeration for one cluster: (t, m) → beta (t, m+1)."""
    n_t, n_m = gated.shape
    cand = []
    for t in range(n_t):
        js = np.flatnonzero(gated[t])
        js = js[np.argsort(-loglik[t, js], kind="stable")][:max_candidates]
        cand.append(js)
    log_miss = math.log1p(-pd * pg)
    log_pd = math.log(pd)
    # Per assigned pair the parametric factor is P_D f/λ; non-parametric leaves λ out and puts
    # φ!/V^φ on the event, with φ = M − (number assigned).
    log_lam = math.log(lam) if lam is not None else 0.0
    weights, events = [], []
    used = np.zeros(n_m, dtype=bool)
    choice = np.full(n_t, -1)

    def walk(t: int, logw: float, n_assigned: int) -> None:
        if t == n_t:
            if lam is None:
                phi = n_m - n_assigned
                # volume is given whenever lam is None (jpda_betas checks).
                logw += math.lgamma(phi + 1) - phi * math.log(volume)  # type: ignore[arg-type]
            weights.append(logw)
            events.append(choice.copy())
            return
        choice[t] = -1
        walk(t + 1, logw + log_miss, n_assigned)
        for j in cand[t]:
            if not used[j]:
                used[j] = True
                choice[t] = j
                walk(t + 1, logw + log_pd + loglik[t, j] - log_lam, n_assigned + 1)
                used[j] = False
        choice[t] = -1

    walk(0, 0.0, 0)
    logw = np.asarray(weights)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    ev = np.asarray(events)  # (E, T): measurement index or −1
    out = np.zeros((n_t, n_m + 1))
    for t in range(n_t):
        out[t, 0] = w[ev[:, t] < 0].sum()
        np.add.at(out[t], 1 + ev[ev[:, t] >= 0, t], w[ev[:, t] >= 0])
    return out
