"""A Monte Carlo of the demo glider against the demo architecture, the way a user runs one.

The built-in demo scenario with its own dispersions (the MRBM removed: a glider study) run as a
campaign of N samples on a local Dask cluster, cold: a fresh store and an empty compilation
cache of its own (`HYPERDEF_JAX_CACHE` pointed at a new folder), as on a new machine. Prints
the wall time, samples/s, the workers' compile and run seconds, the largest process's peak
memory (this process, or the largest worker once the cluster has been closed and its processes
reaped) and the peak of all the run's processes together (sampled every 0.2 s), which the
memory goal is checked on.

Batches of 500 samples: a warm demo batch costs 73 ms a sample at 500 against 88 ms at 100 (one
process, this machine) and one process then peaks at 2.7 GiB.

Goal (issue 11): 10⁴ samples ≤ 10 min and ≤ 8 GiB on 2 cores, printed as met / NOT met (not
measured below 10⁴ samples or 2 workers). The peer is the same campaign's own earlier figure:
1 414 s wall for 10⁴ samples on 2 shared cores when this script was written (1 318 s once the
workers shared one cache and compiled each kernel once; 779 s in batches of 100 before the body
signature's working memory and the tracker's unconfirmed estimates were cut).

    python benchmarks/demo_monte_carlo.py                 # 10 000 samples, 2 workers (~10 min)
    python benchmarks/demo_monte_carlo.py --samples 400   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import tempfile
import threading
import time
from pathlib import Path

import psutil

GOAL_S = 600.0
GOAL_BYTES = 8 * 2**30

CAMPAIGN = """\
name: demo-monte-carlo
description: the demo glider against the demo architecture
scenario: demo
seed: 1
samples: {samples}
batch_size: {batch}
chunk_size: {batch}
max_runs: 10000000
set:
  threats.mrbm: null
"""


class TotalMemory:
    """Peak resident memory of this process and all its descendants together, sampled."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s, self.peak = every_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.every_s):
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a process may end between the calls
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)

    def __enter__(self) -> TotalMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=500, help="samples per kernel call and part")
    ap.add_argument("--json", action="store_true", help="print a JSON document to stdout")
    args = ap.parse_args(argv)
    if args.samples % args.batch:
        ap.error("--samples must be a multiple of --batch")

    import os

    from hyperdef.campaign.run import run_campaign

    with tempfile.TemporaryDirectory(prefix="hyperdef-demo-mc-") as tmp:
        os.environ["HYPERDEF_JAX_CACHE"] = str(Path(tmp) / "jax-cache")  # empty: cold
        path = Path(tmp) / "demo-monte-carlo.yaml"
        path.write_text(CAMPAIGN.format(samples=args.samples, batch=args.batch))
        watch = TotalMemory()
        t0 = time.perf_counter()
        with watch:
            doc = run_campaign(path, Path(tmp) / "store", workers=args.workers, yes=True)
        wall = time.perf_counter() - t0
    # ru_maxrss is in KiB on Linux; RUSAGE_CHILDREN covers the reaped worker processes.
    peak = 1024 * max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out = {"samples": args.samples, "workers": args.workers, "wall_s": round(wall, 1),
           "samples_per_s": round(args.samples / wall, 2),
           "worker_compile_s": doc.get("worker_compile_time_s"),
           "worker_run_s": doc.get("worker_run_time_s"),
           "largest_process_gib": round(peak / 2**30, 2),
           "all_processes_gib": round(watch.peak / 2**30, 2)}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in out.items()))
    from goals import goal

    full = args.samples >= 10_000 and args.workers == 2
    goal("10^4-sample Monte Carlo of the demo <= 10 min on 2 cores", 11,
         f"{wall:.0f} s for {args.samples} samples, {args.workers} workers",
         wall <= GOAL_S if full else None, why="needs 10 000 samples and 2 workers")
    goal("... and <= 8 GiB", 11, f"all processes together {watch.peak / 2**30:.2f} GiB",
         watch.peak <= GOAL_BYTES if full else None, why="needs 10 000 samples and 2 workers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
