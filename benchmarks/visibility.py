"""Visibility throughput: 500 satellites × 100 targets × 3 600 time steps of line of sight +
Earth occlusion + conical field of regard + range, i.e. 1.8e8 checks.

hyperdef: `hyperdef.sensors.geometry.access_cone` (one fused XLA kernel) over time chunks, so
memory stays bounded whatever the number of steps. Baseline in the same run: the same
arithmetic as a per-satellite NumPy loop (each satellite vectorised over targets × times), timed
on a subset of satellites and scaled; and a per-(satellite, target) loop vectorised over time,
the shape of a Skyfield-style "one observer, one target" computation, on a smaller subset.
Both baselines are checked to give the same booleans as hyperdef on their subset.

Run: python benchmarks/visibility.py [--sats 500 --targets 100 --steps 3600]
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import jax
import jax.numpy as jnp
import numpy as np

import hyperdef  # noqa: F401  (float64)
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84
from hyperdef.sensors.geometry import access_cone
from hyperdef.sensors.orbits import propagate_ecef
from hyperdef.sensors.walker import walker
from hyperdef.time import Epoch

HALF_ANGLE_RAD = np.radians(60.0)
MAX_RANGE_M = 5.0e6
GRAZING_M = 20e3


def scenario(n_sat: int, n_tgt: int, n_t: int):
    """Satellite (P, T, 3) and target (N, T, 3) ECEF positions, nadir boresights (P, T, 3)."""
    t = np.arange(n_t, dtype=np.float64)
    planes = max(d for d in range(1, 26) if n_sat % d == 0)
    el = walker(n_sat, planes, 1, 1000e3, np.radians(70.0))
    r_sat, _ = propagate_ecef(el, t, epoch=Epoch.parse("2030-01-01T00:00:00Z"), earth=WGS84)
    r_sat = np.asarray(r_sat)
    rng = np.random.default_rng(0)
    lat0 = np.arcsin(rng.uniform(-1, 1, n_tgt))
    lon0 = rng.uniform(-np.pi, np.pi, n_tgt)
    # Gliders flying east at 6 km/s, 40 km up (moving targets: nothing is precomputable).
    lon = lon0[:, None] + 6000.0 * t[None, :] / (6.4e6 * np.cos(lat0)[:, None])
    r_tgt = np.asarray(geodetic_to_ecef(lat0[:, None], lon, 40e3, WGS84))
    bore = -r_sat / np.linalg.norm(r_sat, axis=-1, keepdims=True)
    return r_sat, bore, r_tgt


@jax.jit
def _hyperdef_chunk(r_sat, bore, r_tgt):
    ok = access_cone(r_sat[:, None], r_tgt[None], bore[:, None], jnp.cos(HALF_ANGLE_RAD),
                     MAX_RANGE_M, WGS84, GRAZING_M)
    return ok, jnp.sum(ok, axis=0, dtype=jnp.int32)


def run_hyperdef(r_sat, bore, r_tgt, chunk):
    """Visible-satellite counts (N, T) and the wall time of the timed pass (compile excluded)."""
    n_t = r_sat.shape[1]
    pad = (-n_t) % chunk
    pad3 = ((0, 0), (0, pad), (0, 0))
    rs = np.pad(r_sat, pad3, constant_values=np.nan)
    bs, rt = np.pad(bore, pad3), np.pad(r_tgt, pad3, constant_values=np.nan)
    t0 = time.perf_counter()
    jax.block_until_ready(_hyperdef_chunk(rs[:, :chunk], bs[:, :chunk], rt[:, :chunk]))
    compile_s = time.perf_counter() - t0
    counts = np.zeros((r_tgt.shape[0], n_t + pad), np.int32)
    t0 = time.perf_counter()
    for a in range(0, n_t + pad, chunk):
        ok, n = _hyperdef_chunk(rs[:, a:a + chunk], bs[:, a:a + chunk], rt[:, a:a + chunk])
        counts[:, a:a + chunk] = np.asarray(n)
    return counts[:, :n_t], time.perf_counter() - t0, compile_s


def baseline_per_satellite(r_sat, bore, r_tgt):
    """Per-satellite loop, NumPy over (targets, times): (P_subset, N, T) booleans."""
    a, b = WGS84.a_m + GRAZING_M, WGS84.b_m + GRAZING_M
    k = np.array([1 / a, 1 / a, 1 / b])
    cos_h = np.cos(HALF_ANGLE_RAD)
    out = []
    for p in range(r_sat.shape[0]):
        s, bo = r_sat[p][None], bore[p][None]
        d = r_tgt - s
        ss, ds = s * k, d * k
        dd_s = np.einsum("ntk,ntk->nt", ds, ds)
        sd_s = np.einsum("ntk,ntk->nt", np.broadcast_to(ss, ds.shape), ds)
        lam = np.clip(-sd_s / dd_s, 0.0, 1.0)
        clear = np.einsum("tk,tk->t", ss[0], ss[0]) + lam * (2 * sd_s + lam * dd_s) >= 1 - 1e-9
        dd = np.einsum("ntk,ntk->nt", d, d)
        cone = np.einsum("ntk,tk->nt", d, bo[0]) >= cos_h * np.sqrt(dd)
        out.append(clear & cone & (dd <= MAX_RANGE_M**2))
    return np.stack(out)


def baseline_per_pair(r_sat, bore, r_tgt):
    """Per-(satellite, target) loop, NumPy over time: (P_subset, N_subset, T) booleans."""
    a, b = WGS84.a_m + GRAZING_M, WGS84.b_m + GRAZING_M
    k = np.array([1 / a, 1 / a, 1 / b])
    cos_h = np.cos(HALF_ANGLE_RAD)
    out = np.zeros(r_sat.shape[:1] + r_tgt.shape[:2], bool)
    for p in range(r_sat.shape[0]):
        for n in range(r_tgt.shape[0]):
            d = r_tgt[n] - r_sat[p]
            ss, ds = r_sat[p] * k, d * k
            dd_s, sd_s = (ds * ds).sum(-1), (ss * ds).sum(-1)
            lam = np.clip(-sd_s / dd_s, 0.0, 1.0)
            clear = (ss * ss).sum(-1) + lam * (2 * sd_s + lam * dd_s) >= 1 - 1e-9
            dd = (d * d).sum(-1)
            cone = (d * bore[p]).sum(-1) >= cos_h * np.sqrt(dd)
            out[p, n] = clear & cone & (dd <= MAX_RANGE_M**2)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=500)
    ap.add_argument("--targets", type=int, default=100)
    ap.add_argument("--steps", type=int, default=3600)
    ap.add_argument("--chunk", type=int, default=100, help="time steps per kernel call")
    ap.add_argument("--baseline-sats", type=int, default=20)
    ap.add_argument("--pair-sats", type=int, default=2)
    args = ap.parse_args()
    r_sat, bore, r_tgt = scenario(args.sats, args.targets, args.steps)
    checks = args.sats * args.targets * args.steps
    rss_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts, hyper_s, compile_s = run_hyperdef(r_sat, bore, r_tgt, args.chunk)
    rss_after_hyperdef = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    k = args.baseline_sats
    t0 = time.perf_counter()
    base = baseline_per_satellite(r_sat[:k], bore[:k], r_tgt)
    base_s = (time.perf_counter() - t0) * args.sats / k
    kp = args.pair_sats
    t0 = time.perf_counter()
    pair = baseline_per_pair(r_sat[:kp], bore[:kp], r_tgt)
    pair_s = (time.perf_counter() - t0) * args.sats / kp

    sub, _, _ = run_hyperdef(r_sat[:k], bore[:k], r_tgt, args.chunk)
    assert np.array_equal(sub, base.sum(0)), "baseline and hyperdef disagree"
    assert np.array_equal(pair, base[:kp]), "per-pair and per-satellite baselines disagree"

    rate, base_rate, pair_rate = checks / hyper_s, checks / base_s, checks / pair_s
    print(f"visibility: {args.sats} sats x {args.targets} targets x {args.steps} steps "
          f"= {checks:.3g} checks (LOS + occlusion over {GRAZING_M / 1e3:g} km + "
          f"{np.degrees(HALF_ANGLE_RAD):g} deg cone + range)")
    print(f"  cpus: {os.cpu_count()}, jax {jax.__version__} on {jax.devices()[0].platform}; "
          f"time chunk {args.chunk} steps; mean visible sats per target {counts.mean():.2f}")
    print(f"  hyperdef            : {hyper_s:8.3f} s  {rate:10.3g} checks/s  "
          f"(+ {compile_s:.2f} s compile, once)")
    print(f"  NumPy per satellite : {base_s:8.3f} s  {base_rate:10.3g} checks/s  "
          f"(timed on {k} satellites, scaled)")
    print(f"  NumPy per pair      : {pair_s:8.3f} s  {pair_rate:10.3g} checks/s  "
          f"(timed on {kp} satellites x {args.targets} targets, scaled)")
    print(f"  ratio hyperdef / per-satellite loop: {rate / base_rate:.1f}x; "
          f"/ per-pair loop: {rate / pair_rate:.1f}x")
    chunk_mib = args.sats * args.targets * args.chunk / 2**20
    print(f"  peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
          f"overall; {rss_setup:.0f} MiB after building the inputs "
          f"({(r_sat.nbytes + bore.nbytes + r_tgt.nbytes) / 2**20:.0f} MiB of positions), "
          f"{rss_after_hyperdef:.0f} MiB after the hyperdef pass (one chunk's booleans: "
          f"{chunk_mib:.1f} MiB)")


if __name__ == "__main__":
    main()
