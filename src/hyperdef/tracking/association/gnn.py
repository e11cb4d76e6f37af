"""Global nearest neighbour assignment with explicit miss and new-measurement costs.

The GNN solves   min Σ_{(i,j) assigned} c_ij + Σ_{i unassigned} m_i + Σ_{j unassigned} n_j
over one-to-one partial assignments of tracks i to measurements j, where only gated pairs
(finite c_ij) may be assigned. It is the classic augmented-matrix formulation (Blackman & Popoli
1999, *Design and Analysis of Modern Tracking Systems*, §6.5.1; the "cost of non-assignment" of
MATLAB's assignmunkres): the square matrix

    [ C            diag(m) ]      C: (T,M) track-to-measurement costs
    [ diag(n)      0       ]      off-diagonal entries of the diag blocks are forbidden (∞)

is handed to `scipy.optimize.linear_sum_assignment` (Crouse 2016's shortest augmenting path).
With c_ij = d²_ij and m = n = g/2 (g the χ² gate), any gated pair is cheaper than leaving both
ends unassigned, so the solution is the minimum total-d² assignment among maximal ones.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment


def gnn_assign(cost: ArrayLike, miss_cost: float | NDArray[np.float64],
               new_cost: float | NDArray[np.float64] | None = None
               ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Optimal one-to-one assignment of tracks to measurements.

    cost: (T, M) float, cost of assigning track i to measurement j; ∞ or NaN = outside the gate.
    miss_cost: scalar or (T,) cost of leaving a track unassigned.
    new_cost: scalar or (M,) cost of leaving a measurement unassigned (default: miss_cost's
        scalar value, or 0 when miss_cost is an array).
    returns: (i_track (A,), j_meas (A,)) int arrays of the assigned pairs, sorted by track.
    """
    cost = np.asarray(cost, dtype=float)
    n_t, n_m = cost.shape
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if n_t == 0 or n_m == 0:
        return empty
    feasible = np.isfinite(cost)
    miss_all = np.broadcast_to(np.asarray(miss_cost, dtype=float), (n_t,))
    if new_cost is None:
        new_cost = float(miss_cost) if np.ndim(miss_cost) == 0 else 0.0
    new_all = np.broadcast_to(np.asarray(new_cost, dtype=float), (n_m,))
    # Tracks or measurements without a single gated partner stay unassigned whatever the costs:
    # dropping them keeps the matrix small (they are most rows in a large sparse scan).
    rows = np.flatnonzero(feasible.any(axis=1))
    cols = np.flatnonzero(feasible.any(axis=0))
    if len(rows) == 0:
        return empty
    sub = feasible[np.ix_(rows, cols)]
    if (sub.sum(axis=0) == 1).all() and (sub.sum(axis=1) == 1).all():
        # No conflicts (the common case in a sparse scan): each pair stands alone and is taken
        # when cheaper than leaving both of its ends unassigned.
        i, j = np.nonzero(sub)
        i, j = rows[i], cols[j]
        take = cost[i, j] < miss_all[i] + new_all[j]
        return i[take].astype(np.int64), j[take].astype(np.int64)
    miss, new = miss_all[rows], new_all[cols]
    c = np.where(feasible[np.ix_(rows, cols)], cost[np.ix_(rows, cols)], np.inf)
    t, m = len(rows), len(cols)
    big = np.full((t + m, m + t), np.inf)
    big[:t, :m] = c
    big[:t, m:] = np.where(np.eye(t, dtype=bool), miss[:, None], np.inf)
    big[t:, :m] = np.where(np.eye(m, dtype=bool), new[None, :], np.inf)
    big[t:, m:] = 0.0
    r, k = linear_sum_assignment(big)
    take = (r < t) & (k < m)
    i, j = rows[r[take]], cols[k[take]]
    order = np.argsort(i, kind="stable")
    return i[order].astype(np.int64), j[order].astype(np.int64)
