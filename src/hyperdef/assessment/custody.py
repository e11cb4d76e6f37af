"""Custody: per threat, when it was detected, when a firm track was held on it, when it was lost.

Everything here works on one sample's timeline on the scenario grid t_s (T,) [s]. Each grid time
stands for the interval up to the next one (its *step weight*; the last time takes the previous
spacing), so durations are sums of step weights and stay exact when the grid's last step is short.

Definitions (the ones reported by `hyperdef run --json` and the HTML report):
- *in flight*: the truth's `in_flight` flag at that grid time.
- *held*: a firm track (TrackSet state 2) scored to this threat exists at that time and the threat
  is in flight. Which tracks score to a threat is decided by `hyperdef.assessment.track_scoring`
  (its `track_ids` per threat); when several are firm at once the one already holding keeps it
  (`holder_timeline`), so a second track on the same threat is not counted as a break.
- custody_fraction = held steps / in-flight steps — the share of the flight time on the grid, the
  same count as `score_tracks`' custody_fraction.
- longest_gap_s: longest run of in-flight time without a held firm track *after the first firm
  track* (custody lost), 0 if custody was never lost, None if never tracked. The time before the
  first firm track is not a gap: it is what `warning.py` measures.
- track_breaks: after the first firm track, the number of grid times at which custody was lost
  (held → not held while in flight) or handed to a different track id (identity lost).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import numpy as np
from jax.typing import ArrayLike

FIRM = 2  # TrackSet.state code of a firm (confirmed) track


def step_weights_s(t_s: ArrayLike) -> np.ndarray:
    """(T,) duration each grid time stands for [s]: t[i+1] − t[i], the last repeats the previous."""
    t = np.asarray(t_s, np.float64)
    if t.size < 2:
        return np.ones_like(t)
    d = np.diff(t)
    return np.append(d, d[-1])


def intervals(t_s: ArrayLike, mask: ArrayLike) -> list[list[float]]:
    """Contiguous runs of True as [[t_first, t_last + weight], …] [s] (a grid time covers its step).

    t_s: (T,) grid [s]; mask: (T,) bool.
    """
    t = np.asarray(t_s, np.float64)
    m = np.asarray(mask, bool)
    if not m.any():
        return []
    w = step_weights_s(t)
    edges = np.diff(np.concatenate([[0], m.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [[float(t[a]), float(t[b] + w[b])] for a, b in zip(starts, stops, strict=True)]


def holder_timeline(state: ArrayLike, track_ids: ArrayLike,
                    threat_track_ids: Iterable[int]) -> np.ndarray:
    """(T,) id of the firm track holding a threat at each grid time, −1 where none does.

    state: (K, T) int TrackSet states of one sample; track_ids: (K,) ids of those tracks;
    threat_track_ids: ids scored to this threat. When several are firm, the current holder keeps
    custody while it stays firm (handover only when it drops), else the lowest id takes it.
    """
    state = np.asarray(state)
    ids = np.asarray(track_ids, np.int64)
    mine = np.isin(ids, np.asarray(list(threat_track_ids), np.int64))
    n_t = state.shape[1] if state.ndim == 2 else 0
    out = np.full(n_t, -1, np.int64)
    if not mine.any():
        return out
    firm = state[mine] == FIRM  # (k, T)
    cand = ids[mine]
    order = np.argsort(cand)
    firm, cand = firm[order], cand[order]
    anyone = firm.any(axis=0)
    lowest = firm.argmax(axis=0)  # row of the lowest firm id at each time (where anyone)
    # One pass per holding spell, not per grid time: a holder keeps custody until its first
    # non-firm time, where the lowest firm id (if any) takes over.
    i = 0
    while i < n_t:
        if not anyone[i]:
            later = np.flatnonzero(anyone[i:])
            if len(later) == 0:
                break
            i += int(later[0])
        row = int(lowest[i])
        ends = np.flatnonzero(~firm[row, i:])
        j = n_t if len(ends) == 0 else i + int(ends[0])
        out[i:j] = cand[row]
        i = j
    return out


Intervals = list[list[float]]  # [[t0, t1], …] [s], as `intervals` returns them


@dataclasses.dataclass(frozen=True)
class CustodyTimeline:
    """Intervals [[t0, t1], …] [s] of one threat's custody story (see the module docstring).

    in_flight, detected (by any sensor), held (by a firm track), lost (in flight after the first
    firm track and not held); sensors: {sensor name: intervals detected by it}; holders:
    [[t0, t1, track_id], …] which firm track held it when.
    """

    in_flight: Intervals
    detected: Intervals
    held: Intervals
    lost: Intervals
    sensors: dict[str, Intervals]
    holders: list[list[float]]


@dataclasses.dataclass(frozen=True)
class Custody:
    """Custody figures of one threat in one sample (definitions in the module docstring).

    custody_fraction: held / in-flight steps [-] (None: never in flight); longest_gap_s [s]
    (None: never held); track_breaks: custody losses and identity changes; first_firm_track_t_s,
    first_detected_t_s: first grid time held / detected by any sensor [s] (None: never).
    """

    custody_fraction: float | None
    longest_gap_s: float | None
    track_breaks: int
    first_firm_track_t_s: float | None
    first_detected_t_s: float | None
    timeline: CustodyTimeline


def custody(t_s: ArrayLike, in_flight: ArrayLike, holder: ArrayLike,
            detected_by_sensor: Mapping[str, ArrayLike] | None = None) -> Custody:
    """Custody figures and timelines of one threat in one sample.

    Args:
      t_s: (T,) scenario grid [s].
      in_flight: (T,) bool truth in-flight flag.
      holder: (T,) int track id holding the threat (−1 none), e.g. from `holder_timeline`.
      detected_by_sensor: {sensor name: (T,) bool detected by that sensor} (may be empty).
    Returns:
      `Custody`, its `timeline` a `CustodyTimeline`.
    """
    t = np.asarray(t_s, np.float64)
    fly = np.asarray(in_flight, bool)
    hold = np.asarray(holder, np.int64)
    held = fly & (hold >= 0)
    sensors = {k: np.asarray(v, bool) & fly for k, v in (detected_by_sensor or {}).items()}
    det = np.zeros_like(fly)
    for v in sensors.values():
        det |= v

    n_fly = int(fly.sum())
    fraction = float(held.sum() / n_fly) if n_fly else None
    first_firm = float(t[np.argmax(held)]) if held.any() else None
    first_det = float(t[np.argmax(det)]) if det.any() else None

    after = np.zeros_like(fly)
    if held.any():
        after[np.argmax(held):] = True
    lost = fly & after & ~held
    gaps = [b - a for a, b in intervals(t, lost)]  # a run's length is the sum of its step weights
    longest = (float(max(gaps)) if gaps else 0.0) if held.any() else None
    prev_held = np.concatenate([[False], held[:-1]])
    prev_hold = np.concatenate([[-1], hold[:-1]])
    breaks = int(np.sum(after & fly & prev_held & (~held | (hold != prev_hold))))

    holders = []
    for a, b in intervals(t, held):
        seg = (t >= a) & (t < b)
        ids, starts = hold[seg], t[seg]
        cut = np.flatnonzero(np.diff(ids)) + 1
        for lo, hi in zip(np.r_[0, cut], np.r_[cut, ids.size], strict=True):
            end = float(starts[hi]) if hi < ids.size else float(b)
            holders.append([float(starts[lo]), end, int(ids[lo])])

    return Custody(
        custody_fraction=fraction,
        longest_gap_s=longest,
        track_breaks=breaks,
        first_firm_track_t_s=first_firm,
        first_detected_t_s=first_det,
        timeline=CustodyTimeline(
            in_flight=intervals(t, fly),
            detected=intervals(t, det),
            held=intervals(t, held),
            lost=intervals(t, lost),
            sensors={k: intervals(t, v) for k, v in sensors.items()},
            holders=holders,
        ),
    )

