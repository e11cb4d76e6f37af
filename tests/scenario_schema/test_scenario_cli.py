"""`hyperdef scenario schema|validate|init|show`, `--version`, and the CLI's bounds on
`coverage --alt-km` and `view --time` (run in-process through typer's test runner)."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from hyperdef import __version__
from hyperdef.cli.main import app
from hyperdef.cli.scenario import TEMPLATES
from hyperdef.scenario.load import load_scenario

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args))


def test_version():
    result = _run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"hyperdef {__version__}"


def test_schema_prints_json_schema():
    result = _run("scenario", "schema")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["title"] == "hyperdef scenario"
    campaign = json.loads(_run("scenario", "schema", "--campaign").stdout)
    assert campaign["title"] == "hyperdef campaign"


def test_validate_valid_files_exit_0():
    result = _run("scenario", "validate", "demo", "tranche1", "example")
    assert result.exit_code == 0, result.output
    assert "demo: valid scenario" in result.output
    assert "example: valid campaign" in result.output


def test_validate_lists_every_problem_with_its_path(tmp_path):
    doc = yaml.safe_load(_run("scenario", "show", "demo").stdout)
    doc["sensors"][0]["walker"]["alt_km"] = 1_000_000
    doc["sensors"][2]["max_range_km"] = 1_500_000
    doc["threats"][0]["launch"]["release"]["speed_mps"] = 6.2
    doc["duration_s"] = float("nan")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    result = _run("scenario", "validate", str(bad), "demo")
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.startswith(str(bad))]
    paths = [ln.removeprefix(f"{bad}: ").split(":")[0] for ln in lines]
    assert paths == ["duration_s", "threats[0].launch.release.speed_mps",
                     "sensors[0].walker.alt_km", "sensors[2].max_range_km"]
    assert "demo: valid scenario" in result.output
    assert "1 of 2 file(s) invalid" in result.output


@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: d / "missing.yaml", "no such file, and not a built-in scenario"),
    (lambda d: d, "is a folder, not a YAML file"),
    (lambda d: _write(d / "b.yaml", bytes(range(256))), "is a binary file"),
    (lambda d: _write(d / "e.yaml", b""), "file is empty"),
])
def test_validate_unreadable_is_one_line_exit_2(tmp_path, make, expected):
    path = make(tmp_path)
    result = _run("scenario", "validate", str(path))
    assert result.exit_code == 2
    problem_lines = [ln for ln in result.output.splitlines() if ln.startswith(str(path))]
    assert len(problem_lines) == 1 and expected in problem_lines[0], result.output
    assert "Traceback" not in result.output


def _write(path, content: bytes):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_writes_a_commented_file_that_validates(tmp_path, monkeypatch, template):
    monkeypatch.chdir(tmp_path)
    result = _run("scenario", "init", "my-study", "--template", template)
    assert result.exit_code == 0, result.output
    path = tmp_path / "my-study.yaml"
    text = path.read_text()
    assert text.count("\n#") >= 2 and "name: \"my-study\"" in text
    scenario, _ = load_scenario(path)
    assert scenario.name == "my-study"


def test_init_refuses_to_overwrite_and_unknown_templates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run("scenario", "init", "s").exit_code == 0
    again = _run("scenario", "init", "s")
    assert again.exit_code == 2 and "add --force" in again.output
    assert _run("scenario", "init", "s", "--force").exit_code == 0
    bad = _run("scenario", "init", "t", "--template", "orbital")
    assert bad.exit_code == 2 and "glide, ballistic, cruise, layered-defence" in bad.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_show_prints_builtins_verbatim():
    demo = _run("scenario", "show", "demo")
    assert demo.exit_code == 0 and demo.stdout.startswith("# hyperdef's built-in demo")
    example = _run("scenario", "show", "example")
    assert example.exit_code == 0 and "sweep:" in example.stdout
    missing = _run("scenario", "show", "nothing")
    assert missing.exit_code == 2 and "choose one of demo" in missing.output


def test_coverage_alt_km_unit_slip_writes_nothing(tmp_path):
    figure = tmp_path / "map.png"
    result = _run("coverage", "demo", "--alt-km", "40000", "--figure", str(figure))
    assert result.exit_code == 2
    assert "--alt-km: must be >= 0 and <= 5000 km" in result.output
    assert "was it given in m? 40000 m = 40 km" in result.output
    assert not figure.exists()


def _scene(folder, start="2030-01-01T00:00:00Z", stop="2030-01-01T00:18:20Z"):
    """A run folder's scene.czml, reduced to the two packets that carry its time span."""
    folder.mkdir(exist_ok=True)
    packets = [{"id": "document", "version": "1.0",
                "clock": {"interval": f"{start}/{stop}", "currentTime": start}},
               {"id": "hyperdef", "properties": {"epoch_utc": "2030-01-01T00:00:00Z"}}]
    (folder / "scene.czml").write_text(json.dumps(packets))
    return folder


def test_view_time_beyond_the_run_is_refused(tmp_path):
    run = _scene(tmp_path / "run")
    shot = tmp_path / "x.png"
    result = _run("view", str(run), "--time", "99999", "--screenshot", str(shot))
    assert result.exit_code == 2
    assert "--time: 99999 s is outside the run's scene, which spans 0 to 1100 s" in result.output
    assert not shot.exists()
    slip = _run("view", str(run), "--time", "400000", "--screenshot", str(shot))
    assert "was it given in ms? 400000 ms = 400 s" in slip.output
    negative = _run("view", str(run), "--time", "-5", "--no-browser")
    assert negative.exit_code == 2 and "outside the run's scene" in negative.output
