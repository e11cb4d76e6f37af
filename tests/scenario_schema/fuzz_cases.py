"""A bounded scenario fuzzer: Hypothesis strategies over the built-in files' real structure and
raw-byte mutations of the files themselves, and the one check every case must pass.

A case passes when loading gives either a valid model with only finite numbers, or a clean
ScenarioError/CampaignError (never another exception, i.e. a traceback), in under CASE_LIMIT_S.
`Tally` counts the outcomes so the suite can report its figures.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from pathlib import Path

import yaml
from hypothesis import strategies as st
from schema_docs import builtin_doc, non_finite_in

from hyperdef.campaign.schema import CampaignError
from hyperdef.campaign.source import read_campaign
from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.load import BUILTIN, dump_resolved, load_scenario

CASE_LIMIT_S = 10.0
SOURCES = ("demo", "tranche1", "geo-ew", "radars", "campaign_example")
DOCS = {name: builtin_doc(name) for name in SOURCES}
RAW = {name: (BUILTIN / f"{name}.yaml").read_bytes() for name in SOURCES}
# Fragments that reach YAML's and the loader's corners: tags, anchors, aliases, flow openers,
# control bytes, non-finite and huge numbers, a small alias bomb.
SNIPPETS = [b"&a ", b"*a", b"!!python/object/apply:os.system ['true']", b"[", b"{", b": ",
            b"- ", b"\t", b"\x00", b"\xff", b".nan", b"-.inf", b"1e999", b"[" * 40,
            b"9" * 5000, b"? ", b"!!binary", b"&b [*a,*a,*a,*a,*a,*a,*a,*a]\n", b"\r\n",
            b"---\n", b"...\n", b"%YAML 1.1\n", b"<<: *a\n", b"\xef\xbb\xbf"]


@dataclasses.dataclass
class Tally:
    tried: int = 0
    clean_errors: int = 0
    accepted: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)
    slowest_s: float = 0.0

    def line(self) -> str:
        return (f"{self.tried} inputs: {self.clean_errors} clean errors, {self.accepted} "
                f"accepted (all finite), {len(self.failures)} failures, slowest "
                f"{self.slowest_s:.2f} s")


def _paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


PATHS = {name: [p for p in _paths(doc) if p] for name, doc in DOCS.items()}

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=40),
    st.booleans(),
    st.none(),
    st.sampled_from([".nan", "inf", "-Infinity", "1e999", "equilibrium", "nadir", "radar",
                     "space_ir", "glide", "imm", "", "x" * 200]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)
# Numbers near what the file holds: a unit slip (×/÷ 1000), a sign error, zero, the edge.
nudges = st.sampled_from([1e3, 1e-3, 1e6, -1.0, 0.0, 1.0 + 1e-12, 1e300])


@st.composite
def structured_case(draw):
    """(source name, mutated document) — edits placed at real keys of a real built-in file."""
    name = draw(st.sampled_from(SOURCES))
    doc = copy.deepcopy(DOCS[name])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS[name]))
        try:
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            old = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this part
        if not isinstance(parent, dict | list):
            continue  # an earlier edit put text here: text can be indexed, but not edited
        op = draw(st.sampled_from(["replace", "replace", "nudge", "delete", "add_key"]))
        if op == "nudge" and isinstance(old, int | float) and not isinstance(old, bool):
            parent[path[-1]] = old * draw(nudges) if old else draw(nudges)
        elif op == "delete":
            del parent[path[-1]]
        elif op == "add_key" and isinstance(old, dict):
            old[draw(st.text(min_size=1, max_size=12))] = draw(values)
        else:
            parent[path[-1]] = draw(values)
    return name, doc


@st.composite
def byte_case(draw):
    """(source name, bytes) — a built-in file with bytes flipped, cut, repeated or inserted."""
    name = draw(st.sampled_from(SOURCES))
    data = bytearray(RAW[name])
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "snippet", "cut", "repeat"]))
        if op == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "snippet":
            data[pos:pos] = draw(st.sampled_from(SNIPPETS))
        elif op == "cut":
            del data[pos:pos + draw(st.integers(1, 200))]
        else:
            end = min(len(data), pos + draw(st.integers(1, 400)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 20))
    return name, bytes(data)


def check_file(name: str, path: Path, tally: Tally) -> None:
    """Load one file as the CLI would and record the outcome (failures as readable lines)."""
    tally.tried += 1
    t0 = time.perf_counter()
    try:
        if name.startswith("campaign"):
            spec = read_campaign(path)[0]
            bad = non_finite_in(spec.model_dump())
        else:
            scenario, _ = load_scenario(path)
            bad = non_finite_in(scenario.model_dump())
            dump_resolved(scenario)
        if bad:
            tally.failures.append(f"{name}: non-finite accepted at {bad[:3]}")
        else:
            tally.accepted += 1
    except (ScenarioError, CampaignError) as exc:
        tally.clean_errors += 1
        if len(str(exc)) > 20_000:
            tally.failures.append(f"{name}: error message of {len(str(exc))} characters")
    except Exception as exc:  # noqa: BLE001 — any other exception is what the fuzzer hunts
        tally.failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
    elapsed = time.perf_counter() - t0
    tally.slowest_s = max(tally.slowest_s, elapsed)
    if elapsed > CASE_LIMIT_S:
        tally.failures.append(f"{name}: took {elapsed:.1f} s")


def write_doc(doc, path: Path) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
