"""The batched tracker's state (`State`) and one scan of it (`Scan`): the records its stages
(`tracking.stages`) read and change, and that the update (`apply`) and initiation
(`association.births`) steps take.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.deferred import Deferred
from hyperdef.tracking.faults import Faults
from hyperdef.tracking.output import GridWriter
from hyperdef.tracking.stream import Stream
from hyperdef.tracking.table import Slots, Tracks

_Scalar = TypeVar("_Scalar", bound=np.generic)


@dataclasses.dataclass
class State:
    """Everything the stages read and change; k_next (S,): first grid index not yet written;
    next_id (S,): next track id per sample; streak: {(sample, tid, tid): scans of shared
    evidence in a row}; faults: numerical failures and capacity overflows per sample;
    deferred: the grid rows of tentative tracks, estimated if they confirm (`deferred`)."""

    params: TrackerParams
    stream: Stream
    slots: Slots
    tracks: Tracks
    out: GridWriter
    problems: collections.Counter[str]
    k_next: NDArray[np.int64] = None  # type: ignore[assignment]  # set in __post_init__
    next_id: NDArray[np.int64] = None  # type: ignore[assignment]  # set in __post_init__
    streak: dict[tuple[int, ...], int] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.out.sample_ids)
        self.k_next = np.zeros(n, dtype=np.int64)
        self.next_id = np.zeros(n, dtype=np.int64)
        self.faults = Faults(n)
        self.deferred = Deferred(self.slots.k.layout.width)
        self.dup_gate: float = chi2.ppf(self.params.duplicate_probability, 3)

    def slot_fault(self, kind: str, slots: NDArray[np.int64], t_s: NDArray[np.float64]) -> None:
        """Failed updates of slots (n,) at times t_s, counted for their samples."""
        self.faults.add(kind, self.tracks.sample[self.slots.track[slots]], t_s)


@dataclasses.dataclass(frozen=True)
class Scan:
    """One scan of each sample in `samples` (A,): stream rows lo … hi−1, first time t0 [s]."""

    samples: NDArray[np.int64]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    t0: NDArray[np.float64]

    def mask(self, n_samples: int) -> NDArray[np.bool_]:
        m = np.zeros(n_samples, dtype=bool)
        m[self.samples] = True
        return m

    def per_sample(self, values: NDArray[_Scalar], n_samples: int,
                   fill: float = np.nan) -> NDArray[_Scalar]:
        out = np.full(n_samples, fill, dtype=np.asarray(values).dtype)
        out[self.samples] = values
        return out

    def rows(self) -> NDArray[np.int64]:
        """Stream rows of the scan, sample by sample."""
        n = self.hi - self.lo
        return np.repeat(self.lo - np.cumsum(n) + n, n) + np.arange(n.sum())
