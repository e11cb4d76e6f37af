"""update_weighted (JPDA/PDA) against the PDAF closed form of Bar-Shalom, Willett & Tian (2011)."""

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.measurement import batch as mb
from hyperdef.measurement.radar import radar_measure
from hyperdef.tracking.filters import make_filter
from hyperdef.tracking.motion import ConstantVelocity


def _radar_rows():
    site, lat, lon = sc.radar_site()
    x = sc.X0_TRUE
    z = np.asarray(radar_measure(site, np.zeros(3), lat, lon, x[:3], x[3:]))
    zs = [z + np.array([40.0, 1e-3, -5e-4, 3.0]), z + np.array([-20.0, -5e-4, 1e-3, -1.0])]
    return [sc.radar_row(0.0, zk) for zk in zs]


def test_pdaf_closed_form():
    ops = make_filter("ekf", ConstantVelocity(4.0))
    s = ops.init_from(jnp.asarray(sc.X0_TRUE + 30.0), jnp.asarray(sc.P0))
    rows = _radar_rows()
    betas = np.array([0.2, 0.5, 0.3])
    out = jax.jit(ops.update_weighted)(s, jax.tree.map(lambda *a: jnp.stack(a), *rows), betas)
    # PDAF (common gain: radar rows of one site share H): x = x⁻ + K ν̄,
    # P = β0 P⁻ + (1 − β0)(P⁻ − K S Kᵀ) + K (Σ βi νi νiᵀ − ν̄ ν̄ᵀ) Kᵀ.
    x, P = np.asarray(s.x), np.asarray(s.P)  # noqa: N806
    H = -np.asarray(jax.jacfwd(lambda y: mb.innovation(rows[0], y[:3], y[3:6]))(s.x))  # noqa: N806
    R = np.asarray(mb.noise_cov(rows[0]))  # noqa: N806
    S = H @ P @ H.T + R  # noqa: N806
    K = P @ H.T @ np.linalg.inv(S)  # noqa: N806
    nus = np.stack([np.asarray(mb.innovation(r, s.x[:3], s.x[3:6])) for r in rows])
    nu = betas[1:] @ nus
    spread = np.einsum("i,ij,ik->jk", betas[1:], nus, nus) - np.outer(nu, nu)
    P_exp = betas[0] * P + (1 - betas[0]) * (P - K @ S @ K.T) + K @ spread @ K.T  # noqa: N806
    # measured worst case: state 1.6e-16, P 7.8e-12 relative (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(np.asarray(out.x), x + K @ nu, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(out.P), P_exp, rtol=1e-8, atol=1e-9 * np.max(P))


def test_certain_association_and_certain_miss():
    ops = make_filter("ukf", ConstantVelocity(4.0))
    s = ops.init_from(jnp.asarray(sc.X0_TRUE + 30.0), jnp.asarray(sc.P0))
    good = _radar_rows()[0]
    pad = good._replace(z=jnp.full(4, jnp.nan))
    rows = jax.tree.map(lambda *a: jnp.stack(a), good, pad)
    single, _, _ = jax.jit(ops.update)(s, good)
    weighted = jax.jit(ops.update_weighted)
    hit = weighted(s, rows, jnp.array([0.0, 1.0, 0.0]))
    miss = weighted(s, rows, jnp.array([1.0, 0.0, 0.0]))
    x1, p1 = ops.gaussian(single)
    np.testing.assert_allclose(ops.gaussian(hit)[0], x1, rtol=1e-12)
    np.testing.assert_allclose(ops.gaussian(hit)[1], p1, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ops.gaussian(miss)[0], s.x, rtol=1e-15)
