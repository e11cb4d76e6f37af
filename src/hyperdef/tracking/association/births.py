"""New tracks from the detections no track took (track initiation policy).

In order, per scan:
1. lines of sight from ≥ 2 platforms that see one object (`rays.group_rays`; every sample at
   once in `rays.group_rays_batch`) are triangulated
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
from typing import Any, NamedTuple, cast

import jax
import numpy as np
from numpy.typing import NDArray

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.measurement import batch as mb
from hyperdef.status import Status
from hyperdef.tracking.association.rays import group_rays, group_rays_batch
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.gating import BATCHED_SMALLEST, bucket, chunked
from hyperdef.tracking.runs import runs
from hyperdef.tracking.scanstate import State

INIT_CHUNK = 16  # detections or groups per initiator call

# The batches here hold NumPy arrays (MeasBatch is typed for the JAX kernels): the host-side
# helpers take them cast to what they are.
_F64 = NDArray[np.float64]

#: A new track: x6 (H,6), P6 (H,6,6), member rows, logw (H,) (None: one slot, H = 1).
Birth = tuple[NDArray[np.float64], NDArray[np.float64], list[int], NDArray[np.float64] | None]


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


class _Births(NamedTuple):
    """New tracks of the batched tracker as flat arrays: per birth (n,) its sample, category
    (0 triangulated, 1 radar, 2 lone line of sight), order within the category, slot count h
    and member count m; per slot (Σh,) the states x6 (·,6), P6 (·,6,6) and log-weights; the
    member stream rows (Σm,)."""

    sample: NDArray[np.int64]
    cat: NDArray[np.int64]
    order: NDArray[np.int64]
    h: NDArray[np.int64]
    m: NDArray[np.int64]
    x6: NDArray[np.float64]
    P6: NDArray[np.float64]  # noqa: N815 — P is the symbol
    logw: NDArray[np.float64]
    members: NDArray[np.int64]

    def take(self, idx: NDArray[np.int64]) -> _Births:
        """The births idx (k,), in that order, with their slots and members."""
        slots, rows = _ragged(self.h, idx), _ragged(self.m, idx)
        return _Births(self.sample[idx], self.cat[idx], self.order[idx], self.h[idx],
                       self.m[idx], self.x6[slots], self.P6[slots], self.logw[slots],
                       self.members[rows])


def _ragged(counts: NDArray[np.int64], idx: NDArray[np.int64]) -> NDArray[np.int64]:
    """Flat positions of the entries of groups idx, groups being counts (n,) consecutive runs."""
    starts = np.cumsum(counts) - counts
    owner, pos = runs(counts[idx])
    return starts[idx][owner] + pos


def _category(cat: int, sample: NDArray[np.int64], order: NDArray[np.int64],
              x6: NDArray[np.float64], P6: NDArray[np.float64],  # noqa: N803
              members: NDArray[np.int64], m: NDArray[np.int64]) -> _Births:
    """Births of one category: x6 (n, H, 6), P6 (n, H, 6, 6), uniform weights over the H
    (log 1/H; 0.0 − log H keeps a single slot's +0.0)."""
    n, h = x6.shape[:2]
    return _Births(sample, np.full(n, cat), order, np.full(n, h), m, x6.reshape(-1, 6),
                   P6.reshape(-1, 6, 6), np.full(n * h, 0.0 - np.log(h)), members)


def births_batch(st: State, free: NDArray[np.int64]) -> None:
    """New tracks (into the batched tracker state `st`) from the free stream rows `free`
    (sorted by sample): `births`' decisions for every sample at once. Per sample the new tracks
    are numbered in `births`' order: triangulated groups, radar rows, lone lines of sight."""
    if len(free) == 0:
        return
    sm, p = st.stream, st.params
    b, jit = sm.b, _initiators(p.init_speed_sigma_mps)
    new: list[_Births] = []
    los = free[b.kind[free] == mb.KIND_LOS]
    used = np.zeros(len(los), dtype=bool)
    members, counts = group_rays_batch(
        cast(_F64, b.r_obs_ecef_m[los]), cast(_F64, b.z[los, :3]), cast(_F64, b.sigma[los, 0]),
        cast(_F64, b.t_s[los]), sm.platform[los], sm.sample[los],
        gate_probability=p.gate_probability, min_parallax_rad=p.min_parallax_rad,
        tolerance_s=p.triangulation_tolerance_s)
    if len(counts):
        # one padded batch: groups × (rows up to a bucketed width), each group's rows repeated
        # to fill it (as `np.resize` does in `births`), the padding marked invalid
        width = bucket(int(counts.max()), 4)
        first = np.cumsum(counts) - counts
        cols = np.arange(width)
        rid = los[members[first[:, None] + cols % counts[:, None]]]
        valid = cols < counts[:, None]
        r, P, status = chunked(
            lambda sel: jit["triangulate"](b.r_obs_ecef_m[rid[sel]], b.z[rid[sel], :3],
                                           b.sigma[rid[sel], 0], valid[sel]),
            len(counts), INIT_CHUNK, BATCHED_SMALLEST)
        good = np.flatnonzero(status == Status.OK)
        if len(good):
            took = members[_ragged(counts, good)]
            used[took] = True
            x6 = np.zeros((len(good), 1, 6))
            x6[:, 0, :3] = r[good]
            P6 = np.zeros((len(good), 1, 6, 6))
            P6[:, 0, :3, :3], P6[:, 0, 3:, 3:] = P[good], p.init_speed_sigma_mps**2 * np.eye(3)
            new.append(_category(0, sm.sample[los[members[first[good]]]], good, x6, P6,
                                 los[took], counts[good]))
    radar = free[b.kind[free] != mb.KIND_LOS]
    if len(radar):
        x6, P6 = chunked(lambda sel: jit["radar"](jax.tree.map(lambda a: a[radar[sel]], b)),
                         len(radar), INIT_CHUNK, BATCHED_SMALLEST)
        new.append(_category(1, sm.sample[radar], radar, x6[:, None], P6[:, None], radar,
                             np.ones(len(radar), np.int64)))
    lone = los[~used]
    if p.single_sensor_init and len(lone):
        rng, ok = ranges_batch(cast(_F64, b.r_obs_ecef_m[lone]), cast(_F64, b.z[lone, :3]), p)
        rows, rng = lone[ok], np.ascontiguousarray(rng[ok])
        if len(rows):
            x6, P6 = chunked(
                lambda sel: jit["los"](jax.tree.map(lambda a: a[rows[sel]], b), rng[sel]),
                len(rows), INIT_CHUNK, BATCHED_SMALLEST)
            new.append(_category(2, sm.sample[rows], rows, x6, P6, rows,
                                 np.ones(len(rows), np.int64)))
    if new:
        allb = _Births(*(np.concatenate(c) for c in zip(*new, strict=True)))
        _start(st, allb.take(np.lexsort((allb.order, allb.cat, allb.sample))))


def _start(st: State, new: _Births) -> None:
    """Create the tracks of `new` births (sorted by sample, then `births`' order)."""
    sm, tr = st.stream, st.tracks
    finite = np.isfinite(new.x6).all(-1) & np.isfinite(new.P6).all((-1, -2))
    good = np.bincount(np.repeat(np.arange(len(new.h)), new.h), weights=~finite,
                       minlength=len(new.h)) == 0
    first_of = (np.cumsum(new.m) - new.m)  # each birth's first member in `members`
    if not good.all():
        bad = np.flatnonzero(~good)
        st.faults.add("non_finite_track", new.sample[bad], sm.t_s[new.members[first_of[bad]]])
        new = new.take(np.flatnonzero(good))
        first_of = np.cumsum(new.m) - new.m
    if not len(new.h):
        return
    s = new.sample.astype(np.int64)
    rank = np.arange(len(s)) - np.searchsorted(s, s)  # position among the sample's births
    rows = tr.add(len(s))
    tr.sample[rows] = s
    tr.tid[rows] = st.next_id[s] + rank
    np.add.at(st.next_id, s, 1)
    first = new.members[first_of]
    tr.born_t_s[rows] = tr.last_t_s[rows] = sm.t_s[first]
    tr.events[rows] = tr.hits_first[rows] = tr.updates[rows] = 1
    owner = np.repeat(np.arange(len(s)), new.m)
    tr.sensors[rows[owner], sm.sensor[new.members]] = True
    st.slots.add(new.x6, new.P6, np.repeat(sm.t_s[first], new.h), new.logw,
                 np.repeat(rows, new.h))
    st.out.assign(s[owner], sm.rows[new.members], tr.tid[rows[owner]])
