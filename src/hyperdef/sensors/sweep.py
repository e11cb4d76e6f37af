"""The sweep over samples and time chunks every sensor kind runs (hyperdef.sensors.observe).

Each (sample, sensor) pair draws from its own stream
component_key(sample_key(root_key(seed), sample_id), f"sensor/{name}"), keyed per time step, so
adding a sensor or a sample never changes another's draws, nor does the block of samples it is
computed with. Time is processed in chunks of at most `MAX_CHUNK_ELEMENTS` (object × platform ×
time) entries to bound memory, and as many samples as the same budget holds share one kernel call
(a call per sample cost more in dispatch and slicing than the arithmetic of a small architecture).
Each chunk is padded to one width and each block to one size, so a sensor's kernel compiles for
one shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import jax
import numpy as np

from hyperdef.random import component_keys
from hyperdef.sensors.platforms import Platforms
from hyperdef.sensors.streams import sample_time_keys

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
          kernel: Callable[[np.ndarray, Cut, jax.Array], dict[str, jax.Array]],
          to_rows: Callable[[dict[str, jax.Array], np.ndarray, np.ndarray, np.ndarray,
                             np.ndarray, np.ndarray, np.ndarray], Rows],
          extra: Callable[[jax.Array, int], list[Rows]] | None = None,
          ) -> tuple[list[Rows], np.ndarray, np.ndarray, np.ndarray]:
    """Run `kernel(s_i, cut, keys)` over blocks of samples and time chunks; gather flags and rows.

    kernel gets the block's sample indices s_i (B,), a function cut(array, fill, axis) that
    slices the current time chunk (padded to a fixed width, one compiled shape per sensor) and
    the block's per-time keys (B, Tc); it returns the kernel's dict of (B, O, P, Tc) arrays.
    to_rows(out, sid, b, o, pl, ti, tg) turns the detected entries (block position b) into
    detection rows; extra(key, sid) adds a sample's rows not tied to a target (false alarms).
    Returns (rows, visible, detected, visible_by_platform) with the flags (S, O, T) and the
    per-platform access (S, O, P, T). Rows come block by block, every extra row after all target
    rows: the detections table's stable sort by (sample, time, sensor, platform) puts them in the
    order a sample-at-a-time loop would give.
    """
    n_o = np.asarray(truth.r_ecef_m).shape[1]
    width, spans = _chunks(t.size, n_o * plat.count)
    ids = np.asarray(truth.sample_ids)
    n_s = len(ids)
    # Samples share a call while the block stays within the chunk budget, in blocks of equal
    # size; the last is padded with its last sample (one compiled shape), the repeats discarded.
    most = max(1, MAX_CHUNK_ELEMENTS // max(n_o * plat.count * width, 1))
    block = -(-n_s // -(-n_s // most)) if n_s else 1
    keys = component_keys(seed, ids, f"sensor/{sensor.name}")
    by_platform = np.zeros((n_s, n_o, plat.count, t.size), bool)
    det = np.zeros((n_s, n_o, t.size), bool)
    rows: list[Rows] = []
    for lo in range(0, n_s, block):
        n = min(block, n_s - lo)
        sel = np.minimum(np.arange(lo, lo + block), n_s - 1)
        for a, b in spans:
            def cut(x: np.ndarray, fill: float, axis: int = 1, a: int = a,
                    b: int = b) -> np.ndarray:
                return _pad_t(x, a, b, width, axis, fill)

            out = kernel(sel, cut, sample_time_keys(keys[sel], np.arange(a, a + width)))
            d = np.asarray(out["detected"])[:n, ..., : b - a]
            by_platform[lo:lo + n, :, :, a:b] = np.asarray(out["visible"])[:n, ..., : b - a]
            det[lo:lo + n, :, a:b] = d.any(axis=2)
            s, o, pl, ti = np.nonzero(d)
            if s.size:
                rows.append(to_rows(out, ids[lo + s], s, o, pl, ti, ti + a))
    if extra is not None:
        # The key array split once (indexing it costs an op per sample).
        for sid, key in zip(ids, list(keys), strict=True):
            rows += extra(key, int(sid))
    return rows, np.asarray(by_platform.any(axis=2)), det, by_platform


def observer_rows(plat: Platforms, pl: np.ndarray | int, tg: np.ndarray) -> Rows:
    """The observer columns of detection rows: platform `pl`'s position, velocity and geodetic
    latitude / longitude at grid indices `tg`."""
    return {"r_obs": plat.r_ecef_m[pl, tg], "v_obs": plat.v_ecef_mps[pl, tg],
            "lat": plat.lat_rad[pl, tg], "lon": plat.lon_rad[pl, tg]}
