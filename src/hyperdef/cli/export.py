"""`hyperdef export RUN --format oem|stk|csv|czml --out PATH [--objects …]`.

Thin: parses, calls hyperdef.io.export.export, reports the files written (or the named error;
nothing is written on error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyperdef.cli.console import emit, err, fail


def export_cmd(
    run_dir: Annotated[Path, typer.Argument(help="a run folder")],
    fmt: Annotated[str, typer.Option("--format", help="oem | stk | csv | czml")],
    out: Annotated[Path, typer.Option(
        "--out", help="folder (oem, stk: one file per object) or file (csv, czml)")],
    objects: Annotated[list[str] | None, typer.Option(
        "--objects", help="object ids (threat NAME, track/ID, sat/SENSOR/INDEX); repeat or "
        "separate with commas; default all")] = None,
    sample: Annotated[int, typer.Option("--sample", help="Monte Carlo sample")] = 0,
    covariance: Annotated[bool | None, typer.Option(
        "--covariance/--no-covariance",
        help="require / omit covariance blocks (default: where the object has one)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the files as JSON")] = False,
):
    """Export ephemerides: CCSDS OEM 2.0 (KVN), STK .e, CSV or CZML."""
    from hyperdef.io.export import ExportError, export

    wanted = None
    if objects:
        wanted = [o.strip() for item in objects for o in item.split(",") if o.strip()]
    try:
        paths = export(run_dir, fmt, out, objects=wanted, sample=sample, covariance=covariance)
    except ExportError as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit({"format": fmt, "out": str(out), "files": [str(p) for p in paths]})
        return
    err.print(f"{fmt}: {len(paths)} file(s) → {out}")
