"""End-to-end runs of fuzzed-but-valid scenarios (valid_scenarios): every number a run produces,
in memory and in its files, is finite or NaN with a reason the run records (run_checks).

Each case runs `hyperdef.pipeline.simulate` and writes the run's data products with `write_run`
(summary.json, metrics.parquet, the Zarr stores, …) into a real folder. A case that raises, takes
over CASE_LIMIT_S or leaves an unexplained non-finite number is a failure; all of a run's
failures are listed together. The persistent compilation cache (hyperdef.jaxcache) is on, so only
the first run on a machine pays for compiling the pipeline's kernels.
"""

from __future__ import annotations

import time
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from run_checks import unexplained
from valid_scenarios import accepted, valid_case

from hyperdef.jaxcache import compile_timer, enable_compilation_cache
from hyperdef.pipeline import simulate, write_run

CASE_LIMIT_S = 600.0  # a hang, not a slow compile (a changed constant recompiles a kernel)
_SETTINGS = dict(deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _fuzz(tmp_path, n: int) -> dict:
    enable_compilation_cache()
    tally = {"cases": 0, "edits": 0, "failures": [], "slowest_s": 0.0, "compile_s": 0.0}

    @settings(max_examples=n, **_SETTINGS)
    @given(valid_case())
    def case(drawn):
        edits, doc, (scenario, base) = accepted(*drawn, tmp_path)
        what = ", ".join(f"{'.'.join(map(str, p))}: {old} -> {new}" for p, old, new in edits)
        folder = tmp_path / f"run{tally['cases']}"
        folder.mkdir()
        t0 = time.perf_counter()
        try:
            with compile_timer() as compiled:
                result = simulate(scenario, base)
                write_run(result, folder)
            bad = unexplained(result, folder)
        except Exception:  # noqa: BLE001 — a traceback is what the fuzzer hunts
            bad = [traceback.format_exc(limit=-3)]
        elapsed = time.perf_counter() - t0
        if elapsed > CASE_LIMIT_S:
            bad.append(f"took {elapsed:.0f} s")
        tally["cases"] += 1
        tally["edits"] += len(edits)
        tally["slowest_s"] = max(tally["slowest_s"], elapsed)
        tally["compile_s"] += compiled["compile_s"]
        tally["failures"] += [f"seed {doc['seed']}, {what or 'no edit'}: {b}" for b in bad]
        print(f"case {tally['cases']}: {elapsed:.1f} s ({compiled['compile_s']:.1f} s "
              f"compiling), {len(bad)} problems; {what}", *bad, sep="\n  ", flush=True)

    case()
    print(f"\nrun fuzzer: {tally['cases']} runs, {tally['edits']} numbers redrawn, "
          f"{len(tally['failures'])} problems, slowest {tally['slowest_s']:.1f} s, "
          f"{tally['compile_s']:.0f} s compiling in all")
    assert tally["failures"] == [], "\n".join(tally["failures"])
    return tally


@pytest.mark.slow  # ≈ 2.5 min: a new process compiles the demo's kernels once (≈ 100 s)
def test_fuzzed_runs_few(tmp_path):
    assert _fuzz(tmp_path, 3)["cases"] == 3


@pytest.mark.slow
def test_fuzzed_runs_slow(tmp_path):
    assert _fuzz(tmp_path, 200)["cases"] >= 200
