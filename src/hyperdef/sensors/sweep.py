"""The per-sample, per-time-chunk sweep every sensor kind runs (hyperdef.sensors.observe).

Each (sample, sensor) pair draws from its own stream
component_key(sample_key(root_key(seed), sample_id), f"sensor/{name}"), keyed per time step, so
adding a sensor or a sample never changes another's draws. Time is processed in chunks of at most
`MAX_CHUNK_ELEMENTS` (object × platform × time) entries to bound memory; each chunk is padded to
one width, so a sensor's kernel compiles for one shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import jax
import numpy as np

from hyperdef.random import component_keys
from hyperdef.sensors.platforms import Platforms
from hyperdef.sensors.streams import time_keys

if TYPE_CHECKING:
    from hyperdef.sensors.params import SensorParams
    from hyperdef.threats.truth import Truth

# A kernel's time-chunk slicer: cut(array, fill, axis) (`sweep`).
Cut = Callable[..., np.ndarray]
# Detection rows as the detections table's columns (hyperdef.sensors.detections).
Rows = dict[str, np.ndarray]

MAX_CHUNK_ELEMENTS = 2_000_000


def _chunks(n_t: int, per_step: int) -> tuple[int, list[tuple[int, int]]]:
    step = max(1, MAX_CHUNK_ELEMENTS // max(per_step, 1))
    step = min(step, n_t)
    return step, [(a, min(a + step, n_t)) for a in range(0, n_t, step)]


def _pad_t(x: np.ndarray, a: int, b: int, width: int, axis: int, fill: float) -> np.ndarray:
    """x[..., a:b, ...] along `axis`, padded to `width` with `fill` (one jit shape per sensor)."""
    part = np.take(x, np.arange(a, b), axis=axis)
    if b - a == width:
        return part
    pad = [(0, 0)] * part.ndim
    pad[axis] = (0, width - (b - a))
    return np.pad(part, pad, constant_values=fill)


def sweep(sensor: SensorParams, plat: Platforms, truth: Truth, seed: int, t: np.ndarray,
           kernel: Callable[[int, Cut, jax.Array], dict[str, jax.Array]],
           to_rows: Callable[[dict[str, jax.Array], int, np.ndarray, np.ndarray, np.ndarray,
                              np.ndarray], Rows],
           extra: Callable[[jax.Array, int], list[Rows]] | None = None,
           ) -> tuple[list[Rows], np.ndarray, np.ndarray, np.ndarray]:
    """Run `kernel(s_i, cut, keys)` over samples and time chunks; gather flags and rows.

    kernel gets the sample index, a function cut(array, fill, axis) that slices the current
    time chunk (padded to a fixed width, one compiled shape per sensor) and the chunk's per-time
    keys; it returns the kernel's dict of (O, P, Tc) arrays. to_rows(out, sid, o, pl, ti, tg)
    turns the detected entries into detection rows; extra(key, sid) adds rows not tied to a
    target (false alarms). Returns (rows, visible, detected, visible_by_platform) with the
    flags (S, O, T) and the per-platform access (S, O, P, T).
    """
    n_o = np.asarray(truth.r_ecef_m).shape[1]
    width, spans = _chunks(t.size, n_o * plat.count)
    rows, vis, det = [], [], []
    ids = np.asarray(truth.sample_ids)
    # Every sample's key in one call, split once (indexing a key array costs an op per sample).
    keys = list(component_keys(seed, ids, f"sensor/{sensor.name}"))
    for s_i, (sid, key) in enumerate(zip(ids, keys, strict=True)):
        vis_s = np.zeros((n_o, plat.count, t.size), bool)
        det_s = np.zeros((n_o, t.size), bool)
        for a, b in spans:
            def cut(x: np.ndarray, fill: float, axis: int = 1, a: int = a,
                    b: int = b) -> np.ndarray:
                return _pad_t(x, a, b, width, axis, fill)

            out = kernel(s_i, cut, time_keys(key, np.arange(a, a + width)))
            d = np.asarray(out["detected"])[..., : b - a]
            vis_s[:, :, a:b] = np.asarray(out["visible"])[..., : b - a]
            det_s[:, a:b] = d.any(axis=1)
            o, pl, ti = np.nonzero(d)
            if o.size:
                rows.append(to_rows(out, int(sid), o, pl, ti, ti + a))
        if extra is not None:
            rows += extra(key, int(sid))
        vis.append(vis_s)
        det.append(det_s)
    by_platform = np.stack(vis)
    return rows, np.asarray(by_platform.any(axis=2)), np.stack(det), by_platform


def observer_rows(plat: Platforms, pl: np.ndarray | int, tg: np.ndarray) -> Rows:
    """The observer columns of detection rows: platform `pl`'s position, velocity and geodetic
    latitude / longitude at grid indices `tg`."""
    return {"r_obs": plat.r_ecef_m[pl, tg], "v_obs": plat.v_ecef_mps[pl, tg],
            "lat": plat.lat_rad[pl, tg], "lon": plat.lon_rad[pl, tg]}
