"""The per-sample tracker: one Monte Carlo sample at a time (the batched tracker's oracle).

`run_sequential` makes the same decisions as `tracking.scan.track_all`, which tracks every sample
at once; it is kept, small and direct, as the reference the batched tracker is tested against.
Per Monte Carlo sample, independently, detections are read as a stream in table order and grouped
into *scans* (detections within `scan_tolerance_s` of the scan's first one). Each scan:

1. grid times before the scan are written out (tracks predicted to each grid time);
2. tracks silent for longer than `delete_after_s` are deleted;
3. live tracks are predicted to the scan time and gated (`gating`: coarse, then exact χ²);
4. association platform by platform, GNN or JPDA (`association.plan`);
5. updates, one platform after another in time order, batched over tracks;
6. M-of-N confirmation and deletion, duplicate removal (`manage`);
7. new tracks from what no track took (`association.births`).

Bad input never stops a run: rows with an unknown kind or sensor, non-finite values or times
earlier than a previous scan (out-of-sequence) are skipped, numerical failures leave the track as
it was, and `TrackSet.problems` counts each kind. The tracker never reads `truth_id`.
"""

from __future__ import annotations

import collections
from collections.abc import Collection
from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hyperdef.measurement import batch as mb
from hyperdef.tracking import gating
from hyperdef.tracking.apply import SlotUpdates, apply_updates
from hyperdef.tracking.association.births import births
from hyperdef.tracking.association.plan import PairTable, Updates, plan_scan
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.faults import Faults
from hyperdef.tracking.filters.ops import FilterOps
from hyperdef.tracking.manage import CHUNK, TrackBook, combine
from hyperdef.tracking.stream import clean_sample
from hyperdef.tracking.trackset import FIRM, TrackSet, TrackSetBuilder, count_problems

#: (sample id, positional detection row, track id) of each detection a track used.
Assignment = tuple[int, int, int]
#: Grid estimates queued by `_Sample.emit_before`: (k, t_k, tids, statuses, slots, sizes, logw).
_Pending = tuple[int, float, list[int], list[int], list[int], list[int], NDArray[np.float64]]


def run_sequential(params: TrackerParams, detections: pd.DataFrame, *, t_grid_s: ArrayLike,
                   sample_ids: ArrayLike, sensors: Collection[str] | None = None) -> TrackSet:
    """Track the samples one by one (see `tracker.run_tracker` for the arguments)."""
    from hyperdef.tracking.tracker import filter_ops

    ops = filter_ops(params)
    sample_ids = np.atleast_1d(np.asarray(sample_ids, dtype=np.int64))
    t_grid_s = np.asarray(t_grid_s, dtype=float)
    problems: collections.Counter[str] = collections.Counter()
    faults = Faults(len(sample_ids))
    builder = TrackSetBuilder(t_grid_s, sample_ids)
    assignments: list[Assignment] = []
    pos = np.arange(len(detections))
    samples = np.asarray(detections["sample"], dtype=np.int64)
    unknown = ~np.isin(samples, sample_ids)
    if unknown.any():
        problems["unknown_sample"] += int(unknown.sum())
    for s, sid in enumerate(sample_ids):
        rows = pos[samples == sid]
        sub = detections.iloc[rows]
        _Sample(ops, params, sub, rows, s, int(sid), builder, problems, faults, assignments,
                sensors).run()
    return builder.build(state_dim=ops.dim, assignments=assignments,
                         problems=count_problems(problems, faults.totals()),
                         faults=faults.frame(sample_ids, params.max_tracks),
                         keep_unconfirmed=params.keep_unconfirmed)


PAIR_CHUNK = 256  # (track, detection) pairs per innovation call


class _Sample:
    """The scan loop of one sample (state shared by its steps)."""

    def __init__(self, ops: FilterOps, params: TrackerParams, df: pd.DataFrame,
                 rows: NDArray[np.int64], s: int, sid: int, builder: TrackSetBuilder,
                 problems: collections.Counter[str], faults: Faults,
                 assignments: list[Assignment], sensors: Collection[str] | None) -> None:
        self.ops, self.p, self.s, self.sid = ops, params, s, sid
        self.builder, self.faults, self.assignments = builder, faults, assignments
        self.stopped = False  # by a capacity overflow
        self.rows, self.b, self.sensor, plat = clean_sample(df, rows, params, sensors, problems)
        self.platform = pd.factorize(pd.Series(list(zip(self.sensor, plat, strict=True)),
                                               dtype=object))[0] if len(plat) else plat
        self.book = TrackBook(ops, params)
        self.packed = mb.pack(self.b)  # the rows as the kernels take them
        self.pending: list[_Pending] = []  # grid estimates queued by emit_before
        self.k_next = 0
        self.dof = np.asarray(mb.dof(self.b.kind)) if len(self.rows) else np.zeros(0, int)
        self.thr = gating.gate_threshold(params.gate_probability, self.dof)
        self.u = gating.measurement_rays(self.b.kind, self.b.z, self.b.r_obs_ecef_m,
                                         self.b.lat_obs_rad, self.b.lon_obs_rad)
        sig = self.b.sigma
        self.sig_ang = np.where(self.b.kind == mb.KIND_LOS, sig[:, 0],
                                np.maximum(sig[:, 1], sig[:, 2]))

    def run(self) -> None:
        t = cast(NDArray[np.float64], self.b.t_s)  # NumPy here; MeasBatch is typed for JAX
        start = 0
        while start < len(t) and not self.stopped:
            stop = start + int(np.searchsorted(t[start:], t[start] + self.p.scan_tolerance_s,
                                               side="right"))
            self.emit_before(t[start])
            self.scan(np.arange(start, stop))
            start = stop
        self.emit_before(np.inf)
        self.predict(np.zeros(0, dtype=np.int64), np.inf)

    # -- output ------------------------------------------------------------------------------
    def emit_before(self, t_s: float) -> None:
        """Queue the grid times before t_s: tracks and hypothesis weights as they are now.

        Their estimates are computed in the next kernel call (`predict`, usually the scan's gate),
        one call instead of two per scan; until then no slot changes (updates, pruning and new
        tracks come after the gate).
        """
        grid = self.builder.t_s
        while self.k_next < len(grid) and grid[self.k_next] < t_s:
            tk = grid[self.k_next]
            for tid in self.book.stale(tk):
                self.delete(tid)
            tids = [i for i, tr in self.book.tracks.items() if tr.born_t_s <= tk]
            if tids:
                self.pending.append((self.k_next, tk, tids,
                                     [self.book.tracks[t].status for t in tids],
                                     *self.book.members(tids)))
            self.k_next += 1

    def predict(self, slots: NDArray[np.int64], t_s: float
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None:
        """Slots predicted to t_s (states, x6, P6), and the queued grid estimates written out,
        all in one kernel call."""
        bank = self.book.bank
        want = [np.asarray(q[4], dtype=np.int64) for q in self.pending] + [slots]
        at = [np.full(len(q[4]), q[1]) for q in self.pending] + [np.full(len(slots), t_s)]
        every = np.concatenate(want)
        if len(every) == 0:
            return None
        dt = np.concatenate(at) - bank.t_s[every]
        pred, x6, P6 = gating.chunked(
            lambda sel: bank.k.predict_m6(bank.get(every[sel]), dt[sel]), len(every), CHUNK)
        off = 0
        for k, _, tids, status, members, sizes, logw in self.pending:
            xm, Pm = combine(x6[off:off + len(members)], P6[off:off + len(members)], sizes, logw)
            for n, tid in enumerate(tids):
                self.builder.add(self.s, tid, k, xm[n], Pm[n], status[n])
            off += len(members)
        self.pending = []
        return pred[off:], x6[off:], P6[off:]

    def fault(self, kind: str, slots: NDArray[np.int64], t_s: NDArray[np.float64]) -> None:
        """Numerical failures of this sample's slots (n,) at times t_s (`apply.FaultSink`)."""
        self.faults.add(kind, np.full(len(slots), self.s), t_s)

    def delete(self, tid: int) -> None:
        self.book.delete(tid)
        self.builder.end(self.s, tid, self.k_next)

    # -- one scan ----------------------------------------------------------------------------
    def scan(self, idx: NDArray[np.int64]) -> None:
        t0 = float(self.b.t_s[idx[0]])
        for tid in self.book.stale(t0):
            self.delete(tid)
        taken = np.zeros(len(idx), dtype=bool)
        hits: dict[int, set[str]] = {}
        self.shared: set[tuple[int, int]] = set()
        if self.book.tracks:
            pairs = self.gate(idx, t0)
            if pairs is not None:
                taken, hits = self.associate_update(idx, pairs)
        elif self.pending:
            self.predict(np.zeros(0, dtype=np.int64), t0)  # before new tracks reuse slots
        for tid in self.book.record_scan(hits, set(self.sensor[idx]), t0):
            self.delete(tid)
        self.initiate(idx[~taken])
        if len(self.book.tracks) > self.p.max_tracks:
            self.faults.overflow(np.asarray([self.s]), np.asarray([len(self.book.tracks)]),
                                 np.asarray([t0]))
            for tid in list(self.book.tracks):
                self.delete(tid)
            self.stopped = True
            return
        for tid in self.book.duplicates(t0, self.shared):
            self.delete(tid)

    def gate(self, idx: NDArray[np.int64], t0: float) -> PairTable | None:
        """Exact χ² gate on coarse-gated (slot, row) pairs; returns a per-pair table or None."""
        book = self.book
        tids = list(book.tracks)
        slots = np.asarray([s for t in tids for s in book.tracks[t].slots])
        slot_tid = np.asarray([t for t in tids for _ in book.tracks[t].slots])
        predicted = self.predict(slots, t0)
        assert predicted is not None  # live tracks have slots
        pred, x6, P6 = predicted
        sig = np.sqrt(np.clip(np.trace(P6[:, :3, :3], axis1=1, axis2=2), 0, None))
        finite = np.isfinite(x6).all(axis=1) & np.isfinite(sig)
        si, rj = gating.coarse_pairs(np.where(finite[:, None], x6[:, :3], 0.0),
                                     np.where(finite, sig, 0.0),
                                     cast(NDArray[np.float64], self.b.r_obs_ecef_m[idx]),
                                     self.u[idx], self.sig_ang[idx])
        keep = finite[si]
        si, rj = si[keep], rj[keep]
        if len(si) == 0:
            return None
        kern = book.bank.k.pair
        d2, logdet = gating.chunked(lambda sel: kern(pred[si[sel]], self.packed[idx[rj[sel]]]),
                                    len(si), PAIR_CHUNK)
        bad = ~np.isfinite(d2)
        if bad.any():
            self.fault("singular_innovation", si[bad], np.asarray(self.b.t_s)[idx[rj[bad]]])
        dof = self.dof[idx[rj]]
        return dict(slot=slots[si], tid=slot_tid[si], r=rj, d2=d2, logdet=logdet,
                    gated=~bad & (d2 < self.thr[idx[rj]]),
                    loglik=gating.log_likelihood(d2, logdet, dof))

    def associate_update(self, idx: NDArray[np.int64],
                         pr: PairTable) -> tuple[NDArray[np.bool_], dict[int, set[str]]]:
        """Per-platform association (`association.plan`), then the updates.

        returns: rows taken (n,) bool, hits {tid: sensors}; sets self.shared.
        """
        book = self.book
        taken, plan, self.shared, owner = plan_scan(
            pr, platform=self.platform[idx], t_s=cast(NDArray[np.float64], self.b.t_s[idx]),
            thr=self.thr[idx],
            dof=self.dof[idx], logw=book.bank.logw,
            is_firm=lambda t: book.tracks[t].status == FIRM, params=self.p)
        self.assignments.extend((self.sid, int(self.rows[idx[r]]), tid) for r, tid in owner)
        return taken, self.update(idx, plan, pr)

    def update(self, idx: NDArray[np.int64], plan: Updates, pr: PairTable) -> dict[int, set[str]]:
        """Apply the planned updates in rounds (one platform per track per round).

        The bookkeeping (hypothesis weights, hits, assignments) runs round by round; the filter
        updates wait until every round is known, as none of it reads an updated state (weights
        come from the gate's likelihoods), and `apply.apply_updates` runs all of them at once.
        """
        book, bank = self.book, self.book.bank
        hits: dict[int, set[str]] = {}
        for tid in plan:
            plan[tid].sort(key=lambda e: e[0])
        seq: dict[int, SlotUpdates] = {}  # slot -> [(rows of self.b, betas)] in round order
        rnd = 0
        while True:
            todo = [(tid, plan[tid][rnd]) for tid in plan if len(plan[tid]) > rnd]
            if not todo:
                break
            rnd += 1
            for tid, (_, rr, beta) in todo:
                tr = book.tracks[tid]
                if len(tr.slots) > 1:
                    m = (pr["tid"] == tid) & (pr["r"] == rr[int(np.argmax(beta[1:]))
                                                            if beta is not None else 0])
                    ll = np.full(len(tr.slots), -np.inf)
                    pos = {s: n for n, s in enumerate(tr.slots)}
                    for s_, l_ in zip(pr["slot"][m], pr["loglik"][m], strict=True):
                        if s_ in pos:  # slots pruned in an earlier round are gone
                            ll[pos[s_]] = l_
                    book.reweight(tid, ll)
                for s_ in tr.slots:
                    seq.setdefault(s_, []).append((idx[rr], beta))
                tr.updates += 1
                # a weighted (JPDA) update is a hit when the track was more likely than not
                # detected: 1 − β₀ ≥ ½
                if beta is None or beta[0] <= 0.5:
                    hits.setdefault(tid, set()).update(self.sensor[idx[rr]])
                if beta is None:
                    self.assignments.append((self.sid, int(self.rows[idx[rr[0]]]), tid))
        # A slot's entries are rounds 0, 1, … (pruned slots drop out, none joins later).
        apply_updates(bank, self.packed, cast(NDArray[np.float64], self.b.t_s), seq, self.fault)
        return hits

    # -- initiation --------------------------------------------------------------------------
    def initiate(self, free: NDArray[np.int64]) -> None:
        for x6, P6, members, logw in births(self.b, free, self.platform, self.p):
            self.start(x6, P6, members, logw)

    def start(self, x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
              members: list[int], logw: NDArray[np.float64] | None = None) -> None:
        if not (np.isfinite(x6).all() and np.isfinite(P6).all()):
            self.fault("non_finite_track", np.zeros(1, dtype=np.int64),
                       np.asarray([self.b.t_s[members[0]]]))
            return
        t = float(self.b.t_s[members[0]])
        tid = self.book.new_track(x6, P6, t, self.sensor[members[0]], logw)
        self.book.tracks[tid].sensors |= set(self.sensor[members])
        for i in members:
            self.assignments.append((self.sid, int(self.rows[i]), tid))
