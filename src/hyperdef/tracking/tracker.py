"""The multi-target tracker: detections table in, TrackSet on the scenario grid out.

`run_tracker` tracks every Monte Carlo sample of the table at once (`tracking.scan`), scan by
scan; each sample's tracks are what tracking it alone would give (`tracking.sequential` is that
per-sample reference, kept as the test oracle). Bad input never stops a run: rows with an unknown
kind or sensor, non-finite values or out-of-sequence times are skipped and counted in
`TrackSet.problems`. The tracker never reads `truth_id`.
"""

from __future__ import annotations

import functools
from collections.abc import Collection

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.filters.ops import FilterOps
from hyperdef.tracking.scan import track_all
from hyperdef.tracking.stream import REQUIRED_COLUMNS, check_columns
from hyperdef.tracking.trackset import TrackSet

__all__ = ["REQUIRED_COLUMNS", "filter_ops", "run_tracker"]


def run_tracker(params: TrackerParams, detections: pd.DataFrame, *, t_grid_s: ArrayLike,
                sample_ids: ArrayLike, sensors: Collection[str] | None = None) -> TrackSet:
    """Track every sample of a detections table (detections contract) on the scenario grid.

    params: TrackerParams. detections: the contract DataFrame (truth_id, if present, is ignored).
    t_grid_s: (T,) increasing scenario time grid [s]; sample_ids: (S,) sample ids to track (rows
    of other samples are counted as problem "unknown_sample").
    sensors: optional collection of known sensor names; rows of other sensors are skipped and
    counted as "unknown_sensor" (None: every sensor in the table is known).
    returns: TrackSet. Raises ValueError only for a malformed call (missing columns, bad grid).
    """
    if not isinstance(params, TrackerParams):
        raise TypeError(f"params: expected TrackerParams, got {type(params).__name__}")
    check_columns(detections)
    t_grid_s = np.asarray(t_grid_s, dtype=float)
    if t_grid_s.ndim != 1 or len(t_grid_s) == 0 or np.any(np.diff(t_grid_s) <= 0):
        raise ValueError("t_grid_s: must be a non-empty, strictly increasing 1-D array")
    sample_ids = np.atleast_1d(np.asarray(sample_ids, dtype=np.int64))
    if params.fusion == "covariance_intersection":
        from hyperdef.tracking.fusion import run_decentralised

        return run_decentralised(params, detections, t_grid_s=t_grid_s, sample_ids=sample_ids,
                                 sensors=sensors, local=_central)
    return _central(params, detections, t_grid_s=t_grid_s, sample_ids=sample_ids,
                    sensors=sensors)


def _central(params: TrackerParams, detections: pd.DataFrame, *, t_grid_s: NDArray[np.float64],
             sample_ids: NDArray[np.int64], sensors: Collection[str] | None) -> TrackSet:
    return track_all(params, filter_ops(params), detections, t_grid_s=t_grid_s,
                     sample_ids=sample_ids, sensors=sensors)


def filter_ops(params: TrackerParams) -> FilterOps:
    """The FilterOps that params select (cached, so repeated runs reuse compiled kernels)."""
    mp = tuple(sorted((k, tuple(sorted(v.items()))) for k, v in params.motion_params.items()))
    return _filter_ops(params.filter, params.motions, mp, params.imm_transition, params.imm_member)


@functools.lru_cache(maxsize=16)
def _filter_ops(kind: str, motions: tuple[str, ...],
               motion_params: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
               transition: tuple[tuple[float, ...], ...] | None, member: str) -> FilterOps:
    from hyperdef.tracking.filters import make_filter
    from hyperdef.tracking.motion import motion_model

    mp = {k: dict(v) for k, v in motion_params}
    models = [motion_model(m, **mp.get(m, {})) for m in motions]
    if kind != "imm":
        return make_filter(kind, models[0])
    if transition is None:
        m = len(models)
        transition = tuple(tuple(0.95 if i == j else 0.05 / (m - 1) for j in range(m))
                           for i in range(m))
    return make_filter("imm", models, transition=np.asarray(transition), member=member)
