"""Glide trajectories: hyperdef's batched RK4 against a scipy solve_ivp loop, side by side.

N glide vehicles (dispersed β, L/D, speed, heading, latitude) fly 2 000 s on the rotating WGS84
Earth with J2 gravity and US76 air (full physics). hyperdef integrates all of them at once with
fixed-step RK4; the peer is scipy's solve_ivp (RK45) on a NumPy right-hand side of the same
model, one vehicle at a time — a subset is timed and scaled to N. Both must land within 0.1 % of
the ground range of a tight reference (DOP853, rtol 1e-10) on a check subset; the script prints
both accuracies, the throughputs and their ratio.

    python benchmarks/trajectories.py [--vehicles N] [--quick] [--step S] [--rtol R]

On CPU the script exposes every core as a JAX device (XLA_FLAGS, set before JAX starts) and
hyperdef shares its vehicle chunks out over them; `--devices 1` measures one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

if __name__ == "__main__":  # must precede the first import of jax
    _n = next((sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--devices"),
              str(os.cpu_count() or 1))
    os.environ.setdefault("XLA_FLAGS", f"--xla_force_host_platform_device_count={_n}")

import jax  # noqa: E402, I001
import numpy as np  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

import hyperdef  # noqa: E402, F401  (float64)
from hyperdef.dynamics.propagate import (  # noqa: E402
    TABLE_BOTTOM_M,
    TABLE_STEP_M,
    log_density_table,
    propagate,
)
from hyperdef.earth.model import WGS84  # noqa: E402
from hyperdef.threats.kinematics import ecef_state  # noqa: E402

FLIGHT_S = 2000.0
E = WGS84
TABLE = log_density_table("us76")
TABLE_Z = TABLE_BOTTOM_M + TABLE_STEP_M * np.arange(TABLE.size)


def vehicles(n: int, seed: int = 0):
    """Start states (r, v) (n, 3) and β, L/D, bank (n,): notional gliders at 5.5–6.5 km/s."""
    rng = np.random.default_rng(seed)
    lat = np.deg2rad(rng.uniform(-50, 50, n))
    lon = np.deg2rad(rng.uniform(-180, 180, n))
    speed = rng.uniform(5500.0, 6500.0, n)
    heading = rng.uniform(0, 2 * np.pi, n)
    alt = rng.uniform(45e3, 55e3, n)
    r, v = ecef_state(lat, lon, alt, speed, np.zeros(n), heading, E)
    return (np.asarray(r), np.asarray(v), rng.uniform(4700, 13000, n), rng.uniform(2.0, 3.0, n),
            rng.uniform(-0.3, 0.3, n))


def numpy_rhs(t, y, beta, ld, bank):
    """The same model in NumPy, one vehicle: J2 gravity, frame terms, US76 (same ln ρ table),
    geodetic up by Bowring's step — what a careful scalar implementation would do."""
    r, v = y[:3], y[3:]
    x, yy, z = r
    a, b, e2, w = E.a_m, E.b_m, E.e2, E.omega_radps
    rho_xy = np.hypot(x, yy)
    n = np.hypot(b * rho_xy, a * z)
    cb, sb = b * rho_xy / n, a * z / n
    num, den = z + e2 / (1 - e2) * b * sb**3, rho_xy - e2 * a * cb**3
    m = np.hypot(num, den)
    cp, sp = den / m, num / m
    alt = rho_xy * cp + z * sp - a * np.sqrt(1 - e2 * sp**2)
    up = np.array([cp * x / rho_xy, cp * yy / rho_xy, sp])
    rho = np.exp(np.interp(alt, TABLE_Z, TABLE))
    r2 = r @ r
    rn = np.sqrt(r2)
    k = 1.5 * E.j2 * a * a / r2
    s2 = 5 * z * z / r2
    f_xy, f_z = 1 - k * (s2 - 1), 1 - k * (s2 - 3)
    g = -E.gm_m3ps2 / (r2 * rn) * np.array([f_xy, f_xy, f_z]) * r
    frame = np.array([2 * w * v[1] + w * w * x, -2 * w * v[0] + w * w * yy, 0.0])
    speed = np.sqrt(v @ v)
    vh = v / speed
    drag = rho * speed * speed / (2 * beta)
    l0 = up - (up @ vh) * vh
    l0 /= np.sqrt(l0 @ l0)
    lift = np.cos(bank) * l0 + np.sin(bank) * np.cross(vh, l0)
    return np.concatenate([v, g + frame - drag * vh + ld * drag * lift])


def _ground(t, y, *args):
    x, yy, z = y[:3]
    return (x * x + yy * yy) / E.a_m**2 + z * z / E.b_m**2 - 1.0


_ground.terminal, _ground.direction = True, -1


def scipy_end(r, v, beta, ld, bank, rtol, method="RK45"):
    sol = solve_ivp(numpy_rhs, (0.0, FLIGHT_S), np.concatenate([r, v]), method=method, rtol=rtol,
                    atol=1e-6, events=_ground, args=(beta, ld, bank))
    return sol.y[:3, -1], sol.nfev


def range_m(r0, r1):
    return E.a_m * np.arctan2(np.linalg.norm(np.cross(r0, r1), axis=-1), np.sum(r0 * r1, -1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vehicles", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true", help="fewer vehicles timed in the peer loop")
    ap.add_argument("--step", type=float, default=2.0, help="hyperdef RK4 step [s]")
    ap.add_argument("--rtol", type=float, default=1e-5, help="solve_ivp relative tolerance")
    ap.add_argument("--devices", type=int, default=os.cpu_count(), help="CPU cores to use")
    ap.add_argument("--repeat", type=int, default=3, help="hyperdef timings (best is kept)")
    args = ap.parse_args()
    n, n_peer, n_check = args.vehicles, (4 if args.quick else 20), (4 if args.quick else 10)
    r, v, beta, ld, bank = vehicles(n)
    grid = np.array([0.0, FLIGHT_S])
    run = lambda: propagate(r, v, grid, beta_kgpm2=beta, lift_to_drag=ld, bank_rad=bank,
                            earth=E, atmosphere="us76", step_s=args.step)
    t0 = time.perf_counter()
    jax.block_until_ready(run())
    t_first = time.perf_counter() - t0
    t_hd = np.inf
    for _ in range(args.repeat):  # best of a few: the machine may be shared
        t0 = time.perf_counter()
        flight = jax.block_until_ready(run())
        t_hd = min(t_hd, time.perf_counter() - t0)
    end_hd = np.asarray(flight.y_end)[:, :3]
    # RK4 vehicle-steps actually taken (a vehicle that lands before 2 000 s stops stepping).
    steps = float(np.sum(np.ceil(np.asarray(flight.t_end_s) / args.step)))

    rng_hd, rng_peer, rng_ref, t_peer, nfev = [], [], [], 0.0, 0
    for i in range(max(n_peer, n_check)):
        if i < n_peer:
            t0 = time.perf_counter()
            end, k = scipy_end(r[i], v[i], beta[i], ld[i], bank[i], rtol=args.rtol)
            t_peer += time.perf_counter() - t0
            nfev += k
        if i < n_check:
            ref, _ = scipy_end(r[i], v[i], beta[i], ld[i], bank[i], rtol=1e-10, method="DOP853")
            rng_ref.append(range_m(r[i], ref))
            rng_hd.append(range_m(r[i], end_hd[i]))
            rng_peer.append(range_m(r[i], end) if i < n_peer else np.nan)
    err_hd = np.max(np.abs(np.array(rng_hd) / rng_ref - 1))
    err_peer = np.nanmax(np.abs(np.array(rng_peer) / rng_ref - 1))
    t_loop = t_peer / n_peer * n

    print(f"glide trajectories: {n} vehicles x {FLIGHT_S:.0f} s, WGS84 rotating + J2 + US76, "
          f"{jax.device_count()} {jax.devices()[0].platform} device(s)")
    print(f"  hyperdef RK4 (dt {args.step:g} s): {t_hd:.3f} s  ({t_first:.1f} s with compile)  "
          f"{steps / t_hd:.3g} vehicle-steps/s; range error {100 * err_hd:.2e} %")
    print(f"  solve_ivp RK45 loop (rtol {args.rtol:g}): {t_peer / n_peer * 1e3:.1f} ms/vehicle "
          f"({nfev / n_peer:.0f} rhs calls), {t_loop:.1f} s for {n} (scaled from {n_peer}); "
          f"range error {100 * err_peer:.2e} %")
    print(f"  ratio (loop / hyperdef): {t_loop / t_hd:.0f}x")
    if max(err_hd, err_peer) > 1e-3:
        raise SystemExit("accuracy bar (range error <= 0.1 %) not met")


if __name__ == "__main__":
    main()
