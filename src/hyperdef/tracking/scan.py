"""The batched tracker: every Monte Carlo sample tracked at once, scan by scan.

Each pass of the loop in `track_all` takes the next scan of every sample that has one (samples
are independent, so their scans need not share a time) and runs the stages of Stone Soup's block
diagram over all of them together, each stage array arithmetic over the (sample, track) rows and
one batched kernel call where filters are involved:

1. `emit`      grid times before the scan: stale tracks deleted, estimates written out
               (a tentative track's once it confirms, `deferred`);
2. `expire`    tracks silent for longer than `delete_after_s` deleted;
3. `gate`      live slots predicted to the scan, coarse then exact χ² gate on (slot, row) pairs;
4. `associate` per platform: lone pairs taken at once, conflicts solved by GNN or JPDA;
5. `update`    the planned updates, platform after platform, in one kernel call;
6. `confirm`   M-of-N confirmation and deletion;
7. `initiate`  new tracks from what no track took;
8. `bound`     a sample holding more than `max_tracks` tracks stops there (`tracking.faults`);
9. `dedupe`    duplicate tracks removed.

The per-sample decisions are the same as tracking each sample alone; only the batching differs.
Bad input never stops a run (see `stream`); numerical failures leave the track as it was, and the
TrackSet's faults give each sample's (`tracking.faults`). The tracker never reads `truth_id`.
"""

from __future__ import annotations

import collections
from collections.abc import Collection

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hyperdef.tracking import stages
from hyperdef.tracking.config import TrackerParams
from hyperdef.tracking.filters.ops import FilterOps
from hyperdef.tracking.output import GridWriter
from hyperdef.tracking.scanstate import Scan, State
from hyperdef.tracking.stream import build_stream, next_scans
from hyperdef.tracking.table import Slots, Tracks
from hyperdef.tracking.trackset import TrackSet, count_problems


def track_all(params: TrackerParams, ops: FilterOps, detections: pd.DataFrame, *,
              t_grid_s: NDArray[np.float64], sample_ids: NDArray[np.int64],
              sensors: Collection[str] | None) -> TrackSet:
    """Track every sample of a detections table on the grid (see `tracker.run_tracker`)."""
    problems: collections.Counter[str] = collections.Counter()
    stream = build_stream(detections, sample_ids, params, sensors, problems)
    st = State(params=params, stream=stream, slots=Slots(ops),
               tracks=Tracks(len(stream.sensor_names)), out=GridWriter(t_grid_s, sample_ids),
               problems=problems)
    ptr = stream.start.copy()
    while True:
        active = np.flatnonzero(ptr < stream.stop)
        if len(active) == 0:
            break
        stop = next_scans(stream, ptr, active, params.scan_tolerance_s)
        scan = Scan(samples=active, lo=ptr[active], hi=stop, t0=stream.t_s[ptr[active]])
        stages.emit(st, scan.samples, scan.t0)
        stages.expire(st, scan)
        pairs = stages.gate(st, scan)
        plan = stages.associate(st, scan, pairs)
        hits = stages.update(st, scan, plan, pairs)
        stages.confirm(st, scan, hits)
        stages.initiate(st, scan, plan.taken)
        full = stages.bound(st, scan)
        stages.dedupe(st, scan, plan.shared)
        ptr[active] = stop
        ptr[full] = stream.stop[full]
    everyone = np.arange(len(sample_ids))
    stages.emit(st, everyone, np.full(len(everyone), np.inf))
    return st.out.build(state_dim=ops.dim, problems=count_problems(problems, st.faults.totals()),
                        keep_unconfirmed=params.keep_unconfirmed,
                        faults=st.faults.frame(sample_ids, params.max_tracks))
