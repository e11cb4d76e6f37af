"""The campaign store: a folder of Parquet parts, one per chunk, that a crash can never corrupt.

    DIR/manifest.json      what the store holds: campaign and scenario hashes, plan, versions, runs
    DIR/campaign.yaml      the campaign file as given
    DIR/points.parquet     one row per architecture point (id, label, satellites, parameters)
    DIR/parts/part-p<point>-s<start>-<stop>.parquet   the rows of one chunk

Every file is written to a temporary name in the same folder, flushed to disk and renamed into
place with os.replace, which POSIX makes atomic: a reader (or `--resume`) sees a whole part or
none. The manifest records each part's SHA-256, size and row count once it is in place
(hyperdef.campaign.integrity): a chunk is done when its part matches its record, so a part
damaged later, or written by a process killed before its record was saved, is computed again on
`--resume`, and `query`/`report` refuse a damaged store naming the file. Temporary names start
with '.', never match the `part-*.parquet` pattern the queries read, and are removed when the
store is reopened. One campaign process writes a store at a time (an flock on DIR/.lock).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import hyperdef
from hyperdef.campaign.integrity import (
    MANIFEST,
    PARTS,
    POINTS,
    StoreError,
    part_record,
    read_manifest,
    sha256_file,
    verify,
)
from hyperdef.campaign.plan import Chunk, Plan, describe
from hyperdef.io import staging

FORMAT = "hyperdef-campaign/1"
KIND = "campaign-store"  # the staging kind: a store cleans up after killed stores only
LOCK = ".lock"
SAVE_EVERY_S = 1.0  # part records reach the manifest at least this often (and at the end)

__all__ = ["FORMAT", "MANIFEST", "PARTS", "Store", "StoreError", "write_text_atomic"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atomic_write(path: Path, write) -> None:
    """Call write(tmp_path), fsync it, then rename it onto `path` (atomic on POSIX)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    _atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet_atomic(path: Path, table: pa.Table) -> None:
    _atomic_write(Path(path), lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def points_table(plan: Plan) -> pd.DataFrame:
    rows = [{"point": p.id, "label": p.label, "satellites": p.satellites, **p.params}
            for p in plan.points]
    return pd.DataFrame(rows)


class Store:
    """An open campaign store (create it with `Store.open`)."""

    def __init__(self, folder: Path, manifest: dict):
        self.folder = Path(folder)
        self.manifest = manifest
        self.repaired: list[str] = []  # parts found damaged on resume (computed again)
        self._lock_fd: int | None = None
        self._unsaved = False
        self._saved_at = time.monotonic()

    @property
    def parts_dir(self) -> Path:
        return self.folder / PARTS

    @classmethod
    def open(cls, folder: Path, plan: Plan, *, resume: bool, evaluator: str = "") -> Store:
        """A fresh store in an empty/new folder, or (resume) the one there if `plan` matches.

        `resume` on a missing or empty folder starts a fresh store (a run killed before its
        store existed resumes from nothing)."""
        folder = Path(folder)
        manifest_path = folder / MANIFEST
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"--out {folder}: exists and is a file; choose a folder")
        if folder.parent.is_dir():
            staging.clean_stale(folder, KIND)  # staging left by killed runs, never a live one
        fresh = not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))
        if resume and not fresh:
            if not manifest_path.is_file():
                raise StoreError(f"--resume: {folder} holds no campaign store (no {MANIFEST}); "
                                 "choose the --out of an earlier run, or an empty folder")
            manifest = read_manifest(folder)
            check_resumable(manifest, plan, folder)
            if manifest.get("evaluator", "") != evaluator:
                raise StoreError(f"--resume refused: {folder} was computed by the evaluator "
                                 f"{manifest.get('evaluator')!r}, this run uses {evaluator!r}; "
                                 "mixing them would mix two models in one table")
            store = cls(folder, manifest)
            store._lock()
            store.parts_dir.mkdir(exist_ok=True)
            store._remove_temporaries()
            store._check_parts(plan)
            store._repair(plan)
            return store
        if folder.is_dir() and any(folder.iterdir()):
            hint = ("it holds a campaign store: pass --resume to continue it, or choose "
                    "another --out" if manifest_path.is_file() else "choose an empty or new "
                    "folder")
            raise StoreError(f"--out {folder}: folder is not empty; {hint}")
        manifest = {
            "format": FORMAT, **describe(plan), "campaign_sha256": plan.campaign_sha256,
            "scenario_sha256": plan.scenario_sha256, "plan_sha256": plan.plan_sha256,
            "evaluator": evaluator, "hyperdef_version": hyperdef.__version__, "created_utc": _now(),
            "libraries": _library_versions(), "complete": False, "sessions": [], "parts": {},
        }
        # Lay the store out in a hidden sibling and rename it into place: a store folder either
        # has its manifest or does not exist (renaming onto an empty folder is allowed).
        folder.parent.mkdir(parents=True, exist_ok=True)
        stage = staging.stage(folder, KIND)
        try:
            (stage.folder / PARTS).mkdir()
            write_text_atomic(stage.folder / "campaign.yaml", plan.campaign_text)
            _write_points(stage.folder, plan, manifest)
            cls(stage.folder, manifest).save_manifest()
            staging.commit(stage)
        except BaseException:
            staging.discard(stage)
            raise
        store = cls(folder, manifest)
        store._lock()
        return store

    def _lock(self) -> None:
        """Hold DIR/.lock for this process's life: a second writer would drop the first's
        part records from the manifest (each rewrites it from its own copy)."""
        fd = os.open(self.folder / LOCK, os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(f"--out {self.folder}: another campaign process is writing this "
                             "store; wait for it to finish (or stop it), then --resume") from None
        self._lock_fd = fd

    def close(self) -> None:
        """Save what is unsaved and let another process write the store."""
        self.flush()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def save_manifest(self) -> None:
        write_text_atomic(self.folder / MANIFEST, json.dumps(self.manifest, indent=2) + "\n")
        self._unsaved = False
        self._saved_at = time.monotonic()

    def completed(self) -> set[str]:
        """Names (without suffix) of the chunks whose part is recorded (checked on open)."""
        return set(self.manifest.get("parts", {}))

    def write_part(self, chunk: Chunk, table: pa.Table) -> Path:
        """Store a chunk's rows atomically and record the part (saved within SAVE_EVERY_S)."""
        path = self.parts_dir / f"{chunk.name}.parquet"
        write_parquet_atomic(path, table)
        self.manifest.setdefault("parts", {})[chunk.name] = part_record(path, table.num_rows)
        self._unsaved = True
        if time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            self.flush()
        return path

    def flush(self) -> None:
        if self._unsaved:
            self.save_manifest()

    def _repair(self, plan: Plan) -> None:
        """Forget (and delete) every part that does not match its record, so it is computed
        again; rewrite points.parquet from the plan if it is damaged."""
        verdict = verify(self.folder, self.manifest)
        if verdict.legacy:  # written before records: adopt the parts whose footer reads
            self.manifest["parts"] = {}
            for path in verdict.good:
                self.manifest["parts"][path.name.removesuffix(".parquet")] = part_record(
                    path, pq.read_metadata(path).num_rows)
        for path, why in verdict.damaged:
            self.manifest["parts"].pop(path.name.removesuffix(".parquet"), None)
            path.unlink(missing_ok=True)
            self.repaired.append(f"{path.name} ({why})")
        for path in verdict.unrecorded:  # killed before its record was saved: computed again
            path.unlink(missing_ok=True)
        if verdict.points_damage is not None:
            _write_points(self.folder, plan, self.manifest)
            self.repaired.append(f"{POINTS} ({verdict.points_damage})")
        self.save_manifest()

    def _remove_temporaries(self) -> None:
        # Leftovers of a killed writer: never read, safe to drop.
        for folder in (self.folder, self.parts_dir):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)

    def _check_parts(self, plan: Plan) -> None:
        expected = {c.name for c in plan.chunks}
        on_disk = {p.name.removesuffix(".parquet") for p in self.parts_dir.glob("part-*.parquet")}
        stray = sorted((on_disk | self.completed()) - expected)
        if stray:
            raise StoreError(f"--resume: {self.folder}/{PARTS} holds parts this plan does not "
                             f"make ({', '.join(stray[:3])}…); the store was altered by hand — "
                             "start a fresh --out")

    def record_session(self, session: dict) -> None:
        self.manifest["sessions"].append(session)
        self.save_manifest()

    def finish(self, **fields) -> None:
        self.manifest.update(fields)
        self.manifest["complete"] = True
        self.manifest["completed_utc"] = _now()
        self.save_manifest()


def _write_points(folder: Path, plan: Plan, manifest: dict) -> None:
    path = Path(folder) / POINTS
    write_parquet_atomic(path, pa.Table.from_pandas(points_table(plan), preserve_index=False))
    manifest["points_sha256"] = sha256_file(path)


def _library_versions() -> dict:
    from hyperdef.io.manifest import library_versions

    return library_versions()


def check_resumable(manifest: dict, plan: Plan, folder: Path) -> None:
    """Raise StoreError with the reason when `plan` is not the plan that wrote the store."""
    if manifest.get("format") != FORMAT:
        raise StoreError(f"--resume: {folder} is not a hyperdef campaign store "
                         f"(format {manifest.get('format')!r}, expected {FORMAT!r})")
    if manifest.get("campaign_sha256") != plan.campaign_sha256:
        raise StoreError(
            f"--resume refused: {folder} was written by a different campaign file "
            f"(sha256 {manifest.get('campaign_sha256', '?')[:12]}… recorded, "
            f"{plan.campaign_sha256[:12]}… for {plan.source}); resume with the original file "
            "or choose a fresh --out")
    if manifest.get("scenario_sha256") != plan.scenario_sha256:
        raise StoreError(
            f"--resume refused: the scenario of {plan.source} changed since {folder} was "
            "written (its resolved contents hash differently); choose a fresh --out")
    for key, now in (("samples", plan.samples), ("batch_size", plan.spec.batch_size),
                     ("chunk_size", plan.chunk_size)):
        if manifest.get(key) != now:
            raise StoreError(f"--resume refused: {folder} was planned with {key} = "
                             f"{manifest.get(key)}, this run asks for {now}; use the same "
                             f"value (or a fresh --out)")
    if manifest.get("plan_sha256") != plan.plan_sha256:
        raise StoreError(f"--resume refused: the architecture points of {plan.source} differ "
                         f"from those {folder} was written with; choose a fresh --out")
