"""A stand-in for the pipeline in campaign tests: constant-altitude cruise targets vs one radar.

Each sample's target flies at its dispersed altitude h and speed v straight over the ground towards
a radar on a mast of height h_r, on a sphere of effective radius kR (k = the radar's refraction_k).
A jitted, vmapped JAX kernel steps the target along the scenario's time grid and marks the first
step at which the straight segment radar→target clears the sphere (the occlusion test of
docs/references.md#earth-occlusion). Its warning time (arrival at the radar minus first
detection) has a closed-form oracle the tests use: the two-altitude horizon angle
λ_max = acos(kR/(kR+h)) + acos(kR/(kR+h_r)) (Wertz & Larson 1999, §5.2), warning = kR·λ_max / v.

The draws use hyperdef.scenario.base.draw with one stream per (sample, component) from the
scenario seed, exactly as the pipeline's stages do, so the campaign machinery is exercised with
the same key tree. An `rmse_m` column (σ·|z|, z from a second stream) gives the report something
random to plot; `fail_sample` (a module variable) makes one sample raise, for the failure tests.
"""

from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.campaign.cores import usable_cores
from hyperdef.constants import R_EARTH_MEAN_M
from hyperdef.earth.distance import great_circle_m
from hyperdef.random import component_code, root_key
from hyperdef.scenario.base import draw

FAIL_ENV = "HYPERDEF_STANDIN_FAIL_SAMPLE"
SLEEP_ENV = "HYPERDEF_STANDIN_SLEEP_S"
CLOCK_ENV = "HYPERDEF_STANDIN_CLOCK"  # set: every row says when its batch started and ended
CORES_ENV = "HYPERDEF_STANDIN_CORES"  # set: every row says on how many cores its batch could run


@jax.jit
def warning_kernel(alt_m, speed_mps, d0_m, mast_m, k, t_s):
    """First-detection time and warning time of each sample.

    alt_m, speed_mps, d0_m: (n,) target altitude [m], ground speed [m/s], start ground distance
    to the radar [m]; mast_m: () radar height [m]; k: () refraction factor; t_s: (T,) time grid.
    returns: (t_detect_s (n,), warning_s (n,), visible_fraction (n,)); NaN where never seen.
    """
    kr = k * R_EARTH_MEAN_M

    def one(h, v, d0):
        d = jnp.clip(d0 - v * t_s, 0.0, None)  # (T,) remaining ground distance
        theta = d / kr
        radar = jnp.array([0.0, kr + mast_m])
        tgt = jnp.stack([(kr + h) * jnp.sin(theta), (kr + h) * jnp.cos(theta)], axis=-1)
        seg = tgt - radar
        rho = jnp.linalg.norm(seg, axis=-1)
        u = seg / jnp.maximum(rho, 1e-9)[:, None]
        t_star = jnp.clip(-(u @ radar), 0.0, rho)
        closest = radar + t_star[:, None] * u
        seen = jnp.linalg.norm(closest, axis=-1) >= kr
        flying = d > 0.0
        hit = seen & flying
        first = jnp.argmax(hit)
        t_det = jnp.where(hit.any(), t_s[first], jnp.nan)
        arrival = d0 / v
        frac = jnp.sum(hit) / jnp.maximum(jnp.sum(flying), 1)
        return t_det, arrival - t_det, frac

    return jax.vmap(one)(alt_m, speed_mps, d0_m)


def _keys(seed: int, ids, name: str):
    """(n,) keys component_key(sample_key(root_key(seed), id), name), vmapped over ids: the same
    fold_in chain as hyperdef.random, checked against it in test_plan.py."""
    name_int = component_code(name)
    root = root_key(seed)
    return jax.vmap(lambda s: jax.random.fold_in(jax.random.fold_in(root, s), name_int))(
        jnp.asarray(ids))


def evaluate(scenario, base_dir, sample_ids):
    """Rows (one per sample × threat) for the campaign runner; same contract as the pipeline's."""
    del base_dir
    ids = np.asarray(sample_ids, np.int64)
    fail = os.environ.get(FAIL_ENV)
    if fail is not None and int(fail) in ids.tolist():
        raise RuntimeError(f"stand-in asked to fail at sample {fail}")
    import time

    started = time.time()
    sleep = float(os.environ.get(SLEEP_ENV, "0"))
    if sleep:
        time.sleep(sleep)
    radar = scenario.sensors[0]
    t_s = jnp.arange(0.0, scenario.duration_s + 0.5 * scenario.step_s, scenario.step_s)
    rows = []
    for threat in scenario.threats:
        ini = threat.initial
        keys = _keys(scenario.seed, ids, f"threat/{threat.name}/alt")
        alt_km = draw(ini.alt_km, keys, ids)
        speed = draw(ini.speed_mps, _keys(scenario.seed, ids, f"threat/{threat.name}/speed"),
                     ids)
        d0 = float(great_circle_m(np.radians(ini.lat_deg), np.radians(ini.lon_deg),
                                  np.radians(radar.site.lat_deg),
                                  np.radians(radar.site.lon_deg)))
        t_det, warn, frac = warning_kernel(jnp.asarray(alt_km * 1e3), jnp.asarray(speed),
                                           jnp.full(ids.shape, d0), radar.site.alt_m,
                                           radar.refraction_k, t_s)
        z = jax.vmap(lambda key: jax.random.normal(key, ()))(
            _keys(scenario.seed, ids, f"sensor/{radar.name}/noise"))
        rmse = radar.noise.range_m * np.abs(np.asarray(z))
        for i, sid in enumerate(ids.tolist()):
            rows.append({
                "sample": sid, "threat": threat.name, "alt_km": float(alt_km[i]),
                "speed_mps": float(speed[i]), "first_detection_t_s": float(t_det[i]),
                "warning_time_s": float(warn[i]), "custody_fraction": float(frac[i]),
                "rmse_m": float(rmse[i]), "detected": bool(np.isfinite(t_det[i])),
            })
    if os.environ.get(CLOCK_ENV):
        ended = time.time()
        for row in rows:
            row.update(started_unix=started, ended_unix=ended)
    if os.environ.get(CORES_ENV):
        for row in rows:
            row["cores"] = usable_cores()
    return rows
