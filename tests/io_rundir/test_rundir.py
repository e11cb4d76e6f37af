"""`--out` replaces only an earlier run's folder; staging is owned, cleaned and world-readable.

Everything here uses real folders, real files and real (killed) processes; no mocks.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from hyperdef.io import staging
from hyperdef.io.manifest import build_manifest, write_manifest
from hyperdef.io.rundir import OutputFolderError, check_target, staged_folder


def fake_run(out, body: bytes = b"metrics v1") -> None:
    """A run folder as pipeline.run lays it out: products, then a manifest listing them."""
    with staged_folder(out) as tmp:
        (tmp / "metrics.parquet").write_bytes(body)
        (tmp / "truth.zarr").mkdir()
        (tmp / "truth.zarr" / ".zattrs").write_text("{}")
        write_manifest(tmp, build_manifest(seed=1, samples=1, wall_s=0.0, command="test",
                                           outputs=["metrics.parquet", "truth.zarr",
                                                    "manifest.json", "report.html"]))


def test_an_earlier_run_folder_is_replaced(tmp_path):
    out = tmp_path / "runs" / "mine"
    fake_run(out, b"first")
    fake_run(out, b"second")
    assert (out / "metrics.parquet").read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.joinpath("runs").iterdir()) == ["mine"]


def test_a_users_file_beside_a_manifest_is_never_deleted(tmp_path):
    out = tmp_path / "mine"
    fake_run(out)
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(OutputFolderError, match=r"--out .*mine: it holds files the run did not "
                       r"write \(notes\.txt\); choose another --out"):
        fake_run(out)
    assert (out / "notes.txt").read_text() == "my notes"


def test_a_folder_with_a_foreign_manifest_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"outputs": ["manifest.json"]}))
    with pytest.raises(OutputFolderError, match="does not mark it as a hyperdef run folder"):
        check_target(out)
    (out / "manifest.json").write_text("{ truncated")
    with pytest.raises(OutputFolderError, match="not readable JSON"):
        check_target(out)
    (out / "manifest.json").unlink()
    (out / "data.csv").write_text("1,2")
    with pytest.raises(OutputFolderError, match="not a hyperdef run folder"):
        check_target(out)


@pytest.mark.parametrize("rel", [".", "..", "../..", "../b", "../../a/b/.", "{abs_a}"])
def test_the_working_folder_and_its_parents_are_refused(tmp_path, monkeypatch, rel):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / "thesis.tex").write_text("years of work")
    monkeypatch.chdir(work)
    entered = []
    with pytest.raises(OutputFolderError, match="working folder or (a|one of its) parent"):
        with staged_folder(rel.format(abs_a=tmp_path / "a")):
            entered.append(True)  # the run itself: must never start
    assert entered == []
    assert (work / "thesis.tex").read_text() == "years of work"


def test_a_symlink_is_refused(tmp_path):
    real = tmp_path / "real"
    fake_run(real)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(OutputFolderError, match="symbolic link"):
        check_target(tmp_path / "link")


def test_a_file_added_during_the_run_stops_the_replacement(tmp_path):
    out = tmp_path / "mine"
    fake_run(out, b"first")
    with pytest.raises(OutputFolderError, match=r"notes\.txt"):
        with staged_folder(out) as tmp:
            (tmp / "metrics.parquet").write_bytes(b"second")
            (out / "notes.txt").write_text("written while the run computed")
    assert (out / "metrics.parquet").read_bytes() == b"first"
    assert (out / "notes.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # no staging left


def test_a_failed_run_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        with staged_folder(tmp_path / "mine") as tmp:
            (tmp / "metrics.parquet").write_bytes(b"half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_run_folders_get_the_users_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        fake_run(tmp_path / "mine")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "mine").stat().st_mode)
    assert mode == 0o777 & ~umask, oct(mode)


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from hyperdef.io.staging import stage
    s = stage(Path(sys.argv[1]), sys.argv[2])
    (s.folder / "metrics.parquet").write_bytes(b"half")
    print(s.folder, flush=True)
    time.sleep(600)
""")


def _holder(out, kind):
    """A process that owns a staging for `out` and sleeps; returns (process, staging folder)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), kind],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line, "holder did not start"
    return proc, os.path.basename(line)


def _staging_names(parent):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_stale_staging_of_killed_runs_is_removed_live_and_foreign_kept(tmp_path):
    out = tmp_path / "mine"
    killed, killed_folder = _holder(out, "run")
    live, live_folder = _holder(out, "run")
    other, other_folder = _holder(out, "campaign-store")
    try:
        for proc in (killed, other):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        before = _staging_names(tmp_path)
        assert len(before) == 6  # three .owner files and three .partial folders
        fake_run(out)
        after = _staging_names(tmp_path)
        assert killed_folder not in after  # a dead run's staging: removed with its owner file
        assert killed_folder.replace(".partial", ".owner") not in after
        assert live_folder in after  # a live run's: kept
        assert other_folder in after  # a dead writer of another kind: not ours to remove
        assert len(after) == 4
    finally:
        for proc in (killed, live, other):
            proc.kill()
            proc.wait(timeout=30)
    staging.clean_stale(out, "campaign-store")
    staging.clean_stale(out, "run")
    assert _staging_names(tmp_path) == []
