"""Readable scenario errors: every message names the field path and says what would fix it."""

from __future__ import annotations

import difflib
import types
import typing

from pydantic import BaseModel, ValidationError


class ScenarioError(ValueError):
    """A scenario that cannot be used; `problems` holds one line per field."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: invalid scenario\n" + "\n".join(f"  {p}" for p in problems))


def field_path(loc: tuple) -> str:
    """('threats', 0, 'beta_kgpm2') -> 'threats[0].beta_kgpm2'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwrap(tp) -> list:
    """The model classes a type annotation may hold (through list, Optional, Union, Annotated)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _unwrap(a)]
    return [tp] if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """Walk the schema along an error location to the model that holds its last key."""
    models = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        tagged = [m for m in models if _tag_matches(m, part)]
        if tagged:  # a discriminated-union member named by its tag value
            models = tagged
            continue
        nxt = [t for m in models if part in m.model_fields for t in _unwrap(
            m.model_fields[part].annotation)]
        if not nxt:
            return None
        models = nxt
    return models[0] if len(models) == 1 else None


def _tag_matches(model: type[BaseModel], part: str) -> bool:
    kind = model.model_fields.get("kind")
    args = typing.get_args(kind.annotation) if kind is not None else ()
    return part in args


def _describe(err: dict, root: type[BaseModel]) -> str:
    loc = tuple(err["loc"])
    # Drop the discriminator tag pydantic inserts (sensors[0].radar.site -> sensors[0].site).
    loc_shown = tuple(p for i, p in enumerate(loc) if not (
        i > 0 and isinstance(loc[i - 1], int) and isinstance(p, str) and _is_tag(root, loc[:i], p)))
    path = field_path(loc_shown) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(root, loc[:-1])
        if model is not None:
            allowed = sorted(model.model_fields)
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            return f"{path}: unknown key; {hint}allowed keys: {', '.join(allowed)}"
        return f"{path}: unknown key; remove it or check its spelling"
    if kind == "missing":
        return f"{path}: required field is missing; add it"
    msg = err["msg"].removeprefix("Value error, ")
    if "input" in err and kind not in ("model_type", "dict_type"):
        shown = repr(err["input"])
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"{path}: {msg[0].lower() + msg[1:]}, got {shown}"
    return f"{path}: {msg[0].lower() + msg[1:]}"


def _is_tag(root, loc_before: tuple, part: str) -> bool:
    """True when `part` is the tag pydantic put after a list index of a discriminated union."""
    if len(loc_before) < 2 or not isinstance(loc_before[-2], str):
        return False
    owner = _model_at(root, loc_before[:-2])
    field = owner.model_fields.get(loc_before[-2]) if owner is not None else None
    members = _unwrap(field.annotation) if field is not None else []
    return any(_tag_matches(m, part) for m in members)


def problems_of(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """One readable line per pydantic error, deduplicated, in file order."""
    seen: list[str] = []
    for err in exc.errors():
        line = _describe(err, root)
        if line not in seen:
            seen.append(line)
    return seen
