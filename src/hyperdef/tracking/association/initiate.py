"""Track initiation: LOS triangulation, single radar detection, single angle-only sensor.

Triangulation (docs/references.md#triangulation): sensors s_i, unit LOS u_i, angular noise σ_i,
ranges ρ_i, A_i = I − u_i u_iᵀ (projector onto the plane normal to u_i):
    x̂ = [Σ w_i A_i]⁻¹ Σ w_i A_i s_i,   P = [Σ A_i / (ρ_i² σ_i²)]⁻¹,   w_i = 1/(ρ_i² σ_i²).
A first unweighted pass (w_i = 1) gives the ranges ρ_i = u_i·(x̂ − s_i); the
second pass with w_i is the weighted least-squares estimate whose covariance is P (to first order
in σ), so P describes the returned point even when ranges or noises differ between sensors.
Two sensors at parallax γ, equal ρ and σ: 1σ axes ρσ/(√2 sin(γ/2)), ρσ/(√2 cos(γ/2)), ρσ/√2.

Single radar detection: the inverse of the radar measurement (range, az, el) → position, its
covariance J diag(σ²) Jᵀ by autodiff; velocity = observer velocity + range rate along the LOS,
with the two cross-range velocity components unknown: zero mean, 1σ `sigma_vel_mps` each.

Single angle-only sensor: range-parameterised hypotheses (Peach, IEE Proc. Radar Sonar Navig.
142(2):73–80, 1995): a geometric ladder of ranges ρ_h with ratio k, each a Gaussian with range 1σ
ρ_h·C, C = 2(k − 1)/(√12 (k + 1)) (a uniform density over the cell between neighbours; Peach 1995,
as used by Arulampalam & Ristic, Proc. FUSION 2000) and cross-range 1σ ρ_h σ. The velocity prior
is zero-mean ECEF, isotropic 1σ `sigma_vel_mps` (default 3 km/s: hypersonic threats fly at
1.5–7 km/s in an unknown direction), uncorrelated with position.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.measurement.batch import KIND_RADAR, MeasBatch
from hyperdef.status import Status

_COND_MIN = 1e-12  # eigenvalue ratio of Σ A_i below which LOS are parallel (γ ≲ 1.4 µrad)


def _projectors(u: jax.Array) -> tuple[jax.Array, jax.Array]:
    u = u / jnp.linalg.norm(u, axis=-1, keepdims=True)
    return jnp.eye(3) - u[:, :, None] * u[:, None, :], u


@jax.jit
def triangulate(r_obs_ecef_m: ArrayLike, u: ArrayLike, sigma_rad: ArrayLike, *,
                valid: ArrayLike | None = None) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Least-squares intersection of k lines of sight with its covariance.

    r_obs_ecef_m: (k, 3) sensor positions, ECEF [m]; u: (k, 3) LOS sensor→target, ECEF (unit)
    sigma_rad: (k,) 1σ angular noise per tangent axis [rad]
    valid: optional (k,) bool; rows marked False are ignored (fixed k for jit, padded rows)
    returns: r_ecef_m (3,) [m], P (3, 3) [m²], status () int32: OK; INVALID_INPUT (fewer than 2
      rows, or the point lies behind a sensor); SINGULAR (parallel lines); NON_FINITE (NaN in a
      valid row). On failure r and P are NaN.
    """
    s = jnp.asarray(r_obs_ecef_m, jnp.float64)
    u = jnp.asarray(u, jnp.float64)
    sigma = jnp.asarray(sigma_rad, jnp.float64)
    k = s.shape[0]
    valid = jnp.ones(k, bool) if valid is None else jnp.asarray(valid, bool)
    finite = jnp.all(jnp.isfinite(s), -1) & jnp.all(jnp.isfinite(u), -1) & jnp.isfinite(sigma)
    finite_ok = jnp.all(finite | ~valid)
    # Replace ignored or broken rows by harmless numbers and weight them 0.
    use = valid & finite
    s = jnp.where(use[:, None], s, 0.0)
    u = jnp.where(use[:, None], u, jnp.array([1.0, 0.0, 0.0]))
    sigma = jnp.where(use & (sigma > 0.0), sigma, 1.0)
    A, u = _projectors(u)
    w0 = use.astype(jnp.float64)
    m0 = jnp.einsum("k,kij->ij", w0, A)
    lam = jnp.linalg.eigvalsh(m0)
    parallel = lam[0] <= _COND_MIN * lam[-1]
    x0 = jnp.linalg.solve(jnp.where(parallel, jnp.eye(3), m0), jnp.einsum("k,kij,kj->i", w0, A, s))
    rho = jnp.einsum("ki,ki->k", u, x0[None] - s)
    behind = jnp.any(use & (rho <= 0.0))
    w = jnp.where(use, 1.0 / (jnp.where(use & (rho > 0.0), rho, 1.0) ** 2 * sigma**2), 0.0)
    info = jnp.einsum("k,kij->ij", w, A)
    info = jnp.where(parallel, jnp.eye(3), info)
    x = jnp.linalg.solve(info, jnp.einsum("k,kij,kj->i", w, A, s))
    P = jnp.linalg.inv(info)
    P = 0.5 * (P + P.T)
    status = jnp.where(
        ~finite_ok, Status.NON_FINITE,
        jnp.where(jnp.sum(use) < 2, Status.INVALID_INPUT,
                  jnp.where(parallel, Status.SINGULAR,
                            jnp.where(behind, Status.INVALID_INPUT, Status.OK))),
    ).astype(jnp.int32)
    ok = status == Status.OK
    return jnp.where(ok, x, jnp.nan), jnp.where(ok, P, jnp.nan), status


def _radar_state(z4: jax.Array, row: MeasBatch) -> jax.Array:
    """[r, v] (6,) ECEF of a radar (range, az, el, range rate) seen from `row`'s site."""
    rng, az, el, rr = z4[0], z4[1], z4[2], z4[3]
    enu = jnp.stack([jnp.cos(el) * jnp.sin(az), jnp.cos(el) * jnp.cos(az), jnp.sin(el)])
    u = R_enu_from_ecef(row.lat_obs_rad, row.lon_obs_rad).T @ enu
    return jnp.concatenate([row.r_obs_ecef_m + rng * u, row.v_obs_ecef_mps + rr * u])


@jax.jit
def radar_initiate(row: MeasBatch, *,
                   sigma_vel_mps: float = 3000.0) -> tuple[jax.Array, jax.Array]:
    """Position/velocity estimate from one radar detection (see the module docstring).

    row: single-row MeasBatch of kind radar (1) or radar without range rate (2)
    sigma_vel_mps: 1σ prior of each unmeasured velocity component [m/s]
    returns: x6 (6,) ECEF [m, m/s], P6 (6, 6)
    """
    has_rr = row.kind == KIND_RADAR
    z = jnp.where(has_rr, row.z, row.z.at[3].set(0.0))
    s = jnp.where(has_rr, row.sigma, row.sigma.at[3].set(sigma_vel_mps))
    x6 = _radar_state(z, row)
    J = jax.jacfwd(_radar_state)(z, row)
    u = (x6[:3] - row.r_obs_ecef_m) / z[0]
    cross = jnp.eye(3) - jnp.outer(u, u)
    P6 = J @ jnp.diag(s**2) @ J.T
    P6 = P6.at[3:, 3:].add(sigma_vel_mps**2 * cross)
    return x6, 0.5 * (P6 + P6.T)


def range_hypotheses(min_range_m: float, max_range_m: float, n: int) -> jax.Array:
    """Geometric ladder of n ranges from min to max [m] (n,), for `los_initiate`."""
    return jnp.geomspace(min_range_m, max_range_m, n)


def los_initiate(row: MeasBatch, *, ranges_m: ArrayLike, sigma_vel_mps: float = 3000.0,
                 range_cv: ArrayLike | None = None) -> tuple[jax.Array, jax.Array]:
    """Range-parameterised Gaussian hypotheses from one angle-only detection.

    row: single-row MeasBatch of kind los; ranges_m: (H,) hypothesised ranges [m], geometric
    (see `range_hypotheses`); range_cv: range 1σ / range (default Peach's C from the ladder's
    ratio; required when H = 1); sigma_vel_mps: velocity prior 1σ per axis [m/s]
    returns: x6 (H, 6) ECEF [m, m/s], P6 (H, 6, 6)
    """
    ranges = jnp.asarray(ranges_m, jnp.float64)
    h = ranges.shape[0]
    if range_cv is None:
        if h < 2:
            raise ValueError("los_initiate: give range_cv for a single range hypothesis")
        ratio = (ranges[-1] / ranges[0]) ** (1.0 / (h - 1))
        range_cv = 2.0 * (ratio - 1.0) / (jnp.sqrt(12.0) * (ratio + 1.0))
    u = row.z[:3] / jnp.linalg.norm(row.z[:3])
    sigma = row.sigma[0]
    along = jnp.outer(u, u)
    pos = row.r_obs_ecef_m[None] + ranges[:, None] * u[None]
    p_pos = ((range_cv * ranges) ** 2)[:, None, None] * along[None] + (
        (ranges * sigma) ** 2)[:, None, None] * (jnp.eye(3) - along)[None]
    x6 = jnp.concatenate([pos, jnp.zeros((h, 3))], axis=1)
    P6 = jnp.zeros((h, 6, 6)).at[:, :3, :3].set(p_pos)
    P6 = P6.at[:, 3:, 3:].set(sigma_vel_mps**2 * jnp.eye(3))
    return x6, P6


@jax.jit
def two_point_velocity(r1_ecef_m: jax.Array, P1: jax.Array, t1_s: jax.Array,  # noqa: N803
                       r2_ecef_m: jax.Array, P2: jax.Array,
                       t2_s: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Position/velocity at t2 from two independent position fixes (e.g. two triangulations).

    v = (r2 − r1)/(t2 − t1); with independent errors P6 = [[P2, P2/T], [P2/T, (P1 + P2)/T²]].
    r1, r2: (3,) ECEF [m]; P1, P2: (3, 3) [m²]; t1_s, t2_s: () [s].
    returns: x6 (6,), P6 (6, 6), status () (INVALID_INPUT if t2 == t1, NON_FINITE for NaN)
    """
    dt = t2_s - t1_s
    ok_dt = dt != 0.0
    dts = jnp.where(ok_dt, dt, 1.0)
    v = (r2_ecef_m - r1_ecef_m) / dts
    x6 = jnp.concatenate([r2_ecef_m, v])
    P6 = jnp.block([[P2, P2 / dts], [P2 / dts, (P1 + P2) / dts**2]])
    finite = jnp.all(jnp.isfinite(x6)) & jnp.all(jnp.isfinite(P6))
    status = jnp.where(~finite, Status.NON_FINITE,
                       jnp.where(ok_dt, Status.OK, Status.INVALID_INPUT)).astype(jnp.int32)
    return x6, P6, status
