"""One scan's association plan: which detections update which tracks, platform by platform.

A platform sees each object at most once per scan, so each platform's detections form one
assignment problem, all solved from the same prediction; a track may take one detection from
every platform (centralised measurement fusion, the updates then applied platform after platform).

* GNN (`gnn.gnn_assign`, cost d², miss and new costs half the χ² gate): firm tracks are served
  first and tentative ones from what is left, so a young track's wide gate cannot steal a
  detection from an established track.
* JPDA (`jpda.jpda_betas`): the firm tracks' clusters are weighed; tentative tracks, whose wide
  gates would keep clutter-fed tracks alive, are confirmed or dropped by GNN on the rows no firm
  track gated (Blackman & Popoli 1999, §6.2).
* Shared evidence (for duplicate removal, `manage.TrackBook.duplicates`): two tracks that gate
  one and the same detection, and nothing else, on ≥ 2 platforms of the scan.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

import numpy as np
from numpy.typing import NDArray

from hyperdef.tracking.association.gnn import gnn_assign
from hyperdef.tracking.association.jpda import jpda_betas
from hyperdef.tracking.gating import gate_volume

if TYPE_CHECKING:
    from hyperdef.tracking.config import TrackerParams
    from hyperdef.tracking.stream import Stream


class PairTable(TypedDict):
    """The gate's (slot, scan row) pairs, (P,) each: slot, tid (owner track), r (scan row), d2
    and logdet (d² and ln det S, NaN for a singular S), gated (d² inside the gate), loglik."""

    slot: NDArray[np.int64]
    tid: NDArray[np.int64]
    r: NDArray[np.int64]
    d2: NDArray[np.float64]
    logdet: NDArray[np.float64]
    gated: NDArray[np.bool_]
    loglik: NDArray[np.float64]


#: Per (track, row) columns "d2", "logdet", "ll" (`track_table`; (tracks, rows) in `plan_group`).
Columns = dict[str, NDArray[np.float64]]
#: One planned update of a track: (time [s], rows, betas), betas None for a plain update.
Update = tuple[float, list[int], NDArray[np.float64] | None]
#: Planned updates per track, in the order planned.
Updates = collections.defaultdict[int, list[Update]]
#: A track's firmness, by track.
IsFirm = Callable[[int], bool]


def track_table(pairs: PairTable, n_rows: int, logw: NDArray[np.float64]
                ) -> tuple[NDArray[np.int64], NDArray[np.int64], Columns]:
    """Per (track, row): best slot d² and ln det S, and the slots' mixture log-likelihood.

    pairs: dict of (P,) arrays slot, tid, r (scan row), d2, logdet, gated, loglik; logw: slot
    log-weights (one slot per track except for range-parameterised tracks).
    returns: (tid (Q,), r (Q,), {"d2", "logdet", "ll"}: (Q,)) over gated (track, row) pairs.
    """
    key, inv = np.unique(pairs["tid"] * n_rows + pairs["r"], return_inverse=True)
    agg = {"d2": np.full(len(key), np.inf), "logdet": np.full(len(key), np.inf),
           "ll": np.full(len(key), -np.inf)}
    np.minimum.at(agg["d2"], inv, np.where(pairs["gated"], pairs["d2"], np.inf))
    np.minimum.at(agg["logdet"], inv, np.where(pairs["gated"], pairs["logdet"], np.inf))
    ll = np.where(np.isfinite(pairs["loglik"]), pairs["loglik"] + logw[pairs["slot"]], -np.inf)
    np.logaddexp.at(agg["ll"], inv, ll)
    ok = np.isfinite(agg["d2"])
    key = key[ok]
    return key // n_rows, key % n_rows, {c: v[ok] for c, v in agg.items()}


def plan_scan(pairs: PairTable, *, platform: NDArray[np.int64], t_s: NDArray[np.float64],
              thr: NDArray[np.float64], dof: NDArray[np.int64], logw: NDArray[np.float64],
              is_firm: IsFirm, params: TrackerParams
              ) -> tuple[NDArray[np.bool_], Updates, set[tuple[int, int]], list[tuple[int, int]]]:
    """Association plan of one scan.

    pairs: the gate's pair table (see `track_table`); platform, t_s, thr, dof: (n,) per scan
    row — platform code, time [s], χ² gate, innovation dof; logw: slot log-weights; is_firm:
    tid -> bool; params: TrackerParams.
    returns: taken (n,) bool rows used (not for initiation), plan {tid: [(t, rows, betas)]}
    (betas None for a plain update), shared {(tid, tid)}, jpda_owner [(row, tid)] (rows that a
    track produced with probability > ½, for purity scoring).
    """
    n = len(platform)
    taken = np.zeros(n, dtype=bool)
    plan: Updates = collections.defaultdict(list)
    owner: list[tuple[int, int]] = []
    a_tid, a_r, agg = track_table(pairs, n, logw)
    if len(a_tid) == 0:
        return taken, plan, set(), owner
    plat = platform[a_r]
    order = np.argsort(plat, kind="stable")
    shared: collections.Counter[tuple[int, int]] = collections.Counter()
    for sel in np.split(order, np.flatnonzero(np.diff(plat[order])) + 1):
        owner += plan_group(sel, a_tid, a_r, agg, taken=taken, plan=plan, shared=shared,
                            t_s=t_s, thr=thr, dof=dof, is_firm=is_firm, params=params)
    return taken, plan, {pair for pair, k in shared.items() if k >= 2}, owner


def _jpda(tids: NDArray[np.int64], rs: NDArray[np.int64], tab: Columns, plan: Updates, *,
          t_s: NDArray[np.float64], thr: NDArray[np.float64], dof: NDArray[np.int64],
          params: TrackerParams) -> list[tuple[int, int]]:
    gated = np.isfinite(tab["d2"])
    vol = None
    if params.clutter_density is None:
        logdet = np.where(gated, tab["logdet"], -np.inf).max(axis=1)
        vol = gate_volume(thr[rs].max(), logdet, dof[rs].max())
    beta = jpda_betas(tab["ll"], gated, p_detection=params.p_detection,
                      p_gate=params.gate_probability, clutter_density=params.clutter_density,
                      gate_volume=vol)
    for i, tid in enumerate(tids):
        js = np.flatnonzero(gated[i])
        if len(js):
            plan[int(tid)].append((t_s[rs[js[0]]], [int(r) for r in rs[js]],
                                   np.concatenate([[beta[i, 0]], beta[i, 1 + js]])))
    best = np.argmax(beta[:, 1:], axis=0)
    return [(int(rs[j]), int(tids[best[j]]))
            for j in np.flatnonzero(beta[best, 1 + np.arange(len(rs))] > 0.5)]


def plan_group(sel: NDArray[np.int64], a_tid: NDArray[np.int64], a_r: NDArray[np.int64],
               agg: Columns, *, taken: NDArray[np.bool_], plan: Updates,
               shared: collections.Counter[tuple[int, int]], t_s: NDArray[np.float64],
               thr: NDArray[np.float64], dof: NDArray[np.int64], is_firm: IsFirm,
               params: TrackerParams) -> list[tuple[int, int]]:
    """Plan the gated (track, row) pairs `sel` of one platform (see `plan_scan`).

    Fills taken (rows used), plan {tid: [(t, rows, betas)]} and shared (Counter of track pairs)
    in place; returns the JPDA owner rows [(row, tid)].
    """
    owner: list[tuple[int, int]] = []
    jpda = params.association == "jpda"
    if len(sel) == 1 and not (jpda and is_firm(int(a_tid[sel[0]]))):
        # One gated (track, row) pair on this platform, most platforms of most scans: no
        # conflict and no shared evidence, so GNN takes it when cheaper than leaving both
        # ends unassigned (gnn_assign's rule, without building its matrices).
        r, half = a_r[sel[0]], 0.5 * thr[a_r[sel[0]]]
        if agg["d2"][sel[0]] < half + half:
            plan[int(a_tid[sel[0]])].append((t_s[r], [int(r)], None))
            taken[r] = True
        return owner
    tids, ti = np.unique(a_tid[sel], return_inverse=True)
    rs, ri = np.unique(a_r[sel], return_inverse=True)
    tab = {c: np.full((len(tids), len(rs)), np.inf) for c in ("d2", "logdet")}
    tab["ll"] = np.full((len(tids), len(rs)), -np.inf)
    for c in tab:
        tab[c][ti, ri] = agg[c][sel]
    g = np.isfinite(tab["d2"])
    lone = g & (g.sum(axis=1) == 1)[:, None]
    for j in np.flatnonzero(lone.sum(axis=0) > 1):
        for pair in itertools.combinations(sorted(int(t) for t in tids[lone[:, j]]), 2):
            shared[pair] += 1
    firm = np.asarray([is_firm(int(t)) for t in tids])
    tiers: tuple[NDArray[np.bool_], ...] = (firm, ~firm)
    if jpda and firm.any():
        owner += _jpda(tids[firm], rs, {c: v[firm] for c, v in tab.items()}, plan,
                       t_s=t_s, thr=thr, dof=dof, params=params)
        taken[rs[g[firm].any(axis=0)]] = True
        tiers = (~firm,)
    half = 0.5 * thr[rs]
    for tier in tiers:
        if not tier.any():
            continue  # nothing to assign (most scans have only firm or only new tracks)
        cost = np.where(tier[:, None] & ~taken[rs][None, :], tab["d2"], np.inf)
        a, m = gnn_assign(cost, half.max(), half)
        for i, j in zip(a, m, strict=True):
            plan[int(tids[i])].append((t_s[rs[j]], [int(rs[j])], None))
            taken[rs[j]] = True
    return owner


@dataclasses.dataclass(frozen=True)
class Plan:
    """A batched scan's association plan (all samples of the scan).

    taken: (N,) bool stream rows used (not for initiation); per planned update e (E,): track
    (track row), t (time [s]), platform, row (its first stream row), weighted (index into
    `weighted`, −1 for a plain update); weighted: [(rows, betas)] JPDA updates; shared:
    {(track row, track row)} pairs with shared evidence; owner: [(row, track row)] JPDA rows a
    track produced with probability > ½.
    """

    taken: NDArray[np.bool_]
    track: NDArray[np.int64]
    t: NDArray[np.float64]
    platform: NDArray[np.int64]
    row: NDArray[np.int64]
    weighted_index: NDArray[np.int64]
    weighted: list[tuple[NDArray[np.int64], NDArray[np.float64]]]
    shared: set[tuple[int, int]]
    owner: list[tuple[int, int]]


def _empty(n: int) -> Plan:
    z = np.zeros(0, dtype=np.int64)
    return Plan(np.zeros(n, dtype=bool), z, np.zeros(0), z, z, z, [], set(), [])


def plan_batch(pairs: PairTable | None, *, stream: Stream, logw: NDArray[np.float64],
               is_firm: IsFirm, params: TrackerParams) -> Plan:
    """Association plan of one batched scan: `plan_scan`'s decisions for every sample at once.

    pairs: the gate's pair table over all samples (track rows as `tid`, stream rows as `r`);
    stream: `tracking.stream.Stream`; logw: slot log-weights; is_firm: track row -> bool.
    Platforms are coded per sample, so a platform group never mixes samples. Lone pairs (one
    gated pair on a platform: most of them) are decided at once; conflicts one group at a time.
    """
    n = len(stream.t_s)
    if pairs is None:
        return _empty(n)
    a_tid, a_r, agg = track_table(pairs, n, logw)
    if len(a_tid) == 0:
        return _empty(n)
    taken = np.zeros(n, dtype=bool)
    plat = stream.platform[a_r]
    order = np.argsort(plat, kind="stable")
    cuts = np.flatnonzero(np.diff(plat[order])) + 1
    starts = np.r_[0, cuts]
    size = np.diff(np.r_[starts, len(order)])
    q = order[starts]
    lone = size == 1
    if params.association == "jpda":
        lone &= ~np.asarray([is_firm(int(t)) for t in a_tid[q]], dtype=bool)
    q = q[lone]
    take = agg["d2"][q] < stream.thr[a_r[q]]  # d² below half + half the gate (gnn_assign)
    q = q[take]
    taken[a_r[q]] = True
    plan: Updates = collections.defaultdict(list)
    shared: collections.Counter[tuple[int, int]] = collections.Counter()
    owner: list[tuple[int, int]] = []
    for g in np.flatnonzero(~lone):
        sel = order[starts[g]:starts[g] + size[g]]
        owner += plan_group(sel, a_tid, a_r, agg, taken=taken, plan=plan, shared=shared,
                            t_s=stream.t_s, thr=stream.thr, dof=stream.dof, is_firm=is_firm,
                            params=params)
    weighted: list[tuple[NDArray[np.int64], NDArray[np.float64]]] = []
    track, rows_e, weighted_index = [a_tid[q]], [a_r[q]], [np.full(len(q), -1)]
    for tid, entries in plan.items():
        for _, rows, beta in entries:
            track.append(np.asarray([tid]))
            rows_e.append(np.asarray([rows[0]]))
            weighted_index.append(np.asarray([-1 if beta is None else len(weighted)]))
            if beta is not None:
                weighted.append((np.asarray(rows, dtype=np.int64), beta))
    row = np.concatenate(rows_e).astype(np.int64)
    return Plan(taken=taken, track=np.concatenate(track).astype(np.int64), t=stream.t_s[row],
                platform=stream.platform[row], row=row,
                weighted_index=np.concatenate(weighted_index).astype(np.int64),
                weighted=weighted, shared={pair for pair, k in shared.items() if k >= 2},
                owner=owner)
