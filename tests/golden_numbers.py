"""Recorded numbers of a run folder or campaign store, to hold refactors to the same results.

A fingerprint keeps, for every table column and every array of a run folder (and the rows of a
campaign's results), its shape, a few moments and a SHA-256 of its bytes. `compare` checks the
moments to 1e-9 relative, a tolerance that absorbs a CPU whose vector units round a reduction
differently but not any change of model (the smallest real change seen, one detection more or
less, moves a column sum by ≥ 1e-6 relative). With HYPERDEF_GOLDEN_EXACT=1 it also checks every
hash: bit-identical results, as on the machine that recorded them.

    python tests/golden_numbers.py run FOLDER OUT.json     # record a run folder
    python tests/golden_numbers.py store FOLDER OUT.json   # record a campaign store
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

GOLDEN = Path(__file__).parent / "golden"
RTOL = 1e-9
# Fields that describe the machine or the moment, not the model.
_VOLATILE = {"timing_s", "out", "wall_time_s", "worker_compile_time_s", "worker_run_time_s",
             "created_utc", "elapsed_s"}


def _column(values) -> dict:
    a = np.asarray(values)
    if a.dtype.kind in "fiub":
        x = a.astype(np.float64)
        finite = np.isfinite(x)
        return {"shape": list(a.shape), "nonfinite": int((~finite).sum()),
                "sum": float(x[finite].sum()), "sum_abs": float(np.abs(x[finite]).sum()),
                "sha256": hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
    text = "\n".join(map(str, a.ravel().tolist()))
    return {"shape": list(a.shape), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def _table(df: pd.DataFrame) -> dict:
    return {str(c): _column(df[c].to_numpy()) for c in df.columns}


def _strip(doc):
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k not in _VOLATILE}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


def run_fingerprint(folder: Path) -> dict:
    folder = Path(folder)
    out = {"summary": _strip(json.loads((folder / "summary.json").read_text()))}
    for p in sorted(folder.glob("*.parquet")):
        out[p.name] = _table(pd.read_parquet(p))
    for p in sorted(folder.glob("*.zarr")):
        ds = xr.open_zarr(p)
        out[p.name] = {str(k): _column(ds[k].values) for k in sorted(ds.data_vars)}
    return out


def store_fingerprint(folder: Path) -> dict:
    from hyperdef.campaign.query import results

    df = results(Path(folder))
    df = df.drop(columns=[c for c in df.columns if c in _VOLATILE])
    keys = [c for c in ("point", "sample", "threat") if c in df.columns]
    return {"results": _table(df.sort_values(keys).reset_index(drop=True))}


def compare(got, want, path: str = "") -> list[str]:
    """Every difference between two fingerprints, as 'path: got vs want' lines."""
    exact = os.environ.get("HYPERDEF_GOLDEN_EXACT") == "1"
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return [f"{path}: keys {sorted(got) if isinstance(got, dict) else got} vs {sorted(want)}"]
        return [d for k in want if (k != "sha256" or exact or "sum" not in want)
                for d in compare(got[k], want[k], f"{path}/{k}")]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: {got} vs {want}"]
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True)) for d in compare(g, w, f"{path}[{i}]")]
    if isinstance(want, float) and isinstance(got, (int, float)):
        if math.isclose(got, want, rel_tol=RTOL, abs_tol=1e-12) or (got != got and want != want):
            return []
        return [f"{path}: {got!r} vs {want!r}"]
    return [] if got == want else [f"{path}: {got!r} vs {want!r}"]


def check(got: dict, name: str) -> None:
    want = json.loads((GOLDEN / name).read_text())
    diffs = compare(got, want)
    assert not diffs, f"{len(diffs)} differences from {name}:\n" + "\n".join(diffs[:30])


if __name__ == "__main__":
    kind, folder, target = sys.argv[1:4]
    doc = run_fingerprint(Path(folder)) if kind == "run" else store_fingerprint(Path(folder))
    Path(target).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
