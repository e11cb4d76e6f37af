"""The CLI's two output channels: one JSON document on stdout, everything a person reads on
stderr (so `hyperdef … --json | jq` never sees a progress bar or a warning)."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` on stderr and return the Exit to raise (exit status `code`).

    The message is escaped: field paths such as `threats[0]` must not read as rich markup."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def emit(doc) -> None:
    """Write one JSON document to stdout: strict JSON (no NaN), paths and dates as strings."""
    sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False, default=str) + "\n")
