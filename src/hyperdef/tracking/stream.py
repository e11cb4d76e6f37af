"""The detections of every sample as one clean, ordered stream of scans (the tracker's input).

Per sample, in the detections table's order: rows with an unknown kind or sensor, non-finite
values, or a time earlier than a scan already seen (out-of-sequence, beyond `scan_tolerance_s`)
are skipped and counted; the rest are sorted by time (stable). Every sample's rows then sit in
one contiguous block of a single batch, so the tracker's stages work on all samples at once.

A *scan* of a sample is its next detection and every later one within `scan_tolerance_s` of it.
Platforms are coded per (sample, sensor, platform) in order of first appearance within the
sample: a platform's detections of a scan form one assignment problem.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Collection

import jax
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hyperdef.measurement import batch as mb
from hyperdef.measurement.detections_table import TRACKER_COLUMNS
from hyperdef.tracking import gating
from hyperdef.tracking.config import TrackerParams

# The detections table's columns the tracker reads (the contract lives with the measurement
# models, which both the sensors and the tracker import).
REQUIRED_COLUMNS = TRACKER_COLUMNS

_row_finite = jax.jit(jax.vmap(mb.row_finite))


@dataclasses.dataclass
class Stream:
    """Clean rows of all samples, sample-major, time-sorted within a sample (N rows).

    rows: (N,) positional row in the detections table; sample: (N,) sample index (0 … S−1);
    start, stop: (S,) each sample's block [start, stop); b: MeasBatch of NumPy arrays;
    packed: (N, 18) `measurement.batch.pack(b)`; sensor: (N,) sensor code into sensor_names;
    platform: (N,) platform code, distinct per (sample, sensor, platform); dof, thr: (N,)
    innovation dof and χ² gate; u: (N, 3) unit pointing rays (ECEF); sig_ang: (N,) angular 1σ
    [rad] for the coarse gate.
    """

    rows: NDArray[np.int64]
    sample: NDArray[np.int64]
    start: NDArray[np.int64]
    stop: NDArray[np.int64]
    b: mb.MeasBatch
    packed: NDArray[np.float64]
    sensor: NDArray[np.int64]
    sensor_names: NDArray[np.str_]
    platform: NDArray[np.int64]
    dof: NDArray[np.int64]
    thr: NDArray[np.float64]
    u: NDArray[np.float64]
    sig_ang: NDArray[np.float64]

    @property
    def t_s(self) -> NDArray[np.float64]:
        # b holds NumPy arrays here; MeasBatch is typed for the JAX kernels.
        return self.b.t_s  # type: ignore[return-value]


def check_columns(detections: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in detections.columns]
    if missing:
        raise ValueError(f"detections: missing columns {missing}; see the detections contract")


def _readable(df: pd.DataFrame, sensors: Collection[str] | None,
              problems: collections.Counter[str], smallest: int
              ) -> tuple[NDArray[np.intp], mb.MeasBatch, NDArray[np.bool_], NDArray[np.str_],
                         NDArray[np.float64]]:
    """The rules both trackers read a table by: rows of a known kind and sensor with a finite
    time (sel, positions in df), their MeasBatch as NumPy, which of them are finite throughout
    (finite, aligned with sel), and every row's sensor and time. Counts what it skips."""
    kind = np.asarray(df["kind"], dtype=object)
    ok = np.isin(kind, ["los", "radar"])
    problems["unknown_kind"] += int((~ok).sum())
    sensor = np.asarray(df["sensor"]).astype(str)
    if sensors is not None:
        bad = ok & ~np.isin(sensor, list(sensors))
        problems["unknown_sensor"] += int(bad.sum())
        ok &= ~bad
    t = np.asarray(df["t_s"], dtype=float)
    problems["nan_measurement"] += int((ok & ~np.isfinite(t)).sum())
    ok &= np.isfinite(t)
    sel = np.flatnonzero(ok)
    batch = jax.tree.map(np.asarray, mb.from_detections(df.iloc[sel]))
    finite = np.zeros(0, bool)
    if len(sel):
        finite = gating.chunked(lambda i: _row_finite(jax.tree.map(lambda a: a[i], batch)),
                                len(sel), 1024, smallest)
    problems["nan_measurement"] += int((~finite).sum())
    return sel, batch, finite, sensor, t


def _codes(*columns: NDArray[np.int64]) -> NDArray[np.int64]:
    """0, 1, … for the distinct rows of int columns, numbered in order of first appearance.

    The columns are folded into one int64 key first: factorizing a MultiIndex builds a Python
    tuple per row (milliseconds a sample in a campaign batch)."""
    key = np.zeros(len(columns[0]), np.int64)
    for c in columns:
        if len(c):
            c = c - c.min()
            key = key * (int(c.max()) + 1) + c
    return pd.factorize(key)[0].astype(np.int64)


def build_stream(detections: pd.DataFrame, sample_ids: NDArray[np.int64], params: TrackerParams,
                 sensors: Collection[str] | None, problems: collections.Counter[str]) -> Stream:
    """Clean and order the detections of samples `sample_ids` (counts skipped rows in problems)."""
    samples = np.asarray(detections["sample"], dtype=np.int64)
    known = np.isin(samples, sample_ids)
    problems["unknown_sample"] += int((~known).sum())
    index = {int(s): i for i, s in enumerate(sample_ids)}
    s_idx = np.full(len(samples), -1, dtype=np.int64)
    s_idx[known] = [index[int(s)] for s in samples[known]] if known.any() else []
    # Sample-major, table order within a sample (the order each sample's stream is read in).
    pos = np.flatnonzero(known)
    pos = pos[np.argsort(s_idx[pos], kind="stable")]
    df = detections.iloc[pos]
    sel, batch, finite, sensor, t = _readable(df, sensors, problems, gating.BATCHED_SMALLEST)
    ts, ss = t[sel], s_idx[pos][sel]
    # Out of sequence: earlier than the latest finite time already read in the same sample.
    seen = pd.Series(np.where(finite, ts, -np.inf)).groupby(ss).cummax().to_numpy()
    late = finite & (ts < seen - params.scan_tolerance_s)
    problems["out_of_order"] += int(late.sum())
    keep = np.flatnonzero(finite & ~late)
    keep = keep[np.lexsort((ts[keep], ss[keep]))]  # stable: table order breaks ties
    b = jax.tree.map(lambda a: a[keep], batch)
    sample = ss[keep]
    names, sensor_code = np.unique(sensor[sel][keep], return_inverse=True)
    plat = np.asarray(df["platform"], dtype=np.int64)[sel][keep]
    platform = _codes(sample, sensor_code, plat)
    n_s = len(sample_ids)
    start = np.searchsorted(sample, np.arange(n_s), side="left")
    stop = np.searchsorted(sample, np.arange(n_s), side="right")
    dof = np.asarray(mb.dof(b.kind)) if len(keep) else np.zeros(0, int)
    u = gating.measurement_rays(b.kind, b.z, b.r_obs_ecef_m, b.lat_obs_rad, b.lon_obs_rad) \
        if len(keep) else np.zeros((0, 3))
    sig = b.sigma
    sig_ang = np.where(b.kind == mb.KIND_LOS, sig[:, 0], np.maximum(sig[:, 1], sig[:, 2]))
    return Stream(rows=pos[sel][keep], sample=sample, start=start, stop=stop, b=b,
                  packed=mb.pack(b), sensor=sensor_code.astype(np.int64), sensor_names=names,
                  platform=np.asarray(platform, dtype=np.int64), dof=dof,
                  thr=gating.gate_threshold(params.gate_probability, dof), u=u, sig_ang=sig_ang)


def clean_sample(df: pd.DataFrame, rows: NDArray[np.int64], params: TrackerParams,
                 sensors: Collection[str] | None, problems: collections.Counter[str]
                 ) -> tuple[NDArray[np.int64], mb.MeasBatch, NDArray[np.str_], NDArray[np.int64]]:
    """Valid rows of one sample's table as (positional rows, MeasBatch as NumPy, sensor, platform):
    `build_stream`'s rules for the per-sample tracker (`tracking.sequential`).

    Skips (and counts) unknown kinds and sensors, non-finite rows and out-of-sequence times.
    """
    sel, batch, finite, sensor, t = _readable(df, sensors, problems, 1)
    # Stream order: a row earlier than a scan already processed is out of sequence.
    ts = t[sel]
    late = ts < np.maximum.accumulate(np.where(finite, ts, -np.inf)) - params.scan_tolerance_s
    late &= finite
    problems["out_of_order"] += int(late.sum())
    keep = finite & ~late
    order = np.argsort(ts[keep], kind="stable")
    idx = np.flatnonzero(keep)[order]
    b = jax.tree.map(lambda a: a[idx], batch)
    plat = np.asarray(df["platform"], dtype=np.int64)[sel][idx]
    return rows[sel][idx], b, sensor[sel][idx], plat


def next_scans(stream: Stream, ptr: NDArray[np.int64], samples: NDArray[np.int64],
               tolerance_s: float) -> NDArray[np.int64]:
    """End (exclusive) of the scan starting at row ptr[s] of each sample in `samples`.

    A scan is its first row and the following rows of the same sample within tolerance_s of it.
    """
    lo = ptr[samples]
    end = stream.stop[samples]
    t0 = stream.t_s[lo]
    hi = lo + 1
    while True:
        more = hi < end
        more[more] = stream.t_s[hi[more]] <= t0[more] + tolerance_s
        if not more.any():
            return hi
        hi = hi + more
