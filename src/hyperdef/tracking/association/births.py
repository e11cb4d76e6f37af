"""New tracks from the detections no track took (track initiation policy).

In order, per scan:
1. lines of sight from ≥ 2 platforms that see one object (`rays.group_rays`) are triangulated
   (`hyperdef.tracking.initiate.triangulate`, least squares with covariance) — the position
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

import jax
import numpy as np

from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.measurement import batch as mb
from hyperdef.status import Status
from hyperdef.tracking.association.rays import group_rays
from hyperdef.tracking.gating import bucket, chunked

INIT_CHUNK = 16  # detections or groups per initiator call


@functools.lru_cache(maxsize=8)
def _initiators(sigma_vel_mps: float):
    """Jitted, vmapped initiators of `hyperdef.tracking.initiate` for a velocity prior."""
    from hyperdef.tracking import initiate as ini

    return {
        "triangulate": jax.jit(jax.vmap(lambda r, u, s, v: ini.triangulate(r, u, s, valid=v))),
        "radar": jax.jit(jax.vmap(lambda row: ini.radar_initiate(
            row, sigma_vel_mps=sigma_vel_mps))),
        "los": jax.jit(jax.vmap(lambda row, rng: ini.los_initiate(
            row, ranges_m=rng, sigma_vel_mps=sigma_vel_mps))),
    }


def births(b, free, platform, params):
    """Initial estimates for new tracks from unassociated detections.

    b: MeasBatch of NumPy arrays (all rows of the sample); free: (n,) int indices of the rows no
    track took; platform: (N,) int, one value per (sensor, platform); params: TrackerParams.
    returns: list of (x6 (H,6), P6 (H,6,6), member rows (list of int), logw (H,) or None), one
    per new track (H > 1 for range-parameterised tracks, with uniform log-weights).
    """
    out = []
    if len(free) == 0:
        return out
    p, jit = params, _initiators(params.init_speed_sigma_mps)
    los = free[b.kind[free] == mb.KIND_LOS]
    groups = group_rays(b.r_obs_ecef_m[los], b.z[los, :3], b.sigma[los, 0], b.t_s[los],
                        platform[los], gate_probability=p.gate_probability,
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
        ranges = [hypothesis_ranges(b.r_obs_ecef_m[i], b.z[i, :3], p) for i in lone]
        ok = [n for n, r in enumerate(ranges) if r is not None]
        if ok:
            rows, rng = lone[ok], np.stack([ranges[n] for n in ok])
            x6, P6 = chunked(
                lambda sel: jit["los"](jax.tree.map(lambda a: a[rows[sel]], b), rng[sel]),
                len(ok), INIT_CHUNK)
            h = rng.shape[1]
            out.extend((x6[n], P6[n], [lone[k]], np.full(h, -np.log(h)))
                       for n, k in enumerate(ok))
    return out


def hypothesis_ranges(r_obs_ecef_m, u, params):
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

    def roots(rad):
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
