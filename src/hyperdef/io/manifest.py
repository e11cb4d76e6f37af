"""manifest.json: what produced a run folder (versions, seed, timing), for reproducibility."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import platform
import sys
from pathlib import Path

import jax

import hyperdef
from hyperdef.io.rundir import RUN_FORMAT

LIBRARIES = (
    "jax", "jaxlib", "numpy", "scipy", "pandas", "pydantic", "xarray", "zarr", "pyarrow",
    "dask", "distributed", "sgp4", "matplotlib", "pyyaml",
)


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def build_manifest(*, seed: int, samples: int, wall_s: float, command: str,
                   outputs: list[str], extra: dict | None = None) -> dict:
    return {
        "format": RUN_FORMAT,  # what lets a later run replace this folder (io/rundir.py)
        "hyperdef_version": hyperdef.__version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "seed": seed,
        "samples": samples,
        "wall_time_s": round(wall_s, 3),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "jax_backend": jax.default_backend(),
        "jax_x64": bool(jax.config.values["jax_enable_x64"]),
        "libraries": library_versions(),
        "outputs": sorted(outputs),
        **(extra or {}),
    }


def write_manifest(folder: Path, manifest: dict) -> None:
    (Path(folder) / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
