"""Index arithmetic over runs: tables whose rows come in consecutive groups (a sample's rows, a
group's members), handled without a Python loop over the groups.

The batched tracker keeps every sample's rows in one table sorted by sample; pairing rows within
a sample, or expanding a selection of groups to their members, is then a few NumPy calls.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def runs(counts: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For runs of counts (n,) laid end to end: each entry's run (Σ counts,) and its position
    within that run."""
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)


def pairs_within(group: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every pair (i, j), i < j, of rows with the same group id, for rows sorted by group: i in
    row order, then j (each group's pairs in `np.triu_indices` order)."""
    end = np.searchsorted(group, group, side="right")
    i, pos = runs(end - np.arange(len(group)) - 1)
    return i, i + 1 + pos
