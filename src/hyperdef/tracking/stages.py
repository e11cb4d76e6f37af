"""The stages of one batched scan (see `tracking.scan`): pure functions of the tracker state
(`tracking.scanstate`).

Each stage works on the samples of the scan at once: rows of the track and slot tables
(`tracking.table`) selected by sample, (slot, detection) pairs built by a join on the sample,
and one chunked kernel call per filter operation. Decisions that stay small and dynamic (a
platform's conflicting pairs, duplicate pairs) are taken per conflict, never per sample; the
greedy grouping of lines of sight runs in rounds over all samples (`rays.group_rays_batch`).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

from hyperdef.tracking import gating
from hyperdef.tracking.apply import Hits, apply_plan
from hyperdef.tracking.association.births import births_batch
from hyperdef.tracking.association.plan import PairTable, Plan, plan_batch
from hyperdef.tracking.deferred import Held
from hyperdef.tracking.runs import pairs_within
from hyperdef.tracking.scanstate import Scan, State
from hyperdef.tracking.table import PREDICT_CHUNK, Tracks, mixture_groups
from hyperdef.tracking.trackset import FIRM, TENTATIVE

PAIR_CHUNK = 4096  # (slot, detection) pairs per innovation call
#: Consecutive scans of shared evidence that make two tracks duplicates (see `dedupe`).
SHARED_SCANS = 3


def delete(st: State, rows: NDArray[np.int64], k: NDArray[np.int64]) -> None:
    """Delete track rows; they are DEAD from grid indices k on."""
    if len(rows) == 0:
        return
    tr = st.tracks
    st.out.end(tr.sample[rows], tr.tid[rows], k)
    st.deferred.drop(rows)  # estimates held for a tentative track are no longer wanted
    tr.alive[rows] = False
    st.slots.release(np.flatnonzero(np.isin(st.slots.track, rows)))


def _first_stale(grid: NDArray[np.float64], last_t_s: NDArray[np.float64],
                 limit_s: float) -> NDArray[np.int64]:
    """First grid index k with grid[k] − last > limit (exactly as the comparison is written)."""
    k = np.searchsorted(grid, last_t_s + limit_s, side="right")
    for _ in range(2):  # the sum can round across a grid time: step back or forward once
        back = (k > 0) & (grid[np.maximum(k - 1, 0)] - last_t_s > limit_s)
        k = k - back
        fwd = (k < len(grid)) & ~(grid[np.minimum(k, len(grid) - 1)] - last_t_s > limit_s)
        k = k + fwd
    return k


def emit(st: State, samples: NDArray[np.int64], t_end: NDArray[np.float64]) -> None:
    """Write grid times before t_end (per sample): stale tracks go first at each grid time,
    then every live track born by then is written with its current status."""
    grid, n_s = st.out.t_s, len(st.k_next)
    k_end = np.maximum(np.searchsorted(grid, t_end, side="left"), st.k_next[samples])
    todo = np.zeros(n_s, dtype=bool)
    todo[samples[k_end > st.k_next[samples]]] = True
    kend = np.zeros(n_s, dtype=np.int64)
    kend[samples] = k_end
    rows = st.tracks.live_of(todo)
    if len(rows):
        tr = st.tracks
        s = tr.sample[rows]
        k_lo = np.maximum(st.k_next[s], np.searchsorted(grid, tr.born_t_s[rows], side="left"))
        k_hi = kend[s]
        if st.params.delete_after_s is not None:
            kd = np.maximum(_first_stale(grid, tr.last_t_s[rows], st.params.delete_after_s),
                            st.k_next[s])
            gone = kd < k_hi
            k_hi = np.minimum(k_hi, kd)
        else:
            gone = np.zeros(len(rows), dtype=bool)
        n = np.maximum(k_hi - k_lo, 0)
        pr = np.repeat(np.arange(len(rows)), n)
        k = np.repeat(k_lo - np.cumsum(n) + n, n) + np.arange(n.sum())
        now = st.params.keep_unconfirmed | (tr.status[rows[pr]] == FIRM)
        if now.any():
            r = rows[pr[now]]
            x6, P6 = track_estimates(st, rows, pr[now], grid[k[now]])
            st.out.add(tr.sample[r], tr.tid[r], k[now], x6, P6, tr.status[r])
        if not now.all():  # tentative: written if and when the track confirms (`deferred`)
            r = rows[pr[~now]]
            st.deferred.hold(Held(r, k[~now], *_components(st, rows, pr[~now], grid[k[~now]])))
        # stale tracks go after their last estimates are written (they need their slots)
        delete(st, rows[gone], k_hi[gone])  # k_hi is the deletion index where gone
    st.k_next[samples] = np.maximum(st.k_next[samples], k_end)


def _components(st: State, rows: NDArray[np.int64], pr: NDArray[np.int64],
                t_s: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64],
                                                   NDArray[np.float64], NDArray[np.float64]]:
    """The slots of tracks rows[pr] to predict to times t_s (n,) (rows distinct, pr indices
    into rows): pair (m,) (each of 0 … n−1 once per slot of its track), the slots' flat states
    (m, F), the time to predict over dt_s (m,) and log-weights (m,)."""
    sl = st.slots
    slots = sl.of_tracks(rows)
    pos = np.empty(int(rows.max()) + 1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    owner = pos[sl.track[slots]]  # index into rows; slots come grouped by owner in rows order
    first = np.searchsorted(owner, np.arange(len(rows)))
    m = np.bincount(owner, minlength=len(rows))[pr]  # slots of each (track, time) pair
    pair = np.repeat(np.arange(len(pr)), m)
    slot = slots[np.repeat(first[pr] - np.cumsum(m) + m, m) + np.arange(m.sum())]
    return pair, sl.get(slot), np.asarray(t_s)[pair] - sl.t_s[slot], sl.logw[slot]


def estimates(st: State, states: NDArray[np.float64], dt_s: NDArray[np.float64],
              logw: NDArray[np.float64], pair: NDArray[np.int64],
              n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Estimates x6 (n,6), P6 (n,6,6) of n (track, time) pairs from their slots' flat states
    predicted over dt_s, mixtures of a pair's slots combined."""
    kern = st.slots.k.predict_mean6
    x6, P6 = gating.chunked(lambda sel: kern(states[sel], dt_s[sel]), len(states),
                            PREDICT_CHUNK, st.slots.smallest)
    return mixture_groups(x6, P6, logw, pair, n)


def track_estimates(st: State, rows: NDArray[np.int64], pr: NDArray[np.int64],
                    t_s: NDArray[np.float64]
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Estimates of tracks rows[pr] at times t_s (n,): every slot predicted, mixtures combined.

    rows: distinct track rows; pr: (n,) indices into rows. returns x6 (n,6), P6 (n,6,6).
    """
    pair, states, dt_s, logw = _components(st, rows, pr, t_s)
    return estimates(st, states, dt_s, logw, pair, len(pr))


def expire(st: State, scan: Scan) -> None:
    """Delete tracks not updated for longer than delete_after_s at the scan's time."""
    if st.params.delete_after_s is None:
        return
    n_s = len(st.k_next)
    rows = st.tracks.live_of(scan.mask(n_s))
    t0 = scan.per_sample(scan.t0, n_s)
    s = st.tracks.sample[rows]
    gone = rows[t0[s] - st.tracks.last_t_s[rows] > st.params.delete_after_s]
    delete(st, gone, st.k_next[st.tracks.sample[gone]])


def gate(st: State, scan: Scan) -> PairTable | None:
    """Exact χ² gate on coarse-gated (slot, row) pairs of the scan; a pair table or None.

    Pair table columns: slot, tid (track row), r (stream row), d2, logdet, gated, loglik.
    """
    n_s = len(st.k_next)
    rows = st.tracks.live_of(scan.mask(n_s))
    if len(rows) == 0:
        return None
    sl, sm = st.slots, st.stream
    slots = sl.of_tracks(rows)
    owner = sl.track[slots]
    s = st.tracks.sample[owner]
    dt = scan.per_sample(scan.t0, n_s)[s] - sl.t_s[slots]
    pred, x6, P6 = gating.chunked(lambda sel: sl.k.predict_m6(sl.get(slots[sel]), dt[sel]),
                                  len(slots), PREDICT_CHUNK, sl.smallest)
    sig = np.sqrt(np.clip(np.trace(P6[:, :3, :3], axis1=1, axis2=2), 0, None))
    finite = np.isfinite(x6).all(axis=1) & np.isfinite(sig)
    lo = scan.per_sample(scan.lo, n_s, 0)[s]
    n = scan.per_sample(scan.hi - scan.lo, n_s, 0)[s]
    si = np.repeat(np.arange(len(slots)), n)
    rj = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())
    si, rj = si[finite[si]], rj[finite[si]]
    w = x6[si, :3] - sm.b.r_obs_ecef_m[rj]
    along = np.einsum("pc,pc->p", w, sm.u[rj])
    perp2 = np.einsum("pc,pc->p", w, w) - along**2
    lim = 6.0 * np.sqrt(sig[si] ** 2 + (along * sm.sig_ang[rj]) ** 2)
    ok = (along > 0) & (perp2 <= lim**2)
    si, rj = si[ok], rj[ok]
    if len(si) == 0:
        return None
    kern = sl.k.pair
    d2, logdet = gating.chunked(lambda sel: kern(pred[si[sel]], sm.packed[rj[sel]]), len(si),
                                PAIR_CHUNK, sl.smallest)
    bad = ~np.isfinite(d2)
    if bad.any():
        st.faults.add("singular_innovation", s[si[bad]], sm.t_s[rj[bad]])
    return dict(slot=slots[si], tid=owner[si], r=rj, d2=d2, logdet=logdet,
                gated=~bad & (d2 < sm.thr[rj]),
                loglik=gating.log_likelihood(d2, logdet, sm.dof[rj]))


def associate(st: State, scan: Scan, pairs: PairTable | None) -> Plan:
    """Per-platform association of the scan (`association.plan.plan_batch`)."""
    firm = st.tracks.status == FIRM
    return plan_batch(pairs, stream=st.stream, logw=st.slots.logw,
                      is_firm=lambda g: bool(firm[g]), params=st.params)


def update(st: State, scan: Scan, plan: Plan, pairs: PairTable | None) -> Hits:
    """Apply the plan (`apply.apply_plan`); returns (hit (R,) bool, hit sensors (R, n_sensors))."""
    return apply_plan(st, plan, pairs)


def confirm(st: State, scan: Scan, hits: Hits) -> None:
    """M-of-N: a scan counts for a track when it hit it or holds a sensor that updated it
    before; tentative tracks confirm or die, any track dies after delete_after_misses."""
    p, tr, sm = st.params, st.tracks, st.stream
    n_s = len(st.k_next)
    rows = tr.live_of(scan.mask(n_s))
    if len(rows) == 0:
        return
    hit, hit_sensors = hits
    scan_rows = scan.rows()
    seen = np.zeros((n_s, tr.sensors.shape[1]), dtype=bool)
    seen[sm.sample[scan_rows], sm.sensor[scan_rows]] = True
    s = tr.sample[rows]
    h = hit[rows]
    counts = h | (tr.sensors[rows] & seen[s]).any(axis=1)
    rows, h, s = rows[counts], h[counts], s[counts]
    tr.sensors[rows] |= hit_sensors[rows]
    t0 = scan.per_sample(scan.t0, n_s)
    tr.misses[rows] = np.where(h, 0, tr.misses[rows] + 1)
    tr.last_t_s[rows] = np.where(h, t0[s], tr.last_t_s[rows])
    tr.events[rows] += 1
    tr.hits_first[rows] += h & (tr.events[rows] <= p.confirm_n)
    nslots = np.bincount(st.slots.track[st.slots.track >= 0], minlength=len(tr.alive))[rows]
    gone = tr.misses[rows] >= p.delete_after_misses
    tent = ~gone & (tr.status[rows] == TENTATIVE)
    first = np.minimum(tr.events[rows], p.confirm_n)
    firm = tent & (tr.hits_first[rows] >= p.confirm_m) & (nslots == 1)
    tr.status[rows[firm]] = FIRM
    held = st.deferred.take(rows[firm])  # their tentative start, held until now
    if len(held.track):
        x6, P6 = estimates(st, held.states, held.dt_s, held.logw, held.pair, len(held.track))
        t = held.track  # still live: its sample and id are the table's, its rows were tentative
        st.out.add(tr.sample[t], tr.tid[t], held.k, x6, P6, np.full(len(t), TENTATIVE))
    gone |= tent & ~firm & (first - tr.hits_first[rows] > p.confirm_n - p.confirm_m)
    delete(st, rows[gone], st.k_next[s[gone]])


def initiate(st: State, scan: Scan, taken: NDArray[np.bool_]) -> None:
    """New tracks from the scan's rows no track took (`association.births.births_batch`)."""
    rows = scan.rows()
    births_batch(st, rows[~taken[rows]])


def bound(st: State, scan: Scan) -> NDArray[np.int64]:
    """Samples of the scan holding more than max_tracks live tracks: their tracks end here and
    they are tracked no further (`tracking.faults`); returns those samples."""
    tr = st.tracks
    live = np.bincount(tr.sample[tr.alive], minlength=len(st.k_next))[scan.samples]
    over = live > st.params.max_tracks
    if not over.any():
        return np.zeros(0, dtype=np.int64)
    full = scan.samples[over]
    st.faults.overflow(full, live[over], scan.t0[over])
    mine = np.zeros(len(st.k_next), dtype=bool)
    mine[full] = True
    gone = tr.live_of(mine)
    delete(st, gone, st.k_next[tr.sample[gone]])
    return full


def dedupe(st: State, scan: Scan, shared: set[tuple[int, int]]) -> None:
    """Delete tracks that duplicate another of the same sample (see `manage.TrackBook`):
    shared evidence in SHARED_SCANS consecutive scans, or positions within the χ²(3) gate of
    `duplicate_probability` for tracks with ≥ 3 updates; broken tracks go too."""
    tr = st.tracks
    n_s = len(st.k_next)
    mine = scan.mask(n_s)
    streak = {key: n for key, n in st.streak.items() if not mine[key[0]]}
    for ra, rb in shared:  # track rows -> (sample, id, id), ids in creation order
        key = (int(tr.sample[ra]), *sorted((int(tr.tid[ra]), int(tr.tid[rb]))))
        streak[key] = st.streak.get(key, 0) + 1
    st.streak = streak
    gone: set[int] = set()
    by_id: dict[tuple[int, int], int] = {}
    rows = tr.live_of(mine)
    for g in rows:
        by_id[(int(tr.sample[g]), int(tr.tid[g]))] = g
    for (s, a, b), n in sorted(streak.items()):
        if n >= SHARED_SCANS and mine[s]:
            ga, gb = by_id.get((s, a)), by_id.get((s, b))
            if ga is not None and gb is not None and not gone & {ga, gb}:
                gone.add(_loser(tr, ga, gb))
    cand = rows[(tr.updates[rows] >= 3) & ~np.isin(rows, list(gone))]
    s = tr.sample[cand]
    cnt = np.bincount(s, minlength=n_s)
    cand, s = cand[cnt[s] >= 2], s[cnt[s] >= 2]
    if len(cand):
        t0 = scan.per_sample(scan.t0, n_s)
        x6, P6 = track_estimates(st, cand, np.arange(len(cand)), t0[s])
        # (n,) bool: NumPy types all(axis=…) as maybe a scalar
        bad = cast(NDArray[np.bool_],
                   ~np.isfinite(x6).all(axis=1) | ~np.isfinite(P6).all(axis=(1, 2)))
        gone |= set(cand[bad].tolist())
        i, j = pairs_within(s)  # pairs within a sample (cand is sorted by sample, then id)
        good = ~bad[i] & ~bad[j]
        d = x6[i, :3] - x6[j, :3]
        S = np.where(good[:, None, None], P6[i, :3, :3] + P6[j, :3, :3], np.eye(3))
        with np.errstate(invalid="ignore"):
            q = np.einsum("pi,pi->p", d, np.linalg.solve(S, d[..., None])[..., 0])
        for a, b in zip(cand[i[good & (q < st.dup_gate)]], cand[j[good & (q < st.dup_gate)]],
                        strict=True):
            if a not in gone and b not in gone:
                gone.add(_loser(tr, a, b))
    gone_rows = np.asarray(sorted(gone), dtype=np.int64)
    delete(st, gone_rows, st.k_next[tr.sample[gone_rows]])


def _loser(tr: Tracks, a: int, b: int) -> int:
    """Of two duplicate tracks, the one to delete: keep the firm one, then the older."""
    ka = (tr.status[a], -tr.tid[a])
    kb = (tr.status[b], -tr.tid[b])
    return b if ka >= kb else a
