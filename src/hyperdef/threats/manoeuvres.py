"""Bank-angle programmes: constant bank, periodic S-weave, and a named [t, bank] schedule.

A programme is data (a `BankProgramme` of per-vehicle arrays), so vehicles flying different
manoeuvres share one compiled kernel. Its command, with τ = t − t_release − start_s:

    σ(τ) = σ0 + A·sin(2π τ / P + φ) + schedule(τ)   for τ ≥ 0,   0 before,

where schedule(τ) is piecewise linear through its rows and held beyond them. A constant bank
sets σ0; a weave sets A, P, φ; a schedule sets the rows. Positive bank turns right.
"""

from __future__ import annotations

from typing import NamedTuple, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

SCHEDULE_ROWS = 16  # rows kept per vehicle (padded); longer schedules round up to a power of 2


class BankProgramme(NamedTuple):
    """Per-vehicle bank programme; each field (N,) except the schedule's (N, K)."""

    bank0_rad: ArrayLike
    amplitude_rad: ArrayLike
    omega_radps: ArrayLike  # 2π / period; 0 for no weave
    phase_rad: ArrayLike
    start_s: ArrayLike  # after release
    sched_t_s: ArrayLike  # (N, K) increasing; padding repeats the last row far in the future
    sched_bank_rad: ArrayLike  # (N, K)


def schedule_value(x: jax.Array, xp: jax.Array, fp: jax.Array) -> jax.Array:
    """Piecewise-linear schedules, one per vehicle, held beyond their ends (as jnp.interp).

    x: (N,) where to read; xp: (K, N) increasing breakpoints per vehicle; fp: (K, N) values.
    Returns (N,).
    """
    k = jnp.clip(jnp.sum(x[None] >= xp, axis=0) - 1, 0, xp.shape[0] - 2)
    def take(a: jax.Array, i: jax.Array) -> jax.Array:
        return jnp.take_along_axis(a, i[None], axis=0)[0]

    x0, x1, f0, f1 = take(xp, k), take(xp, k + 1), take(fp, k), take(fp, k + 1)
    w = jnp.clip((x - x0) / (x1 - x0), 0.0, 1.0)
    return f0 + w * (f1 - f0)


def bank_command_rad(prog: BankProgramme, t_since_release_s: jax.Array) -> jax.Array:
    """Bank commands [rad] (N,) at t_since_release_s (N,) [s]; the programme's fields (N,),
    schedules (K, N) (vehicles last, as the integrators pass them)."""
    tau = t_since_release_s - prog.start_s
    # Inside the integrators the programme's fields are traced arrays, never scalars.
    sched = schedule_value(tau, cast(jax.Array, prog.sched_t_s),
                           cast(jax.Array, prog.sched_bank_rad))
    cmd = prog.bank0_rad + prog.amplitude_rad * jnp.sin(prog.omega_radps * tau + prog.phase_rad)
    return jnp.where(tau >= 0.0, cmd + sched, 0.0)


def _rows(n_rows: int) -> int:
    k = SCHEDULE_ROWS
    while k < n_rows:
        k *= 2
    return k


def no_manoeuvre(n: int) -> BankProgramme:
    """Wings level for n vehicles."""
    z = np.zeros(n)
    t = np.tile(np.arange(SCHEDULE_ROWS, dtype=np.float64), (n, 1))
    return BankProgramme(z, z, z, z, z, t, np.zeros((n, SCHEDULE_ROWS)))


def constant_bank(bank_rad: np.ndarray, start_s: float) -> BankProgramme:
    """A constant bank bank_rad (N,) [rad] from start_s after release."""
    n = len(bank_rad)
    return no_manoeuvre(n)._replace(bank0_rad=bank_rad, start_s=np.full(n, float(start_s)))


def weave(amplitude_rad: np.ndarray, period_s: np.ndarray, phase_rad: np.ndarray,
          start_s: float) -> BankProgramme:
    """An S-weave of amplitude_rad, period_s and phase_rad (N,) each, from start_s after release;
    a period ≤ 0 gives no weave (ω = 0), for the caller to flag."""
    n = len(amplitude_rad)
    omega = np.where(period_s > 0.0, 2.0 * np.pi / np.where(period_s > 0.0, period_s, 1.0), 0.0)
    return no_manoeuvre(n)._replace(amplitude_rad=amplitude_rad, omega_radps=omega,
                                    phase_rad=phase_rad, start_s=np.full(n, float(start_s)))


def bank_schedule(rows: ArrayLike, start_s: float, n: int) -> BankProgramme:
    """The same schedule for n vehicles: rows (K0, 2) [t_s after start_s, bank_rad], times
    increasing, padded to SCHEDULE_ROWS (or the next power of 2) by holding the last row."""
    rows = np.asarray(rows, np.float64)
    k = _rows(len(rows))
    t = np.concatenate([rows[:, 0], rows[-1, 0] + 1e9 * np.arange(1, k - len(rows) + 1)])
    b = np.concatenate([rows[:, 1], np.full(k - len(rows), rows[-1, 1])])
    return no_manoeuvre(n)._replace(start_s=np.full(n, float(start_s)),
                                    sched_t_s=np.tile(t, (n, 1)), sched_bank_rad=np.tile(b, (n, 1)))
