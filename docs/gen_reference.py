"""Scenario and campaign file references, generated from the models' JSON Schema.

The pydantic models are the single source of every field's meaning, unit, default and bounds
(`hyperdef.scenario.jsonschema`); this turns their schema into two Markdown pages, so the pages
cannot drift from the code. It runs as an MkDocs hook (`hooks:` in mkdocs.yml): the pages and
the two schema files are added to the build in memory, nothing is written into docs/.

Run as a script it prints one page, e.g. `python docs/gen_reference.py scenario`.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from pydantic import BaseModel

from hyperdef.scenario.jsonschema import (
    _range_words,
    campaign_json_schema,
    model_schema,
    scenario_json_schema,
)

SCHEMA_FILES = {"scenario": "schema/scenario.schema.json",
                "campaign": "schema/campaign.schema.json"}
PAGES = {"scenario": "scenario-reference.md", "campaign": "campaign-reference.md"}

# Unit suffixes of field names (the project's naming rule: the unit is in the name).
_SUFFIX_UNITS = {
    "_s": "s", "_m": "m", "_km": "km", "_deg": "deg", "_rad": "rad", "_mps": "m/s",
    "_kg": "kg", "_kgpm2": "kg/m²", "_m2": "m²", "_w_sr": "W/sr", "_w_m2": "W/m²",
    "_urad": "µrad", "_mrad": "mrad", "_db": "dB", "_hz": "Hz", "_k": "K", "_mps2": "m/s²",
    "_km2": "km²", "_w": "W", "_pa": "Pa", "_m2ps3": "m²/s³",
}


def _anchor(def_name: str) -> str:
    """`WalkerSpec` → `walkerspec`; `hyperdef__scenario__sensors__AimPoint` → `sensors-aimpoint`."""
    return "-".join(def_name.split("__")[-2:]).lower()


def _title(def_name: str) -> str:
    """`hyperdef__scenario__sensors__AimPoint` → `AimPoint (sensors)`."""
    parts = def_name.split("__")
    return parts[-1] if len(parts) == 1 else f"{parts[-1]} ({parts[-2]})"


def _type(prop: dict) -> str:
    """A short Markdown rendering of a property's type, linking to nested models."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{_title(name)}](#{_anchor(name)})"
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return " | ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in prop["enum"])
    for key in ("anyOf", "oneOf"):
        if key in prop:
            return " or ".join(dict.fromkeys(_type(b) for b in prop[key]))
    kind = prop.get("type")
    if kind == "array":
        if "prefixItems" in prop:
            return "[" + ", ".join(_type(p) for p in prop["prefixItems"]) + "]"
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object":
        values = prop.get("additionalProperties")
        return f"mapping of {_type(values)}" if isinstance(values, dict) and values else "mapping"
    if kind == "string" and prop.get("format") == "date-time":
        return "date-time (ISO 8601)"
    return kind or "any"


def _unit(name: str, prop: dict) -> str:
    if "x-unit" in prop:
        return prop["x-unit"]
    for branch in prop.get("anyOf", []):
        if "x-unit" in branch:
            return branch["x-unit"]
    for suffix, unit in sorted(_SUFFIX_UNITS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
            return unit
    # "[SI]", "[-]": a bracket that holds a unit, not a "[low, high]" pair or a number.
    match = re.search(r"\[([^\],\d][^\],]*)\]", prop.get("description", ""))
    return match.group(1) if match else ""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _prose(text: str) -> str:
    """Description text as a table cell: "[low, high] [deg]" must not read as a Markdown link."""
    return _cell(text).replace("[", "\\[").replace("]", "\\]")


def _definition_order(schema: dict) -> list[str]:
    """Nested models in the order a reader meets them: breadth first from the root."""
    defs = schema.get("$defs", {})
    order: list[str] = []
    queue = [schema]
    while queue:
        node = queue.pop(0)
        text = json.dumps(node.get("properties", {}))
        for name in re.findall(r'"#/\$defs/([^"]+)"', text):
            if name not in order:
                order.append(name)
                queue.append(defs[name])
    return order + [n for n in defs if n not in order]


def _table(definition: dict, raw: dict) -> list[str]:
    """One row per field: name, type, unit, default (or required), range, meaning."""
    required = set(definition.get("required", []))
    rows = ["| field | type | unit | default | range | meaning |",
            "|---|---|---|---|---|---|"]
    for name, prop in definition.get("properties", {}).items():
        raw_prop = raw.get("properties", {}).get(name, {})
        meaning = raw_prop.get("description") or prop.get("description", "")
        if name in required:
            default = "**required**"
        elif isinstance(prop.get("default"), dict) and prop["default"]:
            default = "each field's own default"  # a nested model: its table gives them
        elif "default" in prop:
            default = f"`{json.dumps(prop['default'], ensure_ascii=False)}`"
        else:
            default = ""
        rows.append("| " + " | ".join(_cell(c) for c in (
            f"`{name}`", _type(prop), _unit(name, prop), default, _range_words(prop))) +
            f" | {_prose(meaning)} |")
    return rows


def reference_markdown(model: type[BaseModel], kind: str) -> str:
    """The reference page of a scenario (`kind='scenario'`) or campaign file's model."""
    schema = model_schema(model, f"hyperdef {kind}")
    raw = model.model_json_schema(mode="validation")
    command = "hyperdef scenario schema" + (" --campaign" if kind == "campaign" else "")
    lines = [
        f"# {kind.capitalize()} file reference",
        "",
        f"Generated from the {kind} models' JSON Schema when the site is built (`{command}` "
        "prints the same schema), so every field below is exactly what the loader accepts. "
        "Unknown keys are errors. Units are in each field's name (`alt_km`, `duration_s`); "
        "ranges are inclusive unless written with `>` or `<`.",
        "",
        f"The schema itself: [{SCHEMA_FILES[kind]}]({SCHEMA_FILES[kind]}). "
        "See [Checking files in your editor](#checking-files-in-your-editor) below.",
        "",
        f"## {schema['title']} {{#root}}",
        "",
        _prose(_plain(raw.get("description", ""))),
        "",
        *_intro(model, kind),
        *_table(schema, raw),
        "",
    ]
    for name in _definition_order(schema):
        definition = schema["$defs"][name]
        lines += [f"## {_title(name)} {{#{_anchor(name)}}}", "",
                  _prose(_plain(raw["$defs"][name].get("description", ""))), "",
                  *_table(definition, raw["$defs"][name]), ""]
    lines += _editor_section(kind, command)
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    """Docstring wording made page wording."""
    return text.replace("the module docstring", "the example at the top of this page")


def _intro(model: type[BaseModel], kind: str) -> list[str]:
    """The campaign module's annotated example file (a scenario's: `hyperdef scenario show`)."""
    if kind != "campaign":
        return ["A complete, commented example is `hyperdef scenario show demo`; "
                "`hyperdef scenario init NAME --template glide` starts a new file.", ""]
    import inspect

    doc = (inspect.getdoc(sys.modules[model.__module__]) or "").splitlines()
    example = [line for line in doc if line.startswith("    ")]  # the indented example file
    after = doc[doc.index(example[-1]) + 1:] if example else []
    lines = ["An annotated example (the built-in `example` campaign, `hyperdef scenario show "
             "example`, is a fuller one):", "", "```yaml",
             inspect.cleandoc("\n".join(example)), "```", ""]
    if any(line.strip() for line in after):
        lines += [_prose(" ".join(after)), ""]
    return lines


def _editor_section(kind: str, command: str) -> list[str]:
    stem = f"hyperdef-{kind}.schema.json"
    return [
        "## Checking files in your editor",
        "",
        "Editors that use the YAML language server (VS Code's *YAML* extension by Red Hat, "
        "Neovim, Emacs, JetBrains IDEs through LSP clients) check a file against a JSON "
        "Schema as you type, complete keys and show each field's description on hover. "
        "Save the schema once and name it on the file's first line:",
        "",
        "```sh",
        f"hyperdef {command.removeprefix('hyperdef ')} > {stem}",
        "```",
        "",
        "```yaml",
        f"# yaml-language-server: $schema={stem}",
        *(["schema_version: 1", "name: my-study", "epoch: 2030-01-01T00:00:00Z",
            "duration_s: 900"] if kind == "scenario" else
          ["name: my-trade", "scenario: demo", "samples: 100"]),
        "```",
        "",
        "The path is relative to the YAML file; an `http(s)` address works too, e.g. this "
        f"site's own copy, `{SCHEMA_FILES[kind]}`. To apply it to every matching file instead, "
        "map it in the editor's settings (VS Code: `\"yaml.schemas\": "
        f"{{\"./{stem}\": \"*.{kind}.yaml\"}}`).",
        "",
        "The editor's check is a convenience: `hyperdef scenario validate FILE` is the "
        "authority (it also checks what a schema cannot express, such as a Walker pattern's "
        "planes dividing its total), and prints every problem with its field path.",
        "",
    ]


def _models() -> dict[str, tuple[type[BaseModel], Any]]:
    from hyperdef.campaign.schema import CampaignSpec
    from hyperdef.scenario.schema import Scenario

    return {"scenario": (Scenario, scenario_json_schema),
            "campaign": (CampaignSpec, campaign_json_schema)}


def pages() -> dict[str, str]:
    """{site path: content} of the generated pages and schema files."""
    out = {}
    for kind, (model, schema_fn) in _models().items():
        out[PAGES[kind]] = reference_markdown(model, kind)
        out[SCHEMA_FILES[kind]] = json.dumps(schema_fn(), indent=2, ensure_ascii=False) + "\n"
    return out


def on_files(files, config):
    """MkDocs hook: add the generated pages and schema files to the build."""
    from mkdocs.structure.files import File

    for path, content in pages().items():
        files.append(File.generated(config, path, content=content))
    return files


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else "scenario"
    sys.stdout.write(pages()[PAGES[kind]])
