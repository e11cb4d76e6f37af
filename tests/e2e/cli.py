"""Run the real `hyperdef` command in a subprocess (the console script's code path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def hyperdef(*args: str, cwd=None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "hyperdef.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


def hyperdef_json(*args: str, **kwargs) -> dict:
    proc = hyperdef(*args, "--json", **kwargs)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
