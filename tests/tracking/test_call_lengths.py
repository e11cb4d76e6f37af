"""How the tracker's kernel calls are cut and padded (`tracking.gating.chunked`).

Every distinct call length is a compilation and every padded row costs as much as a real one, so
the lengths come from a short ladder and, for the batched tracker, padding stays under one
smallest call. Properties over any row count; the oracle for `chunked` is the function applied
to all rows at once.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.gating import BATCHED_SMALLEST, bucket, call_lengths, chunked


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 20_000), st.sampled_from([64, 256, 1024, 4096]),
       st.sampled_from([1, 16, BATCHED_SMALLEST]))
def test_calls_cover_the_rows_with_a_few_lengths_and_little_padding(n, size, smallest):
    lengths = call_lengths(n, size, smallest)
    assert sum(lengths) >= n > sum(lengths[:-1])  # every call holds a real row
    ladder = {bucket(k, smallest) for k in range(1, size + 1)}
    assert set(lengths) <= ladder  # no length outside the ladder: no extra compilation
    if smallest >= BATCHED_SMALLEST:
        assert sum(lengths) - n < smallest
    else:
        assert lengths[:-1] == [size] * (len(lengths) - 1)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.sampled_from([1, BATCHED_SMALLEST]))
def test_chunked_gives_what_one_call_on_all_rows_gives(n, smallest):
    data = np.random.default_rng(n).normal(size=(n, 3))
    seen = []

    def fn(sel):
        seen.append(len(sel))
        return {"sum": data[sel].sum(axis=1), "rows": data[sel]}

    out = chunked(fn, n, 1024, smallest)
    np.testing.assert_array_equal(out["sum"], data.sum(axis=1))
    np.testing.assert_array_equal(out["rows"], data)
    assert seen == call_lengths(n, 1024, smallest)
