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
      so w has PSD 2σ_m²/τ (Singer 1970). F and Q are computed exactly by Van Loan's matrix
      exponential (Van Loan, IEEE Trans. AC-23(3):395–404, 1978), which avoids the cancellation
      of Singer's closed-form q_ij at small T/τ; tests check it against those closed forms.
For a backward step (T < 0) the noise of the interval [t + T, t] is sign(T)·Q(T) for every linear
time-invariant model (the integral's limits swap), which is what `_signed` applies.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import jax
import jax.numpy as jnp
from jax.scipy.linalg import expm
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


def singer_transition(tau_s: ArrayLike, sigma_m_mps2: ArrayLike,
                      dt_s: jax.Array) -> tuple[jax.Array, jax.Array]:
    """One-axis Singer F (3, 3) and Q (3, 3) over dt_s by Van Loan (1978).

    tau_s: () manoeuvre time constant τ [s]; sigma_m_mps2: () stationary 1σ acceleration [m/s²];
    dt_s: () step [s]. Returns (F, Q) for the axis state [p, v, a] in [m, m/s, m/s²].
    """
    alpha = 1.0 / tau_s
    a = jnp.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, -alpha]])
    qc = jnp.zeros((3, 3)).at[2, 2].set(2.0 * alpha * sigma_m_mps2**2)
    m = jnp.block([[-a, qc], [jnp.zeros((3, 3)), a.T]]) * dt_s
    e = expm(m)
    f = e[3:, 3:].T
    q = f @ e[:3, 3:]
    q = 0.5 * (q + q.T)
    return f, _signed(q, dt_s)


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
