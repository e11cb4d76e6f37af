"""Scenario and campaign documents for the schema tests: the built-in files as plain data."""

from __future__ import annotations

import copy
import math

import yaml

from hyperdef.scenario.load import BUILTIN

SCENARIOS = ("demo", "tranche0", "tranche1", "geo-ew", "radars")


def builtin_doc(name: str) -> dict:
    """A fresh copy of a built-in scenario's (or `campaign_example`'s) YAML data."""
    return copy.deepcopy(yaml.safe_load((BUILTIN / f"{name}.yaml").read_text(encoding="utf-8")))


def numeric_leaves(data, path=()):
    """(path tuple, value) of every number (not bool) in a nested dict/list document."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from numeric_leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from numeric_leaves(v, (*path, i))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, data


def set_at(data, path, value):
    """A copy of `data` with the leaf at `path` replaced."""
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def shown_path(path) -> str:
    """('sensors', 0, 'walker', 'alt_km') → 'sensors[0].walker.alt_km' (as errors spell it)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def non_finite_in(value) -> list[str]:
    """Where a validated model (dumped to Python data) holds NaN or ±inf."""
    bad = []
    stack = [("", value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            bad.append(where)
        elif isinstance(v, dict):
            stack.extend((f"{where}.{k}", x) for k, x in v.items())
        elif isinstance(v, list | tuple):
            stack.extend((f"{where}[{i}]", x) for i, x in enumerate(v))
    return bad
