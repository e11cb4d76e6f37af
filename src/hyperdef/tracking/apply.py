"""A scan's planned filter updates applied to the slot bank: plain (GNN) and weighted (JPDA).

Within a scan a track is updated once per platform that saw it, platform after platform
(`association.plan`), each update predicting from the slot's time after the previous one. A slot
with plain updates only gets all of them in one kernel call (`predict_update_rounds`, the rounds
loop inside XLA): most scans see a target from several platforms, and a call per round cost more
in dispatch than the arithmetic. Slots with weighted updates go round by round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from hyperdef.status import Status
from hyperdef.tracking.association.plan import PairTable, Plan
from hyperdef.tracking.gating import bucket, chunked
from hyperdef.tracking.kernels import Kernels
from hyperdef.tracking.manage import CHUNK
from hyperdef.tracking.scanstate import State
from hyperdef.tracking.table import Slots

#: A slot's updates in round order: (rows, betas), betas None for a plain update.
SlotUpdates = list[tuple[NDArray[np.int64], NDArray[np.float64] | None]]
#: hit (R,) bool and hit sensors (R, n_sensors) bool per track row (`apply_plan`).
Hits = tuple[NDArray[np.bool_], NDArray[np.bool_]]
#: Where failed updates are counted: (kind, slots (n,), update times (n,) [s]) — the batched
#: tracker attributes them to the slots' samples (`scanstate.State.slot_fault`).
FaultSink = Callable[[str, NDArray[np.int64], NDArray[np.float64]], None]


class SlotStore(Protocol):
    """The slot bank updates apply to (`manage.SlotBank`, `table.Slots`): jitted kernels k,
    slot times t_s (C,) [s], flat states read by `get` and written by `put`, and the least
    padded batch of their kernel calls (`gating.chunked`)."""

    @property
    def k(self) -> Kernels: ...

    @property
    def t_s(self) -> NDArray[np.float64]: ...

    @property
    def smallest(self) -> int: ...

    def get(self, idx: NDArray[np.int64]) -> NDArray[np.float64]: ...

    def put(self, idx: NDArray[np.int64], states: NDArray[np.float64]) -> None: ...


def apply_updates(bank: SlotStore, packed: NDArray[np.float64], t_s: NDArray[np.float64],
                  seq: dict[int, SlotUpdates], fault: FaultSink) -> None:
    """Apply a scan's updates to their slots.

    bank: SlotStore; packed: (N, 18) the sample's rows (`measurement.batch.pack`); t_s: (N,) their
    times [s]; seq: {slot: [(rows, betas)]} in round order — rows an int array into packed, betas
    None for a plain update (one row) or (len(rows)+1,) association probabilities; fault: where
    failed updates are counted (the slot keeps its state). Updates slots and their times in place.
    """
    plain = {s: [rows[0] for rows, _ in e] for s, e in seq.items()
             if all(beta is None for _, beta in e)}
    if plain:
        _rounds(bank, packed, t_s, plain, fault)
    other = {s: e for s, e in seq.items() if s not in plain}
    for r in range(max((len(e) for e in other.values()), default=0)):
        now = [(s, e[r]) for s, e in other.items() if len(e) > r]
        _round(bank, packed, t_s, np.asarray([s for s, _ in now]), [x[0] for _, x in now],
               [x[1] for _, x in now], fault)


def _count(status: NDArray[np.int32], slots: NDArray[np.int64], t_s: NDArray[np.float64],
           fault: FaultSink) -> None:
    for kind, code in (("update_singular", Status.SINGULAR),
                       ("update_non_finite", Status.NON_FINITE)):
        failed = status == code
        if failed.any():
            fault(kind, slots[failed], t_s[failed])


def _rounds(bank: SlotStore, packed: NDArray[np.float64], t_s: NDArray[np.float64],
            seq: dict[int, list[NDArray[np.int64]]], fault: FaultSink) -> None:
    """Plain updates, every round of every slot in one kernel call (per CHUNK slots).

    seq: {slot: rows in update order}; rounds padded to a bucketed width, the pads masked.
    """
    slots = np.fromiter(seq, dtype=np.int64, count=len(seq))
    n = np.asarray([len(v) for v in seq.values()])
    ri = np.zeros((len(slots), bucket(int(n.max()), 4)), dtype=np.int64)
    for i, v in enumerate(seq.values()):
        ri[i, : len(v)] = v
    plain_rounds(bank, packed, t_s, slots, ri, n, fault, CHUNK)


def plain_rounds(bank: SlotStore, packed: NDArray[np.float64], t_s: NDArray[np.float64],
                 slots: NDArray[np.int64], ri: NDArray[np.int64], n: NDArray[np.int64],
                 fault: FaultSink, chunk: int) -> None:
    """Plain updates of slots (M,) with rows ri (M, W) (rounds r < n (M,) used, in order)."""
    width = ri.shape[1]
    valid = np.arange(width) < n[:, None]
    t = t_s[ri]
    prev = np.concatenate([bank.t_s[slots][:, None], t[:, :-1]], axis=1)
    dt = np.where(valid, t - prev, 0.0)
    new, status = chunked(
        lambda sel: bank.k.predict_update_rounds(bank.get(slots[sel]), dt[sel], packed[ri[sel]],
                                                    valid[sel], np.int32(n[sel].max())),
        len(slots), chunk, bank.smallest)
    _count(status[valid], np.broadcast_to(slots[:, None], valid.shape)[valid], t[valid], fault)
    bank.put(slots, new)
    bank.t_s[slots] = t[np.arange(len(slots)), n - 1]


def _round(bank: SlotStore, packed: NDArray[np.float64], t_s: NDArray[np.float64],
           slots: NDArray[np.int64], rws: list[NDArray[np.int64]],
           betas: list[NDArray[np.float64] | None], fault: FaultSink) -> None:
    """One round: predict-and-update slots with their rows, plain or weighted."""
    k = bank.k
    t_row = t_s[[r[0] for r in rws]]
    dt = t_row - bank.t_s[slots]
    plain = np.asarray([b is None for b in betas])
    if plain.any():
        sl, d = slots[plain], dt[plain]
        ri = np.asarray([r[0] for r, p in zip(rws, plain, strict=True) if p])
        new, _, status = chunked(
            lambda sel: k.predict_update(bank.get(sl[sel]), d[sel], packed[ri[sel]]),
            len(sl), CHUNK, bank.smallest)
        _count(status, sl, t_row[plain], fault)
        bank.put(sl, new)
    if not plain.all():
        sl, d = slots[~plain], dt[~plain]
        rw = [r for r, p in zip(rws, plain, strict=True) if not p]
        bw = [b for b in betas if b is not None]
        width = bucket(max(len(r) for r in rw), 4)
        ridx = np.asarray([np.resize(r, width) for r in rw])
        bet = np.zeros((len(sl), width + 1))
        for i, b in enumerate(bw):
            bet[i, : len(b)] = b
        weighted = k.predict_update_weighted
        assert weighted is not None  # weighted updates are planned for filters that have one
        new = chunked(
            lambda sel: weighted(bank.get(sl[sel]), d[sel], packed[ridx[sel]], bet[sel]),
            len(sl), CHUNK, bank.smallest)
        bank.put(sl, new)
    bank.t_s[slots] = t_row


BATCH_CHUNK = 1024  # slots per update call in the batched tracker


def _reweight(sl: Slots, slots: NDArray[np.int64], loglik: NDArray[np.float64],
              prune: float) -> NDArray[np.int64]:
    """Add per-slot log-likelihoods to a multi-hypothesis track; the slots that stay."""
    lw = sl.logw[slots] + np.asarray(loglik)
    lw = np.where(np.isfinite(lw), lw, -np.inf)
    if not np.isfinite(lw).any():
        return slots
    lw -= np.max(lw) + np.log(np.sum(np.exp(lw - np.max(lw))))
    sl.logw[slots] = lw
    keep = np.exp(lw) >= prune
    sl.release(slots[~keep])
    return slots[keep]


def apply_plan(st: State, plan: Plan, pairs: PairTable | None) -> Hits:
    """Apply a batched scan's plan (`association.plan.Plan`) to the tracker state `st`.

    Per track the updates run in time order (platform order for equal times); a
    range-parameterised track reweights and prunes its hypotheses before each (likelihoods from
    the gate, so no update waits for another). Plain updates of every slot go in one kernel call
    (`plain_rounds`), JPDA's weighted ones round by round (`apply_updates`).
    returns: hit (R,) bool and hit sensors (R, n_sensors) per track row.
    """
    tr, sl, sm = st.tracks, st.slots, st.stream
    hit = np.zeros(len(tr.alive), dtype=bool)
    hit_sensors = np.zeros_like(tr.sensors)
    if len(plan.track) == 0:
        return hit, hit_sensors
    assert pairs is not None  # planned updates come from gated pairs (`plan_batch`)
    order = np.lexsort((plan.platform, plan.t, plan.track))
    g, row, wi = plan.track[order], plan.row[order], plan.weighted_index[order]
    first = np.r_[True, g[1:] != g[:-1]]
    rnd = np.arange(len(g)) - np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    np.add.at(tr.updates, g, 1)
    plain = wi < 0
    # a weighted (JPDA) update is a hit when the track was more likely than not detected
    is_hit = plain.copy()
    is_hit[~plain] = [plan.weighted[i][1][0] <= 0.5 for i in wi[~plain]]
    hit[g[is_hit]] = True
    hit_sensors[g[plain], sm.sensor[row[plain]]] = True
    for e in np.flatnonzero(~plain & is_hit):
        hit_sensors[g[e], sm.sensor[plan.weighted[wi[e]][0]]] = True
    st.out.assign(tr.sample[g[plain]], sm.rows[row[plain]], tr.tid[g[plain]])
    if plan.owner:  # rows a JPDA track took as its own (most likely association)
        o_row, o_g = np.asarray(plan.owner, dtype=np.int64).T
        st.out.assign(tr.sample[o_g], sm.rows[o_row], tr.tid[o_g])
    # slot of every single-slot track; multi-slot tracks take their hypotheses' path below
    live = np.flatnonzero(sl.track >= 0)
    nslots = np.bincount(sl.track[live], minlength=len(tr.alive))
    one = nslots[g] == 1
    slot_of = np.full(len(tr.alive), -1, dtype=np.int64)
    single = live[nslots[sl.track[live]] == 1]
    slot_of[sl.track[single]] = single
    slot_parts, idx_parts = [slot_of[g[one]]], [np.flatnonzero(one)]
    for t in np.unique(g[~one]):
        slots = sl.of_tracks(np.asarray([t]))
        for e in np.flatnonzero(g == t):
            if len(slots) > 1:
                best = row[e] if plain[e] else plan.weighted[wi[e]][0][
                    int(np.argmax(plan.weighted[wi[e]][1][1:]))]
                m = (pairs["tid"] == t) & (pairs["r"] == best)
                ll = np.full(len(slots), -np.inf)
                pos = {s_: n for n, s_ in enumerate(slots)}
                for s_, l_ in zip(pairs["slot"][m], pairs["loglik"][m], strict=True):
                    if s_ in pos:
                        ll[pos[s_]] = l_
                slots = _reweight(sl, slots, ll, st.params.hypothesis_prune)
            slot_parts.append(slots)
            idx_parts.append(np.full(len(slots), e))
    e_slot, e_idx = np.concatenate(slot_parts), np.concatenate(idx_parts)
    # (slot, update) in round order; slots pruned after an update of theirs are gone already
    keep = sl.track[e_slot] >= 0
    e_slot, e_idx = e_slot[keep], e_idx[keep]
    weighted_slot = np.isin(e_slot, e_slot[~plain[e_idx]])
    _plain_batch(st, e_slot[~weighted_slot], e_idx[~weighted_slot], row, rnd)
    seq: dict[int, SlotUpdates] = {}
    for s_, e in zip(e_slot[weighted_slot], e_idx[weighted_slot], strict=True):
        rows, beta = (np.asarray([row[e]]), None) if plain[e] else plan.weighted[wi[e]]
        seq.setdefault(int(s_), []).append((rows, beta))
    if seq:
        apply_updates(sl, sm.packed, sm.t_s, seq, st.slot_fault)
    return hit, hit_sensors


def _plain_batch(st: State, slot: NDArray[np.int64], e: NDArray[np.int64], row: NDArray[np.int64],
                 rnd: NDArray[np.int64]) -> None:
    """Plain updates (slot, update e) pairs, rounds rnd[e], rows row[e], in one call."""
    if len(slot) == 0:
        return
    order = np.lexsort((rnd[e], slot))
    slot, e = slot[order], e[order]
    first = np.r_[True, slot[1:] != slot[:-1]]
    start = np.flatnonzero(first)
    n = np.diff(np.r_[start, len(slot)])
    col = np.arange(len(slot)) - np.repeat(start, n)
    ri = np.zeros((len(start), bucket(int(n.max()), 4)), dtype=np.int64)
    ri[np.repeat(np.arange(len(start)), n), col] = row[e]
    plain_rounds(st.slots, st.stream.packed, st.stream.t_s, slot[start], ri, n, st.slot_fault,
                 BATCH_CHUNK)
