"""Physical motion models in ECEF: ballistic (gravity + drag) and glide (gravity + drag + lift).

Both integrate the 3-DOF point-mass equations of `hyperdef.dynamics.eom` in the rotating ECEF
frame (gravity with J2, Coriolis, centrifugal; Zipfel 2007, ch. 5) with US76 density:

    ṙ = v,   v̇ = frame_accel(r, v) + aero_accel(r, v, ρ(h), β, L/D, σ)

by classical RK4 in equal substeps of at most `max_step_s` (ECEF state at 6 km/s and 1 s steps:
RK4's local error is far below any sensor's noise). The aerodynamic parameters are states, so a
filter estimates them:

  ballistic: [x, y, z, vx, vy, vz, log β]                 β = m/(C_D S) [kg/m²], L/D = 0
  glide:     [x, y, z, vx, vy, vz, log β, L/D, σ]         σ = bank angle [rad], positive right

log β keeps β positive and makes its uncertainty relative, as β of re-entry bodies spans decades
(Candler & Leyva, S&GS 30(3), 2022: 4 700–13 000 kg/m² for an HTV-2-class glider alone).

Process noise: white acceleration of PSD `q_m2ps3` on the velocity, discretised as the constant-
velocity model's (Bar-Shalom, Li & Kirubarajan 2001, §6.2.2) — it stands for the unmodelled
part of the force (winds, density error, aero-table error); the parameters are random walks with
PSDs `q_log_beta_per_s` [1/s], `q_ld_per_s` [1/s], `q_bank_rad2ps` [rad²/s] (variance grows by
q·|T|), so β, L/D and bank can follow a changing angle of attack and bank reversals.
Altitude outside the density table is clamped to [0, 1000 km] for the density only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import ClassVar

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.atmosphere.us76 import density_kgpm3
from hyperdef.dynamics.eom import aero_accel_mps2, altitude_and_up, frame_accel_mps2
from hyperdef.earth.model import WGS84, EarthModel
from hyperdef.tracking.motion.kinematic import cv_process_noise

_POS_VEL = ("x", "y", "z", "vx", "vy", "vz")
_ALT_MAX_M = 1.0e6
_V_REST_MPS = 1e-3  # below this ECEF speed the aerodynamic force is 0 (it is ~1e-12 m/s²)


def _density_kgpm3(alt_m: jax.Array) -> jax.Array:
    return density_kgpm3(jnp.clip(alt_m, 0.0, _ALT_MAX_M))


def _aero_accel(r: jax.Array, v: jax.Array, rho: jax.Array, beta: jax.Array,
                lift_to_drag: ArrayLike, bank: ArrayLike, earth: EarthModel) -> jax.Array:
    """Drag + lift (3,) [m/s²] with a finite forward-mode derivative at v = 0.

    Drag and lift grow as |v|², so their exact derivative at rest is 0; but |v| = √(v·v) has
    the derivative v/|v| = 0/0 there, and a track started at rest (velocity prior mean 0) would
    get a NaN Jacobian and a non-finite covariance. Below `_V_REST_MPS` the force is taken as
    exactly 0 and the speed is evaluated at a harmless stand-in velocity (the double-`where`
    pattern, JAX FAQ "gradients contain NaN where using where"), so both value and derivative
    are finite; above it nothing changes.
    """
    rest = jnp.dot(v, v) < _V_REST_MPS**2
    v_safe = jnp.where(rest, jnp.array([_V_REST_MPS, 0.0, 0.0]), v)
    a = aero_accel_mps2(r, v_safe, rho, beta, lift_to_drag, bank, earth)
    return jnp.where(rest, 0.0, a)


def _accel(r: jax.Array, v: jax.Array, beta: jax.Array, lift_to_drag: ArrayLike, bank: ArrayLike,
           earth: EarthModel) -> jax.Array:
    alt, _ = altitude_and_up(r, earth)
    rho = _density_kgpm3(alt)
    return frame_accel_mps2(r, v, earth) + _aero_accel(r, v, rho, beta, lift_to_drag, bank, earth)


def rk4_propagate(deriv: Callable[[jax.Array], jax.Array], y: jax.Array, dt_s: ArrayLike,
                  max_step_s: float) -> jax.Array:
    """Integrate dy/dt = deriv(y) over dt_s [s] by RK4 in ceil(|dt|/max_step_s) equal substeps.

    deriv: (n,) → (n,); y: (n,); dt_s: () may be traced and negative (0 returns y). The substep
    count is data-dependent, so the loop is a `while_loop` (jit-, vmap- and jacfwd-able). The four
    stages run as an inner loop over Butcher coefficients rather than unrolled: `deriv` appears
    once in the compiled program, which cuts compile time of its Jacobian about fourfold.
    """
    n = jnp.maximum(1, jnp.ceil(jnp.abs(dt_s) / max_step_s)).astype(jnp.int32)
    h = dt_s / n
    node = jnp.array([0.0, 0.5, 0.5, 1.0])  # classical RK4 nodes and weights (Kutta 1901)
    weight = jnp.array([1.0, 2.0, 2.0, 1.0]) / 6.0

    def step(_: jax.Array, y: jax.Array) -> jax.Array:
        def stage(i: jax.Array, carry: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
            k, acc = carry
            k = deriv(y + node[i] * h * k)
            return k, acc + weight[i] * k

        _, acc = jax.lax.fori_loop(0, 4, stage, (jnp.zeros_like(y), jnp.zeros_like(y)))
        return y + h * acc

    return jax.lax.fori_loop(0, n, step, y)


@dataclasses.dataclass(frozen=True)
class Ballistic:
    """Gravity + drag with log β in the state (L/D = 0).

    q_m2ps3: PSD of the unmodelled acceleration per axis [m²/s³]
    q_log_beta_per_s: PSD of the log β random walk [1/s]
    beta0_kgpm2, sigma_log_beta0: prior of new tracks: log β ~ N(log beta0, sigma²)
    earth: Earth model (static); max_step_s: RK4 substep bound [s]
    """

    q_m2ps3: float = 1.0
    q_log_beta_per_s: float = 1e-4
    beta0_kgpm2: float = 5000.0
    sigma_log_beta0: float = 1.0
    earth: EarthModel = WGS84
    max_step_s: float = 1.0
    name: ClassVar[str] = "ballistic"
    dim: ClassVar[int] = 7
    components: ClassVar[tuple[str, ...]] = _POS_VEL + ("log_beta",)

    @property
    def extra_mean(self) -> tuple[float, ...]:
        return (math.log(self.beta0_kgpm2),)

    @property
    def extra_var(self) -> tuple[float, ...]:
        return (self.sigma_log_beta0**2,)

    def f(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:
        """(7,) state after dt_s [s]; β is constant over the step."""
        beta = jnp.exp(x[6])

        def deriv(y: jax.Array) -> jax.Array:
            a = _accel(y[:3], y[3:6], beta, 0.0, 0.0, self.earth)
            return jnp.concatenate([y[3:6], a])

        return jnp.concatenate([rk4_propagate(deriv, x[:6], dt_s, self.max_step_s), x[6:]])

    def Q(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:  # noqa: N802
        """(7, 7) process noise over dt_s [s]."""
        q = jnp.zeros((7, 7)).at[:6, :6].set(cv_process_noise(self.q_m2ps3, dt_s))
        return q.at[6, 6].set(self.q_log_beta_per_s * jnp.abs(dt_s))

    def pos(self, x: jax.Array) -> jax.Array:
        return x[:3]

    def vel(self, x: jax.Array) -> jax.Array:
        return x[3:6]


@dataclasses.dataclass(frozen=True)
class Glide:
    """Gravity + drag + lift with log β, L/D and bank angle in the state.

    q_m2ps3: PSD of the unmodelled acceleration per axis [m²/s³]
    q_log_beta_per_s, q_ld_per_s, q_bank_rad2ps: random-walk PSDs of log β [1/s], L/D [1/s],
      bank [rad²/s]
    beta0_kgpm2, sigma_log_beta0, ld0, sigma_ld0, bank0_rad, sigma_bank0_rad: prior of new tracks
      (defaults: an HTV-2-class glider, β 8 000 kg/m² within a factor e, L/D 2.0 ± 1.0, wings
      level ± 0.5 rad; Tracy & Wright 2020 and Candler & Leyva 2022)
    earth: Earth model (static); max_step_s: RK4 substep bound [s]
    """

    q_m2ps3: float = 1.0
    q_log_beta_per_s: float = 1e-4
    q_ld_per_s: float = 1e-4
    q_bank_rad2ps: float = 1e-3
    beta0_kgpm2: float = 8000.0
    sigma_log_beta0: float = 1.0
    ld0: float = 2.0
    sigma_ld0: float = 1.0
    bank0_rad: float = 0.0
    sigma_bank0_rad: float = 0.5
    earth: EarthModel = WGS84
    max_step_s: float = 1.0
    name: ClassVar[str] = "glide"
    dim: ClassVar[int] = 9
    components: ClassVar[tuple[str, ...]] = _POS_VEL + ("log_beta", "lift_to_drag", "bank_rad")

    @property
    def extra_mean(self) -> tuple[float, ...]:
        return (math.log(self.beta0_kgpm2), self.ld0, self.bank0_rad)

    @property
    def extra_var(self) -> tuple[float, ...]:
        return (self.sigma_log_beta0**2, self.sigma_ld0**2, self.sigma_bank0_rad**2)

    def f(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:
        """(9,) state after dt_s [s]; β, L/D and bank are constant over the step."""
        beta, ld, bank = jnp.exp(x[6]), x[7], x[8]

        def deriv(y: jax.Array) -> jax.Array:
            a = _accel(y[:3], y[3:6], beta, ld, bank, self.earth)
            return jnp.concatenate([y[3:6], a])

        return jnp.concatenate([rk4_propagate(deriv, x[:6], dt_s, self.max_step_s), x[6:]])

    def Q(self, x: jax.Array, dt_s: ArrayLike) -> jax.Array:  # noqa: N802
        """(9, 9) process noise over dt_s [s]."""
        q = jnp.zeros((9, 9)).at[:6, :6].set(cv_process_noise(self.q_m2ps3, dt_s))
        walk = jnp.array([self.q_log_beta_per_s, self.q_ld_per_s, self.q_bank_rad2ps])
        return q.at[6:, 6:].set(jnp.diag(walk * jnp.abs(dt_s)))

    def pos(self, x: jax.Array) -> jax.Array:
        return x[:3]

    def vel(self, x: jax.Array) -> jax.Array:
        return x[3:6]
