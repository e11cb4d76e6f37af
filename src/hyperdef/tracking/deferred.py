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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hyperdef.tracking.table import grown


@dataclasses.dataclass
class Held:
    """Grid rows (n,) of tentative tracks: track row and grid index (the sample and id are the
    live track row's, the status TENTATIVE); and their slots' components (m,): index `pair` into
    the rows, flat state (m, F), time to predict over dt_s and log-weight logw."""

    track: NDArray[np.int64]
    k: NDArray[np.int64]
    pair: NDArray[np.int64]
    states: NDArray[np.float64]
    dt_s: NDArray[np.float64]
    logw: NDArray[np.float64]


_ROW = ("track", "k")
_COMPONENT = ("dt_s", "logw")


class Deferred:
    """The held rows of every sample's tentative tracks (see the module docstring).

    Rows and components are small columns, filtered as tracks confirm or die; the flat states
    (the bulk) sit in a slab whose places are reused, so a deletion copies no state.
    """

    def __init__(self, width: int) -> None:
        self.slab = np.zeros((256, width))
        self.free = np.ones(256, dtype=bool)
        self.next_id = 0
        i, f = np.zeros(0, np.int64), np.zeros(0)
        self.rows: dict[str, NDArray[Any]] = {name: i for name in ("id", *_ROW)}
        self.comps: dict[str, NDArray[Any]] = {"row": i, "at": i, "dt_s": f, "logw": f}

    def _place(self, states: NDArray[np.float64]) -> NDArray[np.int64]:
        """Slab places for states (m, F), the slab doubled when full."""
        if self.free.sum() < len(states):
            size = max(2 * len(self.free), len(self.free) + len(states))
            self.slab, self.free = grown(self.slab, size, 0.0), grown(self.free, size, True)
        at = np.flatnonzero(self.free)[: len(states)]
        self.slab[at], self.free[at] = states, False
        return at

    def hold(self, held: Held) -> None:
        ids = self.next_id + np.arange(len(held.track))
        self.next_id += len(held.track)
        new = {"id": ids, **{name: getattr(held, name) for name in _ROW}}
        self.rows = {k: np.concatenate([v, new[k]]) for k, v in self.rows.items()}
        comp = {"row": ids[held.pair], "at": self._place(held.states),
                **{name: getattr(held, name) for name in _COMPONENT}}
        self.comps = {k: np.concatenate([v, comp[k]]) for k, v in self.comps.items()}

    def take(self, tracks: NDArray[np.int64]) -> Held:
        """Remove and return the rows of track rows `tracks` (in the order they were held)."""
        mine, theirs = self._of(tracks)
        ids, r, c = self.rows["id"][mine], self.rows, self.comps  # ids ascend: held in id order
        out = Held(track=r["track"][mine], k=r["k"][mine],
                   pair=np.searchsorted(ids, c["row"][theirs]),
                   states=self.slab[c["at"][theirs]], dt_s=c["dt_s"][theirs],
                   logw=c["logw"][theirs])
        self._forget(mine, theirs)
        return out

    def drop(self, tracks: NDArray[np.int64]) -> None:
        """Forget the rows of track rows `tracks` (deleted unconfirmed: nothing is read)."""
        self._forget(*self._of(tracks))

    def _of(self, tracks: NDArray[np.int64]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """Masks of the rows of track rows `tracks` and of their components."""
        mine = np.isin(self.rows["track"], tracks)
        return mine, np.isin(self.comps["row"], self.rows["id"][mine])

    def _forget(self, mine: NDArray[np.bool_], theirs: NDArray[np.bool_]) -> None:
        if mine.any():
            self.free[self.comps["at"][theirs]] = True
            self.rows = {k: v[~mine] for k, v in self.rows.items()}
            self.comps = {k: v[~theirs] for k, v in self.comps.items()}
