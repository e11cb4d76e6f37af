"""Fuzzed-but-valid scenarios: the built-in demo with its numbers moved inside their schema bounds.

Each case keeps the demo's structure (two threats, four sensors, the IMM tracker, one defended
area and one interceptor) and redraws one to six of its numbers: mostly within a factor of four
of the demo's value (or a few tens of units for angles and signed numbers), sometimes exactly at
an edge of the range the JSON Schema (`hyperdef scenario schema`) gives for that key. The time
grid, the sample count and the constellation's shape (Walker total, planes, phasing) are held
fixed: they set array shapes, and every new shape costs a compilation, so holding them keeps a
warm case to seconds. Edits the whole-scenario checks refuse (a frame period below the grid step,
a release state out of reach) are taken back, last first, until the loader accepts the file.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import yaml
from hypothesis import strategies as st

from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.jsonschema import scenario_json_schema
from hyperdef.scenario.load import BUILTIN, load_scenario

#: The grid and sample count every case runs on: 225 steps, long enough for both threats to
#: reach the defended area (so warning, footprint and engagement figures are exercised), and two
#: samples.
FIXED = {"duration_s": 900.0, "step_s": 4.0, "samples": 2}
#: Keys whose value sets an array shape (see the module docstring).
SHAPE_KEYS = {"total", "planes", "phasing", *FIXED}
SCHEMA = scenario_json_schema()


def base_doc() -> dict:
    """The demo on the fixed grid (frame and scan periods no shorter than its step)."""
    doc = yaml.safe_load((BUILTIN / "demo.yaml").read_text(encoding="utf-8"))
    doc.update(FIXED)
    for sensor in doc["sensors"]:
        for key in ("scan_period_s", "frame_period_s"):
            if key in sensor:
                sensor[key] = max(sensor[key], FIXED["step_s"])
    return doc


def number_paths(data, path=()):
    """Paths of the numbers (not bools) that may be redrawn, in document order."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from number_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from number_paths(v, (*path, i))
    elif isinstance(data, int | float) and not isinstance(data, bool) and \
            path[-1] not in SHAPE_KEYS and path not in (("seed",), ("schema_version",)):
        yield path


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _child(node: dict, key, doc_node) -> dict | None:
    """The schema of `doc_node[key]` inside `node` (a union picks the branch of the doc's kind)."""
    node = _resolve(node)
    if isinstance(key, int):
        if "prefixItems" in node:
            return node["prefixItems"][key]
        return node.get("items")
    props = node.get("properties", {})
    if key in props:
        return props[key]
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        branch = _resolve(branch)
        kind = _resolve(branch.get("properties", {}).get("kind", {}))
        kinds = kind.get("enum", [kind.get("const")]) if kind else [None]
        if key in branch.get("properties", {}) and (
                not isinstance(doc_node, dict) or doc_node.get("kind") in kinds or
                kinds == [None]):
            return branch["properties"][key]
        if "oneOf" in branch or "anyOf" in branch:  # a union inside an optional
            found = _child(branch, key, doc_node)
            if found is not None:
                return found
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _limits(node: dict) -> tuple[float, float, bool]:
    """(low, high, integer) a number at this schema node may take (inclusive; open ends are
    nudged inside by one part in 10⁹)."""
    node = _resolve(node)
    lo, hi = -math.inf, math.inf
    if "minimum" in node:
        lo = node["minimum"]
    if "exclusiveMinimum" in node:
        lo = node["exclusiveMinimum"] + max(abs(node["exclusiveMinimum"]) * 1e-9, 1e-12)
    if "maximum" in node:
        hi = node["maximum"]
    if "exclusiveMaximum" in node:
        hi = node["exclusiveMaximum"] - max(abs(node["exclusiveMaximum"]) * 1e-9, 1e-12)
    integer = node.get("type") == "integer"
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        b_lo, b_hi, b_int = _limits(branch)
        lo, hi, integer = max(lo, b_lo), min(hi, b_hi), integer or b_int
    return lo, hi, integer


def bounds_at(doc: dict, path: tuple) -> tuple[float, float, bool]:
    """The schema's (low, high, integer) for the number at `path` of a scenario document."""
    node, doc_node = SCHEMA, doc
    for key in path:
        node = _child(node, key, doc_node)
        if node is None:
            return -math.inf, math.inf, False
        doc_node = doc_node[key]
    return _limits(node)


@st.composite
def redraw(draw, x: float, lo: float, hi: float, integer: bool) -> float:
    """A new value for `x` inside [lo, hi]: near it, or at an edge of the range."""
    edges = [e for e in (lo, hi) if math.isfinite(e)]
    if edges and draw(st.integers(0, 7)) == 0:
        value = draw(st.sampled_from(edges))
    elif x > 0 and lo >= 0:
        low, high = max(math.log(x / 4), math.log(max(lo, 1e-300))), math.log(min(4 * x, hi))
        value = math.exp(draw(st.floats(min(low, high), max(low, high))))
    else:
        w = max(abs(x), 10.0)
        value = draw(st.floats(max(x - w, lo), min(x + w, hi)))
    value = min(max(value, lo), hi)
    if integer:
        value = min(max(round(value), math.ceil(lo)), math.floor(hi))
    return int(value) if integer else float(value)


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def loads(doc: dict, folder: Path):
    """(scenario, base) when the loader accepts `doc` written as a file, else None."""
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    try:
        return load_scenario(path)
    except ScenarioError:
        return None


BASE = base_doc()
PATHS = list(number_paths(BASE))


@st.composite
def valid_case(draw):
    """(edits, document): [(path, old, new)] applied to the fixed-grid demo."""
    doc = copy.deepcopy(BASE)
    doc["seed"] = draw(st.integers(0, 2**32))
    edits = []
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=6, unique=True)):
        old = _get(doc, path)
        new = draw(redraw(float(old), *bounds_at(doc, path)))
        _set(doc, path, new)
        edits.append((path, old, new))
    return edits, doc


def accepted(edits, doc, folder: Path):
    """Take edits back, last first, until the loader accepts the document; returns
    (kept edits, document, (scenario, base))."""
    edits, doc = list(edits), copy.deepcopy(doc)
    while (loaded := loads(doc, folder)) is None:
        path, old, _ = edits.pop()
        _set(doc, path, old)
    return edits, doc, loaded
