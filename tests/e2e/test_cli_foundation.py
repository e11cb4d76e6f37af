"""End-to-end CLI: `hyperdef info`, and bad scenario files fail loudly and write nothing."""

from __future__ import annotations

import textwrap

import pytest
from cli import hyperdef, hyperdef_json

GOOD = textwrap.dedent("""\
    schema_version: 1
    name: empty
    epoch: 2030-01-01T00:00:00Z
    duration_s: 60
    step_s: 1
    """)


def test_info_json():
    doc = hyperdef_json("info")
    assert doc["x64"] is True
    assert doc["jax_backend"] in ("cpu", "gpu", "tpu")
    assert "demo" in doc["builtin_scenarios"]
    assert "Earth rotation angle" in doc["conventions"]["eci"]


BAD = {
    "unknown key": (GOOD + "duraton_s: 5\n", ["duraton_s", "unknown key", "duration_s"]),
    "wrong type": (GOOD.replace("duration_s: 60", "duration_s: soon"), ["duration_s", "number"]),
    "negative value": (GOOD.replace("step_s: 1", "step_s: -3"), ["step_s", "must be > 0",
                                                                  "got -3"]),
    "malformed yaml": (GOOD + "threats: [unclosed\n", ["malformed YAML", "line"]),
    "python tag": (GOOD + "name: !!python/object/apply:os.system ['true']\n",
                   ["python/object", "plain YAML"]),
    "nested negative": (GOOD + textwrap.dedent("""\
        threats:
          - name: g1
            kind: glide
            mass_kg: 1000
            beta_kgpm2: -3
            lift_to_drag: 2.6
            initial: {lat_deg: 0, lon_deg: 180, alt_km: 50, speed_mps: 6000,
                      flight_path_deg: 0, heading_deg: 90}
        """), ["threats[0].beta_kgpm2", "got -3"]),
    "unknown sensor kind": (GOOD + "sensors:\n  - {name: s, kind: lidar}\n",
                            ["sensors[0]", "lidar"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_names_the_field_and_writes_nothing(tmp_path, case):
    text, needles = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    proc = hyperdef("run", path, "--out", out)
    assert proc.returncode != 0
    for needle in needles:
        assert needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_missing_file_lists_builtins(tmp_path):
    proc = hyperdef("run", tmp_path / "nope.yaml", "--out", tmp_path / "o")
    assert proc.returncode != 0
    assert "built-in" in proc.stderr and "demo" in proc.stderr


def test_discriminated_union_paths_drop_the_tag(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD + "sensors:\n  - {name: s, kind: radar, site: {lat_deg: 0, lon_deg: 0},"
                    " max_range_km: -5}\n")
    proc = hyperdef("run", path, "--out", tmp_path / "o")
    assert proc.returncode != 0
    assert "sensors[0].max_range_km" in proc.stderr, proc.stderr


def test_run_refuses_the_working_folder_before_any_work(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    proc = hyperdef("run", "demo", "--out", ".", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "--out .: names the working folder" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.tex"]
