"""What the panelled body radiates toward a viewer: face-on panel intensities, the area each
panel projects on a view, and the view from a sensor's own direction.

The panel temperatures come from hyperdef.threats.body_ir. Each panel is a Lambertian grey body:
it contributes ε·A_proj·M_band(T)/π, A_proj its area projected on the view (zero for panels
facing away). Views are unit vectors in the velocity frame of a wings-level vehicle (x along
the air-relative velocity, z the wings-level lift direction, y = z × x).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.radiometry import band_exitance_w_m2
from hyperdef.threats.body_ir import Body, panel_temperatures_k


def panel_intensities_w_sr(temps: tuple[jax.Array, jax.Array, jax.Array, jax.Array], body: Body,
                           emissivity: ArrayLike, band_m: tuple[float, float]) -> jax.Array:
    """(..., 4) band intensity [W/sr] of nose, one leading edge, windward and leeward acreage,
    each seen face-on (projection factor 1): ε·A·M_band(T)/π (Lambertian panels).

    temps: `panel_temperatures_k` output. The intensity toward a view is the sum of these
    times `projection_factors` (`intensity_toward_w_sr`).
    """
    lo, hi = band_m
    t_nose, t_le, t_win, t_lee = temps
    def rad(t: jax.Array) -> jax.Array:
        return band_exitance_w_m2(jnp.maximum(t, 1.0), lo, hi) / jnp.pi

    def strip(t: jax.Array) -> jax.Array:
        return jnp.mean(rad(t), axis=-1)

    nose = jnp.pi * body.nose_radius_m**2 * rad(t_nose)
    edge = body.leading_edge_radius_m * body.leading_edge_length_m * rad(t_le)
    parts = (nose, edge, body.windward_area_m2 * strip(t_win), body.leeward_area_m2 * strip(t_lee))
    return jnp.stack(jnp.broadcast_arrays(*(emissivity * x for x in parts)), axis=-1)


def projection_factors(view_vel: jax.Array, alpha_rad: ArrayLike, leading_edge_sweep_rad: ArrayLike,
                       windward_incidence_rad: ArrayLike,
                       leeward_incidence_rad: ArrayLike) -> jax.Array:
    """(..., 4) projected-area factors of nose, leading edges (both), windward and leeward
    acreage toward the unit direction view_vel (..., 3) from the vehicle to the viewer, in the
    velocity frame (x along the air-relative velocity, z the wings-level lift direction,
    y = z × x); angles (...) [rad]. Zero for panels facing away."""
    a = jnp.asarray(alpha_rad)
    dx, dy, dz = view_vel[..., 0], view_vel[..., 1], view_vel[..., 2]
    # The body is pitched nose-up by α from the velocity: the view in body axes.
    bx, by, bz = dx * jnp.cos(a) + dz * jnp.sin(a), dy, -dx * jnp.sin(a) + dz * jnp.cos(a)
    # Nose: a hemisphere facing forward, projected π R² (1 + cos θ)/2.
    nose = 0.5 * (1.0 + bx)
    # Leading edges: the hot front half of each cylinder, projected R·L·sin(angle to the axis).
    sw = leading_edge_sweep_rad
    edges = sum(jnp.sqrt(jnp.maximum(1.0 - (-jnp.sin(sw) * bx + sign * jnp.cos(sw) * by) ** 2,
                                     0.0)) for sign in (1.0, -1.0))
    # Acreage: windward normal (sin δw, 0, −cos δw), leeward (sin δl, 0, cos δl), body axes.
    dw, dl = windward_incidence_rad, leeward_incidence_rad
    cos_w = jnp.maximum(jnp.sin(dw) * bx - jnp.cos(dw) * bz, 0.0)
    cos_l = jnp.maximum(jnp.sin(dl) * bx + jnp.cos(dl) * bz, 0.0)
    return jnp.stack(jnp.broadcast_arrays(nose, edges, cos_w, cos_l), axis=-1)


def intensity_toward_w_sr(temps: tuple[jax.Array, jax.Array, jax.Array, jax.Array],
                          view_vel: jax.Array, alpha_rad: ArrayLike, body: Body,
                          emissivity: ArrayLike, band_m: tuple[float, float]) -> jax.Array:
    """(...) band intensity [W/sr] of the body seen from the unit direction view_vel.

    temps: `panel_temperatures_k` output. view_vel: (..., 3) unit vector from the vehicle to
    the viewer in the velocity frame (x along the air-relative velocity, z the wings-level lift
    direction, y = z × x). Each panel contributes ε·A_proj·M_band(T)/π (Lambertian), A_proj its
    area projected on the view (zero for panels facing away).
    """
    f = projection_factors(view_vel, alpha_rad, body.leading_edge_sweep_rad,
                           body.windward_incidence_rad, body.leeward_incidence_rad)
    return jnp.sum(panel_intensities_w_sr(temps, body, emissivity, band_m) * f, axis=-1)


def view_in_velocity_frame(los_ecef: jax.Array, v_ecef_mps: jax.Array,
                           up_ecef: jax.Array) -> jax.Array:
    """(..., 3) unit direction los_ecef (..., 3) (vehicle → viewer, ECEF) in the velocity frame
    of a wings-level vehicle of air-relative velocity v_ecef_mps (..., 3) under the local
    vertical up_ecef (..., 3): x = v̂, z = the vertical's part normal to v̂, y = z × x."""
    x = v_ecef_mps / jnp.maximum(jnp.linalg.norm(v_ecef_mps, axis=-1, keepdims=True), 1e-9)
    z = up_ecef - jnp.sum(up_ecef * x, -1, keepdims=True) * x
    z = z / jnp.maximum(jnp.linalg.norm(z, axis=-1, keepdims=True), 1e-12)
    y = jnp.cross(z, x)
    d = los_ecef / jnp.maximum(jnp.linalg.norm(los_ecef, axis=-1, keepdims=True), 1e-12)
    return jnp.stack([jnp.sum(d * x, -1), jnp.sum(d * y, -1), jnp.sum(d * z, -1)], -1)


def signature_from_above(rho_kgpm3: jax.Array, t_inf_k: jax.Array, v_ecef_mps: jax.Array,
                         up_ecef: jax.Array, body: Body, emissivity: jax.Array,
                         alpha_rad: jax.Array, material_limit_k: jax.Array,
                         transition_reynolds: jax.Array, sutton_graves_k: jax.Array,
                         band_m: tuple[float, float]) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(nose temperature [K] (...), band intensity seen from straight above [W/sr] (...),
    face-on panel intensities [W/sr] (..., 4) (`panel_intensities_w_sr`, for other views)).

    v_ecef_mps, up_ecef: (..., 3) air-relative velocity and local vertical. "Straight above" is
    the quantity Candler & Leyva (S&GS 30(3), 2022) publish; in the velocity frame of a wings-level
    vehicle the vertical is (sin γ, 0, cos γ), γ the flight-path angle.
    """
    speed = jnp.linalg.norm(v_ecef_mps, axis=-1)
    sin_g = jnp.sum(v_ecef_mps * up_ecef, -1) / jnp.maximum(speed, 1e-9)
    view = jnp.stack([sin_g, jnp.zeros_like(sin_g), jnp.sqrt(jnp.maximum(1 - sin_g**2, 0.0))], -1)
    temps = panel_temperatures_k(rho_kgpm3, speed, t_inf_k, alpha_rad, body, emissivity,
                                 material_limit_k, transition_reynolds, sutton_graves_k)
    panels = jnp.where((speed > 0.0)[..., None],
                       panel_intensities_w_sr(temps, body, emissivity, band_m), 0.0)
    f = projection_factors(view, alpha_rad, body.leading_edge_sweep_rad,
                           body.windward_incidence_rad, body.leeward_incidence_rad)
    return temps[0], jnp.sum(panels * f, axis=-1), panels


class Aspect(NamedTuple):
    """What a sensor needs to see one object's body model from its own direction: face-on
    panel intensities (S, T, 4) [W/sr] (`panel_intensities_w_sr`, zero out of flight) and the
    angles of `projection_factors` (S,) each [rad]."""

    panels_w_sr: ArrayLike
    alpha_rad: ArrayLike
    leading_edge_sweep_rad: ArrayLike
    windward_incidence_rad: ArrayLike
    leeward_incidence_rad: ArrayLike


def aspect_gain_w_sr(panels_w_sr: jax.Array, angles_rad: jax.Array, v_ecef_mps: jax.Array,
                     up_ecef: jax.Array, los_ecef: jax.Array) -> jax.Array:
    """(...) intensity toward los_ecef minus the intensity seen from straight above [W/sr]:
    what a sensor adds to the truth's `ir_w_sr` (which is the view from above, plume included)
    to see the body from its own direction.

    panels_w_sr: (..., 4) face-on panel intensities; angles_rad: (..., 4) α, leading-edge
    sweep, windward and leeward incidence; v_ecef_mps, up_ecef, los_ecef: (..., 3) air-relative
    velocity, local vertical, vehicle → sensor direction, ECEF.
    """
    a = [angles_rad[..., i] for i in range(4)]
    view = view_in_velocity_frame(los_ecef, v_ecef_mps, up_ecef)
    above = view_in_velocity_frame(up_ecef, v_ecef_mps, up_ecef)
    df = (projection_factors(view, a[0], a[1], a[2], a[3])
          - projection_factors(above, a[0], a[1], a[2], a[3]))
    return jnp.sum(panels_w_sr * df, axis=-1)
