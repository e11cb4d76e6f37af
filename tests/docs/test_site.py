"""The documentation site builds with `mkdocs build --strict`, and strict means strict.

The build fails on a broken link, a missing anchor, a nav entry without a page, or a docstring
that mkdocstrings cannot render; the scenario and campaign references it generates hold every
field of the models' JSON Schema. A copy of the site with one broken link must fail, so a
configuration that silently stopped being strict is caught too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs"))

import gen_reference  # noqa: E402 — the hook module lives beside the pages it generates

from hyperdef.scenario.jsonschema import campaign_json_schema, scenario_json_schema  # noqa: E402


def _build(config_dir: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=config_dir, capture_output=True, text=True, timeout=300, env=env)


def _fields(schema: dict) -> list[tuple[str, str]]:
    return [(def_name, field) for def_name, d in [("(root)", schema),
                                                  *schema.get("$defs", {}).items()]
            for field in d.get("properties", {})]


@pytest.mark.parametrize("kind, schema_fn", [("scenario", scenario_json_schema),
                                             ("campaign", campaign_json_schema)])
def test_reference_has_every_field(kind, schema_fn):
    """Each model's section of the generated page lists each of its fields, with its range."""
    from hyperdef.campaign.schema import CampaignSpec
    from hyperdef.scenario.schema import Scenario

    model = Scenario if kind == "scenario" else CampaignSpec
    page = gen_reference.reference_markdown(model, kind)
    schema = schema_fn()
    sections = page.split("\n## ")
    for def_name, field in _fields(schema):
        anchor = "{#root}" if def_name == "(root)" else f"{{#{gen_reference._anchor(def_name)}}}"
        section = next(s for s in sections if anchor in s.splitlines()[0])
        assert f"| `{field}` |" in section, (def_name, field)
    if kind == "scenario":
        walker = next(s for s in sections if s.startswith("WalkerSpec"))
        assert "| `inc_deg` | number | deg | **required** | >= 0 and <= 180 deg |" in walker


def test_site_builds_strictly(tmp_path):
    site = tmp_path / "site"
    proc = _build(ROOT, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (site / "index.html").is_file()
    for page in ("concepts", "api", "validation", "scenario-reference", "campaign-reference",
                 "tutorials/first-run"):
        assert (site / f"{page}.html").is_file(), page
    # The site serves the same schema the CLI prints (editors can point at either).
    served = json.loads((site / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert served == scenario_json_schema()
    api = (site / "api.html").read_text(encoding="utf-8")
    for name in ("load_scenario", "simulate", "RunResult", "TrackSet", "chi2_bounds"):
        assert name in api, name


@pytest.mark.slow  # a second whole build (≈ 10 s): the fast suite keeps only the real one
def test_broken_link_fails_the_build(tmp_path):
    """The same configuration over a copy of the pages with one link to nowhere."""
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "src").symlink_to(ROOT / "src")
    index = tmp_path / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n",
                     encoding="utf-8")
    proc = _build(tmp_path, tmp_path / "site")
    assert proc.returncode != 0
    assert "no-such-page.md" in proc.stdout + proc.stderr
