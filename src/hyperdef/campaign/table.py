"""One chunk's rows as an Arrow table with a stable column order and types.

Rows come from an evaluator (one per sample × threat). The table puts the architecture first
(point, label, satellites, one column per sweep parameter), then sample and threat, then the
evaluator's columns in the order it gave them. NaN and None are both stored as null; a column with
no value in a chunk is stored as float64 null, so every part of a store unions cleanly (DuckDB
`union_by_name`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from hyperdef.campaign.points import Point

RESERVED = ("point", "label", "satellites", "sample")


def chunk_frame(rows, start: int, stop: int) -> pd.DataFrame:
    """The evaluator's rows of samples start … stop−1, ordered by sample (stable)."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if "sample" not in df.columns:
        raise ValueError("evaluator rows need a 'sample' column (the sample id of each row)")
    keep = (df["sample"] >= start) & (df["sample"] < stop)
    return df.loc[keep].sort_values("sample", kind="stable").reset_index(drop=True)


def _column(values: pd.Series) -> pa.Array:
    if values.dtype == object:
        present = values.dropna()
        if present.empty:
            return pa.array(np.full(len(values), np.nan), type=pa.float64(), from_pandas=True)
        if all(isinstance(v, bool | np.bool_) for v in present):
            return pa.array(values.astype("boolean"), type=pa.bool_(), from_pandas=True)
        ints = all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
                   for v in present)
        if ints and len(present) == len(values):
            return pa.array(values.astype(np.int64), type=pa.int64())
        if all(isinstance(v, int | float | np.integer | np.floating) and
               not isinstance(v, bool | np.bool_) for v in present):
            return pa.array(values.astype(np.float64), type=pa.float64(), from_pandas=True)
        return pa.array(values.map(lambda v: v if v is None or isinstance(v, str) else str(v)),
                        type=pa.string(), from_pandas=True)
    return pa.array(values, from_pandas=True)


def chunk_table(df: pd.DataFrame, point: Point) -> pa.Table:
    """Arrow table of one chunk: architecture columns, then sample, then the evaluator's."""
    clash = [c for c in df.columns if c in point.params or c in RESERVED[:3]]
    if clash:
        raise ValueError(f"evaluator columns {clash} clash with the campaign's own columns "
                         f"{list(RESERVED[:3]) + list(point.params)}; rename the parameter")
    n = len(df)
    cols: dict[str, pa.Array] = {
        "point": pa.array(np.full(n, point.id, np.int64)),
        "label": pa.array([point.label] * n, type=pa.string()),
        "satellites": pa.array([point.satellites] * n, type=pa.int64()),
    }
    for name, value in point.params.items():
        cols[name] = _column(pd.Series([value] * n, dtype=object))
    cols["sample"] = pa.array(df["sample"].to_numpy(np.int64))
    for name in df.columns:
        if name != "sample":
            cols[name] = _column(df[name])
    return pa.table(cols)
