"""The peers of benchmarks/trajectories.py: the same glide model written the way a user would.

Model (hyperdef.dynamics.propagate, restated here in NumPy and in plain floats): ECEF state
(r [m], v [m/s]) on the rotating WGS84 Earth; point-mass + J2 gravitation (Vallado 2013, p. 594);
Coriolis and centrifugal terms (Zipfel 2007, ch. 5); drag ρV²/2β against v and lift L/D times drag
along the banked vertical plane (Vinh, Busemann & Culp 1980, ch. 2); geodetic height and normal by
one step of Bowring's method (Survey Review 23(181), 1976); ln ρ of US76 tabulated every 50 m and
interpolated linearly (the table is hyperdef's, passed in). A flight ends at the ground (geodetic
height 0) or at the end time.

Peers:
- `fly_rk4`: a batched NumPy RK4, vehicles along the last axis, with hyperdef's step and its
  impact location (the crossing step re-taken with a shorter length found by Illinois regula
  falsi; Dahlquist & Björck, *Numerical Methods*, 1974, §6.2.3). Landed vehicles leave the batch.
- `solve_one`: scipy's solve_ivp on one vehicle with a scalar right-hand side in `math` floats
  (several times faster per call than NumPy on 3-vectors), the ground as a terminal event.

Both run in worker processes (`Workers`) that compute in NumPy and SciPy only, one
single-threaded process per core, so the peers use exactly the cores hyperdef is given.
"""

from __future__ import annotations

import concurrent.futures
import math
import multiprocessing
import time
from typing import NamedTuple

import numpy as np

_ROOT_ITERS = 24  # as hyperdef.dynamics.events


class Model(NamedTuple):
    """The glide model's constants as plain floats and the ln ρ table (K,)."""

    a_m: float
    b_m: float
    e2: float
    gm_m3ps2: float
    j2: float
    omega_radps: float
    table_bottom_m: float
    table_step_m: float
    top_m: float
    ln_rho: np.ndarray


def altitude_up(x, y, z, m: Model):
    """Geodetic height [m] and the ellipsoid normal (up) of ECEF rows x, y, z (n,) [m]."""
    rho = np.hypot(x, y)
    u, w = m.b_m * rho, m.a_m * z
    n = np.hypot(u, w)
    cb, sb = u / n, w / n
    num = z + m.e2 / (1.0 - m.e2) * m.b_m * sb**3
    den = rho - m.e2 * m.a_m * cb**3
    mm = np.hypot(den, num)
    cp, sp = den / mm, num / mm
    alt = rho * cp + z * sp - m.a_m * np.sqrt(1.0 - m.e2 * sp * sp)
    inv = cp / rho
    return alt, (x * inv, y * inv, sp)


def rhs_rows(y, beta, ld, cos_bank, sin_bank, m: Model):
    """dy/dt (6, n) of states y (6, n); per-vehicle parameters (n,)."""
    x, yy, z, vx, vy, vz = y
    alt, (ux, uy, uz) = altitude_up(x, yy, z, m)
    last = m.ln_rho.size - 1
    s = (np.clip(alt, m.table_bottom_m, m.top_m) - m.table_bottom_m) / m.table_step_m
    i = np.clip(np.floor(s).astype(np.int64), 0, last - 1)
    lo = m.ln_rho[i]
    dens = np.where(alt < m.top_m, np.exp(lo + (s - i) * (m.ln_rho[i + 1] - lo)), 0.0)
    r2 = x * x + yy * yy + z * z
    mu_r3 = m.gm_m3ps2 / (r2 * np.sqrt(r2))
    k = 1.5 * m.j2 * m.a_m**2 / r2
    s2 = 5.0 * z * z / r2
    f_xy = -mu_r3 * (1.0 - k * (s2 - 1.0))
    f_z = -mu_r3 * (1.0 - k * (s2 - 3.0))
    w = m.omega_radps
    speed = np.sqrt(vx * vx + vy * vy + vz * vz)
    drag = dens * speed * speed / (2.0 * beta)
    hx, hy, hz = vx / speed, vy / speed, vz / speed
    d = ux * hx + uy * hy + uz * hz
    lx, ly, lz = ux - d * hx, uy - d * hy, uz - d * hz
    nl = np.sqrt(lx * lx + ly * ly + lz * lz)
    lx, ly, lz = lx / nl, ly / nl, lz / nl
    # lift = cos σ·l0 + sin σ·(v̂ × l0), times L/D·drag
    c, sn, lift = cos_bank, sin_bank, ld * drag
    ax = f_xy * x + 2 * w * vy + w * w * x + lift * (c * lx + sn * (hy * lz - hz * ly))
    ay = f_xy * yy - 2 * w * vx + w * w * yy + lift * (c * ly + sn * (hz * lx - hx * lz))
    az = f_z * z + lift * (c * lz + sn * (hx * ly - hy * lx))
    ax, ay, az = ax - drag * hx, ay - drag * hy, az - drag * hz
    return np.stack([vx, vy, vz, ax, ay, az])


def rk4(y, h, p, m: Model):
    """One classical RK4 step of length h (scalar or (n,)) [s]."""
    k1 = rhs_rows(y, *p, m)
    k2 = rhs_rows(y + (0.5 * h) * k1, *p, m)
    k3 = rhs_rows(y + (0.5 * h) * k2, *p, m)
    k4 = rhs_rows(y + h * k3, *p, m)
    return y + (h / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)


def _locate(y, h, p, m: Model):
    """Impact of vehicles whose step of length h (n,) from y (6, n) crossed the ground:
    (step length to the ground (n,), state there (6, n)), as hyperdef locates it."""
    alt = lambda yy: altitude_up(*yy[:3], m)[0]
    lo, hi = np.zeros_like(h), h.copy()
    y_hi = rk4(y, hi, p, m)
    f_lo, f_hi, side = alt(y), alt(y_hi), np.zeros(h.shape, np.int64)
    for _ in range(_ROOT_ITERS):
        den = f_lo - f_hi
        mid = np.where(den > 0, lo + f_lo * (hi - lo) / np.where(den > 0, den, 1.0),
                       0.5 * (lo + hi))
        mid = np.clip(mid, lo, hi)
        y_mid = rk4(y, mid, p, m)
        f_mid = alt(y_mid)
        right = f_mid > 0
        f_hi = np.where(right & (side == 1), 0.5 * f_hi, f_hi)
        f_lo = np.where(~right & (side == -1), 0.5 * f_lo, f_lo)
        lo, hi = np.where(right, mid, lo), np.where(right, hi, mid)
        f_lo, f_hi = np.where(right, f_mid, f_lo), np.where(right, f_hi, f_mid)
        y_hi = np.where(right, y_hi, y_mid)
        side = np.where(right, 1, -1)
    return hi, y_hi


def fly_rk4(y0, beta, ld, bank, m: Model, flight_s: float, step_s: float):
    """RK4 flights of n vehicles from y0 (6, n) for flight_s [s] or to the ground.

    Returns (t_end_s (n,), y_end (6, n))."""
    n_steps = max(1, math.ceil(flight_s / step_s - 1e-9))
    h = flight_s / n_steps
    n = y0.shape[1]
    t_end, y_end = np.full(n, flight_s), np.array(y0, dtype=np.float64)
    left = np.arange(n)  # vehicles still flying
    y = y_end.copy()
    p = (beta, ld, np.cos(bank), np.sin(bank))
    hit_y, hit_t, hit_i = [], [], []
    for k in range(n_steps):
        y_new = rk4(y, h, p, m)
        down = altitude_up(*y_new[:3], m)[0] <= 0.0
        if down.any():  # these do not take the step; located below, then leave the batch
            hit_y.append(y[:, down])
            hit_t.append(np.full(int(down.sum()), k * h))
            hit_i.append(left[down])
            keep = ~down
            y_new, left = y_new[:, keep], left[keep]
            p = tuple(q[keep] for q in p)
        y = y_new
        if left.size == 0:
            break
    y_end[:, left] = y
    if hit_i:
        idx, yh, th = np.concatenate(hit_i), np.concatenate(hit_y, 1), np.concatenate(hit_t)
        p_all = (beta, ld, np.cos(bank), np.sin(bank))
        dt, y_end[:, idx] = _locate(yh, np.full(idx.size, h), tuple(q[idx] for q in p_all), m)
        t_end[idx] = th + dt
    return t_end, y_end


def rhs_scalar(t, y, beta, ld, cos_bank, sin_bank, m: Model, table: list):
    """The same right-hand side for one vehicle in `math` floats (solve_ivp's fun)."""
    x, yy, z, vx, vy, vz = y.tolist()
    a, b, e2, w = m.a_m, m.b_m, m.e2, m.omega_radps
    rho = math.hypot(x, yy)
    n = math.hypot(b * rho, a * z)
    cb, sb = b * rho / n, a * z / n
    num, den = z + e2 / (1.0 - e2) * b * sb**3, rho - e2 * a * cb**3
    mm = math.hypot(den, num)
    cp, sp = den / mm, num / mm
    alt = rho * cp + z * sp - a * math.sqrt(1.0 - e2 * sp * sp)
    ux, uy, uz = x * cp / rho, yy * cp / rho, sp
    s = (min(max(alt, m.table_bottom_m), m.top_m) - m.table_bottom_m) / m.table_step_m
    i = min(max(int(math.floor(s)), 0), len(table) - 2)
    dens = math.exp(table[i] + (s - i) * (table[i + 1] - table[i])) if alt < m.top_m else 0.0
    r2 = x * x + yy * yy + z * z
    mu_r3 = m.gm_m3ps2 / (r2 * math.sqrt(r2))
    k = 1.5 * m.j2 * a * a / r2
    s2 = 5.0 * z * z / r2
    f_xy, f_z = -mu_r3 * (1.0 - k * (s2 - 1.0)), -mu_r3 * (1.0 - k * (s2 - 3.0))
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    drag = dens * speed * speed / (2.0 * beta)
    hx, hy, hz = vx / speed, vy / speed, vz / speed
    d = ux * hx + uy * hy + uz * hz
    lx, ly, lz = ux - d * hx, uy - d * hy, uz - d * hz
    nl = math.sqrt(lx * lx + ly * ly + lz * lz)
    lx, ly, lz = lx / nl, ly / nl, lz / nl
    c, sn, lift = cos_bank, sin_bank, ld * drag
    return [vx, vy, vz,
            f_xy * x + 2 * w * vy + w * w * x + lift * (c * lx + sn * (hy * lz - hz * ly))
            - drag * hx,
            f_xy * yy - 2 * w * vx + w * w * yy + lift * (c * ly + sn * (hz * lx - hx * lz))
            - drag * hy,
            f_z * z + lift * (c * lz + sn * (hx * ly - hy * lx)) - drag * hz]


def solve_one(y0, beta, ld, bank, m: Model, flight_s: float, method: str, rtol: float,
              atol: float):
    """solve_ivp flight of one vehicle: (end position (3,) [m], t_end [s], rhs calls)."""
    from scipy.integrate import solve_ivp

    table = m.ln_rho.tolist()

    def ground(t, y, *args):  # the ellipsoid surface, where the geodetic height is 0
        return (y[0] ** 2 + y[1] ** 2) / m.a_m**2 + y[2] ** 2 / m.b_m**2 - 1.0

    ground.terminal, ground.direction = True, -1
    sol = solve_ivp(rhs_scalar, (0.0, flight_s), y0, method=method, rtol=rtol, atol=atol,
                    events=ground, args=(beta, ld, math.cos(bank), math.sin(bank), m, table))
    return sol.y[:3, -1], float(sol.t[-1]), int(sol.nfev)


# --- worker processes -------------------------------------------------------------------------

_MODEL: Model | None = None


def _init(model: Model) -> None:
    global _MODEL
    _MODEL = model


def _rk4_task(y0, beta, ld, bank, flight_s, step_s):
    return fly_rk4(y0, beta, ld, bank, _MODEL, flight_s, step_s)


def _ivp_task(rows, flight_s, method, rtol, atol):
    return [solve_one(y0, b, ld, bk, _MODEL, flight_s, method, rtol, atol)
            for y0, b, ld, bk in rows]


class Workers:
    """k single-threaded worker processes (spawned: no JAX inside) sharing out the peers' work."""

    def __init__(self, k: int, model: Model):
        self.k = k
        self.pool = concurrent.futures.ProcessPoolExecutor(
            k, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
            initargs=(model,))

    def close(self):
        self.pool.shutdown()

    def rk4(self, y0, beta, ld, bank, flight_s, step_s):
        """Batched RK4 of n vehicles (y0 (6, n)) split in k contiguous shares: wall time [s],
        t_end (n,), y_end (6, n)."""
        parts = np.array_split(np.arange(y0.shape[1]), self.k)
        t0 = time.perf_counter()
        futs = [self.pool.submit(_rk4_task, y0[:, i], beta[i], ld[i], bank[i], flight_s, step_s)
                for i in parts]
        outs = [f.result() for f in futs]
        wall = time.perf_counter() - t0
        return (wall, np.concatenate([o[0] for o in outs]),
                np.concatenate([o[1] for o in outs], 1))

    def ivp(self, y0, beta, ld, bank, flight_s, method, rtol, atol):
        """solve_ivp of n vehicles (y0 (n, 6)), dealt round-robin to the workers: wall time [s],
        end positions (n, 3), t_end (n,), rhs calls (n,)."""
        n = y0.shape[0]
        deal = [list(range(j, n, self.k)) for j in range(self.k)]
        t0 = time.perf_counter()
        futs = [self.pool.submit(_ivp_task, [(y0[i], beta[i], ld[i], bank[i]) for i in d],
                                 flight_s, method, rtol, atol) for d in deal]
        outs = [f.result() for f in futs]
        wall = time.perf_counter() - t0
        res = [None] * n
        for d, o in zip(deal, outs, strict=True):
            for i, r in zip(d, o, strict=True):
                res[i] = r
        return (wall, np.array([r[0] for r in res]), np.array([r[1] for r in res]),
                np.array([r[2] for r in res]))
