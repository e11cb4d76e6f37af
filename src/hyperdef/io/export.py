"""`export(run_dir, fmt, out)`: a run's objects as OEM, STK `.e`, CSV or CZML, written atomically.

oem and stk write one file per object (and segment, for STK) into the folder `out`; csv and czml
write the single file `out`. Everything is checked and rendered before anything is written, and
the result appears in one rename: bad input (a missing run folder, an unknown object, covariance
asked of an object that has none, an existing `out`) raises ExportError and leaves no file.

CSV: one row per object and time with finite state; columns object, kind, sample, t_s, utc,
x_ecef_m, y_ecef_m, z_ecef_m, vx_ecef_mps, vy_ecef_mps, vz_ecef_mps and, for tracks,
sigma_x_ecef_m … sigma_vz_ecef_mps (√ of the covariance diagonal; empty for truth and satellites).
CZML: the run's scene.czml restricted to the chosen objects (plus the document and clock packets).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from hyperdef.io import oem, stk_ephemeris
from hyperdef.io.ephemeris import ExportError, RunEphemerides, load_ephemerides

FORMATS = ("oem", "stk", "csv", "czml")
AXES = ("x", "y", "z")


def _file_name(object_id: str) -> str:
    return object_id.replace("/", "_")


def _check_covariance(eph: RunEphemerides, covariance: bool | None) -> dict[str, bool]:
    """{object: write covariance}; None means 'where the object has one'."""
    if covariance:
        without = [o for o, e in eph.objects.items() if e.P is None]
        if without:
            raise ExportError(
                f"--covariance: {', '.join(without)} "
                f"{'is' if len(without) == 1 else 'are'} truth or a satellite and "
                "has no covariance; export track objects (track/ID) or drop --covariance")
    return {o: e.P is not None and covariance is not False for o, e in eph.objects.items()}


def _csv_table(eph: RunEphemerides) -> pd.DataFrame:
    from hyperdef.time import Epoch

    epoch = Epoch.parse(eph.epoch_utc)
    parts = []
    for oid, e in eph.objects.items():
        for seg in e.segments():
            t = e.t_s[seg]
            cols = {"object": oid, "kind": e.kind, "sample": eph.sample, "t_s": t,
                    "utc": [epoch.to_datetime(x).strftime("%Y-%m-%dT%H:%M:%S.%fZ") for x in t]}
            for i, a in enumerate(AXES):
                cols[f"{a}_ecef_m"] = e.r_ecef_m[seg, i]
            for i, a in enumerate(AXES):
                cols[f"v{a}_ecef_mps"] = e.v_ecef_mps[seg, i]
            sd = (np.sqrt(np.clip(np.diagonal(e.P[seg], axis1=1, axis2=2), 0.0, None))
                  if e.P is not None else np.full((t.size, 6), np.nan))
            for i, a in enumerate(AXES):
                cols[f"sigma_{a}_ecef_m"] = sd[:, i]
            for i, a in enumerate(AXES):
                cols[f"sigma_v{a}_ecef_mps"] = sd[:, 3 + i]
            parts.append(pd.DataFrame(cols))
    return pd.concat(parts, ignore_index=True)


def _czml_text(run_dir: Path, eph: RunEphemerides) -> str:
    path = run_dir / "scene.czml"
    if not path.exists():
        raise ExportError(f"{path}: missing; rerun the scenario (or export oem/stk/csv)")
    packets = json.loads(path.read_text())
    # Object ids are the scene's packet ids; packets without a '/' are the document and clock.
    out = [p for p in packets if p.get("id") in eph.objects or "/" not in str(p.get("id", ""))]
    return json.dumps(out, indent=1) + "\n"


def _render(run_dir: Path, fmt: str, eph: RunEphemerides,
            covariance: bool | None) -> dict[str, str]:
    """{relative file name: text} of the export (one entry named '' for single-file formats)."""
    cov = _check_covariance(eph, covariance)
    if fmt == "oem":
        return {_file_name(o) + oem.SUFFIX: oem.oem_text(e, epoch_utc=eph.epoch_utc,
                                                         covariance=cov[o])
                for o, e in eph.objects.items() if e.segments()}
    if fmt == "stk":
        files = {}
        for o, e in eph.objects.items():
            texts = stk_ephemeris.stk_texts(e, epoch_utc=eph.epoch_utc, covariance=cov[o])
            for k, text in enumerate(texts):
                files[_file_name(o) + ("" if k == 0 else f"_{k + 1}")
                      + stk_ephemeris.SUFFIX] = text
        return files
    if fmt == "csv":
        return {"": _csv_table(eph).to_csv(index=False, float_format="%.6f")}
    return {"": _czml_text(run_dir, eph)}


def export(run_dir, fmt: str, out, *, objects=None, sample: int = 0,
           covariance: bool | None = None) -> list[Path]:
    """Write the export and return the paths written (see the module docstring).

    covariance: True requires a covariance for every object (tracks only), False writes none,
    None writes it where the object has one.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format: unknown {fmt!r}; choose one of {', '.join(FORMATS)}")
    run_dir, out = Path(run_dir), Path(out)
    if out.exists():
        raise ExportError(f"--out {out}: already exists; choose a new path or remove it")
    if covariance and fmt in ("csv", "czml"):
        covariance = None  # csv carries σ columns where they exist; czml has no covariance
    eph = load_ephemerides(run_dir, objects=objects, sample=sample)
    files = _render(run_dir, fmt, eph, covariance)
    if not files:
        raise ExportError("--objects: the chosen objects have no finite states to export")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if "" in files:
            staged = tmp / out.name
            staged.write_text(files[""])
            os.replace(staged, out)
            return [out]
        for name, text in files.items():
            (tmp / name).write_text(text)
        os.replace(tmp, out)
        return [out / name for name in files]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
