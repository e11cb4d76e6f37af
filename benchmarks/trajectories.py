"""Glide trajectories: hyperdef's batched RK4 against the peers a user would write, same cores,
accuracy measured on both sides.

N glide vehicles (dispersed β, L/D, bank, speed, heading, latitude) fly 2 000 s on the rotating
WGS84 Earth with J2 gravity and US76 air (full physics), or until they reach the ground.

- hyperdef: `hyperdef.dynamics.propagate.propagate`, fixed-step RK4, all vehicles at once,
  shared out over one XLA CPU device per core.
- NumPy RK4 (benchmarks/glide_peers.py): the same model, the same step and the same impact
  location, vectorised over the vehicles; one single-threaded process per core, each flying its
  share. Its end states must equal hyperdef's (same arithmetic up to rounding).
- solve_ivp (RK45 and DOP853, the faster counts): one vehicle at a time with a scalar right-hand
  side, the ground as a terminal event, vehicles dealt to one process per core. Its tolerance is
  chosen so that its end-point error equals hyperdef's: rtol is tightened by √10 from 1e-5 until
  the worst end-point error on the check vehicles is at most hyperdef's, then refined twice
  between the last two rungs (atol = rtol × 1 m or 1 m/s: the relative tolerance governs). The
  check vehicles are timed at that tolerance and the time is scaled to N.

Accuracy: every side's end point (3-D position at 2 000 s or at impact) against a reference of
the same model (DOP853, rtol 1e-12, atol 1e-9) on the check vehicles, in metres. The reference is
converged far below the errors compared: rtol 1e-13 moved it by ≤ 0.5 mm on four of the quick
run's vehicles, against hyperdef's ≈ 8 cm at the 2 s step.

Cores: the whole process is pinned (sched_setaffinity) to the first `--cores` of the CPUs it may
use, and the peers' worker processes inherit that mask, so both sides run on the same cores.
hyperdef drives one XLA device per core from one host thread each; each peer process runs
single-threaded (OMP/OpenBLAS/MKL threads set to 1).

Goals (issue 3): ≥ 1e7 RK4 vehicle-steps/s on 2 CPU cores; ≥ 100× the solve_ivp loop at equal
accuracy; end-point range within 0.1 % of the reference; on a GPU, 10⁶ glides ≤ 3 s. The batched
NumPy RK4 (issue 11's fair peer) has no goal set: its ratio is printed.

    python benchmarks/trajectories.py                 # N = 10⁴ on all usable cores
    python benchmarks/trajectories.py --quick         # N = 2 000, fewer check vehicles
    python benchmarks/trajectories.py --cores 1       # both sides on one core
"""

from __future__ import annotations

import argparse
import os
import sys

FLIGHT_S = 2000.0
GOAL_STEPS_PER_S = 1e7
GOAL_VS_IVP = 100.0
GOAL_RANGE_REL = 1e-3
GOAL_GPU_N, GOAL_GPU_S = 1_000_000, 3.0


def _args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vehicles", type=int, default=None, help="N (default 10 000; quick 2 000)")
    ap.add_argument("--quick", action="store_true", help="a short look: N = 2 000, 4 checks")
    ap.add_argument("--step", type=float, default=2.0, help="RK4 step of both RK4 sides [s]")
    ap.add_argument("--cores", type=int, default=None,
                    help="CPU cores for both sides (default: all this process may use)")
    ap.add_argument("--checks", type=int, default=None,
                    help="vehicles checked against the reference and timed with solve_ivp "
                         "(default 16; quick 4)")
    ap.add_argument("--numpy-vehicles", type=int, default=None,
                    help="vehicles timed in the NumPy RK4 (default min(N, 10 000)), scaled to N")
    ap.add_argument("--repeat", type=int, default=None, help="timings of the RK4 sides (best)")
    a = ap.parse_args(argv)
    a.vehicles = a.vehicles or (2_000 if a.quick else 10_000)
    a.checks = a.checks or (4 if a.quick else 16)
    a.numpy_vehicles = min(a.vehicles, a.numpy_vehicles or 10_000)
    a.repeat = a.repeat or (1 if a.quick else 3)
    return a


ARGS = _args() if __name__ == "__main__" else None
if ARGS is not None:  # before NumPy and JAX start: pin the cores, one thread per peer process
    _usable = sorted(os.sched_getaffinity(0))
    ARGS.cores = min(ARGS.cores or len(_usable), len(_usable))
    os.sched_setaffinity(0, _usable[:ARGS.cores])
    for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_v] = "1"
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                               + f" --xla_force_host_platform_device_count={ARGS.cores}")

import time  # noqa: E402

import jax  # noqa: E402
import numpy as np  # noqa: E402

import hyperdef  # noqa: E402, F401  (float64)
from hyperdef.dynamics.propagate import (  # noqa: E402
    TABLE_BOTTOM_M,
    TABLE_STEP_M,
    TOP_OF_ATMOSPHERE_M,
    log_density_table,
    propagate,
)
from hyperdef.earth.model import WGS84 as E  # noqa: E402
from hyperdef.threats.kinematics import ecef_state  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glide_peers as peers  # noqa: E402
from goals import goal  # noqa: E402


def vehicles(n: int, seed: int = 0):
    """Start states r, v (n, 3) [m, m/s] ECEF and β [kg/m²], L/D, bank [rad] (n,): notional
    gliders at 45–55 km and 5.5–6.5 km/s."""
    rng = np.random.default_rng(seed)
    lat = np.deg2rad(rng.uniform(-50, 50, n))
    lon = np.deg2rad(rng.uniform(-180, 180, n))
    speed = rng.uniform(5500.0, 6500.0, n)
    heading = rng.uniform(0, 2 * np.pi, n)
    alt = rng.uniform(45e3, 55e3, n)
    r, v = ecef_state(lat, lon, alt, speed, np.zeros(n), heading, E)
    return (np.asarray(r), np.asarray(v), rng.uniform(4700, 13000, n), rng.uniform(2.0, 3.0, n),
            rng.uniform(-0.3, 0.3, n))


def range_m(r0, r1):
    """Great-circle ground range [m] between ECEF positions (..., 3) (on the equatorial radius)."""
    return E.a_m * np.arctan2(np.linalg.norm(np.cross(r0, r1), axis=-1), np.sum(r0 * r1, -1))


def best_of(k, fn):
    """(best wall time [s], last result) of k calls of fn() -> (wall, result)."""
    walls, out = [], None
    for _ in range(k):
        wall, out = fn()
        walls.append(wall)
    return min(walls), out


def time_hyperdef(r, v, beta, ld, bank, step_s, repeat):
    grid = np.array([0.0, FLIGHT_S])
    run = lambda: propagate(r, v, grid, beta_kgpm2=beta, lift_to_drag=ld, bank_rad=bank,
                            earth=E, atmosphere="us76", step_s=step_s)
    t0 = time.perf_counter()
    jax.block_until_ready(run())
    first = time.perf_counter() - t0

    def once():
        t0 = time.perf_counter()
        f = jax.block_until_ready(run())
        return time.perf_counter() - t0, f

    wall, f = best_of(repeat, once)
    return wall, first, np.asarray(f.t_end_s), np.asarray(f.y_end)[:, :3]


def calibrate_ivp(pool, y0, beta, ld, bank, ref_end, target_m, method):
    """Loosest rtol whose worst end-point error [m] on the check vehicles is ≤ target_m:
    (rtol, worst and median error [m], wall time of the check vehicles [s], mean rhs calls,
    the next looser rtol's worst error [m]); None if no rtol down to 1e-13 gets there."""
    run = lambda rtol: pool.ivp(y0, beta, ld, bank, FLIGHT_S, method, rtol, rtol)
    errs = lambda end: np.linalg.norm(end - ref_end, axis=-1)
    err = lambda end: float(np.max(errs(end)))
    loose, loose_err, hit = None, np.inf, None
    for e in np.arange(-5.0, -13.01, -0.5):
        wall, end, _, nfev = run(10.0**e)
        if err(end) <= target_m:
            hit = (e, errs(end), wall, float(np.mean(nfev)))
            break
        loose, loose_err = e, err(end)
    if hit is None:
        return None
    if loose is not None:  # two bisections in log rtol between the failing and passing rungs
        lo, hi = hit[0], loose
        for _ in range(2):
            mid = 0.5 * (lo + hi)
            wall, end, _, nfev = run(10.0**mid)
            if err(end) <= target_m:
                lo, hit = mid, (mid, errs(end), wall, float(np.mean(nfev)))
            else:
                hi, loose_err = mid, err(end)
    e = hit[1]
    return 10.0 ** hit[0], float(np.max(e)), float(np.median(e)), hit[2], hit[3], loose_err


def main():
    a = ARGS
    n, nc = a.vehicles, min(a.checks, a.numpy_vehicles)
    r, v, beta, ld, bank = vehicles(n)
    y0 = np.concatenate([r, v], -1)
    model = peers.Model(E.a_m, E.b_m, E.e2, E.gm_m3ps2, E.j2, E.omega_radps, TABLE_BOTTOM_M,
                        TABLE_STEP_M, TOP_OF_ATMOSPHERE_M, log_density_table("us76"))
    platform = jax.devices()[0].platform
    load = os.getloadavg()[0]

    t_hd, t_first, t_end_hd, end_hd = time_hyperdef(r, v, beta, ld, bank, a.step, a.repeat)
    steps = float(np.sum(np.ceil(t_end_hd / a.step - 1e-9)))  # a landed vehicle stops stepping

    pool = peers.Workers(a.cores, model)
    try:
        nn = a.numpy_vehicles
        pool.rk4(y0[:8].T, beta[:8], ld[:8], bank[:8], 10 * a.step, a.step)  # start the workers

        def np_once():
            wall, t_end, y_end = pool.rk4(y0[:nn].T, beta[:nn], ld[:nn], bank[:nn], FLIGHT_S,
                                          a.step)
            return wall, (t_end, y_end)

        t_np, (t_end_np, yend_np) = best_of(a.repeat, np_once)
        t_np *= n / nn
        d_np = float(np.max(np.linalg.norm(yend_np[:3].T - end_hd[:nn], axis=-1)))
        d_t = float(np.max(np.abs(t_end_np - t_end_hd[:nn])))
        if not (d_np < 1e-3 and d_t < 1e-6):  # same model, step and event: rounding apart
            raise SystemExit(f"NumPy RK4 and hyperdef disagree ({d_np:.3g} m, {d_t:.3g} s): "
                             "the peer is not the same model; no ratio is meaningful")

        # Reference and end-point errors on the check vehicles (spread over those both RK4
        # sides flew; the draws are independent, so any spread subset is a fair sample).
        ck = np.linspace(0, nn - 1, nc).astype(int)
        args_ck = (y0[ck], beta[ck], ld[ck], bank[ck])
        _, ref_end, ref_t, _ = pool.ivp(*args_ck, FLIGHT_S, "DOP853", 1e-12, 1e-9)
        err_of = lambda end: np.linalg.norm(end - ref_end, axis=-1)
        err_hd = err_of(end_hd[ck])
        err_np = err_of(yend_np[:3].T[ck])
        rng_ref = range_m(r[ck], ref_end)
        rng_err_hd = float(np.max(np.abs(range_m(r[ck], end_hd[ck]) / rng_ref - 1)))
        target = float(np.max(err_hd))
        ivp = {m: calibrate_ivp(pool, *args_ck, ref_end, target, m) for m in ("RK45", "DOP853")}
    finally:
        pool.close()

    landed = int(np.sum(t_end_hd < FLIGHT_S))
    print(f"glide trajectories: N = {n} vehicles x {FLIGHT_S:.0f} s (step {a.step:g} s), WGS84 "
          f"rotating + J2 + US76; {landed} land before the end")
    print(f"cores: {a.cores} (CPUs {sorted(os.sched_getaffinity(0))}, load average {load:.1f}); "
          f"hyperdef: {jax.device_count()} {platform} device(s) driven by one host thread each "
          f"(XLA's own pools inside the same mask); peers: {a.cores} single-threaded "
          f"process(es); RK4 sides best of {a.repeat}")
    print(f"accuracy: end point (3-D position at {FLIGHT_S:.0f} s or at impact) vs DOP853 rtol "
          f"1e-12 on {nc} check vehicles ({int(np.sum(ref_t < FLIGHT_S))} landed); worst / "
          f"median [m]")
    rows = [("hyperdef RK4", t_hd, float(np.max(err_hd)), float(np.median(err_hd)),
             f"{t_first:.1f} s with compile")]
    rows.append(("NumPy RK4 (batched)", t_np, float(np.max(err_np)), float(np.median(err_np)),
                 f"timed on {nn}" + (f", scaled to {n}" if nn < n else "")
                 + f"; vs hyperdef: end points {d_np:.1e} m, end times {d_t:.1e} s apart"))
    best_ivp = None
    for m, res in ivp.items():
        if res is None:
            print(f"  solve_ivp {m}: no tolerance down to 1e-13 reaches {target:.3g} m")
            continue
        rtol, e_ivp, e_med, wall, nfev, e_loose = res
        t_ivp = wall * n / nc
        rows.append((f"solve_ivp {m} loop", t_ivp, e_ivp, e_med,
                     f"rtol {rtol:.2g} ({e_loose:.3g} m at the next looser); {nfev:.0f} rhs "
                     f"calls/vehicle; timed on {nc}, scaled to {n}"))
        if best_ivp is None or t_ivp < best_ivp[1]:
            best_ivp = (m, t_ivp)
    print(f"  {'side':<22}{'time [s]':>10}{'vehicle-steps/s':>17}{'err worst':>11}"
          f"{'median':>9}{'hyperdef x':>12}")
    for name, t, e_max, e_med, note in rows:
        print(f"  {name:<22}{t:>10.3f}{steps / t:>17.3g}{e_max:>11.3g}{e_med:>9.2g}"
              f"{t / t_hd:>12.1f}  {note}")
    print("  (vehicle-steps/s of every side: hyperdef's RK4 vehicle-steps over that side's time)")

    rate = steps / t_hd
    cpu2 = a.cores == 2 and platform == "cpu"
    goal(">= 1e7 RK4 vehicle-steps/s on 2 CPU cores", 3, f"{rate:.3g}",
         rate >= GOAL_STEPS_PER_S if cpu2 else None,
         why=f"this run used {a.cores} {platform} core(s)/device(s)")
    ratio = best_ivp[1] / t_hd if best_ivp else None
    goal(">= 100x the solve_ivp loop at equal accuracy, same cores", 3,
         f"{ratio:.0f}x ({best_ivp[0]})" if best_ivp else "no tolerance reached hyperdef's "
         "accuracy", ratio >= GOAL_VS_IVP if best_ivp else False)
    goal("end-point range within 0.1 % of the reference", 3, f"hyperdef {100 * rng_err_hd:.2e} %",
         rng_err_hd <= GOAL_RANGE_REL)
    gpu = platform == "gpu" and n >= GOAL_GPU_N
    goal("10^6 glides <= 3 s on one GPU", 3, f"N = {n} in {t_hd:.2f} s" if gpu else None,
         t_hd <= GOAL_GPU_S if gpu else None,
         why="no GPU in this run" if platform != "gpu" else "run with --vehicles 1000000")
    print(f"batched NumPy RK4 (issue 11's fair peer): no goal set; hyperdef {t_np / t_hd:.1f}x it")


if __name__ == "__main__":
    main()
