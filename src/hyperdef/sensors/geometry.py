"""Geometry kernels for space-based sensors: Earth occlusion, field of regard, range, background.

Every kernel broadcasts over leading axes, so one call checks (sensors, targets, times) at once:
pass r_obs as (P, 1, T, 3) and r_tgt as (1, N, T, 3) to get (P, N, T). NaN positions (a decayed
TLE, a target not yet launched) compare False everywhere, i.e. "not visible".

Earth occlusion (docs/references.md#earth-occlusion): with û the unit vector S→T and ρ = |T − S|,
t* = clip(−S·û, 0, ρ), P = S + t*·û; the segment is clear iff |P| ≥ R + h_g. For the WGS84
ellipsoid the axes are first scaled by (1/(a+h_g), 1/(a+h_g), 1/(b+h_g)), which maps the
ellipsoid raised by h_g (to within h_g·f ≈ 70 m at 20 km) onto the unit sphere; the test is then
written without square roots: |s + λ d|² ≥ 1 − ε with λ = clip(−s·d / d·d, 0, 1). The
tolerance ε = 1e-9 (≈ 6 mm) lets an end point lying exactly on the surface (a ground target with
h_g = 0) count as clear despite rounding.

Background (what lies behind the target along the line of sight): follow the ray beyond the
target (λ ≥ 1) to its lowest point. If that point is below the surface the target is seen
against the Earth; if it is below `limb_top_m` against the bright limb; otherwise against
space. A target below the tangent altitude of its line of sight is therefore never seen against
cold space (docs/references.md#limb).
"""

from __future__ import annotations

import enum
import functools

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.model import WGS84, EarthModel

_ONE_MINUS_EPS = 1.0 - 1e-9  # squared scaled radius: ε ≈ 6 mm at the surface


class Background(enum.IntEnum):
    SPACE = 0
    LIMB = 1
    EARTH = 2


# The kernels work on (x, y, z) component tuples rather than (..., 3) arrays: XLA then fuses
# each kernel into one loop over the broadcast output with no length-3 reductions, which is
# ~20× faster on CPU for (sensors × targets × times) grids (benchmarks/visibility.py).
XYZ = tuple[jax.Array, jax.Array, jax.Array]  # the x, y, z components of (..., 3) vectors


def _xyz(v: jax.Array) -> XYZ:
    return v[..., 0], v[..., 1], v[..., 2]


def _dot(a: XYZ, b: XYZ) -> jax.Array:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _sub(a: XYZ, b: XYZ) -> XYZ:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def _scaled(v: XYZ, earth: EarthModel, grazing_alt_m: ArrayLike) -> XYZ:
    """Components scaled by (1/(a+h_g), 1/(a+h_g), 1/(b+h_g)): raised ellipsoid → unit sphere."""
    g = jnp.asarray(grazing_alt_m, jnp.float64)
    ka, kb = 1.0 / (earth.a_m + g), 1.0 / (earth.b_m + g)
    return v[0] * ka, v[1] * ka, v[2] * kb


def _clear(s: XYZ, d: XYZ, earth: EarthModel, grazing_alt_m: ArrayLike) -> jax.Array:
    """Occlusion test on components: observer s, segment d = target − observer (both metres)."""
    ss, ds = _scaled(s, earth, grazing_alt_m), _scaled(d, earth, grazing_alt_m)
    dd = _dot(ds, ds)
    sd = _dot(ss, ds)
    lam = jnp.clip(-sd / jnp.maximum(dd, 1e-300), 0.0, 1.0)
    return _dot(ss, ss) + lam * (2.0 * sd + lam * dd) >= _ONE_MINUS_EPS


def _cone_sq(d: XYZ, dd: jax.Array, b: XYZ, c: jax.Array) -> jax.Array:
    """d·b ≥ c|d| without a square root: for c ≥ 0 it is d·b ≥ 0 ∧ (d·b)² ≥ c²|d|², for c < 0
    it is d·b ≥ 0 ∨ (d·b)² ≤ c²|d|² (both sides squared only where their signs allow)."""
    db = _dot(d, b)
    c2dd = c * c * dd
    return jnp.where(c >= 0.0, (db >= 0.0) & (db * db >= c2dd), (db >= 0.0) | (db * db <= c2dd))


@functools.partial(jax.jit, static_argnames="earth")
def los_clear(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, earth: EarthModel = WGS84,
              grazing_alt_m: float = 0.0) -> jax.Array:
    """True where the segment observer→target clears the Earth raised by grazing_alt_m.

    r_obs_ecef_m, r_tgt_ecef_m: (..., 3) ECEF positions [m] (broadcast together).
    earth: ellipsoid (static); grazing_alt_m: the lowest altitude a ray may pass [m] (scalar).
    Returns (...,) bool. Formula: docs/references.md#earth-occlusion.
    """
    s = _xyz(r_obs_ecef_m)
    return _clear(s, _sub(_xyz(r_tgt_ecef_m), s), earth, grazing_alt_m)


@jax.jit
def in_cone(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, boresight_ecef: jax.Array,
            cos_half_angle: jax.Array) -> jax.Array:
    """True where the target lies within a cone of half-angle acos(cos_half_angle) about the
    unit boresight (..., 3) from the observer; positions (..., 3) ECEF [m]; returns (...,) bool.
    """
    d = _sub(_xyz(r_tgt_ecef_m), _xyz(r_obs_ecef_m))
    return _cone_sq(d, _dot(d, d), _xyz(boresight_ecef), cos_half_angle)


@jax.jit
def in_box(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, frame_ecef: jax.Array,
           tan_half_x: jax.Array, tan_half_y: jax.Array) -> jax.Array:
    """True where the target lies within an az/el box of the sensor frame.

    frame_ecef: (..., 3, 3) rows x, y, z = boresight of the sensor frame, in ECEF.
    tan_half_x, tan_half_y: tangents of the half-widths about y and x (box half-angles < 90°).
    Returns (...,) bool: z-component > 0 and |x| ≤ tan·z, |y| ≤ tan·z.
    """
    d = _sub(_xyz(r_tgt_ecef_m), _xyz(r_obs_ecef_m))
    dx = _dot(d, _xyz(frame_ecef[..., 0, :]))
    dy = _dot(d, _xyz(frame_ecef[..., 1, :]))
    dz = _dot(d, _xyz(frame_ecef[..., 2, :]))
    return (dz > 0.0) & (jnp.abs(dx) <= tan_half_x * dz) & (jnp.abs(dy) <= tan_half_y * dz)


@jax.jit
def nadir_frame(r_ecef_m: jax.Array, v_ecef_mps: jax.Array) -> jax.Array:
    """(..., 3, 3) nadir-pointing sensor frame, rows x (along-track), y (cross-track), z (nadir).

    z = −r̂ (geocentric nadir); x = the velocity's component normal to z; y = z × x.
    """
    z = -r_ecef_m / jnp.linalg.norm(r_ecef_m, axis=-1, keepdims=True)
    x = v_ecef_mps - jnp.sum(v_ecef_mps * z, axis=-1, keepdims=True) * z
    x = x / jnp.linalg.norm(x, axis=-1, keepdims=True)
    return jnp.stack([x, jnp.cross(z, x), z], axis=-2)


@jax.jit
def staring_frame(r_ecef_m: jax.Array, r_aim_ecef_m: jax.Array) -> jax.Array:
    """(..., 3, 3) frame of a sensor staring at a fixed point: z toward the aim point, x toward
    ECEF +z (north) made normal to z (ECEF +y when z is along the polar axis), y = z × x."""
    z = r_aim_ecef_m - r_ecef_m
    z = z / jnp.linalg.norm(z, axis=-1, keepdims=True)
    ref = jnp.broadcast_to(jnp.array([0.0, 0.0, 1.0]), z.shape)
    ref = jnp.where((jnp.abs(z[..., 2:3]) > 0.999), jnp.array([0.0, 1.0, 0.0]), ref)
    x = ref - jnp.sum(ref * z, axis=-1, keepdims=True) * z
    x = x / jnp.linalg.norm(x, axis=-1, keepdims=True)
    return jnp.stack([x, jnp.cross(z, x), z], axis=-2)


@functools.partial(jax.jit, static_argnames="earth")
def access_cone(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, boresight_ecef: jax.Array,
                cos_half_angle: jax.Array, max_range_m: jax.Array,
                earth: EarthModel = WGS84, grazing_alt_m: float = 0.0) -> jax.Array:
    """Geometric access of a space sensor with a conical field of regard, fused in one pass.

    r_obs_ecef_m, r_tgt_ecef_m, boresight_ecef: (..., 3) (ECEF [m], [m], unit).
    cos_half_angle, max_range_m: scalars or (...); use −1 and inf to switch a limit off.
    Returns (...,) bool: LOS clears the Earth raised by grazing_alt_m, the target is inside the
    cone, and within range: `los_clear` ∧ `in_cone` ∧ range, sharing the difference vector.
    """
    s = _xyz(r_obs_ecef_m)
    d = _sub(_xyz(r_tgt_ecef_m), s)
    dd = _dot(d, d)
    return (_clear(s, d, earth, grazing_alt_m) & _cone_sq(d, dd, _xyz(boresight_ecef),
                                                          cos_half_angle)
            & (dd <= max_range_m * max_range_m))


@functools.partial(jax.jit, static_argnames="earth")
def background(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array, limb_top_m: jax.Array,
               earth: EarthModel = WGS84) -> jax.Array:
    """Background class behind each target (Background.SPACE / LIMB / EARTH as int8).

    r_obs_ecef_m, r_tgt_ecef_m: (..., 3) ECEF [m]; limb_top_m: top of the bright limb [m]
    (scalar). Returns (...,) int8. The lowest point of the ray beyond the target is found in
    ellipsoid-scaled coordinates; its altitude is |P|(1 − 1/|P_scaled|), the height above the
    ellipsoid along the geocentric radius (within f·h of the geodetic height).
    """
    o = _xyz(r_obs_ecef_m)
    d = _sub(_xyz(r_tgt_ecef_m), o)
    s, ds = _scaled(o, earth, 0.0), _scaled(d, earth, 0.0)
    lam = jnp.maximum(-_dot(s, ds) / jnp.maximum(_dot(ds, ds), 1e-300), 1.0)
    p_scaled: XYZ = (s[0] + lam * ds[0], s[1] + lam * ds[1], s[2] + lam * ds[2])
    p: XYZ = (o[0] + lam * d[0], o[1] + lam * d[1], o[2] + lam * d[2])
    q = jnp.sqrt(_dot(p_scaled, p_scaled))
    alt = jnp.sqrt(_dot(p, p)) * (1.0 - 1.0 / q)
    return jnp.where(q < 1.0, jnp.int8(Background.EARTH),
                     jnp.where(alt < limb_top_m, jnp.int8(Background.LIMB),
                               jnp.int8(Background.SPACE)))


@jax.jit
def range_m(r_obs_ecef_m: jax.Array, r_tgt_ecef_m: jax.Array) -> jax.Array:
    """(...,) distance [m] between (..., 3) ECEF positions."""
    return jnp.linalg.norm(r_tgt_ecef_m - r_obs_ecef_m, axis=-1)
