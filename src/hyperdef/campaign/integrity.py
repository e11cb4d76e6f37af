"""What a campaign store's manifest promises about its files, and whether the files keep it.

The manifest records, for every stored part, its SHA-256 (FIPS 180-4), size and row count, and
the SHA-256 of points.parquet. `verify` compares the files with those records, so a truncated,
overwritten or bit-rotten part is found by `--resume` (which recomputes it), and by `query` and
`report` (which refuse it, naming the file and the fix) before DuckDB would read it.

A part file the manifest does not list yet is not done: it was written by a process killed
before its record was saved (or is being written now); queries leave it out and `--resume`
computes its chunk again. A store written before records existed (no `parts` key) is checked by
reading each part's Parquet footer, which a truncated file does not have.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
PARTS = "parts"
POINTS = "points.parquet"


class StoreError(ValueError):
    """A store that cannot be created, resumed or read; the message says why and what to do."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def part_record(path: Path, rows: int) -> dict:
    """The manifest's record of the part file `path`, which holds `rows` rows."""
    return {"sha256": sha256_file(path), "bytes": Path(path).stat().st_size, "rows": int(rows)}


def read_manifest(folder: Path) -> dict:
    """The store's manifest, or StoreError naming the file and what to do."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise StoreError(f"{folder}: not a campaign store (no {MANIFEST}); give the --out "
                         "folder of `hyperdef campaign run`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: unreadable ({type(exc).__name__}: {exc}); the store's "
                         "records are lost — run the campaign again into a fresh --out") from None
    if not isinstance(manifest, dict):
        raise StoreError(f"{path}: not a campaign manifest (a JSON object was expected); run the "
                         "campaign again into a fresh --out")
    return manifest


def _damage(path: Path, record: dict | None) -> str | None:
    """Why the file `path` does not match its record (None: it does)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    if record is None:  # a store from before records: the Parquet footer must read
        try:
            pq.read_metadata(path)
        except (OSError, pa.ArrowException) as exc:
            return f"not a readable Parquet file ({exc})"
        return None
    if size != record.get("bytes"):
        return f"{size} bytes, {record.get('bytes')} recorded (truncated or overwritten)"
    if sha256_file(path) != record.get("sha256"):
        return "its SHA-256 differs from the recorded one (the file was altered)"
    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException) as exc:
        return f"not a readable Parquet file ({exc})"
    if rows != record.get("rows"):
        return f"{rows} rows, {record.get('rows')} recorded"
    return None


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The parts of a store sorted by what `verify` found."""

    manifest: dict
    good: tuple[Path, ...]                   # recorded and matching: safe to read
    damaged: tuple[tuple[Path, str], ...]    # recorded, but missing or not matching (why)
    unrecorded: tuple[Path, ...]             # on disk, not (yet) in the manifest: not done
    points_damage: str | None                # why points.parquet does not match, or None

    @property
    def legacy(self) -> bool:
        return "parts" not in self.manifest


def verify(folder: Path, manifest: dict | None = None) -> Verdict:
    """Check every part and points.parquet of the store in `folder` against its manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder) if manifest is None else manifest
    records = manifest.get("parts")
    legacy = not isinstance(records, dict)
    recorded: dict[str, dict] = records if isinstance(records, dict) else {}
    on_disk = {p.name.removesuffix(".parquet"): p
               for p in sorted((folder / PARTS).glob("part-*.parquet"))}
    good, damaged, unrecorded = [], [], []
    names = sorted(on_disk) if legacy else sorted(set(recorded) | set(on_disk))
    for name in names:
        path = on_disk.get(name, folder / PARTS / f"{name}.parquet")
        if not legacy and name not in recorded:
            unrecorded.append(path)
            continue
        why = _damage(path, None if legacy else recorded[name])
        (good.append(path) if why is None else damaged.append((path, why)))
    points = folder / POINTS
    points_damage = None
    if "points_sha256" in manifest:
        if not points.is_file():
            points_damage = "missing"
        elif sha256_file(points) != manifest["points_sha256"]:
            points_damage = "its SHA-256 differs from the recorded one (the file was altered)"
    else:
        points_damage = _damage(points, None) if points.exists() else "missing"
    return Verdict(manifest, tuple(good), tuple(damaged), tuple(unrecorded), points_damage)


def require_intact(folder: Path) -> Verdict:
    """verify(folder), raising StoreError that names each damaged file and the fix."""
    verdict = verify(folder)
    problems = [f"{path}: {why}" for path, why in verdict.damaged]
    if verdict.points_damage is not None:
        problems.insert(0, f"{Path(folder) / POINTS}: {verdict.points_damage}")
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more"
                                           if len(problems) > 3 else "")
        raise StoreError(f"campaign store {folder} is damaged — {shown}. Recompute the damaged "
                         f"files: `hyperdef campaign run CAMPAIGN --out {folder} --resume`, with "
                         "the campaign file the store was made with")
    return verdict
