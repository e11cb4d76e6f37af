"""Shared test scenario: a constant-velocity target in ECEF seen by moving satellites and a radar.

Kept deliberately simple (straight-line satellite tracks) so that the peer libraries can be fed
exactly the same numbers; the physics of orbits is not under test here.
"""

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.measurement import batch as mb
from hyperdef.measurement.los import los_unit, perturb_los
from hyperdef.measurement.radar import radar_measure
from hyperdef.random import stream
from hyperdef.tracking.motion import cv_process_noise

X0_TRUE = np.array([5.2e6, 1.1e6, 3.4e6, -1500.0, 4200.0, 800.0])  # ECEF m, m/s (~400 km alt)
P0 = np.diag([300.0**2] * 3 + [50.0**2] * 3)
SIGMA_LOS_RAD = 20e-6
SATS = [  # (position at t = 0, velocity), ECEF
    (np.array([7.0e6, -1.0e6, 2.5e6]), np.array([0.0, 5000.0, 5000.0])),
    (np.array([4.0e6, 4.5e6, 4.5e6]), np.array([5000.0, -5000.0, 0.0])),
]
RADAR_LATLON = (0.58, 0.30)
RADAR_SIGMA = np.array([30.0, 1e-3, 1e-3, 2.0])


def sat_state(i, t_s):
    r, v = SATS[i]
    return r + v * t_s, v


def los_row(sat, t_s, u_meas, sigma=SIGMA_LOS_RAD):
    r, v = sat_state(sat, t_s)
    return mb.MeasBatch(jnp.int32(mb.KIND_LOS), jnp.concatenate([jnp.asarray(u_meas),
                                                                  jnp.zeros(1)]),
                        jnp.array([sigma, sigma, 1.0, 1.0]), jnp.asarray(r), jnp.asarray(v),
                        jnp.float64(0.0), jnp.float64(0.0), jnp.float64(t_s))


def radar_site():
    lat, lon = RADAR_LATLON
    return np.asarray(geodetic_to_ecef(lat, lon, 0.0)), lat, lon


def radar_row(t_s, z):
    r, lat, lon = radar_site()
    return mb.MeasBatch(jnp.int32(mb.KIND_RADAR), jnp.asarray(z), jnp.asarray(RADAR_SIGMA),
                        jnp.asarray(r), jnp.zeros(3), jnp.float64(lat), jnp.float64(lon),
                        jnp.float64(t_s))


def cv_truth(x0, n_steps, dt_s, q_m2ps3, *, key):
    """(n_steps + 1, 6) CV truth with exact discrete noise (states at t = 0, dt, ...)."""
    f = np.kron(np.array([[1.0, dt_s], [0.0, 1.0]]), np.eye(3))
    lq = np.linalg.cholesky(np.asarray(cv_process_noise(q_m2ps3, dt_s)))
    w = np.asarray(jax.random.normal(key, (n_steps, 6)))
    xs = [np.asarray(x0, float)]
    for k in range(n_steps):
        xs.append(f @ xs[-1] + lq @ w[k])
    return np.stack(xs)


def los_measurements(xs, dt_s, sat, *, key):
    """Noisy unit LOS (n, 3) from satellite `sat` to truth positions xs[:, :3] at t = k·dt."""
    t = np.arange(len(xs)) * dt_s
    r_sat = np.stack([sat_state(sat, tk)[0] for tk in t])
    u = los_unit(r_sat, xs[:, :3])
    return np.asarray(perturb_los(u, SIGMA_LOS_RAD, key=key))


def radar_measurements(xs, *, key):
    r, lat, lon = radar_site()
    z = np.asarray(radar_measure(r, np.zeros(3), lat, lon, xs[:, :3], xs[:, 3:6]))
    noise = np.asarray(jax.random.normal(key, z.shape)) * RADAR_SIGMA
    return z + noise


def keys(name):
    return stream(11, 0, name)
