"""A scan's planned filter updates applied to the slot bank: plain (GNN) and weighted (JPDA).

Within a scan a track is updated once per platform that saw it, platform after platform
(`association.plan`), each update predicting from the slot's time after the previous one. A slot
with plain updates only gets all of them in one kernel call (`predict_update_rounds`, the rounds
loop inside XLA): most scans see a target from several platforms, and a call per round cost more
in dispatch than the arithmetic. Slots with weighted updates go round by round.
"""

from __future__ import annotations

import numpy as np

from hyperdef.status import Status
from hyperdef.tracking.gating import bucket, chunked
from hyperdef.tracking.manage import CHUNK


def apply_updates(bank, packed, t_s, seq, problems):
    """Apply a scan's updates to their slots.

    bank: SlotBank; packed: (N, 18) the sample's rows (`measurement.batch.pack`); t_s: (N,) their
    times [s]; seq: {slot: [(rows, betas)]} in round order — rows an int array into packed, betas
    None for a plain update (one row) or (len(rows)+1,) association probabilities; problems:
    Counter of failed updates. Updates slots, their times, and problems in place.
    """
    plain = {s: [rows[0] for rows, _ in e] for s, e in seq.items()
             if all(beta is None for _, beta in e)}
    if plain:
        _rounds(bank, packed, t_s, plain, problems)
    other = {s: e for s, e in seq.items() if s not in plain}
    for r in range(max((len(e) for e in other.values()), default=0)):
        now = [(s, e[r]) for s, e in other.items() if len(e) > r]
        _round(bank, packed, t_s, np.asarray([s for s, _ in now]), [x[0] for _, x in now],
               [x[1] for _, x in now], problems)


def _count(status, problems):
    problems["update_singular"] += int((status == Status.SINGULAR).sum())
    problems["update_non_finite"] += int((status == Status.NON_FINITE).sum())


def _rounds(bank, packed, t_s, seq, problems):
    """Plain updates, every round of every slot in one kernel call (per CHUNK slots).

    seq: {slot: rows in update order}; rounds padded to a bucketed width, the pads masked.
    """
    slots = np.fromiter(seq, dtype=np.int64, count=len(seq))
    n = np.asarray([len(v) for v in seq.values()])
    width = bucket(int(n.max()), 4)
    ri = np.zeros((len(slots), width), dtype=np.int64)
    for i, v in enumerate(seq.values()):
        ri[i, : len(v)] = v
    valid = np.arange(width) < n[:, None]
    t = t_s[ri]
    prev = np.concatenate([bank.t_s[slots][:, None], t[:, :-1]], axis=1)
    dt = np.where(valid, t - prev, 0.0)
    new, status = chunked(
        lambda sel: bank.k["predict_update_rounds"](bank.get(slots[sel]), dt[sel], packed[ri[sel]],
                                                    valid[sel], np.int32(n[sel].max())),
        len(slots), CHUNK)
    _count(status[valid], problems)
    bank.put(slots, new)
    bank.t_s[slots] = t[np.arange(len(slots)), n - 1]


def _round(bank, packed, t_s, slots, rws, betas, problems):
    """One round: predict-and-update slots with their rows, plain or weighted."""
    k = bank.k
    t_row = t_s[[r[0] for r in rws]]
    dt = t_row - bank.t_s[slots]
    plain = np.asarray([b is None for b in betas])
    if plain.any():
        sl, d = slots[plain], dt[plain]
        ri = np.asarray([r[0] for r, p in zip(rws, plain, strict=True) if p])
        new, _, status = chunked(
            lambda sel: k["predict_update"](bank.get(sl[sel]), d[sel], packed[ri[sel]]),
            len(sl), CHUNK)
        _count(status, problems)
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
        new = chunked(
            lambda sel: k["predict_update_weighted"](bank.get(sl[sel]), d[sel],
                                                     packed[ridx[sel]], bet[sel]),
            len(sl), CHUNK)
        bank.put(sl, new)
    bank.t_s[slots] = t_row
