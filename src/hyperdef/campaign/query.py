"""SQL over a campaign store with embedded DuckDB: views `results` (every stored row), `points`
and `summary` (one row per point; warning statistics over every row, no warning counted as 0 s).

    hyperdef campaign query DIR "SELECT label, median(warning_time_s) FROM results GROUP BY 1"

`results` reads the parts the manifest records, each checked against its SHA-256 and row count
first (hyperdef.campaign.integrity), so a query during a run sees whole chunks and never a
half-written one, and a damaged store is refused with the file's name and the fix instead of a
DuckDB error.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from hyperdef.campaign.integrity import POINTS, StoreError, require_intact


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the store's `results` and `points` views.

    Raises StoreError when `folder` is not a store or any of its files is damaged."""
    folder = Path(folder)
    parts = sorted(require_intact(folder).good)
    con = duckdb.connect(":memory:")
    try:
        if parts:
            files = "[" + ", ".join(_literal(p) for p in parts) + "]"
            con.execute(f"CREATE VIEW results AS SELECT * FROM read_parquet({files}, "
                        "union_by_name = true)")
        else:  # a store with no finished chunk yet: an empty view, so queries still parse
            con.execute("CREATE VIEW results AS SELECT NULL::BIGINT AS point, NULL::BIGINT AS "
                        "sample WHERE false")
        con.execute(f"CREATE VIEW points AS SELECT * FROM read_parquet("
                    f"{_literal(folder / POINTS)})")
        con.execute(f"CREATE VIEW summary AS {_summary_sql(con)}")
    except duckdb.Error as exc:
        con.close()
        raise _store_error(folder, exc) from None
    return con


def _store_error(folder: Path, exc: duckdb.Error) -> StoreError:
    """A store file that changed after it was checked (or that DuckDB cannot read)."""
    return StoreError(f"campaign store {folder}: a file could not be read ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0]}); run `hyperdef campaign query` again, and if "
                      f"it persists recompute it: `hyperdef campaign run CAMPAIGN --out {folder} "
                      "--resume`")


def _execute(con, folder: Path, sql: str):
    """con.execute(sql) with read errors of the store's files turned into StoreError."""
    try:
        return con.execute(sql)
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        if str(folder) in str(exc):
            raise _store_error(folder, exc) from None
        raise


def query(folder: Path, sql: str) -> pd.DataFrame:
    """Run one SQL statement against the store; the result as a DataFrame.

    Raises StoreError for a folder that is not a store and ValueError (with DuckDB's message) for
    SQL that does not run.
    """
    con = connect(folder)
    try:
        return _execute(con, Path(folder), sql).df()
    except duckdb.Error as exc:
        raise ValueError(f"query failed: {exc}") from None
    finally:
        con.close()


def results(folder: Path) -> pd.DataFrame:
    """Every stored row, ordered by point, sample and (when present) threat: a canonical table
    whatever the chunking or resume history."""
    con = connect(folder)
    try:
        cols = [r[0] for r in con.execute("DESCRIBE results").fetchall()]
        order = ["point", "sample"] + (["threat"] if "threat" in cols else [])
        return _execute(con, Path(folder),
                        f"SELECT * FROM results ORDER BY {', '.join(order)}").df()
    finally:
        con.close()


METRICS = ("warning_time_s", "custody_fraction", "rmse_m")

#: The population every warning statistic is over: all stored rows (sample × threat) of a point.
#: A row without a warning time (never detected, detected but never firmly tracked, or no event
#: in the simulated time) counts as 0 s — the warning it gives the defence — so a sample that
#: matters never drops out of a quantile.
WARNING_STATS = {
    "warning_fraction": "fraction of rows with a positive warning time",
    "warning_median_s": "median warning [s], rows without warning counted as 0 s",
    "warning_p10_s": "10th percentile of warning [s], rows without warning counted as 0 s",
    "warning_p90_s": "90th percentile of warning [s], rows without warning counted as 0 s",
    "warning_median_warned_s": "median warning [s] over the rows with a positive warning only",
    "detected_fraction": "fraction of rows with a first detection",
}


def _summary_sql(con: duckdb.DuckDBPyConnection) -> str:
    cols = {r[0] for r in con.execute("DESCRIBE results").fetchall()}
    params = [r[0] for r in con.execute("DESCRIBE points").fetchall()
              if r[0] not in ("point", "label", "satellites")]
    aggs = ["count(DISTINCT r.sample) AS samples", "count(*) AS rows"]
    if "warning_time_s" in cols:
        w = "r.warning_time_s"
        w0 = f"coalesce({w}, 0.0)"
        warned = f"coalesce({w} > 0.0, false)"
        seen = ("r.first_detection_t_s IS NOT NULL" if "first_detection_t_s" in cols
                else f"{w} IS NOT NULL")
        aggs += [f"avg(CASE WHEN {warned} THEN 1.0 ELSE 0.0 END) AS warning_fraction",
                 f"median({w0}) AS warning_median_s",
                 f"quantile_cont({w0}, 0.1) AS warning_p10_s",
                 f"quantile_cont({w0}, 0.9) AS warning_p90_s",
                 f"median(CASE WHEN {warned} THEN {w} END) AS warning_median_warned_s",
                 f"avg(CASE WHEN {seen} THEN 1.0 ELSE 0.0 END) AS detected_fraction"]
    if "track_status" in cols:  # samples whose tracking had a fault (`tracking.faults`)
        aggs += ["count(DISTINCT CASE WHEN r.track_status = 'capacity' THEN r.sample END) "
                 "AS track_capacity_samples",
                 "count(DISTINCT CASE WHEN r.track_status = 'numerical' THEN r.sample END) "
                 "AS track_numerical_samples"]
    if "custody_fraction" in cols:
        aggs += ["avg(coalesce(r.custody_fraction, 0.0)) AS custody_mean",
                 "median(coalesce(r.custody_fraction, 0.0)) AS custody_median"]
    if "rmse_m" in cols:
        aggs += ["median(r.rmse_m) AS rmse_median_m",
                 "quantile_cont(r.rmse_m, 0.9) AS rmse_p90_m"]
    keys = ", ".join(["p.point", "p.label", "p.satellites"] + [f'p."{c}"' for c in params])
    return (f"SELECT {keys}, {', '.join(aggs)} FROM points p JOIN results r "
            f"ON r.point = p.point GROUP BY {keys} ORDER BY p.point")


def architecture_summary(folder: Path) -> pd.DataFrame:
    """One row per architecture point (the `summary` view): samples, rows, warning statistics
    over every row (`WARNING_STATS`: no warning counts as 0 s), custody (a missing custody counts
    as 0) and RMSE quantiles, and the samples whose tracking stopped at its capacity or had
    numerical failures (`track_capacity_samples`, `track_numerical_samples`: the former count
    as untracked in every statistic). Columns of metrics the store lacks are absent.
    """
    con = connect(folder)
    try:
        return _execute(con, Path(folder), "SELECT * FROM summary").df()
    finally:
        con.close()
