"""Multi-stage rocket boost: thrust, mass flow, drag, and a pitch programme to a release state.

Stages burn one after another; stage k has thrust F_k = Isp_k·g0·ṁ_k and ṁ_k = propellant/burn
time (Sutton & Biblarz, *Rocket Propulsion Elements*, 9th ed., 2017, Eqs. 2-5, 4-1); its dry mass
drops at its burnout. The mass is therefore known in closed form at every instant and is not a
state. The stack's drag area C_D·A is that of the burning stage.

Steering (thrust direction), in the launch plane (the plane of the launch vertical and the launch
azimuth, fixed in ECEF):
- gravity turn: vertical for vertical_s, then the pitch falls linearly from 90° to 90° − kick
  over kick_s and is held until the velocity has turned as far, then the thrust follows the
  air-relative velocity (Wiesel, *Spaceflight Dynamics*, 3rd ed., 2010, ch. 7); the kick sets
  the burnout flight-path angle;
- pitch programme: pitch above the local horizontal, piecewise linear in time since launch.

The boost ends at the last burnout, or earlier where `cutoff(t, y, p)` falls to ≤ 0 (thrust
termination at a speed, or at a predicted range for ballistic targeting).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.constants import G0_MPS2
from hyperdef.dynamics.eom import altitude_and_up_xyz, frame_accel_xyz
from hyperdef.dynamics.events import Flight
from hyperdef.dynamics.integrate import integrate_fixed
from hyperdef.dynamics.propagate import density_fn
from hyperdef.dynamics.vec3 import V3
from hyperdef.earth.model import EarthModel
from hyperdef.threats.kepler import predict_descent
from hyperdef.threats.manoeuvres import schedule_value

if TYPE_CHECKING:
    from hyperdef.threats.params import StageParams

MAX_STAGES = 4


class BoostParams(NamedTuple):
    """Per-vehicle booster and steering: (N,) each, stage arrays (N, 4), vectors (N, 3),
    programmes (N, K); the integrator moves N last."""

    t_launch_s: ArrayLike
    t_ignite_s: ArrayLike  # per stage: ignition times after launch [s]; padding: burn 0
    burn_s: ArrayLike  # per stage
    mdot_kgps: ArrayLike  # per stage
    thrust_n: ArrayLike  # per stage
    dry_kg: ArrayLike  # per stage
    drag_area_m2: ArrayLike  # per stage
    plume_w_sr: ArrayLike  # per stage
    mass0_kg: ArrayLike  # lift-off mass (payload + every stage) [kg]
    plane_normal: ArrayLike  # unit normal of the launch plane, ECEF (up0 × azimuth dir)
    vertical_s: ArrayLike
    kick_rad: ArrayLike
    kick_s: ArrayLike
    use_programme: ArrayLike  # bool: pitch programme instead of the gravity turn
    prog_t_s: ArrayLike  # pitch-programme breakpoints [s after launch]
    prog_pitch_rad: ArrayLike  # pitch above the local horizontal [rad]
    cutoff_speed_mps: ArrayLike  # thrust termination at this Earth-relative speed (inf: none)
    aim_ecef_m: ArrayLike  # ballistic aim point (zeros: none)
    range_bias_rad: ArrayLike  # added to the aim's central angle (targeting correction)


def _traced(x: ArrayLike) -> jax.Array:
    """A `BoostParams` field as the integrator hands it to the right-hand side and the event:
    the pytree's leaves are traced arrays there, whatever the caller built the record from."""
    return cast(jax.Array, x)


def stage_table(stages: Sequence[StageParams],
                payload_kg: np.ndarray) -> dict[str, np.ndarray]:
    """Stage arrays (S, 4) from drawn stages (hyperdef.threats.params.StageParams)."""
    s = payload_kg.shape[0]
    out = {k: np.zeros((s, MAX_STAGES)) for k in
           ("burn_s", "mdot_kgps", "thrust_n", "dry_kg", "drag_area_m2", "plume_w_sr",
            "prop_kg")}
    for k, st in enumerate(stages):
        dry, prop, isp = st.dry_mass_kg, st.propellant_kg, st.isp_s
        if st.burn_time_s is not None:
            burn = st.burn_time_s
            mdot = prop / burn
        else:
            # The resolver gives every stage a burn time or a thrust.
            assert st.thrust_n is not None
            mdot = st.thrust_n / (isp * G0_MPS2)
            burn = prop / mdot
        out["burn_s"][:, k], out["mdot_kgps"][:, k] = burn, mdot
        out["thrust_n"][:, k] = isp * G0_MPS2 * mdot
        out["dry_kg"][:, k], out["prop_kg"][:, k] = dry, prop
        out["drag_area_m2"][:, k] = st.drag_area_m2
        out["plume_w_sr"][:, k] = st.plume_w_sr
    out["t_ignite_s"] = np.concatenate([np.zeros((s, 1)), np.cumsum(out["burn_s"], 1)[:, :-1]], 1)
    out["mass0_kg"] = payload_kg + out["dry_kg"].sum(1) + out["prop_kg"].sum(1)
    return out


def mass_kg(p: BoostParams, tau_s: jax.Array, tau_piece_s: jax.Array | None = None) -> jax.Array:
    """Stack masses [kg] (N,) at tau_s (N,) after launch (closed form; each stage's dry mass
    drops at its burnout). Stage arrays (4, N), vehicles last as the integrators pass them.

    tau_piece_s: (N,) a time inside the integration piece that holds tau_s (default tau_s);
    it decides which dry masses have dropped, so that at a burnout the piece that ends there
    still carries the spent stage (the left limit).
    """
    tau_piece_s = tau_s if tau_piece_s is None else tau_piece_s
    burned = jnp.clip(tau_s - p.t_ignite_s, 0.0, p.burn_s)
    done = (tau_piece_s >= p.t_ignite_s + p.burn_s) & (_traced(p.burn_s) > 0.0)
    return (_traced(p.mass0_kg) - jnp.sum(p.mdot_kgps * burned, axis=0)
            - jnp.sum(jnp.where(done, p.dry_kg, 0.0), axis=0))


def burning(p: BoostParams, tau_s: jax.Array) -> jax.Array:
    """(4, N) bool: which stage burns at tau_s (N,) after launch (at most one per vehicle)."""
    return (tau_s >= p.t_ignite_s) & (tau_s < p.t_ignite_s + p.burn_s)


def thrust_direction(p: BoostParams, tau_s: jax.Array, v: V3, up: V3) -> V3:
    """Unit thrust directions, ECEF, of the gravity turn or the pitch programme (see module).

    Gravity turn: vertical, then the pitch ramps down to 90° − kick and is held there until
    the velocity has turned as far (its flight-path angle ≤ the held pitch), then follows the
    velocity. The switch needs no memory: once the velocity is flatter than the held pitch, the
    gravity turn only flattens it further.
    """
    down = V3.rows(_traced(p.plane_normal)).cross(up)
    down = down / jnp.maximum(down.norm(), 1e-12)
    ramp = jnp.clip((tau_s - p.vertical_s) / p.kick_s, 0.0, 1.0)
    pitch_turn = 0.5 * jnp.pi - ramp * p.kick_rad
    pitch = jnp.where(p.use_programme,
                      schedule_value(tau_s, _traced(p.prog_t_s), _traced(p.prog_pitch_rad)),
                      pitch_turn)
    pitched = down * jnp.cos(pitch) + up * jnp.sin(pitch)
    speed = v.norm()
    v_hat = v / jnp.maximum(speed, 1e-12)
    turned = v_hat.dot(up) <= jnp.sin(pitch_turn)
    follow = (~_traced(p.use_programme) & (tau_s >= p.vertical_s + p.kick_s) & turned
              & (speed > 1.0))
    return v_hat.where(follow, pitched)


@functools.cache
def boost_rhs(earth: EarthModel, atmosphere: str | None) -> Callable[..., jax.Array]:
    """Batched `rhs(t_s (N,), y (6, N), p: BoostParams) -> (6, N)` of boosters, vehicles last
    (hyperdef.dynamics.integrate), y = (r_ecef_m, v_ecef_mps) by rows."""
    rho_of = density_fn(atmosphere)

    def rhs(t_s: jax.Array, y: jax.Array, p: BoostParams,
            t_piece_s: jax.Array | None = None) -> jax.Array:
        r, v = V3.rows(y, 0), V3.rows(y, 3)
        tau = t_s - p.t_launch_s
        # Which stage burns is that of the integration piece (boost_breaks), not of t_s:
        # at a piece's right end t_s lies on the burnout itself.
        tau_piece = tau if t_piece_s is None else t_piece_s - p.t_launch_s
        alt, up = altitude_and_up_xyz(r, earth)
        m = mass_kg(p, tau, tau_piece)
        on = burning(p, tau_piece)
        thrust = jnp.sum(jnp.where(on, p.thrust_n, 0.0), axis=0)
        # Drag area of the burning stage (the last one once all have burnt).
        last = jnp.maximum(jnp.sum(_traced(p.burn_s) > 0.0, axis=0) - 1, 0)
        cda_last = jnp.take_along_axis(_traced(p.drag_area_m2), last[None], axis=0)[0]
        cda = jnp.where(jnp.any(on, axis=0), jnp.sum(jnp.where(on, p.drag_area_m2, 0.0), 0),
                        cda_last)
        drag = 0.5 * rho_of(alt) * v.norm() * cda / m
        a = (frame_accel_xyz(r, v, earth) - v * drag
             + thrust_direction(p, tau, v, up) * (thrust / m))
        return jnp.stack([*v, *a])

    return rhs


def boost_breaks(p: BoostParams) -> jax.Array:
    """(K, N) times [s] where the boost's right-hand side jumps or kinks, vehicles last: every
    burnout (thrust, mass flow, drag area and dry mass switch; the next ignition is the same
    instant), the ends of the gravity turn's vertical rise and pitch ramp, and the pitch
    programme's breakpoints. The integrator ends a step on each (hyperdef.dynamics.rk4)."""
    t0 = p.t_launch_s
    return jnp.concatenate([t0 + p.t_ignite_s + p.burn_s,
                            jnp.stack([t0 + p.vertical_s, t0 + p.vertical_s + p.kick_s]),
                            t0 + p.prog_t_s])


def burn_end_s(p_burn_s: np.ndarray, p_t_ignite_s: np.ndarray) -> np.ndarray:
    """(S,) time after launch of the last burnout [s] (stage arrays (S, 4))."""
    return np.max(np.where(p_burn_s > 0.0, p_t_ignite_s + p_burn_s, 0.0), axis=1)


def plume_w_sr(p_t_ignite_s: np.ndarray, p_burn_s: np.ndarray, p_plume_w_sr: np.ndarray,
               tau_s: np.ndarray) -> np.ndarray:
    """(S, T) in-band plume intensity [W/sr] at tau_s (S, T) after launch (stage arrays (S,4))."""
    tau = tau_s[..., None]
    on = (tau >= p_t_ignite_s[:, None, :]) & (tau < (p_t_ignite_s + p_burn_s)[:, None, :])
    return np.sum(np.where(on, p_plume_w_sr[:, None, :], 0.0), axis=-1)


@functools.cache
def boost_cutoff(earth: EarthModel) -> Callable[[jax.Array, jax.Array, BoostParams], jax.Array]:
    """Batched `event(t (N,), y (6, N), p) -> g (N,)`: thrust termination where g ≤ 0.

    g = min(cutoff speed − V, Ψ_aim + bias − Ψ_pred): Ψ_pred is the vacuum ground angle the
    coasting arc would fly (hyperdef.threats.kepler.predict_descent, inertial velocity), Ψ_aim the
    central angle to where the aim point will be (turned with the Earth by ω·tof) — the range
    cut-off of ballistic-missile guidance. Either part is +inf when not used.
    """
    w = earth.omega_radps

    def event(t_s: jax.Array, y: jax.Array, p: BoostParams) -> jax.Array:
        r, v = V3.rows(y, 0), V3.rows(y, 3)
        g_speed = p.cutoff_speed_mps - v.norm()
        v_i = v + V3(-w * r.y, w * r.x, 0.0 * r.z)
        aim = V3.rows(_traced(p.aim_ecef_m))
        r_aim = aim.norm()
        has_aim = r_aim > 0.0
        psi, tof, _ = predict_descent(r.stack(), v_i.stack(), jnp.where(has_aim, r_aim, 1.0),
                                      earth.gm_m3ps2)
        turn = w * jnp.where(jnp.isfinite(tof), tof, 0.0)
        c, s = jnp.cos(turn), jnp.sin(turn)
        aim_then = V3(c * aim.x - s * aim.y, s * aim.x + c * aim.y, aim.z)
        g_range = jnp.arctan2(r.cross(aim_then).norm(), r.dot(aim_then)) + p.range_bias_rad - psi
        return jnp.minimum(g_speed, jnp.where(has_aim, g_range, jnp.inf))

    return event


def fly_boost(params: BoostParams, y0: ArrayLike, t_grid_s: ArrayLike, *, earth: EarthModel,
              atmosphere: str | None, step_s: float,
              t_stop_s: np.ndarray | None = None) -> Flight:
    """Fly N boosters from launch states y0 (N, 6) to burnout or cut-off, on a report grid.

    t_stop_s: optional (N,) earlier stop [s]. Returns `hyperdef.dynamics.integrate.Flight`;
    status OK at burnout, cut-off or stop.
    """
    t_stop = np.asarray(params.t_launch_s) + burn_end_s(np.asarray(params.burn_s),
                                                          np.asarray(params.t_ignite_s))
    if t_stop_s is not None:
        t_stop = np.minimum(t_stop, t_stop_s)
    return integrate_fixed(boost_rhs(earth, atmosphere), y0, params.t_launch_s, params,
                           t_grid_s, step_s=step_s, earth=earth, t_stop_s=t_stop,
                           event=boost_cutoff(earth), breaks=boost_breaks)


def launch_plane_normal(up0_ecef: np.ndarray, toward_ecef: np.ndarray) -> jax.Array:
    """(..., 3) unit normal of the launch plane: the site's vertical up0 (..., 3) and the
    horizontal direction of `toward_ecef` (..., 3, any vector pointing downrange)."""
    d = toward_ecef - jnp.sum(toward_ecef * up0_ecef, -1, keepdims=True) * up0_ecef
    n = jnp.cross(up0_ecef, d)
    return n / jnp.linalg.norm(n, axis=-1, keepdims=True)


def solve_kick(run: Callable[[np.ndarray], ArrayLike], n: int,
               lo_rad: float = np.deg2rad(1.0), hi_rad: float = np.deg2rad(85.0),
               iters: int = 10) -> np.ndarray:
    """Kick angles (n,) that zero `run(kick_rad (n,)) -> error (n,)` by Illinois regula falsi.

    error > 0 means "too steep" (more kick needed); it decreases with the kick for a gravity
    turn. Samples whose bracket holds no sign change keep the end with the smaller |error|.
    """
    lo, hi = np.full(n, lo_rad), np.full(n, hi_rad)
    f_lo, f_hi = np.asarray(run(lo)), np.asarray(run(hi))
    bracket = (f_lo > 0.0) & (f_hi < 0.0)
    best, f_best = np.where(np.abs(f_lo) <= np.abs(f_hi), lo, hi), np.minimum(abs(f_lo),
                                                                               abs(f_hi))
    side = np.zeros(n)
    for _ in range(iters):
        den = np.where(bracket, f_lo - f_hi, 1.0)
        mid = np.where(bracket, lo + f_lo * (hi - lo) / den, lo)
        f_mid = np.asarray(run(mid))
        better = bracket & (np.abs(f_mid) < f_best)
        best, f_best = np.where(better, mid, best), np.where(better, np.abs(f_mid), f_best)
        right = f_mid > 0.0  # still too steep: the root is above mid
        # Illinois: halve the value kept at the stale end when the same end stays twice.
        f_hi = np.where(right & (side == 1), 0.5 * f_hi, f_hi)
        f_lo = np.where(~right & (side == -1), 0.5 * f_lo, f_lo)
        lo, f_lo = np.where(bracket & right, mid, lo), np.where(bracket & right, f_mid, f_lo)
        hi, f_hi = np.where(bracket & ~right, mid, hi), np.where(bracket & ~right, f_mid, f_hi)
        side = np.where(right, 1, -1)
    return best
