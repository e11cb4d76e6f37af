"""New tracks from the detections no track took (track initiation policy).

In order, per scan:
1. lines of sight from ≥ 2 platforms that see one object (`rays.group_rays`) are triangulated
   (`initiate.triangulate`, least squares with covariance) — the position
   fix, with a zero-mean velocity prior of 1σ `init_speed_sigma_mps` per axis;
2. each radar detection starts a track (`initiate.radar_initiate`: position and range rate
   measured, cross-range velocity from the prior);
3. a line of sight nobody else saw starts a range-parameterised track (`initiate.los_initiate`,
   Peach 1995) whose ranges are explicit (`single_sensor_ranges_m`) or where the ray crosses the
   target altitude band `target_alt_band_m`, geometrically spaced.
The initiators are vmapped and jitted once per velocity prior and run on fixed-size chunks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

import jax
import numpy as np
from numpy.typing import NDArray

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.measurement import batch as mb
from hyperdef.status import Status
from hyperdef.tracking.association.rays import group_rays
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.gating import BATCHED_SMALLEST, bucket, chunked
from hyperdef.tracking.scanstate import State

INIT_CHUNK = 16  # detections or groups per initiator call

# The batches here hold NumPy arrays (MeasBatch is typed for the JAX kernels): the host-side
# helpers take them cast to what they are.
_F64 = NDArray[np.float64]

#: A new track: x6 (H,6), P6 (H,6,6), member rows, logw (H,) (None: one slot, H = 1).
Birth = tuple[NDArray[np.float64], NDArray[np.float64], list[int], NDArray[np.float64] | None]
#: A new track of the batched tracker: (sample, category, order) sort key, x6 (H,6), P6 (H,6,6),
#: member stream rows, logw (H,).
_BatchBirth = tuple[int, int, int, NDArray[np.float64], NDArray[np.float64], NDArray[np.int64],
                    NDArray[np.float64]]


@functools.lru_cache(maxsize=8)
def _initiators(sigma_vel_mps: float) -> dict[str, Callable[..., Any]]:
    """Jitted, vmapped initiators of `initiate` for a velocity prior."""
    from hyperdef.tracking.association import initiate as ini

    return {
        "triangulate": jax.jit(jax.vmap(lambda r, u, s, v: ini.triangulate(r, u, s, valid=v))),
        "radar": jax.jit(jax.vmap(lambda row: ini.radar_initiate(
            row, sigma_vel_mps=sigma_vel_mps))),
        "los": jax.jit(jax.vmap(lambda row, rng: ini.los_initiate(
            row, ranges_m=rng, sigma_vel_mps=sigma_vel_mps))),
    }


def births(b: mb.MeasBatch, free: NDArray[np.int64], platform: NDArray[np.int64],
           params: TrackerParams) -> list[Birth]:
    """Initial estimates for new tracks from unassociated detections.

    b: MeasBatch of NumPy arrays (all rows of the sample); free: (n,) int indices of the rows no
    track took; platform: (N,) int, one value per (sensor, platform); params: TrackerParams.
    returns: list of (x6 (H,6), P6 (H,6,6), member rows (list of int), logw (H,) or None), one
    per new track (H > 1 for range-parameterised tracks, with uniform log-weights).
    """
    out: list[Birth] = []
    if len(free) == 0:
        return out
    p, jit = params, _initiators(params.init_speed_sigma_mps)
    los = free[b.kind[free] == mb.KIND_LOS]
    groups = group_rays(cast(_F64, b.r_obs_ecef_m[los]), cast(_F64, b.z[los, :3]),
                        cast(_F64, b.sigma[los, 0]), cast(_F64, b.t_s[los]), platform[los],
                        gate_probability=p.gate_probability,
                        min_parallax_rad=p.min_parallax_rad,
                        tolerance_s=p.triangulation_tolerance_s)
    used = np.zeros(len(los), dtype=bool)
    if groups:
        # one padded batch: groups × (rows up to a bucketed width), padding marked invalid
        width = bucket(max(len(g) for g in groups), 4)
        rid = np.stack([np.resize(los[g], width) for g in groups])
        valid = np.stack([np.arange(width) < len(g) for g in groups])
        r, P, status = chunked(
            lambda sel: jit["triangulate"](b.r_obs_ecef_m[rid[sel]], b.z[rid[sel], :3],
                                           b.sigma[rid[sel], 0], valid[sel]),
            len(groups), INIT_CHUNK)
        v0 = p.init_speed_sigma_mps**2 * np.eye(3)
        for n, g in enumerate(groups):
            if status[n] != Status.OK:
                continue
            used[g] = True
            P6 = np.zeros((6, 6))
            P6[:3, :3], P6[3:, 3:] = P[n], v0
            out.append((np.r_[r[n], 0.0, 0.0, 0.0][None], P6[None], list(los[g]), None))
    radar = free[b.kind[free] != mb.KIND_LOS]
    if len(radar):
        x6, P6 = chunked(lambda sel: jit["radar"](jax.tree.map(lambda a: a[radar[sel]], b)),
                         len(radar), INIT_CHUNK)
        out.extend((x6[n][None], P6[n][None], [i], None) for n, i in enumerate(radar))
    lone = los[~used]
    if p.single_sensor_init and len(lone):
        ranges = [hypothesis_ranges(cast(_F64, b.r_obs_ecef_m[i]), cast(_F64, b.z[i, :3]), p)
                  for i in lone]
        ok = [n for n, r in enumerate(ranges) if r is not None]
        if ok:
            rows, rng = lone[ok], np.stack([r for r in ranges if r is not None])
            x6, P6 = chunked(
                lambda sel: jit["los"](jax.tree.map(lambda a: a[rows[sel]], b), rng[sel]),
                len(ok), INIT_CHUNK)
            h = rng.shape[1]
            out.extend((x6[n], P6[n], [lone[k]], np.full(h, -np.log(h)))
                       for n, k in enumerate(ok))
    return out


def hypothesis_ranges(r_obs_ecef_m: NDArray[np.float64], u: NDArray[np.float64],
                      params: TrackerParams) -> NDArray[np.float64] | None:
    """Range hypotheses [m] (H,) for a lone line of sight, or None when the ray misses the band.

    r_obs_ecef_m: (3,) observer, ECEF [m]; u: (3,) unit line of sight. Explicit
    `single_sensor_ranges_m`, else H = `single_sensor_hypotheses` ranges geometrically spaced
    (Peach 1995) between where the ray enters the top of `target_alt_band_m` and where it
    reaches its bottom (or leaves the top again), on a sphere of the mean Earth radius.
    """
    p = params
    if p.single_sensor_ranges_m:
        return np.asarray(p.single_sensor_ranges_m, dtype=float)
    ou, oo = float(r_obs_ecef_m @ u), float(r_obs_ecef_m @ r_obs_ecef_m)
    lo, hi = (R_EARTH_MEAN_M + a for a in p.target_alt_band_m)

    def roots(rad: float) -> tuple[float, float] | None:
        disc = ou * ou - (oo - rad * rad)
        if disc < 0:
            return None
        return -ou - np.sqrt(disc), -ou + np.sqrt(disc)

    outer, inner = roots(hi), roots(lo)
    if outer is None or outer[1] <= 0:
        return None
    r_min = max(outer[0], 1e3)
    r_max = inner[0] if inner is not None and inner[0] > 0 else outer[1]
    if not r_max > r_min:
        return None
    h = p.single_sensor_hypotheses
    return r_min * (r_max / r_min) ** ((np.arange(h) + 0.5) / h)


def ranges_batch(r_obs_ecef_m: NDArray[np.float64], u: NDArray[np.float64],
                 params: TrackerParams) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """`hypothesis_ranges` for n lines of sight at once: (n, H) ranges [m] and (n,) ok."""
    p = params
    n = len(u)
    if p.single_sensor_ranges_m:
        rng = np.broadcast_to(np.asarray(p.single_sensor_ranges_m, dtype=float),
                              (n, len(p.single_sensor_ranges_m)))
        return rng, np.ones(n, dtype=bool)
    ou = np.einsum("nc,nc->n", r_obs_ecef_m, u)
    oo = np.einsum("nc,nc->n", r_obs_ecef_m, r_obs_ecef_m)
    lo, hi = (R_EARTH_MEAN_M + a for a in p.target_alt_band_m)
    with np.errstate(invalid="ignore"):
        d_out = np.sqrt(ou * ou - (oo - hi * hi))  # NaN where the ray misses the band's top
        d_in = np.sqrt(ou * ou - (oo - lo * lo))
    ok = np.isfinite(d_out) & (-ou + d_out > 0)
    r_min = np.maximum(-ou - d_out, 1e3)
    inner0 = -ou - d_in
    r_max = np.where(np.isfinite(d_in) & (inner0 > 0), inner0, -ou + d_out)
    ok &= r_max > r_min
    h = p.single_sensor_hypotheses
    with np.errstate(invalid="ignore", divide="ignore"):
        rng = r_min[:, None] * (r_max / r_min)[:, None] ** ((np.arange(h) + 0.5) / h)
    return rng, ok


def births_batch(st: State, free: NDArray[np.int64]) -> None:
    """New tracks (into the batched tracker state `st`) from the free stream rows `free`
    (sorted by sample): `births`' decisions for every sample at once. Per sample the new tracks
    are numbered in `births`' order: triangulated groups, radar rows, lone lines of sight."""
    if len(free) == 0:
        return
    sm, p = st.stream, st.params
    b, jit = sm.b, _initiators(p.init_speed_sigma_mps)
    new: list[_BatchBirth] = []
    los = free[b.kind[free] == mb.KIND_LOS]
    used = np.zeros(len(los), dtype=bool)
    groups: list[NDArray[np.int64]] = []
    s_los = sm.sample[los]
    many = np.flatnonzero(np.bincount(s_los, minlength=len(sm.start)) >= 2)
    for s in many:  # ray grouping is greedy per sample; only samples with 2+ free rays
        sel = np.flatnonzero(s_los == s)
        rows = los[sel]
        for g in group_rays(cast(_F64, b.r_obs_ecef_m[rows]), cast(_F64, b.z[rows, :3]),
                            cast(_F64, b.sigma[rows, 0]), cast(_F64, b.t_s[rows]),
                            sm.platform[rows],
                            gate_probability=p.gate_probability,
                            min_parallax_rad=p.min_parallax_rad,
                            tolerance_s=p.triangulation_tolerance_s):
            groups.append(sel[g])
    if groups:
        width = bucket(max(len(g) for g in groups), 4)
        rid = np.stack([np.resize(los[g], width) for g in groups])
        valid = np.stack([np.arange(width) < len(g) for g in groups])
        r, P, status = chunked(
            lambda sel: jit["triangulate"](b.r_obs_ecef_m[rid[sel]], b.z[rid[sel], :3],
                                           b.sigma[rid[sel], 0], valid[sel]),
            len(groups), INIT_CHUNK, BATCHED_SMALLEST)
        v0 = p.init_speed_sigma_mps**2 * np.eye(3)
        for n, g in enumerate(groups):
            if status[n] != Status.OK:
                continue
            used[g] = True
            P6 = np.zeros((6, 6))
            P6[:3, :3], P6[3:, 3:] = P[n], v0
            new.append((sm.sample[los[g[0]]], 0, n, np.r_[r[n], 0.0, 0.0, 0.0][None], P6[None],
                        los[g], np.zeros(1)))
    radar = free[b.kind[free] != mb.KIND_LOS]
    if len(radar):
        x6, P6 = chunked(lambda sel: jit["radar"](jax.tree.map(lambda a: a[radar[sel]], b)),
                         len(radar), INIT_CHUNK, BATCHED_SMALLEST)
        new.extend((sm.sample[i], 1, i, x6[n][None], P6[n][None], np.asarray([i]), np.zeros(1))
                   for n, i in enumerate(radar))
    lone = los[~used]
    if p.single_sensor_init and len(lone):
        rng, ok = ranges_batch(cast(_F64, b.r_obs_ecef_m[lone]), cast(_F64, b.z[lone, :3]), p)
        rows, rng = lone[ok], np.ascontiguousarray(rng[ok])
        if len(rows):
            x6, P6 = chunked(
                lambda sel: jit["los"](jax.tree.map(lambda a: a[rows[sel]], b), rng[sel]),
                len(rows), INIT_CHUNK, BATCHED_SMALLEST)
            h = rng.shape[1]
            new.extend((sm.sample[i], 2, i, x6[n], P6[n], np.asarray([i]),
                        np.full(h, -np.log(h))) for n, i in enumerate(rows))
    _start(st, sorted(new, key=lambda e: e[:3]))


def _start(st: State, new: list[_BatchBirth]) -> None:
    """Create the tracks of `new` births (sorted by sample, then `births`' order)."""
    sm, tr = st.stream, st.tracks
    good = [bool(np.isfinite(e[3]).all() and np.isfinite(e[4]).all()) for e in new]
    ok = [e for e, g in zip(new, good, strict=True) if g]
    bad = [e for e, g in zip(new, good, strict=True) if not g]
    if bad:
        st.faults.add("non_finite_track", [e[0] for e in bad], sm.t_s[[e[5][0] for e in bad]])
    if not ok:
        return
    s = np.asarray([e[0] for e in ok], dtype=np.int64)
    rank = np.arange(len(s)) - np.searchsorted(s, s)  # position among the sample's births
    rows = tr.add(len(ok))
    tr.sample[rows] = s
    tr.tid[rows] = st.next_id[s] + rank
    np.add.at(st.next_id, s, 1)
    first = np.asarray([e[5][0] for e in ok])
    tr.born_t_s[rows] = tr.last_t_s[rows] = sm.t_s[first]
    tr.events[rows] = tr.hits_first[rows] = tr.updates[rows] = 1
    members = np.concatenate([e[5] for e in ok])
    owner = np.repeat(np.arange(len(ok)), [len(e[5]) for e in ok])
    tr.sensors[rows[owner], sm.sensor[members]] = True
    h = np.asarray([len(e[3]) for e in ok])
    slot_owner = np.repeat(rows, h)
    st.slots.add(np.concatenate([e[3] for e in ok]), np.concatenate([e[4] for e in ok]),
                 np.repeat(sm.t_s[first], h), np.concatenate([e[6] for e in ok]), slot_owner)
    st.out.assign(s[owner], sm.rows[members], tr.tid[rows[owner]])
