"""Run folders appear whole or not at all.

A run writes into a hidden temporary sibling folder and renames it into place only on success, so
a failed or interrupted run never leaves a half-written output folder (or clobbers a good one).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path


class OutputFolderError(ValueError):
    pass


def check_target(out: Path) -> None:
    """Refuse to replace a non-empty folder that is not a previous hyperdef run."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out}: exists and is a file; choose a folder path")
    if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").exists():
        raise OutputFolderError(
            f"--out {out}: folder exists, is not empty and is not a hyperdef run folder; "
            "choose another --out or empty it")


@contextlib.contextmanager
def staged_folder(out: Path):
    """Yield a temporary folder; on normal exit it replaces `out`, on error it is removed."""
    out = Path(out)
    check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
