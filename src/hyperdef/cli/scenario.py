"""`hyperdef scenario schema|validate|init|show`: learn, check and start scenario files.

Mounted by the main app with `app.add_typer(scenario_app, name="scenario")`. `validate` exits 0
when every file is valid and 2 otherwise, printing one line per problem, each with its field
path; a file that cannot be read at all (missing, a folder, binary, empty) is one line too.
"""

from __future__ import annotations

import importlib.resources
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hyperdef.cli.console import err, fail

scenario_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Scenario files: JSON Schema, validation, templates, built-ins.")
TEMPLATES = ("glide", "ballistic", "cruise", "layered-defence")
_TEMPLATE_DIR = importlib.resources.files("hyperdef.scenario") / "templates"


@scenario_app.command("schema")
def schema_cmd(
    campaign: Annotated[bool, typer.Option(
        "--campaign", help="the campaign file's schema instead of the scenario's")] = False,
):
    """Print the JSON Schema (every field described, with unit, range and default).

    Editors with the YAML language server check files against it: save it and put
    `# yaml-language-server: $schema=<file>` on a scenario's first line."""
    from hyperdef.scenario.jsonschema import campaign_json_schema, scenario_json_schema

    doc = campaign_json_schema() if campaign else scenario_json_schema()
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _is_campaign(data) -> bool:
    """A campaign file names a base `scenario:`; a scenario file has an `epoch:`."""
    return isinstance(data, dict) and "scenario" in data and "epoch" not in data


def _problems(source: str) -> tuple[str, list[str]]:
    """('scenario' | 'campaign', problems) of one file or built-in name; [] when valid."""
    from hyperdef.campaign.schema import CampaignError
    from hyperdef.campaign.source import builtin_campaigns, read_campaign
    from hyperdef.scenario.errors import ScenarioError
    from hyperdef.scenario.load import parse_yaml, resolve_source, validate

    try:
        builtin_campaign = not Path(source).exists() and source in builtin_campaigns()
        data = {"scenario": None} if builtin_campaign else parse_yaml(
            resolve_source(source)[0], source)
        if _is_campaign(data):
            try:
                read_campaign(source)
            except CampaignError as exc:
                return "campaign", exc.problems
            return "campaign", []
        validate(data, source)
    except ScenarioError as exc:
        return "scenario", exc.problems
    return "scenario", []


@scenario_app.command("validate")
def validate_cmd(
    files: Annotated[list[str], typer.Argument(help="scenario or campaign YAML files")],
):
    """Check files without running them: exit 0 if all are valid, 2 otherwise."""
    bad = 0
    for source in files:
        kind, problems = _problems(source)
        if problems:
            bad += 1
            for p in problems:
                err.print(f"{source}: {p}", highlight=False, markup=False, soft_wrap=True)
        else:
            err.print(f"{source}: valid {kind}", highlight=False, markup=False, soft_wrap=True)
    if bad:
        raise fail(f"{bad} of {len(files)} file(s) invalid")


@scenario_app.command("init")
def init_cmd(
    name: Annotated[str, typer.Argument(help="the new file (NAME.yaml) and scenario name")],
    template: Annotated[str, typer.Option(
        "--template", help=f"starting point: {', '.join(TEMPLATES)}")] = "glide",
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
):
    """Write a commented starting scenario that validates as written."""
    if template not in TEMPLATES:
        raise fail(f"--template: unknown {template!r}; choose one of {', '.join(TEMPLATES)}")
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    stem = path.stem
    if not stem or any(c.isspace() or c == "/" for c in stem):
        raise fail(f"NAME {name!r}: give a file name without spaces, e.g. my-study")
    if path.exists() and not force:
        raise fail(f"{path} exists; choose another NAME or add --force to overwrite it")
    text = (_TEMPLATE_DIR / f"{template}.yaml").read_text(encoding="utf-8")
    text = text.replace("\nname: NAME\n", f"\nname: {json.dumps(stem)}\n", 1)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot write it: {exc.strerror or exc}") from None
    err.print(f"wrote {path} (template {template}); check it with "
              f"`hyperdef scenario validate {path}`", highlight=False, markup=False,
              soft_wrap=True)


@scenario_app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(
        help="a built-in scenario (demo, tranche1, …) or `example` (the built-in campaign)")],
):
    """Print a built-in scenario or campaign file, comments included."""
    from hyperdef.campaign.source import builtin_campaigns
    from hyperdef.scenario.load import BUILTIN, builtin_names

    if name in builtin_names():
        path = BUILTIN / f"{name}.yaml"
    elif name in builtin_campaigns():
        path = BUILTIN / f"campaign_{name}.yaml"
    else:
        choices = ", ".join([*builtin_names(), *builtin_campaigns()])
        raise fail(f"NAME {name!r}: not a built-in; choose one of {choices}")
    sys.stdout.write(path.read_text(encoding="utf-8"))
