"""Campaign throughput: samples/s at 1 and 2 Dask workers, and the example campaign end to end.

    python benchmarks/campaign.py                       # both measures, full size
    python benchmarks/campaign.py --samples 40 --no-e2e # a quick look
    python benchmarks/campaign.py --campaign my.yaml --workers 1 2 4
    python benchmarks/campaign.py --synthetic-ms 200 --no-e2e   # the runner alone

Goals (issue 7): ≥ 1.7× samples/s from 1 to 2 workers; the 1 000-sample example campaign (3
architectures) end to end in ≤ 10 min on 2 cores. samples/s counts the compute phase (from the
first task submitted to the last part stored: JIT compilation in each worker included, cluster
start-up excluded); the end-to-end time is the whole `run_campaign` call plus the report. Prints
one table and, with --json, a JSON document. On a machine with a GPU, JAX uses it in every
worker; run the same command there and compare the samples/s side by side.

--synthetic-ms replaces the pipeline by a CPU-bound stand-in of about that many ms per sample
(a NumPy loop, no JAX compile): it measures what the runner itself (Dask, Parquet, resume
bookkeeping) can scale to, apart from the kernels' compile and Python overheads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _load():
    """Import after argument parsing so --help is instant."""
    import jax

    from hyperdef.campaign.plan import make_plan
    from hyperdef.campaign.report import write_campaign_report
    from hyperdef.campaign.run import run_campaign

    return jax, make_plan, run_campaign, write_campaign_report


def synthetic(scenario, base_dir, sample_ids, *, ms: float = 0.0):
    """About `ms` ms of CPU per sample (a NumPy recurrence); one row per sample."""
    import numpy as np

    rows = []
    for sid in np.asarray(sample_ids).tolist():
        x = np.full(256, float(sid) + 1.0)
        t_end = time.process_time() + ms / 1e3
        steps = 0
        while time.process_time() < t_end:
            x = np.sqrt(x * x + 1.0) - 0.5
            steps += 1
        rows.append({"sample": sid, "threat": "synthetic", "value": float(x.sum())})
    return rows


def throughput(campaign: str, samples: int, workers: int, scratch: Path,
               synthetic_ms: float | None = None) -> dict:
    import functools

    _, _, run_campaign, _ = _load()
    out = scratch / f"w{workers}"
    evaluate = None if synthetic_ms is None else functools.partial(synthetic, ms=synthetic_ms)
    if evaluate is not None:
        functools.update_wrapper(evaluate, synthetic)
    t0 = time.perf_counter()
    doc = run_campaign(campaign, out, samples=samples, workers=workers, yes=True,
                       evaluate=evaluate)
    return {"workers": workers, "runs": doc["runs"], "compute_s": doc["compute_time_s"],
            "wall_s": round(time.perf_counter() - t0, 3), "samples_per_s": doc["samples_per_s"]}


def end_to_end(campaign: str, samples: int | None, workers: int, scratch: Path) -> dict:
    _, _, run_campaign, write_campaign_report = _load()
    out = scratch / "e2e"
    t0 = time.perf_counter()
    doc = run_campaign(campaign, out, samples=samples, workers=workers, yes=True)
    write_campaign_report(out)
    wall = time.perf_counter() - t0
    return {"workers": workers, "runs": doc["runs"], "samples": doc["samples"],
            "points": doc["points"], "wall_s": round(wall, 3),
            "goal_s": 600.0, "meets_goal": wall <= 600.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--campaign", default="example", help="campaign file or built-in name")
    ap.add_argument("--samples", type=int, default=200,
                    help="samples per point for the throughput runs (default 200)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--e2e-samples", type=int, default=None,
                    help="samples per point end to end (default: the campaign's own, ≥ 1000)")
    ap.add_argument("--e2e-workers", type=int, default=2)
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--no-e2e", action="store_true")
    ap.add_argument("--synthetic-ms", type=float, default=None,
                    help="replace the pipeline by ~MS ms of CPU per sample (runner alone)")
    ap.add_argument("--json", action="store_true", help="print a JSON document to stdout")
    args = ap.parse_args(argv)

    jax, make_plan, _, _ = _load()
    plan = make_plan(args.campaign, samples=args.samples, yes=True)
    doc = {"campaign": args.campaign, "points": len(plan.points),
           "jax_backend": jax.default_backend(), "devices": [str(d) for d in jax.devices()],
           "cpus": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2),
           "synthetic_ms": args.synthetic_ms, "throughput": [], "end_to_end": None}
    with tempfile.TemporaryDirectory(prefix="hyperdef-bench-") as tmp:
        scratch = Path(tmp)
        if not args.no_throughput:
            for k in args.workers:
                row = throughput(args.campaign, args.samples, k, scratch, args.synthetic_ms)
                doc["throughput"].append(row)
                print(f"{k} worker(s): {row['runs']} runs, compute {row['compute_s']:.1f} s, "
                      f"{row['samples_per_s']:.2f} samples/s", file=sys.stderr)
            base = next((r for r in doc["throughput"] if r["workers"] == 1), None)
            for row in doc["throughput"]:
                if base is not None and base["samples_per_s"]:
                    row["speedup_vs_1"] = round(row["samples_per_s"] / base["samples_per_s"], 3)
        if not args.no_e2e:
            doc["end_to_end"] = end_to_end(args.campaign, args.e2e_samples, args.e2e_workers,
                                           scratch)
            e = doc["end_to_end"]
            print(f"end to end: {e['points']} points × {e['samples']} samples on "
                  f"{e['workers']} workers in {e['wall_s']:.0f} s (goal ≤ 600 s: "
                  f"{'met' if e['meets_goal'] else 'missed'})", file=sys.stderr)
    for row in doc["throughput"]:
        print(f"workers={row['workers']:>2}  samples/s={row['samples_per_s']:>8.2f}  "
              f"speed-up={row.get('speedup_vs_1', float('nan')):.2f}  (goal ≥ 1.7 at 2)")
    if args.json:
        print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
