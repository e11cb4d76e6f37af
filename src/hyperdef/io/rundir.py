"""Run folders appear whole or not at all, and replace only what a run wrote.

A run writes into a hidden staging sibling (hyperdef.io.staging) and renames it into place only
on success, so a failed or killed run never leaves a half-written output folder, nor clobbers a
good one. An existing `--out` is replaced only when it is provably an earlier run's folder: its
manifest.json says `format: hyperdef-run/1` and every entry in it is one the manifest lists as
written by that run. Anything else — a campaign store, a folder a person added a file to, the
working folder or one of its parents — is refused before any work starts: nothing a user owns
is ever deleted.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hyperdef.io import staging

RUN_FORMAT = "hyperdef-run/1"
MANIFEST = "manifest.json"
KIND = "run"  # the staging kind: a run cleans up after killed runs only, never other writers


class OutputFolderError(ValueError):
    pass


def _refusal(out: Path, why: str, fix: str) -> OutputFolderError:
    return OutputFolderError(f"--out {out}: {why}; {fix}")


def not_replaceable_reason(folder: Path) -> str | None:
    """Why the existing folder may not be replaced by a run (None: it is an earlier run's)."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return "folder exists, is not empty and is not a hyperdef run folder (no manifest.json)"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return "its manifest.json is not readable JSON, so it is not provably a run folder"
    fmt = manifest.get("format") if isinstance(manifest, dict) else None
    campaign = isinstance(fmt, str) and fmt.startswith("hyperdef-campaign")
    if campaign or (folder / "parts").is_dir():
        return "it is a campaign store, which `hyperdef run` never replaces"
    if fmt != RUN_FORMAT:
        return (f"its manifest.json does not mark it as a hyperdef run folder (format "
                f"{fmt!r}, expected {RUN_FORMAT!r})")
    outputs = manifest.get("outputs")
    written = {o for o in outputs if isinstance(o, str)} if isinstance(outputs, list) else set()
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in written | {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                          else "")
        return f"it holds files the run did not write ({shown})"
    return None


def check_target(out: Path) -> None:
    """Raise OutputFolderError unless a run may write (or replace) the folder `out`."""
    out = Path(out)
    if out.name in ("", ".", ".."):
        raise _refusal(out, "names the working folder or a parent of it, which a run would "
                       "replace", "give a new subfolder, e.g. --out runs/mine")
    resolved, cwd = out.resolve(), Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise _refusal(out, "is the working folder or one of its parents, which a run would "
                       "replace", "give a new subfolder, e.g. --out runs/mine")
    if out.is_symlink():
        raise _refusal(out, "is a symbolic link", "give the folder it points to, or a new path")
    if out.exists() and not out.is_dir():
        raise _refusal(out, "exists and is a file", "choose a folder path")
    if out.is_dir() and any(out.iterdir()):
        why = not_replaceable_reason(out)
        if why is not None:
            raise _refusal(out, why, "choose another --out, or move the folder away yourself")


@contextlib.contextmanager
def staged_folder(out: Path):
    """Yield a fresh staging folder; on normal exit it replaces `out`, on error it is removed.

    Checks `out` first (check_target) and again just before the replacement, and removes the
    staging of killed runs to the same `out` (only runs', only those no live process owns).
    """
    out = Path(out)
    check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging.clean_stale(out, KIND)
    stage = staging.stage(out, KIND)
    try:
        yield stage.folder
        check_target(out)  # a person may have put something there while the run computed
        staging.commit(stage)
    except BaseException:
        staging.discard(stage)
        raise
