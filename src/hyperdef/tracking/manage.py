"""Track management: filter states in slots, M-of-N confirmation, deletion, duplicates.

A *track* has a stable integer id and one or more *slots*, each a filter state (the pytree of
`FilterOps`). Most tracks have one slot; a range-parameterised track started from a single line
of sight has one slot per range hypothesis (Peach 1995, IEE Proc. Radar Sonar Navig. 142(2)):
every slot is updated with the track's measurements, slot weights follow the measurement
likelihood, and slots whose weight falls below `hypothesis_prune` are dropped. The track's estimate
is the moment-matched mixture of its slots.

Confirmation and deletion (Blackman & Popoli 1999, §6.2): every *scan* that counts for a track is a
hit or a miss. A scan counts when it holds detections of a sensor that has already updated the
track — a sensor that never saw a target says nothing about it. A tentative track becomes firm
after M hits among its first N counted scans (its initiating detection is the first hit) and is
deleted as soon as that is out of reach (a range-parameterised track must also have settled on
one range hypothesis to become firm: until then its position is not observed); a firm track is
deleted after `delete_after_misses` consecutive misses (a tentative one too), or after
`delete_after_s` without an update.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2

from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.filters.ops import FilterOps
from hyperdef.tracking.gating import chunked
from hyperdef.tracking.kernels import kernels
from hyperdef.tracking.trackset import FIRM, TENTATIVE

#: Largest batch sizes of the jitted kernels (a few compilations each; see gating.chunked).
CHUNK = 64
INIT_CHUNK = 16
#: Consecutive scans of shared evidence that make two tracks duplicates (see `duplicates`).
SHARED_SCANS = 3


@dataclasses.dataclass
class Track:
    """Bookkeeping of one live track (filter states live in the SlotBank)."""

    id: int
    slots: list[int]
    status: int
    born_t_s: float
    last_update_t_s: float
    events: list[bool]
    misses: int = 0
    updates: int = 1
    sensors: set[str] = dataclasses.field(default_factory=set)


class SlotBank:
    """Filter states of all slots, one flat row each (`kernels.StateLayout`), in growable NumPy
    arrays."""

    smallest = 1  # least padded kernel batch: a sample's scans mostly update one or two tracks

    def __init__(self, ops: FilterOps, capacity: int = 64) -> None:
        self.ops = ops
        self.k = kernels(ops)
        self.data = np.zeros((capacity, self.k.layout.width))
        self.t_s = np.zeros(capacity)
        self.logw = np.zeros(capacity)
        self.free = list(range(capacity - 1, -1, -1))

    def _grow(self) -> None:
        cap = len(self.t_s)
        self.data = np.concatenate([self.data, np.zeros_like(self.data)])
        self.t_s = np.concatenate([self.t_s, np.zeros(cap)])
        self.logw = np.concatenate([self.logw, np.zeros(cap)])
        self.free.extend(range(2 * cap - 1, cap - 1, -1))

    def add(self, x6: NDArray[np.float64], P6: NDArray[np.float64], t_s: float,  # noqa: N803
            logw: NDArray[np.float64] | None = None) -> list[int]:
        """New slots initialised from (H,6)/(H,6,6) ECEF position/velocity means/covariances."""
        h = len(x6)
        while len(self.free) < h:
            self._grow()
        idx = [self.free.pop() for _ in range(h)]
        x6, P6 = np.asarray(x6, dtype=float), np.asarray(P6, dtype=float)
        states = chunked(lambda sel: self.k.init(x6[sel], P6[sel]), h, INIT_CHUNK)
        self.put(idx, states)
        self.t_s[idx] = t_s
        self.logw[idx] = np.zeros(h) if logw is None else logw
        return idx

    def release(self, idx: Iterable[int]) -> None:
        self.free.extend(idx)

    def get(self, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        """Flat states in slots idx (an int array): (len(idx), width) NumPy.

        NumPy, not jnp.asarray: a jitted kernel takes NumPy arguments in its C++ dispatch path,
        while each jnp.asarray is a separate Python-level device transfer.
        """
        return self.data[idx]

    def put(self, idx: ArrayLike, states: NDArray[np.float64]) -> None:
        """Store len(idx) flat states into slots idx."""
        self.data[np.asarray(idx, dtype=np.int64)] = states

    def mean6(self, idx: ArrayLike, t_s: float | NDArray[np.float64]
              ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Slot estimates predicted to t_s (scalar or (n,)): x6 (n,6), P6 (n,6,6) NumPy."""
        idx = np.asarray(idx, dtype=np.int64)
        dt = np.broadcast_to(t_s - self.t_s[idx], idx.shape)
        kern = self.k.predict_mean6
        return chunked(lambda sel: kern(self.get(idx[sel]), dt[sel]), len(idx), CHUNK)


def mixture(x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
            logw: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Moment-matched Gaussian of weighted components: (H,6),(H,6,6),(H,) -> (6,),(6,6)."""
    w = np.exp(logw - np.max(logw))
    w /= w.sum()
    x = w @ x6
    d = x6 - x
    P = np.einsum("h,hij->ij", w, P6) + np.einsum("h,hi,hj->ij", w, d, d)
    return x, 0.5 * (P + P.T)


def combine(x6: NDArray[np.float64], P6: NDArray[np.float64], sizes: Sequence[int],  # noqa: N803
            logw: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-track estimates from slot estimates: a track of one slot is that slot, one of several
    the `mixture` of its slots. x6 (n,6), P6 (n,6,6), logw (n,) over the slots of tracks with
    `sizes` slots each, in order -> (len(sizes),6), (len(sizes),6,6)."""
    out_x, out_P, k = [], [], 0
    for h in sizes:
        if h == 1:
            out_x.append(x6[k])
            out_P.append(P6[k])
        else:
            xm, Pm = mixture(x6[k:k + h], P6[k:k + h], logw[k:k + h])
            out_x.append(xm)
            out_P.append(Pm)
        k += h
    return np.asarray(out_x), np.asarray(out_P)


class TrackBook:
    """Live tracks of one sample: creation, hit/miss logic, deletion, duplicate removal."""

    def __init__(self, ops: FilterOps, params: TrackerParams) -> None:
        self.bank = SlotBank(ops)
        self.p = params
        self.tracks: dict[int, Track] = {}
        self.next_id = 0
        self.dup_gate = chi2.ppf(params.duplicate_probability, 3)
        self.shared_streak: dict[tuple[int, int], int] = {}

    def new_track(self, x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
                  t_s: float, sensor: str, logw: NDArray[np.float64] | None = None) -> int:
        tid = self.next_id
        self.next_id += 1
        slots = self.bank.add(x6, P6, t_s, logw)
        self.tracks[tid] = Track(tid, slots, TENTATIVE, t_s, t_s, [True], sensors={sensor})
        return tid

    def estimate(self, tids: Sequence[int],
                 t_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Mixture estimates of tracks predicted to t_s: x6 (n,6), P6 (n,6,6)."""
        slots, sizes, logw = self.members(tids)
        if not slots:
            return np.zeros((0, 6)), np.zeros((0, 6, 6))
        x6, P6 = self.bank.mean6(slots, t_s)
        return combine(x6, P6, sizes, logw)

    def members(self, tids: Sequence[int]) -> tuple[list[int], list[int], NDArray[np.float64]]:
        """Slots of tracks tids (flat list), each track's slot count, and the slots' log-weights
        (a copy: what `combine` needs later, even after the tracks change)."""
        slots = [s for t in tids for s in self.tracks[t].slots]
        return slots, [len(self.tracks[t].slots) for t in tids], self.bank.logw[slots]

    def record_scan(self, hit_sensors: dict[int, set[str]], scan_sensors: set[str],
                    t_s: float) -> list[int]:
        """Hit/miss bookkeeping after a scan; returns the ids deleted by the M-of-N rules."""
        gone: list[int] = []
        for tid, tr in list(self.tracks.items()):
            hit = hit_sensors.get(tid, set())
            if not hit and not (tr.sensors & scan_sensors):
                continue  # the scan came from sensors that never saw this track
            tr.sensors |= hit
            if hit:
                tr.misses = 0
                tr.last_update_t_s = t_s
            else:
                tr.misses += 1
            tr.events.append(bool(hit))
            if tr.misses >= self.p.delete_after_misses:
                gone.append(tid)
            elif tr.status == TENTATIVE:
                first = tr.events[: self.p.confirm_n]
                if sum(first) >= self.p.confirm_m and len(tr.slots) == 1:
                    tr.status = FIRM
                elif len(first) - sum(first) > self.p.confirm_n - self.p.confirm_m:
                    gone.append(tid)
        return gone

    def stale(self, t_s: float) -> list[int]:
        """Ids of tracks not updated for longer than delete_after_s."""
        if self.p.delete_after_s is None:
            return []
        return [i for i, tr in self.tracks.items()
                if t_s - tr.last_update_t_s > self.p.delete_after_s]

    def delete(self, tid: int) -> None:
        tr = self.tracks.pop(tid)
        self.bank.release(tr.slots)

    def reweight(self, tid: int, loglik: NDArray[np.float64]) -> None:
        """Add per-slot log-likelihoods to a multi-hypothesis track, prune light hypotheses."""
        tr = self.tracks[tid]
        lw = self.bank.logw[tr.slots] + np.asarray(loglik)
        lw = np.where(np.isfinite(lw), lw, -np.inf)
        if not np.isfinite(lw).any():
            return
        lw -= np.max(lw) + np.log(np.sum(np.exp(lw - np.max(lw))))
        self.bank.logw[tr.slots] = lw
        keep = np.exp(lw) >= self.p.hypothesis_prune
        if not keep.all():
            self.bank.release([s for s, k in zip(tr.slots, keep, strict=True) if not k])
            tr.slots = [s for s, k in zip(tr.slots, keep, strict=True) if k]

    def duplicates(self, t_s: float, shared: Iterable[tuple[int, int]] = ()) -> list[int]:
        """Ids of tracks that duplicate an older (or firmer) track at t_s.

        Two tracks are one object tracked twice when either
        * both have ≥ 3 updates and their positions agree within the χ²(3) quantile of
          `duplicate_probability` under P_a + P_b, or
        * they *share evidence*: in SHARED_SCANS consecutive scans, on ≥ 2 platforms each, both
          gated the one and only detection that platform had for either of them (`shared`: the
          pairs that did so this scan). One object seen once per platform looks like that; two
          objects would give two detections per platform unless both are missed — this catches
          a duplicate whose estimate drifted off (an inconsistent one fails the χ² test).
        The tentative, or else the younger, one goes. Broken (non-finite) tracks are returned.
        """
        streak: dict[tuple[int, int], int] = {}
        for pair in shared:
            streak[pair] = self.shared_streak.get(pair, 0) + 1
        self.shared_streak = streak
        gone: set[int] = set()
        for a, b in (p for p, n in streak.items() if n >= SHARED_SCANS):
            if a in self.tracks and b in self.tracks and not gone & {a, b}:
                gone.add(self._loser(a, b))
        tids = [i for i, tr in self.tracks.items() if tr.updates >= 3 and i not in gone]
        if len(tids) < 2:
            return sorted(gone)
        x6, P6 = self.estimate(tids, t_s)
        # (n,) bool: NumPy types all(axis=…) as maybe a scalar
        bad = cast(NDArray[np.bool_],
                   ~np.isfinite(x6).all(axis=1) | ~np.isfinite(P6).all(axis=(1, 2)))
        gone |= {tids[i] for i in np.flatnonzero(bad)}
        d = x6[:, None, :3] - x6[None, :, :3]
        S = P6[:, None, :3, :3] + P6[None, :, :3, :3]
        with np.errstate(invalid="ignore"):
            good = ~bad[:, None] & ~bad[None, :]
            Sg = np.where(good[..., None, None], S, np.eye(3))
            q = np.einsum("abi,abi->ab", d, np.linalg.solve(Sg, d[..., None])[..., 0])
        pa, pb = np.nonzero(np.triu(good & (q < self.dup_gate), 1))
        for i, j in zip(pa, pb, strict=True):
            if tids[i] not in gone and tids[j] not in gone:
                gone.add(self._loser(tids[i], tids[j]))
        return sorted(gone)

    def _loser(self, a: int, b: int) -> int:
        """Of two duplicate tracks, the one to delete: keep the firm one, then the older."""
        ta, tb = self.tracks[a], self.tracks[b]
        return b if (ta.status, -ta.id) >= (tb.status, -tb.id) else a
