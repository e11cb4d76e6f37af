"""Each sample's rows of a batch's tables, found once for the batch.

A run of many samples keeps one table for the whole batch: the detections, the tracks' detection
assignments, the NIS values. Assessing the samples one by one with a mask per sample scans every
table once per sample, so a batch's assessment grows with the square of its size (at 500 samples
a batch, finding the first detections and the tracks' majorities that way cost 1.5–1.8 ms a
sample). One stable sort per table finds every sample's rows instead. Positions are kept, not
copies of the rows: assignments point at detections by their position in the whole table.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["SampleRows", "rows_by_sample"]

_NONE = np.zeros(0, np.int64)


def rows_by_sample(sample: np.ndarray) -> dict[int, NDArray[np.int64]]:
    """Row indices of each sample id, in table order (as a pandas groupby keeps them, so a mean
    sums the same values in the same order)."""
    if not len(sample):
        return {}
    order = np.argsort(sample, kind="stable")
    ids, starts = np.unique(sample[order], return_index=True)
    return dict(zip(ids.tolist(), np.split(order, starts[1:]), strict=True))


@dataclasses.dataclass(frozen=True)
class SampleRows:
    """Row positions (ascending) of each sample id in a batch's detections table and in its
    tracks' assignments table (`TrackSet.assignments`); a sample with none has an empty array."""

    detections: dict[int, NDArray[np.int64]]
    assignments: dict[int, NDArray[np.int64]]

    @classmethod
    def of(cls, detections: pd.DataFrame | None,
           assignments: pd.DataFrame | None) -> SampleRows:
        """Index the tables (either may be None: no rows for any sample)."""
        def index(table: pd.DataFrame | None) -> dict[int, NDArray[np.int64]]:
            if table is None:
                return {}
            return rows_by_sample(table["sample"].to_numpy(np.int64))

        return cls(index(detections), index(assignments))

    def detections_of(self, sample_id: int) -> NDArray[np.int64]:
        return self.detections.get(int(sample_id), _NONE)

    def assignments_of(self, sample_id: int) -> NDArray[np.int64]:
        return self.assignments.get(int(sample_id), _NONE)
