"""Track-to-track fusion by covariance intersection (decentralised architecture).

Each sensor runs its own local tracker; local tracks share unknown correlations (common process
noise, common prior), so their information cannot simply be added. Covariance intersection
(Julier & Uhlmann 1997, "A non-divergent estimation algorithm in the presence of unknown
correlations", Proc. ACC, Eqs. 5–6) fuses two estimates (a, A), (b, B) as

    C⁻¹ = ω A⁻¹ + (1 − ω) B⁻¹,    c = C (ω A⁻¹ a + (1 − ω) B⁻¹ b),    ω ∈ [0, 1],

which is consistent (C ≥ the true error covariance) for *every* cross-covariance; ω is chosen to
minimise trace C or det C (both unimodal in ω; golden-section search, jitted). More than two
estimates are fused pairwise in sequence.

Local tracks are associated to system tracks by the χ² distance Δᵀ(A + B)⁻¹Δ on the 6-D
position/velocity state (Bar-Shalom, Willett & Tian 2011, §9.2, cross-covariance neglected),
gated at `gate_probability`, one local track per sensor per system track (GNN). A local track
keeps its system track for life, so system ids are as stable as the local ones.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Collection
from typing import Any, Protocol

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from jax.typing import ArrayLike
from numpy.typing import NDArray
from scipy.stats import chi2

from hyperdef.tracking.association.gnn import gnn_assign
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.faults import merge_faults
from hyperdef.tracking.trackset import DEAD, NONE, TrackSet, count_problems

_GOLDEN = 0.5 * (np.sqrt(5.0) - 1.0)

#: Local estimates of each (sample, system id, grid index): [(x (6,), P (6,6), state)].
_Members = collections.defaultdict[tuple[int, int, int],
                                   list[tuple[NDArray[np.float64], NDArray[np.float64], int]]]
#: Fused estimates {(sample, system id): {grid index: (x (6,), P (6,6), state)}}.
_Fused = dict[tuple[int, int], dict[int, tuple[NDArray[np.float64], NDArray[np.float64], int]]]
#: A sample's system ids by (sensor name, local track id).
_SysMap = dict[tuple[str, int], int]


class LocalTracker(Protocol):
    """A sensor's local tracker (`tracker.run_tracker`'s arguments, TrackSet out)."""

    def __call__(self, params: TrackerParams, detections: pd.DataFrame, *,
                 t_grid_s: NDArray[np.float64], sample_ids: NDArray[np.int64],
                 sensors: Collection[str] | None) -> TrackSet: ...


def _ci_cov(Ai: jax.Array, Bi: jax.Array,  # noqa: N803 — information matrices
            w: jax.Array) -> jax.Array:
    return jnp.linalg.inv(w * Ai + (1.0 - w) * Bi)


def _objective(P: jax.Array, criterion: str) -> jax.Array:  # noqa: N803
    if criterion == "det":
        return jnp.linalg.slogdet(P)[1]
    return jnp.trace(P)


def _ci(a: jax.Array, A: jax.Array, b: jax.Array, B: jax.Array, criterion: str,  # noqa: N803
        iters: int = 60) -> tuple[jax.Array, jax.Array, jax.Array]:
    Ai, Bi = jnp.linalg.inv(A), jnp.linalg.inv(B)

    def f(w: jax.Array) -> jax.Array:
        return _objective(_ci_cov(Ai, Bi, w), criterion)

    def step(_: jax.Array, lohi: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lo, hi = lohi
        x1 = hi - _GOLDEN * (hi - lo)
        x2 = lo + _GOLDEN * (hi - lo)
        left = f(x1) < f(x2)
        return jnp.where(left, lo, x1), jnp.where(left, x2, hi)

    # 60 golden-section steps shrink [0, 1] to 0.618^60 ≈ 3e-13
    lo, hi = jax.lax.fori_loop(0, iters, step, (jnp.float64(0.0), jnp.float64(1.0)))
    w = 0.5 * (lo + hi)
    # the optimum may sit on an end point (one estimate dominates): compare with both ends
    cands = jnp.array([w, 0.0, 1.0])  # ties (a flat objective) keep the interior optimum
    vals = jax.vmap(f)(cands)
    w = cands[jnp.argmin(vals)]
    C = _ci_cov(Ai, Bi, w)
    C = 0.5 * (C + C.T)
    c = C @ (w * (Ai @ a) + (1.0 - w) * (Bi @ b))
    return c, C, w


_ci_batch = jax.jit(jax.vmap(_ci, in_axes=(0, 0, 0, 0, None)), static_argnums=4)


def covariance_intersection(a: ArrayLike, A: ArrayLike, b: ArrayLike, B: ArrayLike, *,  # noqa: N803
                            criterion: str = "trace") -> tuple[jax.Array, jax.Array, jax.Array]:
    """Fuse two estimates with unknown cross-correlation by covariance intersection.

    a, b: (..., n) means; A, B: (..., n, n) covariances (any consistent units, e.g. ECEF m, m/s).
    criterion: "trace" or "det", the quantity of the fused covariance that ω minimises.
    returns: c (..., n), C (..., n, n), omega (...) — ω the weight on a.
    """
    if criterion not in ("trace", "det"):
        raise ValueError(f"criterion: choose 'trace' or 'det', got {criterion!r}")
    a, A, b, B = (jnp.asarray(v, jnp.float64) for v in (a, A, b, B))
    batch = a.shape[:-1]
    n = a.shape[-1]
    c, C, w = _ci_batch(a.reshape(-1, n), A.reshape(-1, n, n), b.reshape(-1, n),
                           B.reshape(-1, n, n), criterion)
    return c.reshape(batch + (n,)), C.reshape(batch + (n, n)), w.reshape(batch)


def fuse_tracksets(local: dict[str, TrackSet], *, gate_probability: float) -> TrackSet:
    """System tracks from per-sensor local TrackSets on the same grid and samples.

    local: {sensor name: TrackSet}. returns: a TrackSet whose tracks are system tracks (ids from
    0 per sample), assignments mapped to system ids, problems summed.
    """
    names = sorted(local)
    first = local[names[0]]
    S, T = len(first.sample_ids), len(first.t_s)
    gate = chi2.ppf(gate_probability, 6)
    members: _Members = collections.defaultdict(list)
    maps: list[_SysMap] = []
    for s in range(S):
        sysmap: _SysMap = {}
        n_sys = 0
        for k in range(T):
            # sys id -> [(x, P, sensor)]
            now: collections.defaultdict[int, list[tuple[NDArray[np.float64], NDArray[np.float64],
                                                         str]]] = collections.defaultdict(list)
            for name in names:
                ts = local[name]
                st = ts.state[s, :, k]
                here = np.flatnonzero((st != NONE) & (st != DEAD))
                new: list[np.intp] = []
                for c in here:
                    sid = sysmap.get((name, int(ts.track_ids[c])))
                    if sid is None:
                        new.append(c)
                    else:
                        now[sid].append((ts.x[s, c, k], ts.P[s, c, k], name))
                        members[(s, sid, k)].append((ts.x[s, c, k], ts.P[s, c, k],
                                                     int(ts.state[s, c, k])))
                if not new:
                    continue
                # candidates: system tracks present now without a member of this sensor, each
                # represented by its tightest member (enough for a χ² gate)
                cand = [i for i, m in now.items() if all(e[2] != name for e in m)]
                cost = np.full((len(new), len(cand)), np.inf)
                for b_, i in enumerate(cand):
                    xs, Ps, _ = min(now[i], key=lambda e: np.trace(e[1][:3, :3]))
                    d = ts.x[s, new, k] - xs
                    q = np.einsum("ni,ni->n", d, np.linalg.solve(ts.P[s, new, k] + Ps,
                                                                 d[..., None])[..., 0])
                    cost[:, b_] = np.where(q < gate, q, np.inf)
                ai, bi = gnn_assign(cost, 0.5 * gate)
                match = dict(zip(ai.tolist(), bi.tolist(), strict=True))
                for a_, c in enumerate(new):
                    if a_ in match:
                        sid = cand[match[a_]]
                    else:
                        sid, n_sys = n_sys, n_sys + 1
                    sysmap[(name, int(ts.track_ids[c]))] = sid
                    now[sid].append((ts.x[s, c, k], ts.P[s, c, k], name))
                    members[(s, sid, k)].append((ts.x[s, c, k], ts.P[s, c, k],
                                                 int(ts.state[s, c, k])))
        maps.append(sysmap)
    return _assemble(local, names, _fuse_all(members), maps, first)


def _fuse_all(members: _Members) -> _Fused:
    """Sequential pairwise CI of every (s, sys id, k) member list, batched per round.

    returns: {(s, sys id): {k: (x (6,), P (6,6), state)}}.
    """
    keys = list(members)
    x = np.asarray([members[q][0][0] for q in keys]).reshape(-1, 6)
    P = np.asarray([members[q][0][1] for q in keys]).reshape(-1, 6, 6)
    r = 1
    while True:
        todo = [n for n, q in enumerate(keys) if len(members[q]) > r]
        if not todo:
            break
        b = np.asarray([members[keys[n]][r][0] for n in todo])
        B = np.asarray([members[keys[n]][r][1] for n in todo])
        c, C, _ = covariance_intersection(x[todo], P[todo], b, B)
        x[todo], P[todo] = np.asarray(c), np.asarray(C)
        r += 1
    out: collections.defaultdict[tuple[int, int], dict[int, tuple[NDArray[np.float64],
                                 NDArray[np.float64], int]]] = collections.defaultdict(dict)
    for n, (s, sid, k) in enumerate(keys):
        out[(s, sid)][k] = (x[n], P[n], max(m[2] for m in members[(s, sid, k)]))
    return out


def _assemble(local: dict[str, TrackSet], names: list[str], rows: _Fused, maps: list[_SysMap],
              first: TrackSet) -> TrackSet:
    S, T = len(first.sample_ids), len(first.t_s)
    ids = np.asarray(sorted({sid for _, sid in rows}), dtype=np.int64)
    col = {sid: c for c, sid in enumerate(ids)}
    x = np.full((S, len(ids), T, 6), np.nan)
    P = np.full((S, len(ids), T, 6, 6), np.nan)
    state = np.zeros((S, len(ids), T), dtype=np.int8)
    for (s, sid), by_k in rows.items():
        ks = np.asarray(sorted(by_k))
        for k in ks:
            x[s, col[sid], k], P[s, col[sid], k], state[s, col[sid], k] = by_k[k]
        state[s, col[sid], ks.max() + 1:] = DEAD
    parts = []
    problems = count_problems(*(local[name].problems for name in names))
    s_index = {int(v): i for i, v in enumerate(first.sample_ids)}
    for name in names:
        a = local[name].assignments
        if len(a):
            sys_ids = [maps[s_index[int(s)]].get((name, int(t)), -1)
                       for s, t in zip(a["sample"], a["track_id"], strict=True)]
            parts.append(a.assign(track_id=np.asarray(sys_ids, dtype=np.int64)))
    a = (pd.concat(parts, ignore_index=True) if parts else
         pd.DataFrame(columns=["sample", "detection", "track_id"]).astype("int64"))
    a = a[a["track_id"] >= 0].sort_values(["sample", "detection"]).reset_index(drop=True)
    return TrackSet(track_ids=ids, t_s=first.t_s, sample_ids=first.sample_ids, x=x, P=P,
                    state=state, state_dim=first.state_dim, assignments=a,
                    problems=problems, faults=merge_faults(*(local[n].faults for n in names)))


def run_decentralised(params: TrackerParams, detections: pd.DataFrame, *,
                      t_grid_s: NDArray[np.float64], sample_ids: NDArray[np.int64],
                      sensors: Collection[str] | None, local: LocalTracker) -> TrackSet:
    """One local tracker per sensor (`local(params, df, ...)`), fused by CI into system tracks.

    Detection indices in the result refer to positional rows of `detections`.
    """
    names = np.asarray(detections["sensor"]).astype(str)
    known = sorted(set(names)) if sensors is None else sorted(set(names) & set(sensors))
    tracksets: dict[str, TrackSet] = {}
    for name in known:
        pos = np.flatnonzero(names == name)
        ts = local(params, detections.iloc[pos], t_grid_s=t_grid_s, sample_ids=sample_ids,
                   sensors=None)
        a = ts.assignments.assign(detection=pos[ts.assignments["detection"].to_numpy()])
        tracksets[name] = _with(ts, assignments=a)
    unknown = int((~np.isin(names, known)).sum())
    if not tracksets:
        empty = local(params, detections.iloc[:0], t_grid_s=t_grid_s, sample_ids=sample_ids,
                      sensors=None)
        return _with(empty, problems=count_problems(empty.problems,
                                                     {"unknown_sensor": unknown}))
    out = fuse_tracksets(tracksets, gate_probability=params.gate_probability)
    return _with(out, problems=count_problems(out.problems, {"unknown_sensor": unknown}))


# Any: mypy checks dataclasses.replace field by field, which a union of the field types fails.
def _with(ts: TrackSet, **changes: Any) -> TrackSet:
    return dataclasses.replace(ts, **changes)
