"""Detections as JAX arrays, and one innovation function for every kind of row.

`MeasBatch` holds N detections (rows of the detections table, truth column excluded) in arrays
padded to 4 measurement components, so that angle-only and radar rows batch together under
`jax.jit`/`jax.vmap`:

=========  =====  ===============================  ===============================  ===
kind       code   z (4,)                           sigma (4,)                       dof
=========  =====  ===============================  ===============================  ===
los        0      unit LOS x, y, z, 0              σ, σ, 1, 1                       2
radar      1      range, az, el, range rate        σr, σaz, σel, σrr                4
radar, no  2      range, az, el, 0                 σr, σaz, σel, 1                  3
range rate
=========  =====  ===============================  ===============================  ===

Kind 2 extends the contract for radars that report no range rate (NaN in the table): its fourth
component is padding like the LOS pad. Padded innovation components are exactly 0 with unit
noise, so they add nothing to a NIS and nothing to a gain; NIS and gates use `dof`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, overload

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from numpy.typing import NDArray

from hyperdef.measurement.los import los_innovation
from hyperdef.measurement.radar import radar_innovation

if TYPE_CHECKING:
    import pandas as pd

KIND_LOS = 0
KIND_RADAR = 1
KIND_RADAR_NO_RR = 2
_DOF = (2, 4, 3)


class MeasBatch(NamedTuple):
    """N detections (or one, with the leading axis dropped: see `row`).

    kind: (N,) int32, KIND_LOS / KIND_RADAR / KIND_RADAR_NO_RR
    z: (N, 4) measurement, see the module table (LOS unit vector in ECEF; radar m, rad, rad, m/s)
    sigma: (N, 4) 1σ noise per component, pads = 1 (LOS rad; radar m, rad, rad, m/s)
    r_obs_ecef_m: (N, 3) observer position, ECEF [m]
    v_obs_ecef_mps: (N, 3) observer velocity, ECEF [m/s]
    lat_obs_rad, lon_obs_rad: (N,) observer geodetic latitude, longitude [rad]
    t_s: (N,) measurement time, s since the scenario epoch
    """

    kind: jax.Array
    z: jax.Array
    sigma: jax.Array
    r_obs_ecef_m: jax.Array
    v_obs_ecef_mps: jax.Array
    lat_obs_rad: jax.Array
    lon_obs_rad: jax.Array
    t_s: jax.Array


@overload
def dof(kind: jax.Array) -> jax.Array: ...


@overload
def dof(kind: int | NDArray[np.integer]) -> int | NDArray[np.int64]: ...


def dof(kind: ArrayLike) -> int | jax.Array | NDArray[np.int64]:
    """Degrees of freedom of a row kind: 2 (los), 4 (radar), 3 (radar without range rate).

    kind: int or integer array (...); returns int or (...) array of the same kind.
    """
    if isinstance(kind, jax.Array):
        return jnp.asarray(_DOF, jnp.int32)[kind]
    out = np.asarray(_DOF, np.int64)[np.asarray(kind)]
    return int(out) if out.ndim == 0 else out


def used_mask(kind: ArrayLike) -> jax.Array:
    """(..., 4) bool: which of the 4 padded components carry a measurement for `kind` (...)."""
    return jnp.arange(4) < jnp.asarray(_DOF, jnp.int32)[jnp.asarray(kind)][..., None]


def from_detections(df: pd.DataFrame) -> MeasBatch:
    """The non-truth columns of a detections table (detections contract) as a `MeasBatch`.

    Never reads `truth_id`. Row order is kept. Radar rows whose range rate (or its σ) is NaN
    become kind 2 (no range rate). Raises ValueError naming the rows whose `kind` is neither
    "los" nor "radar".
    """
    n = len(df)
    kind_str = np.asarray(df["kind"], dtype=object)
    is_los = kind_str == "los"
    is_radar = kind_str == "radar"
    bad = np.flatnonzero(~(is_los | is_radar))
    if bad.size:
        raise ValueError(
            f"detections: column 'kind' must be 'los' or 'radar'; rows {bad[:10].tolist()} have "
            f"{sorted(set(kind_str[bad].tolist()))}; fix the sensor that produced them"
        )

    def col(name: str) -> NDArray[np.float64]:
        return np.asarray(df[name], dtype=np.float64)

    rr, s_rr = col("range_rate_mps"), col("sigma_rr_mps")
    has_rr = np.isfinite(rr) & np.isfinite(s_rr)
    kind = np.where(is_los, KIND_LOS, np.where(has_rr, KIND_RADAR, KIND_RADAR_NO_RR))
    z = np.zeros((n, 4))
    sigma = np.ones((n, 4))
    los_z = np.stack([col("los_x"), col("los_y"), col("los_z"), np.zeros(n)], axis=-1)
    radar_z = np.stack([col("range_m"), col("az_rad"), col("el_rad"), np.where(has_rr, rr, 0.0)],
                       axis=-1)
    s_ang = col("sigma_ang_rad")
    los_s = np.stack([s_ang, s_ang, np.ones(n), np.ones(n)], axis=-1)
    radar_s = np.stack([col("sigma_range_m"), col("sigma_az_rad"), col("sigma_el_rad"),
                        np.where(has_rr, s_rr, 1.0)], axis=-1)
    z = np.where(is_los[:, None], los_z, radar_z)
    sigma = np.where(is_los[:, None], los_s, radar_s)
    obs = np.stack([col("obs_x_m"), col("obs_y_m"), col("obs_z_m")], axis=-1)
    vobs = np.stack([col("obs_vx_mps"), col("obs_vy_mps"), col("obs_vz_mps")], axis=-1)
    return MeasBatch(
        kind=jnp.asarray(kind, jnp.int32),
        z=jnp.asarray(z),
        sigma=jnp.asarray(sigma),
        r_obs_ecef_m=jnp.asarray(obs),
        v_obs_ecef_mps=jnp.asarray(vobs),
        lat_obs_rad=jnp.asarray(col("obs_lat_rad")),
        lon_obs_rad=jnp.asarray(col("obs_lon_rad")),
        t_s=jnp.asarray(col("t_s")),
    )


def row(batch: MeasBatch, i: ArrayLike) -> MeasBatch:
    """Row i of a batch: kind, t_s, lat, lon scalars; z, sigma (4,); observer vectors (3,)."""
    return jax.tree.map(lambda a: a[i], batch)


#: Column count of `pack`: kind, z (4), sigma (4), r_obs (3), v_obs (3), lat, lon, t.
PACKED_WIDTH = 18


def pack(batch: MeasBatch) -> np.ndarray:
    """A NumPy MeasBatch as one (N, PACKED_WIDTH) float64 array (kind stored exactly as 0., 1., 2.).

    One array instead of eight: every argument of a jitted call costs a host-to-device
    conversion, which for a tracker's per-scan kernels outweighs the arithmetic.
    """
    cols = [np.asarray(batch.kind, np.float64)[:, None], batch.z, batch.sigma,
            batch.r_obs_ecef_m, batch.v_obs_ecef_mps, np.asarray(batch.lat_obs_rad)[:, None],
            np.asarray(batch.lon_obs_rad)[:, None], np.asarray(batch.t_s)[:, None]]
    return np.concatenate([np.asarray(c, np.float64) for c in cols], axis=1)


def unpack(a: ArrayLike) -> MeasBatch:
    """Inverse of `pack` for an array (..., PACKED_WIDTH), inside or outside jit (JAX arrays)."""
    a = jnp.asarray(a)
    return MeasBatch(kind=a[..., 0].astype(jnp.int32), z=a[..., 1:5], sigma=a[..., 5:9],
                     r_obs_ecef_m=a[..., 9:12], v_obs_ecef_mps=a[..., 12:15],
                     lat_obs_rad=a[..., 15], lon_obs_rad=a[..., 16], t_s=a[..., 17])


def innovation(row: MeasBatch, r_tgt_ecef_m: ArrayLike, v_tgt_ecef_mps: ArrayLike) -> jax.Array:
    """Padded innovation ν = z − h(target) of one row (LOS: tangent-plane form).

    row: single-row MeasBatch
    r_tgt_ecef_m, v_tgt_ecef_mps: (3,) predicted target position [m] and velocity [m/s], ECEF
    returns: (4,) innovation; LOS [rad, rad, 0, 0]; radar [m, rad, rad, m/s] (az wrapped to
    (−π, π]); radar without range rate [m, rad, rad, 0]
    """
    kind = row.kind
    is_los = kind == KIND_LOS
    # Both branches are evaluated (jit/vmap select); feed each only well-formed inputs of its own
    # kind so that the unused branch never produces NaN that could leak into derivatives.
    u_meas = jnp.where(is_los, row.z[:3], jnp.array([1.0, 0.0, 0.0]))
    nu_los = los_innovation(u_meas, row.r_obs_ecef_m, r_tgt_ecef_m)
    nu_los = jnp.concatenate([nu_los, jnp.zeros(2)])
    z_radar = jnp.where(is_los, jnp.zeros(4), row.z)
    lat = jnp.where(is_los, 0.0, row.lat_obs_rad)
    lon = jnp.where(is_los, 0.0, row.lon_obs_rad)
    nu_radar = radar_innovation(z_radar, row.r_obs_ecef_m, row.v_obs_ecef_mps, lat, lon,
                                r_tgt_ecef_m, v_tgt_ecef_mps)
    nu_radar = jnp.where(kind == KIND_RADAR_NO_RR, nu_radar.at[3].set(0.0), nu_radar)
    return jnp.where(is_los, nu_los, nu_radar)


def noise_cov(row: MeasBatch) -> jax.Array:
    """(4, 4) measurement noise covariance diag(σ²) of one row, pads 1 (units as `innovation`)."""
    return jnp.diag(row.sigma**2)


def row_finite(row: MeasBatch) -> jax.Array:
    """() bool: every used component of z and σ and the observer geometry is finite.

    The observer's latitude and longitude are needed (and checked) for radar rows only.
    """
    used = used_mask(row.kind)
    zs_ok = jnp.all(jnp.where(used, jnp.isfinite(row.z) & jnp.isfinite(row.sigma), True))
    geo_ok = jnp.all(jnp.isfinite(row.r_obs_ecef_m)) & jnp.all(jnp.isfinite(row.v_obs_ecef_mps))
    ll_ok = jnp.isfinite(row.lat_obs_rad) & jnp.isfinite(row.lon_obs_rad)
    return zs_ok & geo_ok & (ll_ok | (row.kind == KIND_LOS))
