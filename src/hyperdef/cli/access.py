"""`hyperdef access RUN [--json]`: the run's geometric access intervals (access.parquet).

Thin: reads the table with hyperdef.io.access, adds UTC beside the seconds since epoch, prints a
table on stderr or one JSON document on stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from hyperdef.cli.console import emit, err, fail


def _epoch(run_dir: Path):
    import yaml

    from hyperdef.time import Epoch

    path = run_dir / "scenario.resolved.yaml"
    if not path.exists():
        return None
    epoch = (yaml.safe_load(path.read_text()) or {}).get("epoch")
    return Epoch.parse(str(epoch).replace(" ", "T")) if epoch else None


def access_cmd(
    run_dir: Annotated[Path, typer.Argument(help="a run folder")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    sample: Annotated[int | None, typer.Option(
        "--sample", help="only this Monte Carlo sample (default: all)")] = None,
):
    """Geometric access intervals per sensor, platform and threat (STK-style access report)."""
    from hyperdef.io.access import read_access

    if not run_dir.is_dir():
        raise fail(f"RUN {run_dir}: no such folder; give the --out folder of a run")
    try:
        table = read_access(run_dir)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    if sample is not None:
        if sample not in set(table["sample"]):
            raise fail(f"--sample {sample}: not in this run; it has samples "
                       f"{sorted(set(int(s) for s in table['sample']))}")
        table = table[table["sample"] == sample]
    epoch = _epoch(run_dir)
    rows: list[dict[str, int | float | str]] = []
    for r in table.to_dict("records"):
        row: dict[str, int | float | str] = {
            "sample": int(r["sample"]), "sensor": r["sensor"], "platform": int(r["platform"]),
            "threat": r["threat"], "start_t_s": float(r["start_t_s"]),
            "stop_t_s": float(r["stop_t_s"]), "duration_s": float(r["duration_s"]),
            "min_range_m": float(r["min_range_m"]),
            "max_elevation_deg": float(np.degrees(r["max_elevation_rad"]))}
        if epoch is not None:
            row["start_utc"] = epoch.to_datetime(r["start_t_s"]).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ")
            row["stop_utc"] = epoch.to_datetime(r["stop_t_s"]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        rows.append(row)
    if as_json:
        emit({"run": str(run_dir), "epoch_utc": epoch.isoformat() if epoch else None,
              "intervals": rows})
        return
    from rich.table import Table

    out = Table(title=f"access — {run_dir}")
    for col in ("sensor", "platform", "threat", "start [s]", "start UTC", "stop [s]",
                "duration [s]", "min range [km]", "max el [°]"):
        out.add_column(col, justify="left" if col in ("sensor", "threat") else "right")
    for row in rows:
        out.add_row(str(row["sensor"]), str(row["platform"]), str(row["threat"]),
                    f"{row['start_t_s']:.0f}", str(row.get("start_utc", "—"))[:19],
                    f"{row['stop_t_s']:.0f}", f"{row['duration_s']:.0f}",
                    f"{float(row['min_range_m']) / 1e3:.0f}", f"{row['max_elevation_deg']:.1f}")
    err.print(out)
