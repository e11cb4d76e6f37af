"""Grid estimates of tentative tracks, held back until the track confirms.

A TrackSet keeps the tracks that were firm at some grid time (`trackset`), with their tentative
start. Most tentative tracks are clutter that dies unconfirmed: in the demo and the example, over
four fifths of the grid estimates the batched tracker wrote were of such tracks, computed and
then dropped. A tentative track's grid rows therefore keep what their estimates are made of (the
track's slots as they stand at that grid time: flat filter states, log-weights and the time to
predict over) and the estimates are computed when the track confirms, with the same kernel on the
same inputs; the rows go when the track is deleted unconfirmed. Tentative tracks confirm or die
within a few scans, so the rows held stay few.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

_FIELDS = ("track", "s", "tid", "k", "status", "states", "dt_s", "logw")  # Held's, but pair

@dataclasses.dataclass
class Held:
    """Grid rows (n,) of tentative tracks: track row, sample index, track id, grid index, status
    at that time; and their slots' components (m,): index `pair` into the rows, flat state
    (m, F), time to predict over dt_s and log-weight logw."""

    track: NDArray[np.int64]
    s: NDArray[np.int64]
    tid: NDArray[np.int64]
    k: NDArray[np.int64]
    status: NDArray[np.int64]
    pair: NDArray[np.int64]
    states: NDArray[np.float64]
    dt_s: NDArray[np.float64]
    logw: NDArray[np.float64]

    @classmethod
    def empty(cls, width: int) -> Held:
        i, f = np.zeros(0, np.int64), np.zeros(0)
        return cls(i, i, i, i, i, i, np.zeros((0, width)), f, f)

    def select(self, rows: NDArray[np.bool_]) -> Held:
        """The rows where `rows` (n,) is True, with their components (pairs renumbered)."""
        new = np.cumsum(rows) - 1
        comp = rows[self.pair]
        return Held(self.track[rows], self.s[rows], self.tid[rows], self.k[rows],
                    self.status[rows], new[self.pair[comp]], self.states[comp],
                    self.dt_s[comp], self.logw[comp])

    @staticmethod
    def join(a: Held, b: Held) -> Held:
        parts = {f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in _FIELDS}
        return Held(**parts, pair=np.concatenate([a.pair, b.pair + len(a.track)]))

class Deferred:
    """The held rows of every sample's tentative tracks (see the module docstring)."""

    def __init__(self, width: int) -> None:
        self.held = Held.empty(width)

    def hold(self, rows: Held) -> None:
        self.held = Held.join(self.held, rows)

    def take(self, tracks: NDArray[np.int64]) -> Held:
        """Remove and return the rows of track rows `tracks`."""
        mine = np.isin(self.held.track, tracks)
        out = self.held.select(mine)
        self.held = self.held.select(~mine)
        return out
