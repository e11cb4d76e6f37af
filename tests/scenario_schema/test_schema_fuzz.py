"""The reliability fuzzer over scenario and campaign files (see fuzz_cases): a few hundred cases
in the fast suite, more than 10 000 in the slow one. Every case ends in a valid model holding only
finite numbers or a clean error: no traceback, no case over 10 s, Python heap peak < 500 MB
(measured in the slow suite; the alias-bomb tests hold the worst single inputs to 100 MB)."""

from __future__ import annotations

import resource
import tracemalloc

import pytest
from fuzz_cases import Tally, byte_case, check_file, structured_case, write_doc
from hypothesis import HealthCheck, given, settings

PEAK_LIMIT_B = 500e6
_SETTINGS = dict(deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.large_base_example])


def _fuzz(tmp_path, n_structured: int, n_bytes: int, trace: bool) -> Tally:
    """Run both strategies; with `trace`, also measure the Python heap peak (tracemalloc makes
    each allocation several times slower, so the fast suite measures the process's peak RSS)."""
    tally = Tally()

    @settings(max_examples=n_structured, **_SETTINGS)
    @given(structured_case())
    def structured(case):
        name, doc = case
        check_file(name, write_doc(doc, tmp_path / "case.yaml"), tally)

    @settings(max_examples=n_bytes, **_SETTINGS)
    @given(byte_case())
    def raw(case):
        name, data = case
        path = tmp_path / "case.yaml"
        path.write_bytes(data)
        check_file(name, path, tally)

    if trace:
        tracemalloc.start()
    try:
        structured()
        raw()
        peak = (tracemalloc.get_traced_memory()[1] if trace else
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1e3)
    finally:
        tracemalloc.stop()
    what = "Python heap peak" if trace else "process peak RSS"
    print(f"\nscenario fuzzer: {tally.line()}, {what} {peak / 1e6:.0f} MB")
    assert tally.failures == []
    # The process's lifetime peak also counts whatever tests ran before in this worker, so only
    # the traced heap peak (slow suite) is held to the limit; the fast suite prints its RSS.
    assert peak < PEAK_LIMIT_B or not trace
    assert tally.clean_errors > 0 and tally.accepted > 0  # both outcomes are exercised
    return tally


def test_fuzz_fast(tmp_path):
    tally = _fuzz(tmp_path, 150, 150, trace=False)
    assert tally.tried == 300


@pytest.mark.slow
def test_fuzz_slow(tmp_path):
    tally = _fuzz(tmp_path, 5_000, 5_100, trace=True)
    assert tally.tried >= 10_000
