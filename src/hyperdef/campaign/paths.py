"""Dotted paths into a scenario's YAML data: `sensors.layer.walker.total`, `threats.0.mass_kg`.

A segment selects a mapping key, or in a list the item whose `name` equals it (an integer picks by
position). Missing mapping keys along the way are created, so a default section can be set
(`tracker.confirm_m`); a list item that is not there is an error naming the ones that are.
Setting a list item to null removes it (`threats.mrbm: null` drops that threat).
"""

from __future__ import annotations

from typing import Any


def _child(node: Any, segment: str, walked: str, create: bool) -> Any:
    if isinstance(node, dict):
        if segment not in node:
            if not create:
                raise KeyError(f"{walked or '(top)'}: no key {segment!r}")
            node[segment] = {}
        return node[segment]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("name") == segment:
                return item
        if segment.lstrip("-").isdigit() and -len(node) <= int(segment) < len(node):
            return node[int(segment)]
        names = [str(i.get("name")) for i in node if isinstance(i, dict) and "name" in i]
        raise KeyError(f"{walked}: no item named {segment!r} (items: "
                       f"{', '.join(names) or 'none'}; or give an index 0…{len(node) - 1})")
    raise KeyError(f"{walked}: is a {type(node).__name__}, cannot take {segment!r}")


def set_path(data: dict, path: str, value: Any) -> None:
    """Set `path` in the nested dict/list `data` to `value` (in place).

    Raises KeyError with a message naming the path and the choices when a segment is missing.
    """
    segments = path.split(".")
    if not path or any(not s for s in segments):
        raise KeyError(f"{path!r}: malformed path; write keys joined by dots, e.g. "
                       "sensors.layer.walker.total")
    node: Any = data
    walked = ""
    for segment in segments[:-1]:
        node = _child(node, segment, walked, create=True)
        walked = f"{walked}.{segment}" if walked else segment
    last = segments[-1]
    if isinstance(node, dict):
        node[last] = value
        return
    if isinstance(node, list):
        target = _child(node, last, walked, create=False)
        index = next(i for i, item in enumerate(node) if item is target)
        if value is None:
            del node[index]
        else:
            node[index] = value
        return
    raise KeyError(f"{path}: {walked} is a {type(node).__name__}, cannot set {last!r} in it")


def get_path(data: dict, path: str) -> Any:
    """The value at `path` in `data` (KeyError naming the path when absent)."""
    node: Any = data
    walked = ""
    for segment in path.split("."):
        node = _child(node, segment, walked, create=False)
        walked = f"{walked}.{segment}" if walked else segment
    return node
