"""Bounded reading of scenario and campaign files: size, nesting, aliases and text are capped.

A YAML file of a few hundred bytes can describe an enormous value (an "alias bomb": each level
repeats the previous one through aliases) or nest deeper than Python's recursion limit. Both are
refused here, before the document is built, with a message that names the limit and the line:

- the file is at most MAX_FILE_BYTES and valid UTF-8 (a binary file is named as such);
- collections nest at most MAX_DEPTH deep (a scenario needs about 8);
- the document, with every alias expanded, has at most MAX_NODES values (the largest built-in
  has a few hundred), and no alias refers to a value that contains it;
- a single text value is at most MAX_SCALAR_CHARS characters.

Only plain YAML is built (the safe loader: `!!python/...` tags are refused by `parse_yaml`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from hyperdef.scenario.errors import ScenarioError

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_SCALAR_CHARS = 100_000
# libyaml's loader when the wheel has it (several times faster), else PyYAML's own.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, source: str) -> str:
    """The UTF-8 text of a scenario or campaign file; ScenarioError if it cannot be one."""
    if path.is_dir():
        raise ScenarioError(source, ["is a folder, not a YAML file; give the file inside it"])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(source, [
                f"file is {size:,} bytes; scenario and campaign files are at most "
                f"{MAX_FILE_BYTES:,} (put large tables such as TLEs in their own file)"])
        raw = path.read_bytes()[:MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise ScenarioError(source, [f"cannot read it: {exc.strerror or exc}"]) from None
    if b"\x00" in raw:
        raise ScenarioError(source, ["is a binary file, not YAML text; give a .yaml file"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(source, [
            f"byte {exc.start}: not UTF-8 text; save the file as UTF-8"]) from None
    if not text.strip():
        raise ScenarioError(source, ["file is empty; `hyperdef scenario init NAME` writes a "
                                     "starting file"])
    return text


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "YAML"


def check_events(text: str, source: str) -> None:
    """Refuse deep nesting and huge text values from the event stream (no document built)."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(source, [f"text is {len(text):,} characters; at most "
                                     f"{MAX_FILE_BYTES:,}"])
    loader = Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScenarioError(source, [
                        f"{_where(event.start_mark)}: nested more than {MAX_DEPTH} levels deep "
                        "(a scenario needs about 8); flatten the structure"])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
                raise ScenarioError(source, [
                    f"{_where(event.start_mark)}: a text value of {len(event.value):,} "
                    f"characters; at most {MAX_SCALAR_CHARS:,}"])
    finally:
        loader.dispose()


def check_expansion(node, source: str) -> None:
    """Refuse a composed document whose alias-expanded size exceeds MAX_NODES, or that refers
    to itself. Shared nodes are measured once (memoised), so the check is linear in the file."""
    size: dict[int, int] = {}
    open_nodes: set[int] = set()

    def measure(n) -> int:
        key = id(n)
        if key in size:
            return size[key]
        if key in open_nodes:
            raise ScenarioError(source, [
                f"{_where(n.start_mark)}: an alias refers to a value that contains it; "
                "a scenario is a tree — copy the value instead"])
        open_nodes.add(key)
        if isinstance(n, yaml.SequenceNode):
            total = 1 + sum(measure(c) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total = 1 + sum(measure(k) + measure(v) for k, v in n.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise ScenarioError(source, [
                f"{_where(n.start_mark)}: with its aliases expanded this value holds more than "
                f"{MAX_NODES:,} items (an alias bomb?); write the values out, or fewer of them"])
        size[key] = total
        return total

    measure(node)


def load_bounded(text: str, source: str):
    """The data of a YAML document after every check above (yaml errors propagate)."""
    check_events(text, source)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node, source)
        try:
            return loader.construct_document(node)
        except (ValueError, OverflowError) as exc:
            # Out-of-range literals the YAML resolver accepts but Python cannot build: a date
            # such as 2030-13-45, an integer of thousands of digits.
            raise ScenarioError(source, [
                f"a value cannot be read: {str(exc).split(';')[0][:100]}; check dates "
                "(YYYY-MM-DD) and numbers"]) from None
    finally:
        loader.dispose()
