"""The example campaign's pipeline on whatever device JAX has (a GPU when one is present).

    python benchmarks/device_campaign.py                       # S = 1e3, 1e4, 1e5, batch 1 000
    python benchmarks/device_campaign.py --sizes 1000 --batch 500 --point 2

One point of the built-in `example` campaign (default: the 28-satellite layer) runs in this
process, `--batch` samples per call of the campaign evaluator (threats, sensors, the batched
tracker and the per-sample assessment rows: exactly what a campaign worker computes), over S
samples. The first batch is timed apart (compilation); samples/s counts the rest. Prints the
device, samples/s per S and the goal verdict: 10⁵ samples in ≤ 5 min on one H100/H200 (issue 11;
not measured on a CPU or below 10⁵ samples).
On a CPU-only machine it runs the same code (use small --sizes).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from goals import goal

GOAL_S = 300.0  # 10⁵ samples on one device


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--batch", type=int, default=1_000)
    ap.add_argument("--point", type=int, default=1)
    args = ap.parse_args()

    import jax

    from hyperdef.campaign.evaluate import pipeline_rows
    from hyperdef.campaign.plan import make_plan

    plan = make_plan("example", samples=max(args.sizes), yes=True)
    scenario, base = plan.scenarios[args.point], plan.base_dir
    print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), "
          f"point {plan.points[args.point].label}, batch {args.batch}")
    t0 = time.perf_counter()
    pipeline_rows(scenario, base, np.arange(args.batch))
    print(f"first batch (compilation included): {time.perf_counter() - t0:.1f} s")
    full = None  # (size, seconds) of the first run of 10⁵ samples or more
    for size in args.sizes:
        t0 = time.perf_counter()
        rows = 0
        for start in range(0, size, args.batch):
            rows += len(pipeline_rows(scenario, base,
                                      np.arange(start, min(start + args.batch, size))))
        sec = time.perf_counter() - t0
        line = f"S = {size:>7}: {sec:8.1f} s, {size / sec:8.1f} samples/s, {rows} rows"
        print(line, flush=True)
        if size >= 100_000:
            full = (size, sec)
    gpu = jax.default_backend() == "gpu"
    goal("10^5 samples of the example <= 5 min on one H100/H200", 11,
         f"{full[1]:.0f} s for {full[0]} samples on {jax.devices()[0].device_kind}"
         if full else None, full[1] <= GOAL_S if full and gpu else None,
         why="needs a GPU and a size of 10^5 or more")


if __name__ == "__main__":
    main()
