"""The JSON Schema generated from the models: every field described, and a peer validator
(`jsonschema`, the reference Python implementation of the JSON Schema spec) agrees with the
models on the built-in files and on out-of-range values."""

from __future__ import annotations

import jsonschema
import pytest
from schema_docs import SCENARIOS, builtin_doc, numeric_leaves, set_at, shown_path

from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.jsonschema import (
    campaign_json_schema,
    scenario_json_schema,
    undescribed,
)
from hyperdef.scenario.load import validate

SCENARIO = scenario_json_schema()
CAMPAIGN = campaign_json_schema()


def _count(schema) -> int:
    return sum(len(d.get("properties", {})) for d in [schema, *schema["$defs"].values()])


def test_every_field_is_described():
    assert _count(SCENARIO) >= 232 and _count(CAMPAIGN) >= 20
    assert undescribed(SCENARIO) == []
    assert undescribed(CAMPAIGN) == []


def test_descriptions_say_unit_range_and_default():
    walker = SCENARIO["$defs"]["WalkerSpec"]["properties"]
    assert "[km]" in walker["alt_km"]["description"]
    radar = SCENARIO["$defs"]["RadarSpec"]["properties"]
    assert radar["max_range_km"]["description"].endswith(
        "Range: > 0 and <= 10000 km. Required.")
    assert "Default: 1.3333333333333333." in radar["refraction_k"]["description"]
    assert "Skolnik" in radar["refraction_k"]["description"]
    for kind in ("GlideSpec", "BallisticSpec", "CruiseSpec"):
        threat = SCENARIO["$defs"][kind]["properties"]
        assert "Candler & Leyva" in threat["emissivity"]["description"]


def test_schemas_are_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCENARIO)
    jsonschema.Draft202012Validator.check_schema(CAMPAIGN)


@pytest.mark.parametrize("name", SCENARIOS)
def test_builtin_scenarios_pass_the_peer_validator(name):
    jsonschema.validate(_json_ready(builtin_doc(name)), SCENARIO)


def test_builtin_campaign_passes_the_peer_validator():
    jsonschema.validate(builtin_doc("campaign_example"), CAMPAIGN)


def _json_ready(doc):
    """The document as a YAML 1.2 reader (an editor's language server) sees it: the epoch a
    string, and numbers such as `1.0e6` numbers (PyYAML's YAML 1.1 rules read those as strings,
    which the models then parse as numbers)."""
    def fix(v):
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                return v
        return v

    return fix({**doc, "epoch": doc["epoch"].isoformat()})


def test_peer_validator_and_models_agree_on_bounds():
    """Every number of the demo set 10⁹ times too large: the models and the exported schema
    (checked by jsonschema) must both refuse it wherever the schema states a bound."""
    demo = builtin_doc("demo")
    validator = jsonschema.Draft202012Validator(SCENARIO)
    disagree = []
    checked = 0
    for path, value in numeric_leaves(demo):
        huge = set_at(demo, path, value * 10**9 if value else 10**9)
        peer_refuses = not validator.is_valid(_json_ready(huge))
        try:
            validate(huge)
            ours_refuse = False
        except ScenarioError:
            ours_refuse = True
        if peer_refuses:
            checked += 1
            if not ours_refuse:
                disagree.append(shown_path(path))
    # measured worst case: 0 disagreements in 104 bounds (hyperdef 0.1.0, float64).
    assert disagree == [], disagree
    assert checked > 80
