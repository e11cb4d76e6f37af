"""Records and arrays as JSON values: the one conversion summary.json, metrics.parquet and the
campaign rows share.

The stages return frozen dataclasses holding floats, NumPy values and nested records; JSON has
neither NaN nor NumPy types. `json_safe` walks a value: a record becomes a dict of its fields in
declaration order (or its own `to_dict()` where its JSON shape differs from its fields), NumPy
scalars and arrays become Python values, and NaN/inf become None (JSON null).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np


def json_safe(value):
    """Recursively turn records, NumPy scalars/arrays into Python values and NaN/inf into None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return json_safe(to_dict() if to_dict is not None else
                         {f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value) if math.isfinite(value) else None
    return value
