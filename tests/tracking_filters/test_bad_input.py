"""Bad input: NaN measurements and singular innovation covariances give a status, never raise.

The state must come back bit-for-bit unchanged, under jit and vmap, with good tracks in the same
batch updated normally.
"""

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from hyperdef.measurement.los import los_unit
from hyperdef.status import Status
from hyperdef.tracking.filters import make_filter
from hyperdef.tracking.motion import ConstantVelocity, Singer

FILTERS = [
    ("ekf", ConstantVelocity(), {}),
    ("ukf", ConstantVelocity(), {}),
    ("imm", [ConstantVelocity(), Singer()], {"transition": [[0.95, 0.05], [0.05, 0.95]],
                                             "member": ["ekf", "ukf"]}),
]


def _good_row():
    u = np.asarray(los_unit(sc.sat_state(0, 0.0)[0], sc.X0_TRUE[:3]))
    return sc.los_row(0, 0.0, u)


def _same(a, b):
    return all(np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)
               for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True))


@pytest.mark.parametrize(("kind", "motion", "opts"), FILTERS)
def test_nan_and_singular_inputs(kind, motion, opts):
    ops = make_filter(kind, motion, **opts)
    good = _good_row()
    nan_row = good._replace(z=good.z.at[1].set(jnp.nan))
    nan_obs = good._replace(r_obs_ecef_m=good.r_obs_ecef_m.at[0].set(jnp.nan))
    zero_sigma = good._replace(sigma=jnp.array([0.0, 0.0, 1.0, 1.0]))
    s = ops.init_from(jnp.asarray(sc.X0_TRUE), jnp.asarray(sc.P0))
    s_exact = ops.init_from(jnp.asarray(sc.X0_TRUE), jnp.zeros((6, 6)))  # P = 0
    rows = jax.tree.map(lambda *a: jnp.stack(a), good, nan_row, nan_obs, zero_sigma)
    states = jax.tree.map(lambda *a: jnp.stack(a), s, s, s, s_exact)
    new, nis, status = jax.jit(jax.vmap(ops.update))(states, rows)
    status = np.asarray(status)
    assert status[0] == Status.OK and np.isfinite(nis[0])
    assert status[1] == Status.NON_FINITE and status[2] == Status.NON_FINITE
    # σ = 0 and P = 0: S = 0 in the measured components, not positive definite.
    assert status[3] == Status.SINGULAR
    assert np.all(np.isnan(np.asarray(nis)[1:]))
    for i in (1, 2, 3):
        assert _same(jax.tree.map(lambda a, i=i: a[i], new), jax.tree.map(lambda a, i=i: a[i],
                                                                              states))
    assert not _same(jax.tree.map(lambda a: a[0], new), s)
    # update_weighted: a NaN row with weight hands it to "missed", never poisons the state.
    two = jax.tree.map(lambda *a: jnp.stack(a), good, nan_row)
    out = jax.jit(ops.update_weighted)(s, two, jnp.array([0.2, 0.4, 0.4]))
    assert all(np.all(np.isfinite(np.asarray(leaf))) for leaf in jax.tree.leaves(out))


def test_make_filter_rejects_bad_options():
    with pytest.raises(ValueError, match="unknown kind"):
        make_filter("pf", ConstantVelocity())
    with pytest.raises(ValueError, match="transition"):
        make_filter("imm", [ConstantVelocity(), Singer()])
    with pytest.raises(ValueError, match="row-stochastic"):
        make_filter("imm", [ConstantVelocity(), Singer()], transition=[[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match="W\\^c_0"):
        make_filter("ukf", ConstantVelocity(), alpha=1e-3, beta=2.0)
    with pytest.raises(ValueError, match="unknown options"):
        make_filter("ekf", ConstantVelocity(), joseph=False)
