"""Each sample's rows of a batch's tables, found once (`assessment.sample_rows`), against the
selection by mask they replace: the same rows, in table order, and the same first detections."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.assessment.sample_rows import SampleRows, rows_by_sample
from hyperdef.assessment.summary import _first_detection

TABLES = st.lists(st.tuples(st.integers(0, 4), st.integers(-1, 2), st.integers(0, 50)),
                  min_size=0, max_size=60)


def _table(rows):
    sample, truth_id, t = (np.asarray(c, np.int64) for c in zip(*rows, strict=True)) \
        if rows else (np.zeros(0, np.int64),) * 3
    return pd.DataFrame({"sample": sample, "truth_id": truth_id, "t_s": 0.5 * t})


@given(TABLES)
@settings(max_examples=100, deadline=None)
def test_each_samples_rows_are_its_mask_in_table_order(rows):
    table = _table(rows)
    index = rows_by_sample(table["sample"].to_numpy())
    assert sorted(index) == sorted(set(table["sample"]))
    found = SampleRows.of(table, None)
    for sid in range(6):  # 5 is never drawn: no rows
        want = np.flatnonzero(table["sample"].to_numpy() == sid)
        np.testing.assert_array_equal(found.detections_of(sid), want)
        np.testing.assert_array_equal(found.assignments_of(sid), np.zeros(0, np.int64))


@given(TABLES)
@settings(max_examples=100, deadline=None)
def test_first_detection_from_the_index_is_the_first_by_a_count(rows):
    """Threat o's first detection in a sample: the least time of that sample's rows carrying
    truth_id o, counted row by row; −1 (false alarms) is no threat's."""
    table = _table(rows)
    found = SampleRows.of(table, None)
    for sid in range(6):
        for o in range(3):
            times = [0.5 * t for s, k, t in rows if s == sid and k == o]
            want = min(times) if times else None
            assert _first_detection(table, sid, o) == want
            assert _first_detection(table, sid, o, found.detections_of(sid)) == want
