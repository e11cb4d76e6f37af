"""Readable scenario errors: every message names the field path and says what would fix it."""

from __future__ import annotations

import difflib
import re
import reprlib
import types
import typing

from pydantic import BaseModel, ValidationError


class ScenarioError(ValueError):
    """A scenario that cannot be used; `problems` holds one line per field."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: invalid scenario\n" + "\n".join(f"  {p}" for p in problems))


# Rejected values are shown cut to a few items and characters, and the cut happens before any
# rendering: a value may be an alias-expanded structure far larger than its file.
_SHOW = reprlib.Repr()
_SHOW.maxlevel, _SHOW.maxstring, _SHOW.maxother, _SHOW.maxlong = 2, 60, 60, 60
_SHOW.maxdict = _SHOW.maxlist = _SHOW.maxtuple = _SHOW.maxset = 4
# A model check's message that starts with the key it is about ("confirm_m/confirm_n: …",
# "sensors[0].frame_period_s: …") is reported at that key.
_KEY_FIRST = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*"
                        r"(?:/[A-Za-z_]\w*)?): (.*)$", re.S)


def shown(value) -> str:
    """A bounded rendering of a rejected value (at most ~60 characters, work bounded too)."""
    text = _SHOW.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
        i > 0 and isinstance(p, str) and _is_tag(root, loc[:i], p)))
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
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        # A tagged union's tag (`kind`) missing or unknown: name the tag key, not the whole item.
        tag_path = f"{field_path(loc_shown)}.{err['ctx']['discriminator'].strip(chr(39))}"
        if kind == "union_tag_not_found":
            return f"{tag_path.lstrip('.')}: required field is missing; add it"
        return (f"{tag_path.lstrip('.')}: input should be one of "
                f"{err['ctx']['expected_tags']}, got {shown(err['ctx']['tag'])}")
    msg = err["msg"].removeprefix("Value error, ")
    match = _KEY_FIRST.match(msg) if kind == "value_error" else None
    if match and isinstance(err.get("input"), dict):
        # A whole-model check naming its key: report it there, without the model's contents.
        head = match.group(1)
        path = head if path == "(top level)" else f"{path}.{head}"
        return f"{path}: {match.group(2)}"
    whole_section = kind == "value_error" and isinstance(err.get("input"), dict)
    if "input" in err and kind not in ("model_type", "dict_type") and not whole_section:
        return f"{path}: {msg[0].lower() + msg[1:]}, got {shown(err['input'])}"
    # A whole section failed a cross-field check: its contents are the file itself, so the
    # message does not repeat them.
    return f"{path}: {msg[0].lower() + msg[1:]}"


def _is_tag(root, loc_before: tuple, part: str) -> bool:
    """True when `part` is the tag pydantic put after a discriminated-union field (or after a
    list index inside one): sensors[0].radar.site, sensors[0].field_of_regard.cone.…"""
    if isinstance(loc_before[-1], int):
        if len(loc_before) < 2 or not isinstance(loc_before[-2], str):
            return False
        name, owner_loc = loc_before[-2], loc_before[:-2]
    else:
        name, owner_loc = loc_before[-1], loc_before[:-1]
    owner = _model_at(root, owner_loc)
    field = owner.model_fields.get(name) if owner is not None else None
    members = _unwrap(field.annotation) if field is not None else []
    return any(_tag_matches(m, part) for m in members)


# Names pydantic puts in an error location for the member of an untagged union it tried (a model
# class, or a type such as `float` or `function-after[...]`); scenario keys are snake_case.
_MEMBER = re.compile(r"^(?:[A-Z]\w*|float|int|str|bool|none|(?:function|constrained|lax|"
                     r"json-or-python|nullable|literal|list|dict|tuple|union)[-\[].*)$")


def _member_at(loc: tuple) -> int | None:
    return next((i for i, p in enumerate(loc) if isinstance(p, str) and _MEMBER.match(p)), None)


def _one_branch(errors: list[dict]) -> list[dict]:
    """Keep, for each value that matched no member of a union, the errors of the member the
    file most likely meant (fewest errors, then the most specific), without the member's name.

    `beta_kgpm2: {mean: 1, sd: .inf}` then reads `beta_kgpm2.sd: … finite`, not also "not a
    number" and "low is missing" from the other members of a dispersed number."""
    while True:
        groups: dict[tuple, dict[str, list[int]]] = {}
        for idx, err in enumerate(errors):
            i = _member_at(err["loc"])
            if i is not None:
                groups.setdefault(err["loc"][:i], {}).setdefault(err["loc"][i], []).append(idx)
        if not groups:
            return errors
        drop: set[int] = set()
        for members in groups.values():
            best = min(members.values(), key=lambda ids: (
                len(ids), -max(len(errors[j]["loc"]) for j in ids)))
            drop.update(j for ids in members.values() if ids is not best for j in ids)
        kept = []
        for idx, err in enumerate(errors):
            if idx in drop:
                continue
            i = _member_at(err["loc"])
            kept.append(err if i is None else {**err, "loc": err["loc"][:i] + err["loc"][i + 1:]})
        errors = kept


def problems_of(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """One readable line per pydantic error, deduplicated, in file order."""
    seen: list[str] = []
    for err in _one_branch([{**e, "loc": tuple(e["loc"])} for e in exc.errors()]):
        line = _describe(err, root)
        if line not in seen:
            seen.append(line)
    return seen
