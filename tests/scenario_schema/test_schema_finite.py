"""No NaN or ±inf reaches a validated scenario or campaign, whatever field it is put in.

Every number of the built-in demo (threat, sensor, tracker, assessment and time-grid fields,
nested lists and per-model dicts included) is replaced in turn by NaN, +inf and −inf, as YAML
writes them (`.nan`, `.inf`, `-.inf`); each must be refused with the field's own path."""

from __future__ import annotations

import math

import pytest
import yaml
from pydantic import ValidationError
from schema_docs import builtin_doc, numeric_leaves, set_at, shown_path

from hyperdef.campaign.schema import CampaignSpec
from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.load import parse_yaml, validate

DEMO = builtin_doc("demo")
LEAVES = list(numeric_leaves(DEMO))
NON_FINITE = (".nan", ".inf", "-.inf")


def test_the_demo_has_numbers_in_every_section():
    sections = {p[0] for p, _ in LEAVES}
    assert {"threats", "sensors", "tracker", "defended_areas", "interceptors",
            "duration_s"} <= sections
    assert len(LEAVES) > 100


@pytest.mark.parametrize("text", NON_FINITE)
def test_every_number_of_the_demo_refuses_non_finite(text):
    value = yaml.safe_load(text)
    accepted = []
    for path, _ in LEAVES:
        try:
            validate(set_at(DEMO, path, value))
        except ScenarioError as exc:
            where = shown_path(path)
            assert any(p.startswith(where) for p in exc.problems), (where, exc.problems)
        else:
            accepted.append(shown_path(path))
    assert accepted == []


@pytest.mark.parametrize(("path", "value"), [
    # Fields with no bound at all before (named in the reliability issue).
    (("threats", 0, "launch", "alt_m"), math.inf),
    (("sensors", 2, "site", "alt_m"), math.nan),
    (("sensors", 2, "ref_snr_db"), math.nan),
    (("sensors", 3, "ship", "heading_deg"), math.nan),
    (("sensors", 2, "az_limits_deg"), [0.0, math.inf]),
    (("tracker", "motion_params", "cv", "q_m2ps3"), math.inf),
    (("threats", 0, "beta_kgpm2"), {"mean": 13000.0, "sd": math.inf}),
    (("threats", 0, "beta_kgpm2"), {"low": 4700.0, "high": math.inf}),
])
def test_named_holes_are_closed(path, value):
    with pytest.raises(ScenarioError) as info:
        validate(set_at(DEMO, path, value))
    assert shown_path(path) in str(info.value)


def test_strings_that_spell_non_finite_numbers_are_refused():
    for text in ("nan", "NaN", "inf", "-Infinity"):
        with pytest.raises(ScenarioError, match="duration_s"):
            validate({**DEMO, "duration_s": text})


@pytest.mark.parametrize("where", ["set", "sweep_values", "option", "inline_scenario"])
def test_campaign_free_form_values_refuse_non_finite(where):
    doc = builtin_doc("campaign_example")
    bad = {"nested": [1.0, {"x": math.nan}]}
    if where == "set":
        doc["set"]["threats.glider.mass_kg"] = math.inf
    elif where == "sweep_values":
        doc["sweep"]["parameters"].append({"name": "nei", "path": "sensors.tranche1.nei_w_m2",
                                           "values": [1e-10, -math.inf]})
    elif where == "option":
        doc["sweep"]["parameters"][0]["options"][0]["set"]["tracker"] = bad
    else:
        doc["scenario"] = {**DEMO, "duration_s": math.nan}
    with pytest.raises(ValidationError, match="finite"):
        CampaignSpec.model_validate(doc)


def test_campaign_range_refuses_non_finite():
    doc = builtin_doc("campaign_example")
    doc["sweep"]["parameters"].append({"name": "alt", "path": "x.y", "range": [1.0, math.inf],
                                       "levels": 3})
    with pytest.raises(ValidationError, match="finite"):
        CampaignSpec.model_validate(doc)


def test_yaml_spelling_reaches_the_same_check():
    text = (f"{yaml.safe_dump(DEMO, sort_keys=False)}").replace("duration_s: 1100.0",
                                                                 "duration_s: .inf")
    with pytest.raises(ScenarioError, match="duration_s: input should be a finite number"):
        validate(parse_yaml(text))
