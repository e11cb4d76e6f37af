"""Read a campaign file (a path or a built-in name) and the scenario it builds on.

Built-in campaigns are `scenario/builtin/campaign_<name>.yaml` (so `hyperdef campaign run example`
works like `hyperdef demo`). YAML is read with `safe_load` only: a campaign file is data.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from hyperdef.campaign.schema import CampaignError, CampaignSpec
from hyperdef.scenario.errors import ScenarioError, problems_of
from hyperdef.scenario.load import BUILTIN, parse_yaml, resolve_source
from hyperdef.scenario.yaml_limits import read_text


def builtin_campaigns() -> list[str]:
    """Names of the built-in campaigns (scenario/builtin/campaign_<name>.yaml)."""
    return sorted(p.name.removeprefix("campaign_").removesuffix(".yaml")
                  for p in BUILTIN.iterdir()
                  if p.name.startswith("campaign_") and p.name.endswith(".yaml"))


def read_campaign(source: str | Path) -> tuple[CampaignSpec, str, Path | None, str]:
    """(spec, file text, folder relative paths resolve against, name for messages)."""
    path = Path(source)
    if path.exists():
        try:
            text = read_text(path, str(source))
        except ScenarioError as exc:
            raise CampaignError(exc.source, exc.problems) from None
        base, where = path.resolve().parent, str(source)
    elif str(source) in builtin_campaigns():
        text = (BUILTIN / f"campaign_{source}.yaml").read_text(encoding="utf-8")
        base, where = None, f"built-in campaign {source}"
    else:
        raise CampaignError(str(source), [
            "no such file, and not a built-in campaign (built-ins: "
            f"{', '.join(builtin_campaigns()) or 'none'})"])
    try:
        data = parse_yaml(text, where)
    except ScenarioError as exc:
        raise CampaignError(where, exc.problems) from None
    try:
        spec = CampaignSpec.model_validate(data)
    except ValidationError as exc:
        raise CampaignError(where, problems_of(exc, CampaignSpec)) from None
    return spec, text, base, where


def read_scenario(scenario: str | dict, campaign_dir: Path | None,
                  where: str) -> tuple[dict, Path | None]:
    """(scenario YAML data, folder its relative paths resolve against).

    `scenario` is inline data, a path relative to the campaign file, or anything
    hyperdef.scenario.load.resolve_source takes (a path from the working folder, a built-in name).
    """
    if isinstance(scenario, dict):
        return dict(scenario), campaign_dir
    local = campaign_dir / scenario if campaign_dir is not None else None
    base: Path | None
    try:
        if local is not None and local.is_file():
            text, base = read_text(local, scenario), local.resolve().parent
        else:
            text, base = resolve_source(scenario)
        return parse_yaml(text, scenario), base
    except ScenarioError as exc:
        raise CampaignError(where, [f"scenario: {p}" for p in exc.problems]) from None
