"""JSON Schema of scenario and campaign files, generated from the models (the single source).

The models carry each field's meaning and unit (`Field(description=...)`), its default and its
bounds; the schema adds the default and the allowed range to each description in words, so a
YAML language server's hover text and the reference page say all of it. Bounds also stay as
`minimum`/`maximum` keywords, which editors check as you type.

Wiring it into an editor (the Red Hat YAML language server, in VS Code and others):

    hyperdef scenario schema > hyperdef-scenario.schema.json
    # first line of a scenario file:
    # yaml-language-server: $schema=hyperdef-scenario.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _range_words(prop: dict) -> str:
    parts = []
    for key, op in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="),
                    ("exclusiveMaximum", "<")):
        if key in prop:
            parts.append(f"{op} {prop[key]:g}")
    for key, word in (("minLength", "at least {} characters"),
                      ("maxLength", "at most {} characters"),
                      ("minItems", "at least {} items"), ("maxItems", "at most {} items")):
        if key in prop:
            parts.append(word.format(prop[key]))
    for branch in prop.get("anyOf", []):  # an optional number: the bounds sit in a branch
        inner = _range_words(branch)
        if inner:
            parts.append(inner)
    unit = f" {prop['x-unit']}" if "x-unit" in prop and parts else ""
    return " and ".join(parts) + unit


def _describe_property(prop: dict) -> None:
    text = prop.get("description", "").rstrip()
    rng = _range_words(prop)
    if rng and "Range:" not in text:
        text += f" Range: {rng}."
    if "default" in prop:
        text += f" Default: {json.dumps(prop['default'], ensure_ascii=False)}."
    elif text:
        text += " Required." if prop.get("_required") else ""
    prop.pop("_required", None)
    if text:
        prop["description"] = text.strip()


def model_schema(model: type[BaseModel], title: str) -> dict:
    """The JSON Schema (2020-12) of `model`, descriptions completed with range and default."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = title
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", []))
        for name, prop in definition.get("properties", {}).items():
            if name in required:
                prop["_required"] = True
            _describe_property(prop)
    return schema


def scenario_json_schema() -> dict:
    """The JSON Schema of a scenario file."""
    from hyperdef.scenario.schema import Scenario

    return model_schema(Scenario, "hyperdef scenario")


def campaign_json_schema() -> dict:
    """The JSON Schema of a campaign file."""
    from hyperdef.campaign.schema import CampaignSpec

    return model_schema(CampaignSpec, "hyperdef campaign")


def undescribed(schema: dict[str, Any]) -> list[str]:
    """'Model.field' for every property without a description (the schema's completeness)."""
    missing = []
    for def_name, definition in [("(root)", schema), *schema.get("$defs", {}).items()]:
        for name, prop in definition.get("properties", {}).items():
            if not prop.get("description", "").strip():
                missing.append(f"{def_name}.{name}")
    return missing
