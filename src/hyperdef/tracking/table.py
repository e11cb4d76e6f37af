"""Track and slot tables of every sample at once (the batched tracker's state).

A *track* has a per-sample integer id (numbered from 0 in order of creation) and one or more
*slots*, each a filter state stored flat (`kernels.StateLayout`). Most tracks have one slot; a
range-parameterised track started from a single line of sight has one per range hypothesis
(Peach 1995, IEE Proc. Radar Sonar Navig. 142(2)), weighted by likelihood and pruned below
`hypothesis_prune`; its estimate is the moment-matched mixture of its slots.

Both tables are struct-of-arrays over all samples (a track row has a `sample` column), so every
stage of a scan is array arithmetic over the samples in it. Rows of deleted tracks and freed slots
are recycled, which bounds memory by the live tracks, not by every track a run ever started.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hyperdef.tracking.filters.ops import FilterOps
from hyperdef.tracking.gating import BATCHED_SMALLEST, chunked
from hyperdef.tracking.kernels import kernels
from hyperdef.tracking.trackset import TENTATIVE

INIT_CHUNK = 1024  # slots per init call (padded to powers of four below that)
PREDICT_CHUNK = 4096  # slots per predict call


def grown(a: np.ndarray, size: int, fill: float) -> np.ndarray:
    """a (n, …) extended to (size, …) with fill (the tables double when full)."""
    out = np.full((size,) + a.shape[1:], fill, dtype=a.dtype)
    out[: len(a)] = a
    return out


class Slots:
    """Filter states of all slots of all samples: data (C, F), time t_s (C,), log-weight
    logw (C,), owner track row (C,), −1 when free. Quacks like the slot bank that
    `tracking.apply.apply_updates` takes (k, get, put, t_s, smallest)."""

    smallest = BATCHED_SMALLEST  # least padded kernel batch (`gating.chunked`)

    def __init__(self, ops: FilterOps, capacity: int = 256) -> None:
        self.k = kernels(ops)
        self.data = np.zeros((capacity, self.k.layout.width))
        self.t_s = np.zeros(capacity)
        self.logw = np.zeros(capacity)
        self.track = np.full(capacity, -1, dtype=np.int64)

    def get(self, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        return self.data[idx]

    def put(self, idx: ArrayLike, states: NDArray[np.float64]) -> None:
        self.data[np.asarray(idx, dtype=np.int64)] = states

    def add(self, x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803 — P is the symbol
            t_s: ArrayLike, logw: ArrayLike, track: ArrayLike) -> np.ndarray:
        """New slots (n,) from (n,6)/(n,6,6) ECEF position/velocity means/covariances."""
        n = len(x6)
        free = np.flatnonzero(self.track < 0)
        if len(free) < n:
            cap = max(2 * len(self.t_s), len(self.t_s) + n)
            self.data = grown(self.data, cap, 0.0)
            self.t_s, self.logw = grown(self.t_s, cap, 0.0), grown(self.logw, cap, 0.0)
            self.track = grown(self.track, cap, -1)
            free = np.flatnonzero(self.track < 0)
        idx = free[:n]
        if n:
            states = chunked(lambda sel: self.k.init(x6[sel], P6[sel]), n, INIT_CHUNK,
                             self.smallest)
            self.put(idx, states)
        self.t_s[idx], self.logw[idx], self.track[idx] = t_s, logw, track
        return idx

    def release(self, idx: ArrayLike) -> None:
        self.track[np.asarray(idx, dtype=np.int64)] = -1

    def of_tracks(self, rows: np.ndarray) -> np.ndarray:
        """Slots owned by track rows `rows`, grouped by track in the order of `rows`, each
        track's slots in ascending order (the order its hypotheses were made in)."""
        owned = np.flatnonzero(np.isin(self.track, rows))
        rank = np.empty(int(rows.max()) + 1 if len(rows) else 0, dtype=np.int64)
        rank[rows] = np.arange(len(rows))
        return owned[np.lexsort((owned, rank[self.track[owned]]))]

    def mean6(self, slots: ArrayLike,
              t_s: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Slot estimates predicted to t_s ((n,) or scalar): x6 (n,6), P6 (n,6,6)."""
        slots = np.asarray(slots, dtype=np.int64)
        dt = np.broadcast_to(t_s - self.t_s[slots], slots.shape)
        kern = self.k.predict_mean6
        return chunked(lambda sel: kern(self.get(slots[sel]), dt[sel]), len(slots),
                       PREDICT_CHUNK, self.smallest)


#: Per-track columns and their fill values.
_COLUMNS = {"sample": -1, "tid": -1, "status": TENTATIVE, "born_t_s": 0.0, "last_t_s": 0.0,
            "events": 0, "hits_first": 0, "misses": 0, "updates": 0, "alive": False}


class Tracks:
    """Bookkeeping of all tracks of all samples, one row per track (recycled when deleted).

    sample, tid: owner sample index and per-sample id; status: TENTATIVE/FIRM; born_t_s,
    last_t_s: creation and last update time [s]; events: scans counted so far (M-of-N);
    hits_first: hits among the first confirm_n counted scans; misses: consecutive misses;
    updates: updates applied; sensors: (R, n_sensors) bool, sensors that updated the track.
    """

    # The `_COLUMNS` arrays (R,), set in __init__.
    sample: NDArray[np.int64]
    tid: NDArray[np.int64]
    status: NDArray[np.int64]
    born_t_s: NDArray[np.float64]
    last_t_s: NDArray[np.float64]
    events: NDArray[np.int64]
    hits_first: NDArray[np.int64]
    misses: NDArray[np.int64]
    updates: NDArray[np.int64]
    alive: NDArray[np.bool_]

    def __init__(self, n_sensors: int, capacity: int = 256) -> None:
        for name, fill in _COLUMNS.items():
            setattr(self, name, np.full(capacity, fill, dtype=np.asarray(fill).dtype))
        self.sensors = np.zeros((capacity, n_sensors), dtype=bool)

    def add(self, n: int) -> np.ndarray:
        """Rows for n new tracks (fields to be filled by the caller)."""
        free = np.flatnonzero(~self.alive)
        if len(free) < n:
            cap = max(2 * len(self.alive), len(self.alive) + n)
            for name, fill in _COLUMNS.items():
                setattr(self, name, grown(getattr(self, name), cap, fill))
            self.sensors = grown(self.sensors, cap, False)
            free = np.flatnonzero(~self.alive)
        rows = free[:n]
        for name, fill in _COLUMNS.items():
            getattr(self, name)[rows] = fill
        self.sensors[rows] = False
        self.alive[rows] = True
        return rows

    def live_of(self, sample_mask: np.ndarray) -> np.ndarray:
        """Rows of live tracks whose sample is in the (S,) mask, by (sample, tid)."""
        rows = np.flatnonzero(self.alive)
        rows = rows[sample_mask[self.sample[rows]]]
        return rows[np.lexsort((self.tid[rows], self.sample[rows]))]


def mixture_groups(x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
                   logw: NDArray[np.float64], group: NDArray[np.int64],
                   n_groups: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Moment-matched Gaussians of weighted components, grouped.

    x6 (n,6), P6 (n,6,6), logw (n,), group (n,) in 0 … n_groups−1 → (G,6), (G,6,6). A group of
    one component is that component exactly.
    """
    counts = np.bincount(group, minlength=n_groups)
    x = np.zeros((n_groups, 6))
    P = np.zeros((n_groups, 6, 6))
    one = counts[group] == 1
    x[group[one]], P[group[one]] = x6[one], P6[one]
    many = ~one
    if many.any():
        g, lw = group[many], logw[many]
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, g, lw)
        w = np.exp(lw - top[g])
        w /= np.bincount(g, weights=w, minlength=n_groups)[g]
        xm = np.zeros((n_groups, 6))
        np.add.at(xm, g, w[:, None] * x6[many])
        d = x6[many] - xm[g]
        Pm = np.zeros((n_groups, 6, 6))
        np.add.at(Pm, g, w[:, None, None] * (P6[many] + d[:, :, None] * d[:, None, :]))
        sel = np.unique(g)
        x[sel] = xm[sel]
        P[sel] = 0.5 * (Pm[sel] + np.swapaxes(Pm[sel], 1, 2))
    return x, P
