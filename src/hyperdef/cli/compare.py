"""`hyperdef compare RUN_A RUN_B … --out compare.html [--allow-different]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyperdef.cli.console import err, fail


def compare_cmd(
    runs: Annotated[list[Path], typer.Argument(help="two or more run folders")],
    out: Annotated[Path, typer.Option("--out", help="the HTML page to write")] = Path(
        "compare.html"),
    allow_different: Annotated[bool, typer.Option(
        "--allow-different", help="compare runs whose threats differ")] = False,
):
    """Side-by-side report of runs of the same threats under different architectures."""
    from hyperdef.report.compare import CompareError, write_compare

    try:
        path = write_compare(runs, out, allow_different=allow_different)
    except CompareError as exc:
        raise fail(str(exc)) from None
    err.print(f"comparison: {path}")
