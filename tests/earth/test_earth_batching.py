"""Every earth kernel jit-compiles, broadcasts over leading axes, and agrees with jax.vmap."""

import jax
import jax.numpy as jnp
import numpy as np

import hyperdef  # noqa: F401  (enables float64)
from hyperdef.earth.distance import destination, geodesic_m, great_circle_m
from hyperdef.earth.frames import ecef_to_aer, ecef_to_enu, eci_to_ecef_state
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.earth.gravity import gravity_accel_mps2, gravity_potential_m2ps2
from hyperdef.earth.model import WGS84


def _positions(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(*shape, 3)) * 7e6


def test_shapes_4_5_3_in_4_5_out_under_jit():
    r = _positions((4, 5))

    @jax.jit
    def kernel(r_ecef_m):
        lat, lon, alt = ecef_to_geodetic(r_ecef_m, WGS84)
        obs = geodetic_to_ecef(lat[0, 0], lon[0, 0], 0.0)  # one observer, broadcast to (4, 5)
        az, el, rng = ecef_to_aer(obs, r_ecef_m, lat[0, 0], lon[0, 0])
        return lat, alt, az, rng, gravity_potential_m2ps2(r_ecef_m), gravity_accel_mps2(r_ecef_m)

    lat, alt, az, rng, pot, acc = kernel(r)
    for out in (lat, alt, az, rng, pot):
        assert out.shape == (4, 5) and out.dtype == jnp.float64
    assert acc.shape == (4, 5, 3)
    assert ecef_to_enu(r, lat, 0.0, 0.0).shape == (4, 5, 3)  # (4, 5) origins broadcast too
    theta = jnp.linspace(0.0, 1.0, 5)  # (5,) broadcasts against (4, 5, 3)
    r_e, v_e = eci_to_ecef_state(r, r * 1e-3, theta, WGS84.omega_radps)
    assert r_e.shape == v_e.shape == (4, 5, 3)


def test_broadcast_equals_vmap():
    r = _positions((4, 5), seed=1)
    lat_b, lon_b, alt_b = ecef_to_geodetic(r)
    lat_v, lon_v, alt_v = jax.vmap(jax.vmap(ecef_to_geodetic))(r)
    np.testing.assert_array_equal(np.asarray(lat_b), np.asarray(lat_v))
    np.testing.assert_array_equal(np.asarray(alt_b), np.asarray(alt_v))
    acc_v = jax.vmap(jax.vmap(gravity_accel_mps2))(r)
    np.testing.assert_allclose(gravity_accel_mps2(r), acc_v, rtol=1e-15)

    rng = np.random.default_rng(2)
    p1, l1, p2, l2 = (jnp.asarray(rng.uniform(-1.5, 1.5, (4, 5))) for _ in range(4))
    s_b = geodesic_m(p1, l1, p2, l2)
    s_v = jax.vmap(jax.vmap(geodesic_m))(p1, l1, p2, l2)
    assert s_b.shape == (4, 5)
    np.testing.assert_allclose(s_b, s_v, rtol=1e-15)
    # Scalars broadcast against arrays: one start, a (4, 5) grid of end points.
    assert great_circle_m(0.1, 0.2, p2, l2).shape == (4, 5)
    lat2, lon2 = destination(0.1, 0.2, p1, 1e6)
    assert lat2.shape == lon2.shape == (4, 5)
