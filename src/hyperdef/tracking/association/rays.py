"""Which lines of sight from different platforms see the same object (for triangulation).

Two rays r = o_i + s·u_i that see one point meet up to noise. Their closest approach
(Eberly's segment–segment distance, the 2×2 normal equations of min |o₁+s·u₁−o₂−t·u₂|²) gives
a miss distance m along the common normal, whose variance is ≈ (ρ₁σ₁)² + (ρ₂σ₂)² (cross-range
error = range × angular noise, docs/references.md#triangulation-error), plus (v·Δt)² when the
two looks are Δt apart. A pair is compatible when both ranges are positive, the parallax angle
between the rays is at least `min_parallax_rad`, and m²/var < chi2.ppf(P_G, 1) (2 rays × 2
angles − 3 position coordinates = 1 degree of freedom).

Groups are formed greedily, the most consistent pair first, then grown one ray at a time with
rays from other platforms whose angular residual to the pair's midpoint passes the 2-dof gate.
Greedy grouping is the usual practical stand-in for the NP-hard S-D assignment (Deb et al. 1997,
IEEE T-AES 33(2)); ghosts it lets through die in M-of-N confirmation. `group_rays` groups one
sample's rays (the per-sample tracker's); `group_rays_batch` groups every sample's at once, with
the same result (the batched tracker's).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from hyperdef.tracking.runs import pairs_within, runs

_F64 = NDArray[np.float64]


def closest_approach(o1: _F64, u1: _F64, o2: _F64, u2: _F64) -> tuple[_F64, _F64, _F64]:
    """Closest points of rays o1 + s·u1 and o2 + t·u2 (unit u).

    o*, u*: (..., 3) ECEF [m] / unit. returns s (...), t (...) [m], miss (...,3) vector p2 − p1.
    Parallel rays give NaN.
    """
    b = np.einsum("...c,...c->...", u1, u2)
    w0 = o1 - o2
    d = np.einsum("...c,...c->...", u1, w0)
    e = np.einsum("...c,...c->...", u2, w0)
    den = 1.0 - b * b
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (b * e - d) / den
        t = (e - b * d) / den
    miss = (o2 + t[..., None] * u2) - (o1 + s[..., None] * u1)
    return s, t, miss


def group_rays(r_obs_ecef_m: _F64, u: _F64, sigma_rad: _F64, t_s: _F64,
               platform: NDArray[np.int64], *, gate_probability: float,
               min_parallax_rad: float, tolerance_s: float,
               speed_bound_mps: float = 8000.0) -> list[NDArray[np.intp]]:
    """Greedy groups of ≥ 2 mutually consistent lines of sight from distinct platforms.

    r_obs_ecef_m: (N,3) observer positions, ECEF [m]; u: (N,3) measured unit lines of sight;
    sigma_rad: (N,) angular 1σ; t_s: (N,) times [s]; platform: (N,) int, a distinct value per
    (sensor, platform). speed_bound_mps bounds how far the target moves between looks.
    returns: list of int index arrays into the N rays, each a group to triangulate.
    """
    n = len(u)
    if n < 2:
        return []
    i, j = np.triu_indices(n, 1)
    i, j, q, mid = _compatible_pairs(i, j, r_obs_ecef_m, u, sigma_rad, t_s, platform,
                                     gate_probability=gate_probability,
                                     min_parallax_rad=min_parallax_rad, tolerance_s=tolerance_s,
                                     speed_bound_mps=speed_bound_mps)
    if len(i) == 0:
        return []
    used = np.zeros(n, dtype=bool)
    groups = []
    g2 = chi2.ppf(gate_probability, 2)
    for p in np.argsort(q, kind="stable"):
        a, b = i[p], j[p]
        if used[a] or used[b]:
            continue
        used[a] = used[b] = True
        members = [a, b]
        # Grow with rays from further platforms whose angular residual to the midpoint passes.
        free = np.flatnonzero(~used & (np.abs(t_s - t_s[a]) <= tolerance_s))
        free = free[~np.isin(platform[free], platform[members])]
        if len(free):
            rng, q2 = _residual(mid[p], r_obs_ecef_m[free], u[free], sigma_rad[free])
            for k in np.argsort(q2, kind="stable"):
                if not q2[k] < g2:
                    break  # sorted: every later ray fails too (NaN sorts last)
                if rng[k] <= 0 or platform[free[k]] in platform[members]:
                    continue
                members.append(free[k])
                used[free[k]] = True
        groups.append(np.asarray(members, dtype=np.int64))
    return groups


def group_rays_batch(r_obs_ecef_m: _F64, u: _F64, sigma_rad: _F64, t_s: _F64,
                     platform: NDArray[np.int64], sample: NDArray[np.int64], *,
                     gate_probability: float, min_parallax_rad: float, tolerance_s: float,
                     speed_bound_mps: float = 8000.0
                     ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """`group_rays` of every sample at once, the rays (N,) sorted by their `sample` (N,) int.

    The greedy choice runs in rounds: in each, every sample takes its most consistent pair of
    still unused rays and grows it, which is the order `group_rays` takes them one sample at a
    time, so the groups are the same, member for member.
    returns: members (K,) ray indices, group by group, and counts (G,) members per group; the
    groups ordered by sample, then as `group_rays` returns them.
    """
    if np.any(np.diff(sample) < 0):  # the pairs and rounds below read each sample as one run
        raise ValueError("sample: the rays must be sorted by sample (a stable sort keeps the "
                         "order within each sample, which the groups depend on)")
    i, j = pairs_within(sample)  # every pair within a sample, in `group_rays`' order
    i, j, q, mid = _compatible_pairs(i, j, r_obs_ecef_m, u, sigma_rad, t_s, platform,
                                     gate_probability=gate_probability,
                                     min_parallax_rad=min_parallax_rad, tolerance_s=tolerance_s,
                                     speed_bound_mps=speed_bound_mps)
    order = np.lexsort((q, sample[i]))  # stable: ties keep the pair order, as in `group_rays`
    i, j, mid = i[order], j[order], mid[order]
    start = np.searchsorted(sample, sample, side="left")
    end = np.searchsorted(sample, sample, side="right")
    g2 = chi2.ppf(gate_probability, 2)
    used = np.zeros(len(sample), dtype=bool)

    def grow(a: NDArray[np.intp], b: NDArray[np.intp], mid_ab: _F64
             ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """The rays that pairs (a, b) (k,) take, as (pair, ray), in the order `group_rays`
        appends them: of each further platform, its unused ray of least angular residual to
        the pair's midpoint if that passes the 2-dof gate, least residual first."""
        g, pos = runs(end[a] - start[a])  # each pair's candidates: its sample's rays, in order
        ray = start[a][g] + pos
        cand = (~used[ray] & (np.abs(t_s[ray] - t_s[a][g]) <= tolerance_s)
                & (platform[ray] != platform[a][g]) & (platform[ray] != platform[b][g]))
        g, ray = g[cand], ray[cand]
        rng, q2 = _residual(mid_ab[g], r_obs_ecef_m[ray], u[ray], sigma_rad[ray])
        by_q2 = np.lexsort((q2, g))
        ok = (q2 < g2)[by_q2] & (rng[by_q2] > 0)
        g, ray = g[by_q2][ok], ray[by_q2][ok]
        _, once = np.unique(g * (platform.max() + 1) + platform[ray], return_index=True)
        once.sort()  # the first of each (pair, platform), kept in residual order
        return g[once], ray[once]

    # (sample, round, position in group, ray) of every member taken
    taken: list[tuple[NDArray[np.int64], ...]] = []
    rnd = 0
    while True:
        alive = np.flatnonzero(~used[i] & ~used[j])
        if len(alive) == 0:
            break
        first = alive[np.r_[True, sample[i[alive[1:]]] != sample[i[alive[:-1]]]]]
        a, b = i[first], j[first]
        used[a] = used[b] = True
        g, ray = grow(a, b, mid[first])
        used[ray] = True
        pos = 2 + np.arange(len(g)) - np.searchsorted(g, g)
        rays = np.r_[a, b, ray]
        taken.append((sample[rays], np.full(len(rays), rnd),
                      np.r_[np.zeros_like(a), np.ones_like(b), pos], rays))
        rnd += 1
    if not taken:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    smp, rd, pos, ray = (np.concatenate(c) for c in zip(*taken, strict=True))
    order = np.lexsort((pos, rd, smp))
    key = smp[order] * rnd + rd[order]  # one group per (sample, round)
    head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return ray[order].astype(np.int64), np.diff(np.r_[head, len(key)])


def _compatible_pairs(i: NDArray[np.intp], j: NDArray[np.intp], r_obs_ecef_m: _F64, u: _F64,
                      sigma_rad: _F64, t_s: _F64, platform: NDArray[np.int64], *,
                      gate_probability: float, min_parallax_rad: float, tolerance_s: float,
                      speed_bound_mps: float) -> tuple[NDArray[np.intp], NDArray[np.intp], _F64,
                                                       _F64]:
    """The candidate pairs (i, j) (P,) that pass the pair test, with their q (P,) = m²/var and
    midpoints (P, 3) ECEF [m], in the order given."""
    keep = (platform[i] != platform[j]) & (np.abs(t_s[i] - t_s[j]) <= tolerance_s)
    keep &= np.einsum("pc,pc->p", u[i], u[j]) <= np.cos(min_parallax_rad)
    i, j = i[keep], j[keep]
    s, t, miss = closest_approach(r_obs_ecef_m[i], u[i], r_obs_ecef_m[j], u[j])
    var = ((s * sigma_rad[i]) ** 2 + (t * sigma_rad[j]) ** 2
           + (speed_bound_mps * (t_s[i] - t_s[j])) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.einsum("pc,pc->p", miss, miss) / var
    ok = (s > 0) & (t > 0) & np.isfinite(q) & (q < chi2.ppf(gate_probability, 1))
    i, j, q, s = i[ok], j[ok], q[ok], s[ok]
    return i, j, q, r_obs_ecef_m[i] + s[:, None] * u[i] + 0.5 * miss[ok]


def _residual(mid: _F64, r_obs_ecef_m: _F64, u: _F64, sigma_rad: _F64) -> tuple[_F64, _F64]:
    """Range along each ray to its closest approach to mid (…,) [m], and the squared angular
    residual in units of the ray's σ (…,) (2 dof)."""
    w = mid - r_obs_ecef_m
    rng = np.einsum("...c,...c->...", w, u)
    perp2 = np.einsum("...c,...c->...", w, w) - rng**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return rng, perp2 / (rng * sigma_rad) ** 2
