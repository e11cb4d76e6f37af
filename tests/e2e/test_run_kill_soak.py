"""Kill soak of `hyperdef run`: 20 kill -9 at random moments, each followed by a rerun.

After every kill the output folder is the last whole run (or absent before the first one), never
a half-written one; after every rerun it holds the same bytes as an uninterrupted run and no
staging of the killed runs is left beside it. Kill moments come from a seeded generator (a
failure replays): half uniform over a whole run's wall time, half in its last fifth, where the
report is written and the folder swapped into place.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hyperdef.io.rundir import not_replaceable_reason

KILLS = 20
SCENARIO = textwrap.dedent("""\
    schema_version: 1
    name: soak
    epoch: 2030-01-01T00:00:00Z
    duration_s: 600.0
    step_s: 4.0
    seed: 5
    threats:
      - {name: cruiser, kind: cruise, mass_kg: 1000, beta_kgpm2: 5000, lift_to_drag: 3,
         initial: {lat_deg: 0, lon_deg: 10, alt_km: 25, speed_mps: 2000, heading_deg: 270}}
    sensors:
      - name: radar
        kind: radar
        site: {lat_deg: 0, lon_deg: 0, alt_m: 20}
        max_range_km: 3000
        ref_range_km: 1000
        noise: {range_m: 50, az_mrad: 1, el_mrad: 1, range_rate_mps: 5}
    """)
VARYING = {"manifest.json", "report.html", "summary.json"}  # carry wall times and dates


def _start(cwd: Path, out: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hyperdef.cli", "run", "small.yaml",
                             "--out", out, "--json"], cwd=cwd, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _finish(proc: subprocess.Popen) -> dict:
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    return json.loads(stdout)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in VARYING}


def _assert_same_run(folder: Path, ref: Path, ref_doc: dict) -> None:
    assert not_replaceable_reason(folder) is None  # a whole run folder: manifest lists it all
    assert _files(folder) == _files(ref)  # truth, tracks, detections, metrics, scene: same bytes
    doc = json.loads((folder / "summary.json").read_text())
    for key in ("threats", "sensors", "assessment"):
        assert doc[key] == ref_doc[key], key


def _staging(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.mark.slow
def test_kill_soak_of_run(tmp_path):
    (tmp_path / "small.yaml").write_text(SCENARIO)
    t0 = time.monotonic()
    ref_doc = _finish(_start(tmp_path, "ref"))
    full_s = time.monotonic() - t0
    ref = tmp_path / "ref"
    rng = random.Random(1414)
    out = tmp_path / "runs" / "soak"
    survived, left_whole, left_absent, staging_seen = 0, 0, 0, 0
    for i in range(KILLS):
        delay = rng.uniform(0.0, full_s) if i % 2 == 0 else rng.uniform(0.8, 1.1) * full_s
        proc = _start(tmp_path, "runs/soak")
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate(timeout=60)
        if out.exists():  # the last whole run, or this one if it finished first
            _assert_same_run(out, ref, ref_doc)
            left_whole += 1
        else:
            assert survived == 0, "a kill lost the previous run folder"
            left_absent += 1
        staging_seen += bool(_staging(out.parent)) if out.parent.exists() else 0
        _finish(_start(tmp_path, "runs/soak"))  # the rerun
        _assert_same_run(out, ref, ref_doc)
        assert _staging(out.parent) == [], "staging of a killed run left behind"
        survived += 1
    print(f"run kill soak: {survived} kills survived ({left_whole} left the previous whole "
          f"folder, {left_absent} nothing; {staging_seen} left stale staging, all cleaned by "
          f"the rerun); full run {full_s:.1f} s")
    assert survived == KILLS
