"""Per-sample tracker cost against batch size: the batched tracker vs the per-sample loop.

The scene is a Monte Carlo of the built-in `example` campaign's 28-satellite point (the demo's
boost-glide vehicle, dispersed): its threats and sensors are simulated once for the largest
batch, and both trackers track the same detections on the same scan grid:

- per-sample loop: `hyperdef.tracking.sequential.run_sequential`, the tracker as it was before
  batching (one sample at a time, a Python scan loop per sample), timed on `--loop-samples`
  samples after a warm-up (its cost per sample is flat in S);
- batched: `hyperdef.tracking.tracker.run_tracker` on S = 1, 10, 100, 1 000 samples at once,
  each size warmed up once first, so compilation is not counted (the campaign benchmark counts
  it).

Both give the same tracks (tests/tracking/test_batched_equivalence.py); the table prints
ms per sample and the speed-up over the loop. Goal (issue 11): ≥ 20× at S = 1 000 on 2 cores,
printed as met / NOT met (not measured when the largest S is below 1 000 or the run has not 2
cores).

    python benchmarks/tracker_batch.py                  # S = 1, 10, 100, 1000
    python benchmarks/tracker_batch.py --sizes 1 10     # a quick look
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import hyperdef  # noqa: F401  (float64 JAX)
from goals import goal
from hyperdef.campaign.plan import make_plan
from hyperdef.pipeline import simulate
from hyperdef.time import t_grid_s
from hyperdef.tracking.sequential import run_sequential
from hyperdef.tracking.tracker import run_tracker

GOAL = 20.0  # speed-up over the per-sample loop at the largest S


def _timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    ap.add_argument("--loop-samples", type=int, default=10)
    ap.add_argument("--point", type=int, default=1, help="campaign point (1: 28 satellites)")
    args = ap.parse_args()
    s_max = max(args.sizes + [args.loop_samples])
    plan = make_plan("example", samples=max(s_max, 10))
    scenario = plan.scenarios[args.point]
    ids = np.arange(s_max)
    res, sim_s = _timed(simulate, scenario, plan.base_dir, sample_ids=ids, summarise=False)
    det = res.observation.detections
    grid = t_grid_s(scenario.duration_s, scenario.step_s)
    params = scenario.tracker.to_params()
    print(f"scene: example point {args.point} ({plan.points[args.point].label}), {s_max} "
          f"samples, {len(det)} detections ({len(det) / s_max:.0f}/sample), "
          f"{len(grid)} grid times; threats+sensors {sim_s:.1f} s")

    n = args.loop_samples
    loop_ids = ids[:n]
    sub = det[det["sample"].isin(loop_ids)]
    run_sequential(params, sub[sub["sample"] == 0], t_grid_s=grid, sample_ids=[0])  # warm
    _, loop_s = _timed(run_sequential, params, sub, t_grid_s=grid, sample_ids=loop_ids)
    loop_ms = 1e3 * loop_s / n
    print(f"per-sample loop: {loop_ms:.1f} ms/sample ({n} samples in {loop_s:.1f} s)")
    print(f"{'S':>6} {'batched ms/sample':>18} {'speed-up vs loop':>17}")
    ratios = {}
    for s in args.sizes:
        part = det[det["sample"] < s]
        run_tracker(params, part, t_grid_s=grid, sample_ids=ids[:s])  # compile this size
        _, sec = _timed(run_tracker, params, part, t_grid_s=grid, sample_ids=ids[:s])
        ms = 1e3 * sec / s
        ratios[s] = loop_ms / ms
        print(f"{s:>6} {ms:>18.2f} {ratios[s]:>16.1f}x")
    s = max(args.sizes)
    cores = len(os.sched_getaffinity(0))
    goal(f">= {GOAL:.0f}x the per-sample loop at S = 1 000 on 2 cores", 11,
         f"{ratios[s]:.1f}x at S = {s} on {cores} core(s)",
         ratios[s] >= GOAL if s >= 1000 and cores == 2 else None,
         why="needs S = 1 000 in --sizes and 2 cores")


if __name__ == "__main__":
    main()
