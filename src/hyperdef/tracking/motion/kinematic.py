"""Kinematic motion models in ECEF: constant velocity, constant acceleration and Singer.

These models carry no physics: gravity, the Coriolis and centrifugal terms of the rotating ECEF
frame and any aerodynamic force are what the process noise must absorb (a glider in equilibrium
glide accelerates by ~1 m/s²; a ballistic target by ~10 m/s², so `Ballistic` suits those better).
The three Cartesian axes are independent and share one set of parameters.

State layout (position and velocity always first, so `pos`/`vel` are slices):
  cv:     [x, y, z, vx, vy, vz]                       ECEF [m, m/s]
  ca, singer: [x, y, z, vx, vy, vz, ax, ay, az]       ECEF [m, m/s, m/s²]

Process noise (Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, Wiley 2001, §6.2; Singer, IEEE Trans. AES-6(4):473–483, 1970):
  cv: continuous white-noise acceleration of power spectral density q [m²/s³] per axis:
      Q = q [[T³/3, T²/2], [T²/2, T]] (Bar-Shalom et al. §6.2.2).
  ca: continuous Wiener-process acceleration, white jerk of PSD q [m²/s⁵] per axis:
      Q = q [[T⁵/20, T⁴/8, T³/6], [T⁴/8, T³/3, T²/2], [T³/6, T²/2, T]] (§6.2.3).
  singer: acceleration a first-order Gauss-Markov process, ȧ = −a/τ + w, stationary variance σ_m²,
      so w has PSD 2σ_m²/τ (Singer 1970). F and Q are exact: Singer's closed-form q_ij where
      T/τ > 1, their Taylor series below, where the closed forms cancel (`singer_transition`);
      tests check both against the closed forms evaluated to 50 digits.
For a backward step (T < 0) the noise of the interval [t + T, t] is sign(T)·Q(T) for every linear
time-invariant model (the integral's limits swap), which is what `_signed` applies.
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

_I3 = jnp.eye(3)
_POS_VEL = ("x", "y", "z", "vx", "vy", "vz")
_ACC = ("ax", "ay", "az")


def _per_axis(m1: jax.Array) -> jax.Array:
    """(k, k) one-axis matrix → (3k, 3k) for [block0 xyz, block1 xyz, ...] layouts."""
    return jnp.kron(m1, _I3)


def _signed(q_formula: ArrayLike, dt_s: jax.Array) -> jax.Array:
    return jnp.where(dt_s < 0.0, -1.0, 1.0) * q_formula


def cv_process_noise(q_m2ps3: ArrayLike, dt_s: ArrayLike) -> jax.Array:
    """(6, 6) discretised white-noise-acceleration noise (Bar-Shalom et al. 2001, §6.2.2).

    q_m2ps3: () PSD of the acceleration noise per axis [m²/s³]; dt_s: () step [s] (may be < 0).
    """
    t = jnp.asarray(dt_s, jnp.float64)
    q1 = jnp.array([[t**3 / 3.0, t**2 / 2.0], [t**2 / 2.0, t]])
    return _signed(q_m2ps3 * _per_axis(q1), t)


def _cv_f(x: jax.Array, dt_s: ArrayLike) -> jax.Array:
    return jnp.concatenate([x[:3] + dt_s * x[3:6], x[3:6], x[6:]])


@dataclasses.dataclass(frozen=True)
class ConstantVelocity:
    """Constant velocity, white-noise acceleration of PSD `q_m2ps3` per axis [m²/s³]."""

    q_m2ps3: float = 100.0
    name: ClassVar[str] = "cv"
    dim: ClassVar[int] = 6
    components: ClassVar[tuple[str, ...]] = _POS_VEL
    extra_mean: ClassVar[tuple[float, ...]] = ()
    extra_var: ClassVar[tuple[float, ...]] = ()

    def f(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:
        """(6,) state after dt_s [s]: r + v T, v."""
        return _cv_f(x, dt_s)

    def Q(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:  # noqa: N802 — Q is the standard symbol
        """(6, 6) process noise over dt_s [s], ECEF [m², m²/s, m²/s²]."""
        return cv_process_noise(self.q_m2ps3, dt_s)

    def pos(self, x: jax.Array) -> jax.Array:
        return x[:3]

    def vel(self, x: jax.Array) -> jax.Array:
        return x[3:6]


@dataclasses.dataclass(frozen=True)
class ConstantAcceleration:
    """Constant acceleration, white jerk of PSD `q_m2ps5` per axis [m²/s⁵].

    New tracks start with acceleration mean 0 and 1σ `sigma_acc0_mps2` per axis.
    """

    q_m2ps5: float = 1.0
    sigma_acc0_mps2: float = 30.0
    name: ClassVar[str] = "ca"
    dim: ClassVar[int] = 9
    components: ClassVar[tuple[str, ...]] = _POS_VEL + _ACC

    @property
    def extra_mean(self) -> tuple[float, ...]:
        return (0.0, 0.0, 0.0)

    @property
    def extra_var(self) -> tuple[float, ...]:
        return (self.sigma_acc0_mps2**2,) * 3

    def f(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:
        """(9,) state after dt_s [s]: r + v T + a T²/2, v + a T, a."""
        r, v, a = x[:3], x[3:6], x[6:9]
        return jnp.concatenate([r + dt_s * v + 0.5 * dt_s**2 * a, v + dt_s * a, a])

    def Q(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:  # noqa: N802
        """(9, 9) process noise over dt_s [s] (Bar-Shalom et al. 2001, §6.2.3)."""
        t = jnp.asarray(dt_s, jnp.float64)
        q1 = jnp.array([
            [t**5 / 20.0, t**4 / 8.0, t**3 / 6.0],
            [t**4 / 8.0, t**3 / 3.0, t**2 / 2.0],
            [t**3 / 6.0, t**2 / 2.0, t],
        ])
        return _signed(self.q_m2ps5 * _per_axis(q1), t)

    def pos(self, x: jax.Array) -> jax.Array:
        return x[:3]

    def vel(self, x: jax.Array) -> jax.Array:
        return x[3:6]


def _exp_minus_coeffs(n: int) -> np.ndarray:
    """Taylor coefficients of e^(−u) up to u^(n−1)."""
    return np.array([(-1.0) ** k / math.factorial(k) for k in range(n)])


def _singer_series(n: int = 28) -> tuple[np.ndarray, dict[tuple[int, int], np.ndarray]]:
    """Taylor coefficients (ascending powers of x, n terms) of h₁(x) and of the integrals
    I_ij(x) = ∫₀ˣ h_i(u) h_j(u) du, with h₁ = u − 1 + e^(−u), h₂ = 1 − e^(−u), h₃ = e^(−u).

    |x| ≤ 1: the coefficients of h_i·h_j are at most 2^k/k!, so 28 terms leave a truncation
    below 1e-20 of the smallest integral there (I₁₁(x) ≈ x⁵/20)."""
    e = _exp_minus_coeffs(n)
    h = {3: e, 2: np.where(np.arange(n) == 0, 0.0, -e), 1: np.where(np.arange(n) < 2, 0.0, e)}
    integrals = {}
    for i, j in ((1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)):
        prod = np.convolve(h[i], h[j])[: n - 1]
        integrals[i, j] = np.concatenate([[0.0], prod / np.arange(1, n)])
    return h[1], integrals


_H1_SERIES, _I_SERIES = _singer_series()


def _poly(coeffs: np.ndarray, x: jax.Array) -> jax.Array:
    """Σ coeffs[k]·x^k by Horner's rule."""
    out = jnp.zeros_like(x) + coeffs[-1]
    for c in coeffs[-2::-1]:
        out = out * x + c
    return out


def singer_transition(tau_s: ArrayLike, sigma_m_mps2: ArrayLike,
                      dt_s: jax.Array) -> tuple[jax.Array, jax.Array]:
    """One-axis Singer F (3, 3) and Q (3, 3) over dt_s, exact for the continuous model.

    tau_s: () manoeuvre time constant τ [s]; sigma_m_mps2: () stationary 1σ acceleration [m/s²];
    dt_s: () step [s]. Returns (F, Q) for the axis state [p, v, a] in [m, m/s, m/s²].

    With α = 1/τ and x = αT, the acceleration's response is
    g(s) = [h₁(αs)/α², h₂(αs)/α, h₃(αs)] (h as in `_singer_series`), so
    Q = 2ασ²∫₀ᵀ g gᵀ ds = 2σ²·α^−(p_i+p_j)·I_ij(x) with p = (2, 1, 0): the same
    integral Van Loan's (1978) matrix exponential evaluates, and Singer's (1970)
    closed-form q_ij once expanded. Those closed forms cancel catastrophically as x → 0 (q₁₁
    is O(1) terms summing to x⁵/20), so |x| ≤ 1 uses the Taylor series of I_ij (exact to
    rounding) and |x| > 1 the closed forms, which lose at most two digits there. Neither needs a
    matrix exponential, whose data-dependent scaling cost ~20 µs per batched state.
    """
    alpha = 1.0 / jnp.asarray(tau_s, jnp.float64)
    t = jnp.asarray(dt_s, jnp.float64)
    x = alpha * t
    small = jnp.abs(x) <= 1.0
    xs = jnp.where(small, x, 0.0)  # each branch sees only arguments it is accurate for
    xl = jnp.where(small, 1.0, x)
    e1, e2 = jnp.exp(-xl), jnp.exp(-2.0 * xl)
    # Singer (1970) q_ij as restated by Li & Jilkov, IEEE TAES 39(4), 2003, × 2α^(p_i+p_j+1)
    closed = {
        (1, 1): (1 - e2 + 2 * xl + 2 * xl**3 / 3 - 2 * xl**2 - 4 * xl * e1) / 2,
        (1, 2): (e2 + 1 - 2 * e1 + 2 * xl * e1 - 2 * xl + xl**2) / 2,
        (1, 3): (1 - e2 - 2 * xl * e1) / 2,
        (2, 2): (4 * e1 - 3 - e2 + 2 * xl) / 2,
        (2, 3): (e2 + 1 - 2 * e1) / 2,
        (3, 3): (1 - e2) / 2,
    }
    integral = {ij: jnp.where(small, _poly(_I_SERIES[ij], xs), closed[ij]) for ij in closed}
    h1 = jnp.where(small, _poly(_H1_SERIES, xs), xl + jnp.expm1(-xl))
    h2 = -jnp.expm1(-x)
    f = jnp.array([[1.0, t, h1 / alpha**2], [0.0, 1.0, h2 / alpha], [0.0, 0.0, jnp.exp(-x)]])
    power = {1: 2, 2: 1, 3: 0}
    q = jnp.zeros((3, 3))
    for (i, j), v in integral.items():
        qij = 2.0 * sigma_m_mps2**2 * alpha ** -(power[i] + power[j]) * v
        q = q.at[i - 1, j - 1].set(qij).at[j - 1, i - 1].set(qij)
    return f, _signed(q, t)


@dataclasses.dataclass(frozen=True)
class Singer:
    """Singer (1970) manoeuvre model: acceleration is Gauss-Markov with time constant `tau_s`
    [s] and stationary 1σ `sigma_m_mps2` [m/s²] per axis; new tracks start with acceleration
    mean 0 and that same σ."""

    tau_s: float = 20.0
    sigma_m_mps2: float = 30.0
    name: ClassVar[str] = "singer"
    dim: ClassVar[int] = 9
    components: ClassVar[tuple[str, ...]] = _POS_VEL + _ACC

    @property
    def extra_mean(self) -> tuple[float, ...]:
        return (0.0, 0.0, 0.0)

    @property
    def extra_var(self) -> tuple[float, ...]:
        return (self.sigma_m_mps2**2,) * 3

    def f(self, x: ArrayLike, dt_s: jax.Array) -> jax.Array:
        """(9,) state after dt_s [s] (acceleration decays as exp(−T/τ))."""
        f1, _ = singer_transition(self.tau_s, self.sigma_m_mps2, dt_s)
        return _per_axis(f1) @ x

    def Q(self, x: ArrayLike, dt_s: jax.Array) -> jax.Array:  # noqa: N802
        """(9, 9) process noise over dt_s [s], exact for the continuous model."""
        _, q1 = singer_transition(self.tau_s, self.sigma_m_mps2, dt_s)
        return _per_axis(q1)

    def pos(self, x: jax.Array) -> jax.Array:
        return x[:3]

    def vel(self, x: jax.Array) -> jax.Array:
        return x[3:6]
