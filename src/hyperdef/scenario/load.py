"""Read a scenario: a path or a built-in name → YAML (safe loader) → validated `Scenario`.

`!!python/...` tags and any other non-plain YAML are refused: a scenario file is data, and loading
one must never run code. Size, nesting, alias expansion and text length are bounded
(hyperdef.scenario.yaml_limits), so no file can exhaust memory or the stack.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from hyperdef.scenario.errors import ScenarioError, problems_of
from hyperdef.scenario.schema import Scenario
from hyperdef.scenario.yaml_limits import load_bounded, read_text

BUILTIN = importlib.resources.files("hyperdef.scenario") / "builtin"


def builtin_names() -> list[str]:
    """Built-in scenarios (builtin/*.yaml; campaign files there are named campaign_*.yaml)."""
    return sorted(p.name.removesuffix(".yaml") for p in BUILTIN.iterdir()
                  if p.name.endswith(".yaml") and not p.name.startswith("campaign"))


def resolve_source(source: str | Path) -> tuple[str, Path | None]:
    """(YAML text, folder relative paths resolve against) for a path or a built-in name."""
    path = Path(source)
    if path.exists():
        return read_text(path, str(source)), path.resolve().parent
    name = str(source)
    if name in builtin_names():
        return (BUILTIN / f"{name}.yaml").read_text(encoding="utf-8"), None
    choices = ", ".join(builtin_names()) or "none"
    raise ScenarioError(str(source), [
        f"no such file, and not a built-in scenario (built-ins: {choices})"])


def parse_yaml(text: str, source: str = "<scenario>") -> dict:
    try:
        data = load_bounded(text, source)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise ScenarioError(source, [
            f"{where}: {exc.problem}; scenario files are plain YAML — remove the tag"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [f"{where}: malformed YAML: {problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(source, [
            "(top level): expected a mapping of keys (epoch, duration_s, threats, …), "
            f"got {type(data).__name__}"])
    return data


def validate(data: dict, source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, problems_of(exc, Scenario)) from None


def load_scenario(source: str | Path, **overrides) -> tuple[Scenario, Path | None]:
    """(Scenario, base folder) from a path or built-in name; overrides replace top-level keys."""
    text, base = resolve_source(source)
    data = parse_yaml(text, str(source))
    data.update({k: v for k, v in overrides.items() if v is not None})
    return validate(data, str(source)), base


def dump_resolved(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML (written beside every run's outputs)."""
    data = scenario.model_dump(mode="json", exclude_none=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
