"""Checks of command-line numbers that the scenario schema cannot see (they are not in a file).

Each returns an error message (naming the option as typed and the fix) or None. The bounds and
unit-slip hints are the scenario file's (hyperdef.scenario.bounds), so `--alt-km 40000` reads
like `alt_km: 40000` would.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

from hyperdef.scenario.bounds import Bounds
from hyperdef.scenario.threats import ALT_MAX_KM

TARGET_ALT = Bounds(0.0, ALT_MAX_KM, "km", why="far above any missile apogee")
# A 0.1° grid over the globe is 6.5 million points, already minutes of work; 30° is 72 points.
GRID = Bounds(0.1, 30.0, "deg")


def option_problem(option: str, value: float, bounds: Bounds) -> str | None:
    """'--alt-km: must be >= 0 and <= 5000 km …, got 40000' or None when in bounds."""
    try:
        bounds.check(value)
    except ValueError as exc:
        return f"{option}: {exc}, got {value:g}"
    return None


def scene_span_s(run_dir: Path) -> tuple[float, float] | None:
    """(start, stop) of a run's scene clock in seconds after the scenario epoch; None when the
    scene cannot be read (the viewer then says what is missing)."""
    try:
        packets = json.loads((run_dir / "scene.czml").read_text(encoding="utf-8"))
        meta = next(p for p in packets if p.get("id") == "hyperdef")
        start, stop = packets[0]["clock"]["interval"].split("/")
        epoch = _seconds(meta["properties"]["epoch_utc"])
        return _seconds(start) - epoch, _seconds(stop) - epoch
    except (OSError, ValueError, KeyError, IndexError, StopIteration, TypeError, AttributeError):
        return None


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def scene_time_problem(run_dir: Path, time_s: float | None) -> str | None:
    """An error for a `--time` outside the run's scene (or not finite); None when it is fine."""
    if time_s is None:
        return None
    if not math.isfinite(time_s):
        return f"--time: must be a finite number of seconds, got {time_s}"
    span = scene_span_s(run_dir)
    if span is None:
        return None
    start, stop = span
    if start <= time_s <= stop:
        return None
    hint = (f"; was it given in ms? {time_s:g} ms = {time_s / 1e3:g} s"
            if start <= time_s / 1e3 <= stop else "")
    return (f"--time: {time_s:g} s is outside the run's scene, which spans {start:g} to "
            f"{stop:g} s after the epoch{hint}; give a time in that span")
