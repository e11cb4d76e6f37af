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
IEEE T-AES 33(2)); ghosts it lets through die in M-of-N confirmation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

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
    keep = (platform[i] != platform[j]) & (np.abs(t_s[i] - t_s[j]) <= tolerance_s)
    keep &= np.einsum("pc,pc->p", u[i], u[j]) <= np.cos(min_parallax_rad)
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return []
    s, t, miss = closest_approach(r_obs_ecef_m[i], u[i], r_obs_ecef_m[j], u[j])
    var = ((s * sigma_rad[i]) ** 2 + (t * sigma_rad[j]) ** 2
           + (speed_bound_mps * (t_s[i] - t_s[j])) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.einsum("pc,pc->p", miss, miss) / var
    ok = (s > 0) & (t > 0) & np.isfinite(q) & (q < chi2.ppf(gate_probability, 1))
    i, j, q, s = i[ok], j[ok], q[ok], s[ok]
    mid = r_obs_ecef_m[i] + s[:, None] * u[i] + 0.5 * miss[ok]
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
            w = mid[p] - r_obs_ecef_m[free]
            rng = np.einsum("nc,nc->n", w, u[free])
            perp2 = np.einsum("nc,nc->n", w, w) - rng**2
            q2 = perp2 / (rng * sigma_rad[free]) ** 2
            for k in np.argsort(q2, kind="stable"):
                if not q2[k] < g2:
                    break  # sorted: every later ray fails too (NaN sorts last)
                if rng[k] <= 0 or platform[free[k]] in platform[members]:
                    continue
                members.append(free[k])
                used[free[k]] = True
        groups.append(np.asarray(members, dtype=np.int64))
    return groups
