"""Grid estimates of the batched tracker, collected as arrays and assembled into a TrackSet.

Keeps the TrackSet's conventions (`trackset`): each sample's kept tracks numbered from 0 in
creation order, kept means firm at some grid time (or any track with `keep_unconfirmed`), a deleted
track is DEAD from the first grid time after its deletion, and assignments are kept for kept
tracks only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hyperdef.tracking.trackset import DEAD, FIRM, TrackSet, count_problems


class GridWriter:
    """Collects (sample index, track id, grid index) estimates, track ends and assignments."""

    def __init__(self, t_grid_s: ArrayLike, sample_ids: ArrayLike) -> None:
        self.t_s = np.asarray(t_grid_s, dtype=float)
        self.sample_ids = np.asarray(sample_ids, dtype=np.int64)
        self._rows: list[tuple[NDArray[Any], ...]] = []
        self._ends: list[tuple[NDArray[Any], ...]] = []
        self._assign: list[tuple[NDArray[Any], ...]] = []

    def add(self, s: NDArray[np.int64], tid: NDArray[np.int64], k: NDArray[np.int64],
            x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
            state: NDArray[np.int64]) -> None:
        """Estimates x6 (n,6), P6 (n,6,6) of tracks (s, tid) at grid indices k, with states."""
        if len(s):
            self._rows.append((np.asarray(s), np.asarray(tid), np.asarray(k), x6, P6,
                               np.asarray(state)))

    def end(self, s: NDArray[np.int64], tid: NDArray[np.int64], k: NDArray[np.int64]) -> None:
        """Tracks (s, tid) were deleted before grid indices k."""
        if len(s):
            self._ends.append((np.asarray(s), np.asarray(tid), np.asarray(k)))

    def assign(self, s: NDArray[np.int64], rows: NDArray[np.int64],
               tid: NDArray[np.int64]) -> None:
        """Detections (positional rows of the table) used by tracks (s, tid)."""
        if len(s):
            self._assign.append((np.asarray(s), np.asarray(rows), np.asarray(tid)))

    @staticmethod
    def _cat(parts: list[tuple[NDArray[Any], ...]], n: int) -> list[NDArray[Any]]:
        if not parts:
            return [np.zeros(0, dtype=np.int64) for _ in range(n)]
        return [np.concatenate([p[i] for p in parts]) for i in range(n)]

    def build(self, *, state_dim: int, problems: Mapping[str, int], keep_unconfirmed: bool,
              faults: pd.DataFrame) -> TrackSet:
        s, tid, k, x6, P6, state = self._cat(self._rows, 6)
        if not self._rows:  # no track was ever firm (unconfirmed ones are not written)
            x6, P6 = np.zeros((0, 6)), np.zeros((0, 6, 6))
        big = np.int64(1) << 32
        key = s.astype(np.int64) * big + tid
        kept = np.unique(key if keep_unconfirmed else key[state == FIRM])  # by sample, then id
        # track id = rank among the sample's kept tracks (see `trackset`)
        kept_s = kept // big
        col = np.arange(len(kept)) - np.searchsorted(kept_s, kept_s)
        ids = np.arange(int(col.max()) + 1 if len(kept) else 0, dtype=np.int64)
        S, K, T = len(self.sample_ids), len(ids), len(self.t_s)
        x = np.full((S, K, T, 6), np.nan)
        P = np.full((S, K, T, 6, 6), np.nan)
        grid_state = np.zeros((S, K, T), dtype=np.int8)
        use = np.isin(key, kept)
        c = col[np.searchsorted(kept, key[use])]
        x[s[use], c, k[use]] = x6[use]
        P[s[use], c, k[use]] = P6[use]
        grid_state[s[use], c, k[use]] = state[use]
        es, etid, ek = self._cat(self._ends, 3)
        ekey = es.astype(np.int64) * big + etid
        mine = np.isin(ekey, kept)
        for s_, c_, k_ in zip(es[mine], col[np.searchsorted(kept, ekey[mine])], ek[mine],
                              strict=True):
            grid_state[s_, c_, k_:] = DEAD
        a_s, a_row, a_tid = self._cat(self._assign, 3)
        akey = a_s.astype(np.int64) * big + a_tid
        keep = np.flatnonzero(np.isin(akey, kept))
        keep = keep[np.argsort(a_s[keep], kind="stable")]  # sample by sample, in event order
        a = pd.DataFrame({"sample": self.sample_ids[a_s[keep]].astype(np.int64),
                          "detection": a_row[keep].astype(np.int64),
                          "track_id": col[np.searchsorted(kept, akey[keep])].astype(np.int64)})
        return TrackSet(track_ids=ids.astype(np.int64), t_s=self.t_s,
                        sample_ids=self.sample_ids, x=x, P=P, state=grid_state,
                        state_dim=int(state_dim), assignments=a,
                        problems=count_problems(problems), faults=faults)
