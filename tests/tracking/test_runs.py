"""Index arithmetic over runs (hyperdef.tracking.runs) against the loops it replaces."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.runs import pairs_within, runs


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=8))
def test_runs_and_pairs_match_loops(counts):
    counts = np.asarray(counts, dtype=np.int64)
    owner, pos = runs(counts)
    assert owner.tolist() == [k for k, c in enumerate(counts) for _ in range(c)]
    assert pos.tolist() == [p for c in counts for p in range(c)]
    group = owner  # rows sorted by group: each run is one group
    i, j = pairs_within(group)
    rows = np.arange(len(group))
    expected = [pair for k in range(len(counts))
                for pair in itertools.combinations(rows[group == k].tolist(), 2)]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected
