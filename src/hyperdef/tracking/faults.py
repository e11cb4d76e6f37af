"""What went wrong in one sample's tracking: numerical failures and capacity overflows.

A Monte Carlo batch is tracked in one call, so a fault must stay with the sample that had it:
the rest of the batch makes the same decisions as if that sample were not there (its estimates
equal to rounding: kernels compiled for another batch length may round differently), and the
sample gets a status (`TrackSet.faults`, one row per sample with a fault) that campaign rows and
the run summary carry.

* **numerical** — an innovation covariance was singular, an update came out singular or
  non-finite, or a new track's initiation was non-finite. The tracker never lets such a number
  into a track (the update is not applied, the track is not started), so the sample's tracks stay
  finite; the status says how many times that happened and when first.
* **capacity** — the sample held more live tracks at once than `tracker.max_tracks` (a clutter or
  debris storm). Its tracking stops at that scan: every track of the sample ends there and its
  later scans are not tracked, so one sample cannot take the batch's memory and time. The detail
  names the field and the number of tracks the sample wanted at that scan: the least value that
  would have let it go on (later scans may want more).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

#: Numerical failures counted per sample (also summed in `TrackSet.problems`).
NUMERICAL_KINDS = ("singular_innovation", "update_singular", "update_non_finite",
                   "non_finite_track")
#: Sample statuses of `TrackSet.faults` ("ok" samples have no row there).
OK, NUMERICAL, CAPACITY = "ok", "numerical", "capacity"
#: Columns of `TrackSet.faults`.
COLUMNS = {"sample": "int64", "status": "object", "failures": "int64", "t_s": "float64",
           "detail": "object"}


def empty_faults() -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in COLUMNS.items()})


class Faults:
    """Per-sample fault counters of one tracker run over samples 0 … n−1 (sample indices)."""

    def __init__(self, n_samples: int) -> None:
        self.counts = np.zeros((n_samples, len(NUMERICAL_KINDS)), dtype=np.int64)
        self.first_t_s = np.full(n_samples, np.inf)
        self.wanted = np.zeros(n_samples, dtype=np.int64)  # tracks wanted at the overflow
        self.overflow_t_s = np.full(n_samples, np.nan)

    def add(self, kind: str, samples: ArrayLike, t_s: ArrayLike) -> None:
        """One failure of `kind` per entry of samples (sample indices) at times t_s [s]."""
        samples = np.asarray(samples, dtype=np.int64).ravel()
        np.add.at(self.counts[:, NUMERICAL_KINDS.index(kind)], samples, 1)
        np.minimum.at(self.first_t_s, samples,
                      np.broadcast_to(np.asarray(t_s, dtype=float), samples.shape))

    def overflow(self, samples: NDArray[np.int64], wanted: NDArray[np.int64],
                 t_s: NDArray[np.float64]) -> None:
        """Samples whose live tracks (`wanted`) passed the capacity at times t_s [s]."""
        self.wanted[samples], self.overflow_t_s[samples] = wanted, t_s

    def totals(self) -> dict[str, int]:
        """{kind: failures summed over the samples} for `TrackSet.problems`."""
        return {k: int(v) for k, v in zip(NUMERICAL_KINDS, self.counts.sum(axis=0), strict=True)}

    def frame(self, sample_ids: NDArray[np.int64], max_tracks: int) -> pd.DataFrame:
        """One row per sample with a fault (see `TrackSet.faults`)."""
        failures = self.counts.sum(axis=1)
        rows = []
        for s in np.flatnonzero((failures > 0) | (self.wanted > 0)):
            kinds = ", ".join(f"{k} {n}" for k, n in zip(NUMERICAL_KINDS, self.counts[s],
                                                         strict=True) if n)
            if self.wanted[s]:
                t = float(self.overflow_t_s[s])
                detail = (f"tracker.max_tracks = {max_tracks} was exceeded at t = {t:.3f} s: the "
                          f"sample wanted {int(self.wanted[s])} live tracks at once, so its "
                          f"tracking stopped there; set tracker.max_tracks >= "
                          f"{int(self.wanted[s])}")
                status = CAPACITY
            else:
                t = float(self.first_t_s[s])
                detail = (f"{int(failures[s])} numerical failures ({kinds}), first at t = "
                          f"{t:.3f} s; the tracks kept their last finite state")
                status = NUMERICAL
            if self.wanted[s] and failures[s]:
                detail += f"; before that {int(failures[s])} numerical failures ({kinds})"
            rows.append((int(sample_ids[s]), status, int(failures[s]), t, detail))
        if not rows:
            return empty_faults()
        return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def merge_faults(*frames: pd.DataFrame) -> pd.DataFrame:
    """Faults of several trackers over the same samples (local trackers of a fused run): one
    row per sample, failures summed, capacity before numerical, details joined."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return empty_faults()
    both = pd.concat(parts, ignore_index=True)
    both["rank"] = (both["status"] != CAPACITY).astype(int)
    rows = []
    for _, g in both.sort_values(["sample", "rank", "t_s"]).groupby("sample", sort=True):
        rows.append((int(g["sample"].iloc[0]), g["status"].iloc[0], int(g["failures"].sum()),
                     float(g["t_s"].iloc[0]), "; ".join(g["detail"])))
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def status_columns(faults: pd.DataFrame, sample_ids: ArrayLike
                   ) -> dict[int, dict[str, str | int | None]]:
    """{sample id: its columns in metrics and campaign rows}: track_status ("ok" without a
    fault), track_failures (numerical failures) and track_fault (the detail, None when ok)."""
    out: dict[int, dict[str, str | int | None]] = {
        int(sid): {"track_status": OK, "track_failures": 0, "track_fault": None}
        for sid in np.asarray(sample_ids).tolist()}
    for sid, status, failures, detail in zip(faults["sample"], faults["status"],
                                             faults["failures"], faults["detail"], strict=True):
        out[int(sid)] = {"track_status": str(status), "track_failures": int(failures),
                         "track_fault": str(detail)}
    return out
