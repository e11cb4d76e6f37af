"""rows="los" filters: the same numbers as the padded default on LOS rows; other rows refused."""

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from hyperdef.measurement.los import los_unit
from hyperdef.measurement.radar import radar_measure
from hyperdef.status import Status
from hyperdef.tracking.filters import make_filter
from hyperdef.tracking.motion import ConstantVelocity


@pytest.mark.parametrize("kind", ["ekf", "ukf"])
def test_los_only_filter_equals_mixed_and_refuses_radar(kind):
    mixed = make_filter(kind, ConstantVelocity(4.0))
    los = make_filter(kind, ConstantVelocity(4.0), rows="los")
    s = mixed.init_from(jnp.asarray(sc.X0_TRUE + 50.0), jnp.asarray(sc.P0))
    u = np.asarray(los_unit(sc.sat_state(1, 0.0)[0], sc.X0_TRUE[:3]))
    row = sc.los_row(1, 0.0, u)
    site, lat, lon = sc.radar_site()
    z = np.asarray(radar_measure(site, np.zeros(3), lat, lon, sc.X0_TRUE[:3], sc.X0_TRUE[3:]))
    radar = sc.radar_row(0.0, z)
    rows = jax.tree.map(lambda *a: jnp.stack(a), row, radar)
    out_m = jax.vmap(jax.jit(mixed.update), in_axes=(None, 0))(s, rows)
    out_l = jax.vmap(jax.jit(los.update), in_axes=(None, 0))(s, rows)
    # LOS row: identical algebra without the zero padding; rounding only.
    for a, b in zip(jax.tree.leaves(out_l[0]), jax.tree.leaves(out_m[0]), strict=True):
        np.testing.assert_allclose(np.asarray(a)[0], np.asarray(b)[0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(out_l[1][0], out_m[1][0], rtol=1e-12)
    assert int(out_l[2][0]) == Status.OK and int(out_m[2][1]) == Status.OK
    # Radar row: refused, state unchanged.
    assert int(out_l[2][1]) == Status.INVALID_INPUT and np.isnan(out_l[1][1])
    for a, b in zip(jax.tree.leaves(out_l[0]), jax.tree.leaves(s), strict=True):
        np.testing.assert_array_equal(np.asarray(a)[1], np.asarray(b))
    nu, S = los.innovation(s, row)
    assert nu.shape == (4,) and S.shape == (4, 4)
    np.testing.assert_allclose(S[2:, 2:], np.eye(2))
    assert np.all(np.isnan(np.asarray(los.innovation(s, radar)[0])))  # never passes a gate
    nu_m, S_m = mixed.innovation(s, row)
    np.testing.assert_allclose(nu, nu_m, atol=1e-18)
    np.testing.assert_allclose(S, S_m, rtol=1e-12)


def test_unknown_row_set_is_refused():
    with pytest.raises(ValueError, match="rows must be one of"):
        make_filter("ekf", ConstantVelocity(), rows="sonar")
