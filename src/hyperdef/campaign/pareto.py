"""Pareto front of architecture points: cost down, performance up.

A point is on the front when no other point is at least as good in every objective and strictly
better in one (Deb, Multi-Objective Optimization Using Evolutionary Algorithms, 2001, Def. 2.5).
Points with a missing (NaN) objective are never on the front and never dominate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def dominated(scores: np.ndarray) -> np.ndarray:
    """(n,) bool: True where some other row dominates. scores: (n, m), larger is better."""
    s = np.asarray(scores, np.float64)
    ok = np.all(np.isfinite(s), axis=1)
    out = ~ok
    for i in np.flatnonzero(ok):
        others = s[ok]
        better_eq = np.all(others >= s[i], axis=1)
        strictly = np.any(others > s[i], axis=1)
        out[i] = bool(np.any(better_eq & strictly))
    return out


def pareto_front(table: pd.DataFrame, *, minimize: list[str], maximize: list[str]) -> np.ndarray:
    """(n,) bool mask of the rows of `table` on the Pareto front of the named columns."""
    cols = [-table[c].to_numpy(np.float64) for c in minimize]
    cols += [table[c].to_numpy(np.float64) for c in maximize]
    if not cols:
        raise ValueError("pareto_front: name at least one column to minimize or maximize")
    return ~dominated(np.stack(cols, axis=1))
