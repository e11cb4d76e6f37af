"""Ellipsoidal geodesic distances, the assessment's and ground track's workload: N pairs of
nearby points (legs of a ground track, ≤ ~300 km) and N pairs anywhere on the globe.

hyperdef: `hyperdef.earth.distance.geodesic_m` (Vincenty's series; his substitution first, the
two bisections only for pairs it leaves unsettled, and only in batches holding one). Peers in
the same run, each on the same pairs and checked against GeographicLib (Karney 2013, exact to
15 nm, the oracle of `tests/earth`):
- batched NumPy Vincenty: the textbook inverse (Vincenty 1975) vectorised over the pairs with a
  fixed 10 substitutions — what a user would write; it gives no answer (NaN here) where the
  substitution does not settle, i.e. near the antipode;
- GeographicLib's `Geodesic.Inverse` in a Python loop (its Python package; timed on a subset
  and scaled).

No goal of its own: issue 11 asks for the per-sample cost of a campaign, of which the arrival
time over a defended area and the ground-track length are geodesics over every grid time of
every sample. Prints pairs/s and the worst error in metres of each, and the ratios.

Run: python benchmarks/geodesic.py [--pairs 200000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from geographiclib.geodesic import Geodesic

import hyperdef  # noqa: F401  (float64)
from hyperdef.earth.distance import geodesic_m
from hyperdef.earth.model import WGS84


def numpy_vincenty(p1, l1, p2, l2, a=WGS84.a_m, f=WGS84.f, iterations=10):
    """Vincenty's inverse (1975) vectorised over the pairs; NaN where λ has not settled."""
    b = a * (1.0 - f)
    big_l = np.mod(l2 - l1 + np.pi, 2.0 * np.pi) - np.pi  # the shorter way round
    u1, u2 = np.arctan((1.0 - f) * np.tan(p1)), np.arctan((1.0 - f) * np.tan(p2))
    su1, cu1, su2, cu2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l
    for _ in range(iterations):
        sl, cl = np.sin(lam), np.cos(lam)
        ss = np.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        cs = su1 * su2 + cu1 * cu2 * cl
        sig = np.arctan2(ss, cs)
        sa = np.divide(cu1 * cu2 * sl, ss, out=np.zeros_like(ss), where=ss > 0)
        c2a = 1.0 - sa**2
        # cos 2σm; 0 on the equator (cos²α = 0), where it is multiplied by C = 0
        c2m = np.where(c2a > 0, cs - np.divide(2.0 * su1 * su2, c2a, out=np.zeros_like(cs),
                                               where=c2a > 0), 0.0)
        c = f / 16.0 * c2a * (4.0 + f * (4.0 - 3.0 * c2a))
        prev, lam = lam, big_l + (1.0 - c) * f * sa * (
            sig + c * ss * (c2m + c * cs * (-1.0 + 2.0 * c2m**2)))
    u2_ = c2a * (a**2 - b**2) / b**2
    big_a = 1.0 + u2_ / 16384.0 * (4096.0 + u2_ * (-768.0 + u2_ * (320.0 - 175.0 * u2_)))
    big_b = u2_ / 1024.0 * (256.0 + u2_ * (-128.0 + u2_ * (74.0 - 47.0 * u2_)))
    ds = big_b * ss * (c2m + big_b / 4.0 * (cs * (-1.0 + 2.0 * c2m**2) - big_b / 6.0 * c2m
                                           * (-3.0 + 4.0 * ss**2) * (-3.0 + 4.0 * c2m**2)))
    return np.where(np.abs(lam - prev) < 1e-12, b * big_a * (sig - ds), np.nan)


def best_of(fn, repeats=3):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pairs", type=int, default=200_000)
    ap.add_argument("--oracle-pairs", type=int, default=2_000)
    n = ap.parse_args().pairs
    m = min(n, ap.parse_args().oracle_pairs)
    rng = np.random.default_rng(0)
    gl = Geodesic(WGS84.a_m, WGS84.f)
    p1, l1 = np.arcsin(rng.uniform(-0.99, 0.99, n)), rng.uniform(-np.pi, np.pi, n)
    sets = {
        "nearby (track legs)": (p1, l1, np.clip(p1 + rng.normal(0, 0.02, n), -1.57, 1.57),
                                l1 + rng.normal(0, 0.02, n)),
        "anywhere": (p1, l1, np.arcsin(rng.uniform(-1, 1, n)), rng.uniform(-np.pi, np.pi, n)),
    }
    for name, pairs in sets.items():
        def hyperdef_run(pairs=pairs):
            return np.asarray(geodesic_m(*pairs))
        hyperdef_run()  # compile
        t_h, s_h = best_of(hyperdef_run)
        t_n, s_n = best_of(lambda pairs=pairs: numpy_vincenty(*pairs))
        sub = [np.degrees(x[:m]) for x in pairs]
        t0 = time.perf_counter()
        ref = np.array([gl.Inverse(*map(float, row))["s12"] for row in zip(*sub, strict=True)])
        t_g = (time.perf_counter() - t0) * n / m
        err_h = np.max(np.abs(s_h[:m] - ref))
        ok_n = np.isfinite(s_n[:m])
        err_n = np.max(np.abs(s_n[:m][ok_n] - ref[ok_n])) if ok_n.any() else np.nan
        print(f"{name}: {n} pairs")
        print(f"  hyperdef         {n / t_h:12.4g} pairs/s  worst {err_h:.2g} m vs GeographicLib")
        print(f"  NumPy Vincenty   {n / t_n:12.4g} pairs/s  worst {err_n:.2g} m where settled "
              f"({np.mean(~np.isfinite(s_n)):.2%} unsettled, no answer)  hyperdef/NumPy "
              f"{t_n / t_h:.2f}x")
        print(f"  GeographicLib    {n / t_g:12.4g} pairs/s  (Python loop, scaled from {m})  "
              f"hyperdef/GeographicLib {t_g / t_h:.0f}x")


if __name__ == "__main__":
    main()
