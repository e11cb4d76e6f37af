"""TrackSet: the tracker's output on the scenario time grid.

Dims (sample S, track K, time T), matching the truth's (sample, object, time) so that scoring is
array arithmetic. A sample's kept tracks (firm at some grid time, or every track with
`keep_unconfirmed`) are numbered from 0 in their order of creation, so track id k is column k in
every sample, and the track axis is as long as the most tracks one sample keeps (a sample with
fewer has state NONE in the rest). Ids are not the tracker's internal counters, which also count
the tentative tracks every clutter detection starts: numbering the union of those made the axis
grow with the number of samples, nearly all of it empty.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hyperdef.tracking.faults import CAPACITY, NUMERICAL, OK, empty_faults

if TYPE_CHECKING:
    import xarray as xr

#: Track states on the grid.
NONE, TENTATIVE, FIRM, DEAD = 0, 1, 2, 3
#: Kinds of bad input or numerical failure counted in TrackSet.problems (always all present).
PROBLEM_KINDS = ("nan_measurement", "unknown_kind", "unknown_sensor", "unknown_sample",
                 "out_of_order", "singular_innovation", "update_singular", "update_non_finite",
                 "non_finite_track")
#: Codes of the sample statuses in `TrackSet.to_xarray`'s sample_status.
FAULT_CODES = {OK: 0, NUMERICAL: 1, CAPACITY: 2}
STATE_NAMES = {NONE: "none", TENTATIVE: "tentative", FIRM: "firm", DEAD: "dead"}


@dataclasses.dataclass(frozen=True)
class TrackSet:
    """Tracks of all samples on the grid.

    track_ids: (K,) int64 track ids.
    t_s: (T,) the scenario time grid [s since epoch].
    sample_ids: (S,) int64 Monte Carlo sample ids.
    x: (S,K,T,6) ECEF position [m] and velocity [m/s] (the filter's `mean6`); NaN where the
        track does not exist.
    P: (S,K,T,6,6) covariance of x [m², m²/s, m²/s²]; NaN where the track does not exist.
    state: (S,K,T) int8: 0 none, 1 tentative, 2 firm, 3 dead (after deletion).
    state_dim: full filter state size (e.g. 6 for CV, 7 for ballistic with β).
    assignments: DataFrame (sample int64, detection int64 = positional row of the detections
        table, track_id int64), one row per detection used by a track (initiation included).
    problems: {kind: count} of bad input and numerical failures met during the run, one entry
        per PROBLEM_KINDS: rows skipped for a non-finite value ("nan_measurement"), a kind other
        than los/radar, a sensor not in the known list, a sample not asked for, or a time before
        an already processed scan ("out_of_order"); (track, detection) pairs whose innovation
        covariance was singular; updates that failed (SINGULAR / NON_FINITE status, the track
        kept its state); tracks that could not start from non-finite initiation output.
    faults: DataFrame, one row per sample whose tracking had a fault (`tracking.faults`):
        sample (id), status ("numerical" | "capacity"), failures (numerical failures of the
        sample), t_s (first failure, or the overflow time [s]), detail (what happened and the
        fix). Samples without a row are "ok".
    """

    track_ids: np.ndarray
    t_s: np.ndarray
    sample_ids: np.ndarray
    x: np.ndarray
    P: np.ndarray
    state: np.ndarray
    state_dim: int
    assignments: pd.DataFrame
    problems: dict[str, int]
    faults: pd.DataFrame = dataclasses.field(default_factory=empty_faults)

    def to_xarray(self) -> xr.Dataset:
        """xarray.Dataset with dims (sample, track, time[, comp, comp2]) and units in attrs."""
        import xarray as xr

        comp = ["x", "y", "z", "vx", "vy", "vz"]
        at = pd.Index(self.sample_ids).get_indexer(self.faults["sample"])
        status = np.zeros(len(self.sample_ids), dtype=np.int8)
        status[at] = [FAULT_CODES[s] for s in self.faults["status"]]
        failures = np.zeros(len(self.sample_ids), dtype=np.int64)
        failures[at] = self.faults["failures"]
        coords = {"sample": self.sample_ids, "track": self.track_ids, "time": self.t_s,
                  "comp": comp, "comp2": comp}
        ds = xr.Dataset(
            {
                "x": (("sample", "track", "time", "comp"), self.x,
                      {"units": "m, m/s", "frame": "ECEF (WGS84)"}),
                "P": (("sample", "track", "time", "comp", "comp2"), self.P,
                      {"units": "m^2, m^2/s, m^2/s^2", "frame": "ECEF (WGS84)"}),
                "state": (("sample", "track", "time"), self.state,
                          {"meaning": "0 none, 1 tentative, 2 firm, 3 dead"}),
                "sample_status": (("sample",), status,
                                  {"meaning": "0 ok, 1 numerical failures, 2 capacity overflow"}),
                "sample_failures": (("sample",), failures, {"units": "count"}),
            },
            coords=coords,
            attrs={"state_dim": int(self.state_dim),
                   "problems": ", ".join(f"{k}={v}" for k, v in sorted(self.problems.items())),
                   "faults": "\n".join(f"sample {sid}: {d}" for sid, d in
                                        zip(self.faults["sample"], self.faults["detail"],
                                            strict=True))},
        )
        ds["time"].attrs["units"] = "s since scenario epoch"
        return ds


def count_problems(*counts: Mapping[str, int]) -> dict[str, int]:
    """{kind: int} summed over count dicts, every PROBLEM_KINDS entry present."""
    out = dict.fromkeys(PROBLEM_KINDS, 0)
    for c in counts:
        for k, v in c.items():
            out[k] = out.get(k, 0) + int(v)
    return out


class TrackSetBuilder:
    """Collects per-sample, per-track grid rows during a run and assembles the dense TrackSet."""

    def __init__(self, t_grid_s: ArrayLike, sample_ids: ArrayLike) -> None:
        self.t_s = np.asarray(t_grid_s, dtype=float)
        self.sample_ids = np.asarray(sample_ids, dtype=np.int64)
        # (sample index, track id) -> rows (grid index, x6, P6, state)
        self.rows: dict[tuple[int, int], list[tuple[int, NDArray[np.float64],
                                                     NDArray[np.float64], int]]] = {}
        self.ended: dict[tuple[int, int], int] = {}  # -> first grid index after deletion
        self.kept: set[tuple[int, int]] = set()

    def add(self, s: int, tid: int, k: int, x6: NDArray[np.float64],
            P6: NDArray[np.float64], state: int) -> None:  # noqa: N803
        """Record track tid of sample index s at grid index k."""
        self.rows.setdefault((s, tid), []).append((k, x6, P6, state))
        if state == FIRM:
            self.kept.add((s, tid))

    def end(self, s: int, tid: int, k: int) -> None:
        """Track tid of sample index s was deleted before grid index k."""
        self.ended[(s, tid)] = k

    def build(self, *, state_dim: int, assignments: Sequence[tuple[int, int, int]],
              problems: Mapping[str, int], keep_unconfirmed: bool,
              faults: pd.DataFrame) -> TrackSet:
        keys = sorted(self.rows) if keep_unconfirmed else sorted(self.kept)
        if keep_unconfirmed:
            keys = sorted(set(keys) | self.kept)
        col: dict[tuple[int, int], int] = {}  # (sample index, tracker id) -> track id
        numbered: collections.Counter[int] = collections.Counter()
        for s, tid in keys:  # sorted: by sample, then in creation order
            col[(s, tid)] = numbered[s]
            numbered[s] += 1
        ids = np.arange(max(col.values(), default=-1) + 1, dtype=np.int64)
        S, K, T = len(self.sample_ids), len(ids), len(self.t_s)
        x = np.full((S, K, T, 6), np.nan)
        P = np.full((S, K, T, 6, 6), np.nan)
        state = np.zeros((S, K, T), dtype=np.int8)
        for s, tid in keys:
            c = col[(s, tid)]
            for k, x6, P6, st in self.rows.get((s, tid), []):
                x[s, c, k], P[s, c, k], state[s, c, k] = x6, P6, st
            if (s, tid) in self.ended:
                state[s, c, self.ended[(s, tid)]:] = DEAD
        a = pd.DataFrame(assignments, columns=["sample", "detection", "track_id"]).astype("int64")
        if len(a):
            s_index = {int(sid): i for i, sid in enumerate(self.sample_ids)}
            new_id = [col.get((s_index[int(s)], int(t)), -1)
                      for s, t in zip(a["sample"], a["track_id"], strict=True)]
            a = a.assign(track_id=np.asarray(new_id, dtype=np.int64))
            a = a[a["track_id"] >= 0].reset_index(drop=True)
        return TrackSet(track_ids=ids, t_s=self.t_s, sample_ids=self.sample_ids, x=x, P=P,
                        state=state, state_dim=int(state_dim), assignments=a,
                        problems=count_problems(problems), faults=faults)
