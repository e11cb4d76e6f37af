"""Helpers for the campaign tests: the stand-in campaign file, runs, and table comparisons."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent

# A cruise target at a dispersed altitude and speed flies west along the equator towards a
# radar at (0°, 0°); two mast heights are the "architectures". Small on purpose: 2 points × 24
# samples in 6 chunks of 8 (2 batches of 4 each) run in a few seconds.
STANDIN = {
    "name": "standin",
    "scenario": {
        "name": "cruise-vs-radar",
        "epoch": "2030-01-01T00:00:00Z",
        "duration_s": 900.0,
        "step_s": 2.0,
        "threats": [{
            "name": "cruiser", "kind": "cruise", "mass_kg": 1000, "beta_kgpm2": 5000,
            "lift_to_drag": 3,
            "initial": {"lat_deg": 0, "lon_deg": 10, "alt_km": {"low": 15, "high": 35},
                        "speed_mps": {"mean": 2000, "sd": 100}, "heading_deg": 270},
        }],
        "sensors": [{
            "name": "radar", "kind": "radar", "site": {"lat_deg": 0, "lon_deg": 0, "alt_m": 20},
            "max_range_km": 3000, "ref_range_km": 1000,
            "noise": {"range_m": 50, "az_mrad": 1, "el_mrad": 1, "range_rate_mps": 5},
        }],
    },
    "seed": 11,
    "samples": 24,
    "batch_size": 4,
    "chunk_size": 8,
    "sweep": {"design": "factorial", "parameters": [
        {"name": "mast_m", "path": "sensors.radar.site.alt_m", "values": [20, 200]}]},
}


def campaign_dict(**changes) -> dict:
    doc = copy.deepcopy(STANDIN)
    doc.update(changes)
    return doc


def write_campaign(path: Path, **changes) -> Path:
    path = Path(path)
    path.write_text(yaml.safe_dump(campaign_dict(**changes), sort_keys=False))
    return path


def assert_same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Bit-for-bit equality of two canonical result tables (NaN equal to NaN)."""
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=True)


def subprocess_env(**extra) -> dict:
    """Environment for child Python processes: the stand-in importable, output unbuffered."""
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **extra}


def drive(campaign: Path, out: Path, *args: str, **popen) -> subprocess.Popen:
    """Start the stand-in campaign driver (a campaign process of its own) in a new session."""
    cmd = [sys.executable, str(HERE / "campaign_driver.py"), str(campaign), str(out), *args]
    return subprocess.Popen(cmd, env=subprocess_env(), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
