"""Hostile files are refused quickly, in little memory, with one clean line: an alias bomb, deep
nesting, huge text, a huge file, a binary file, an empty file, a folder."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from hyperdef.campaign.schema import CampaignError
from hyperdef.campaign.source import read_campaign
from hyperdef.scenario.errors import ScenarioError, shown
from hyperdef.scenario.load import load_scenario, parse_yaml
from hyperdef.scenario.yaml_limits import MAX_FILE_BYTES, MAX_SCALAR_CHARS


def alias_bomb(field: str = "name") -> str:
    """The classic "billion laughs" in YAML: 9 levels of 9 aliases, 9⁹ ≈ 387 million strings
    when expanded, in a few hundred bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghi":
        lines.append(f"{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = c
    lines.append(f"{field}: *i")
    return "\n".join(lines) + "\n"


def _refused_cheaply(func) -> tuple[ScenarioError, float, int]:
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ScenarioError) as info:
            func()
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, elapsed, peak


@pytest.mark.parametrize("field", ["name", "description", "tracker", "threats"])
def test_alias_bomb_refused_fast_and_small(field):
    text = alias_bomb(field)
    assert len(text) < 600
    exc, elapsed, peak = _refused_cheaply(lambda: parse_yaml(text, "bomb.yaml"))
    assert elapsed < 1.0 and peak < 100e6, (elapsed, peak)
    assert exc.problems == ["line 6, column 4: with its aliases expanded this value holds more "
                            "than 200,000 items (an alias bomb?); write the values out, or "
                            "fewer of them"]


def test_moderate_alias_use_is_fine():
    data = parse_yaml("a: &x {lat_deg: 1.0}\nb: *x\nc: [*x, *x]\n")
    assert data["c"][1]["lat_deg"] == 1.0


def test_self_referring_alias_refused():
    exc, _, _ = _refused_cheaply(lambda: parse_yaml("a: &a [1, *a]\n", "loop.yaml"))
    assert "refers to a value that contains it" in exc.problems[0]


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_a_clean_error(opening):
    if opening == "- ":
        text = "- " * 1000 + "x\n"
    else:
        closing = "]" if opening == "[" else "}"
        text = "name: " + opening * 1000 + "1" + closing * 1000 + "\n"
    exc, elapsed, _ = _refused_cheaply(lambda: parse_yaml(text, "deep.yaml"))
    assert elapsed < 1.0
    assert len(exc.problems) == 1 and "nest" in exc.problems[0], exc.problems


def test_huge_text_value_refused():
    text = "name: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n"
    exc, _, _ = _refused_cheaply(lambda: parse_yaml(text, "long.yaml"))
    assert "a text value of 100,001 characters" in exc.problems[0]


def test_long_but_legal_text_is_refused_by_the_field_length():
    from schema_docs import builtin_doc

    from hyperdef.scenario.load import validate

    with pytest.raises(ScenarioError, match="name: string should have at most 100 characters"):
        validate({**builtin_doc("demo"), "name": "x" * 5000})


def test_file_size_bounded(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    exc, _, _ = _refused_cheaply(lambda: load_scenario(big))
    assert exc.problems[0].startswith("file is 1,000,003 bytes; scenario and campaign files are "
                                      "at most 1,000,000")


@pytest.mark.parametrize(("content", "expected"), [
    (bytes(range(256)), "is a binary file, not YAML text; give a .yaml file"),
    (b"name: \xff\xfe\n", "byte 6: not UTF-8 text; save the file as UTF-8"),
    (b"", "file is empty; `hyperdef scenario init NAME` writes a starting file"),
    (b"  \n\n", "file is empty; `hyperdef scenario init NAME` writes a starting file"),
])
def test_unreadable_files_are_one_line(tmp_path, content, expected):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems == [expected]
    with pytest.raises(CampaignError) as info:
        read_campaign(path)
    assert info.value.problems == [expected]


def test_folder_is_named(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert info.value.problems == ["is a folder, not a YAML file; give the file inside it"]


@pytest.mark.parametrize(("text", "words"), [
    ("epoch: 2030-13-45\n", "month must be in 1..12"),
    ("seed: " + "9" * 6000 + "\n", "Exceeds the limit (4300 digits)"),
])
def test_values_python_cannot_build_are_clean_errors(text, words):
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "x.yaml")
    assert words in info.value.problems[0] and len(info.value.problems[0]) < 200


def test_rejected_values_are_shown_bounded():
    huge = [["x" * 10_000] * 1000] * 1000  # shared, so cheap to build, 10¹⁰ characters shown raw
    t0 = time.perf_counter()
    text = shown(huge)
    assert time.perf_counter() - t0 < 0.1
    assert len(text) <= 60
