"""report.html from run folders: complete, with files missing, damaged, and without sensors."""

import json
import re
import shutil

import pytest
from report_run import write_run

from hyperdef.report.html import write_report

FIGURES = ("map", "profiles", "access", "track_error", "nees", "footprints", "engagement")


def _sections(html):
    """{section id: (has image, note text or None)} of the figure sections."""
    out = {}
    for key in FIGURES:
        m = re.search(rf'<section id="{key}">(.*?)</section>', html, re.S)
        assert m, f"section {key} missing"
        note = re.search(r'<p class="note">(.*?)</p>', m.group(1))
        out[key] = ("data:image/png;base64," in m.group(1), note and note.group(1))
    return out


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    """A complete run folder, written once; tests that damage it work on a copy."""
    folder = tmp_path_factory.mktemp("base")
    write_run(folder)
    return folder


@pytest.fixture(scope="module")
def full_run(base_run):
    return base_run, write_report(base_run).read_text()


def _copy(base, tmp_path, drop=()):
    folder = tmp_path / "run"
    shutil.copytree(base, folder)
    for name in drop:
        path = folder / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return folder


def test_complete_folder_draws_every_figure(full_run):
    folder, html = full_run
    assert (folder / "report.html").exists()
    for key, (img, note) in _sections(html).items():
        assert img and note is None, (key, note)
    assert "Incomplete run folder" not in html
    for text in ("glider", "mrbm", "site-a", "dateline", "radar-a", "hyperdef_version", "seed"):
        assert text in html


def test_threat_status_is_explained_not_bare(full_run):
    # the glider ran out of simulated time, the mrbm impacted (report_run.py)
    _, html = full_run
    assert "MAX_TIME (reached the end of the simulated time)" in html
    assert "IMPACT (reached the ground)" in html


def test_run_report_appends_the_sensitivities_section(base_run, tmp_path):
    from hyperdef.report.html import write_run_report

    folder = _copy(base_run, tmp_path)
    plain = write_run_report(folder).read_text()
    assert "Sensitivities (smooth surrogate)" not in plain
    html = write_run_report(folder, {"per_threat": [], "not_differentiated": ["geo-1"]})
    text = html.read_text()
    # The two writes may straddle a minute, so the "report written" stamp is not compared.
    stamp = re.compile(r"report written \d{4}-\d\d-\d\d \d\d:\d\d UTC")
    assert stamp.search(plain) and stamp.search(text)
    plain, text = stamp.sub("", plain), stamp.sub("", text)
    assert text.startswith(plain.split("</body>")[0]) and text.endswith("</body></html>\n")
    assert "Sensitivities (smooth surrogate)" in text and "Not differentiated: geo-1." in text


def test_report_is_self_contained(full_run):
    _, html = full_run
    # Nothing to fetch: no external scripts, styles, images or fonts.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html


def test_missing_files_are_named_and_the_rest_is_drawn(base_run, tmp_path):
    folder = _copy(base_run, tmp_path, drop=("tracks.zarr", "detections.parquet"))
    html = write_report(folder).read_text()
    assert "Incomplete run folder" in html
    assert "<b>tracks.zarr</b> is missing" in html
    assert "<b>detections.parquet</b> is missing" in html
    s = _sections(html)
    assert s["map"][0] and s["profiles"][0] and s["footprints"][0] and s["engagement"][0]
    assert not s["track_error"][0] and "tracks.zarr" in s["track_error"][1]
    assert not s["nees"][0] and "tracks.zarr" in s["nees"][1]
    # The access timeline still shows flight and custody from summary.json, and says what lacks.
    assert s["access"][0] and "detections.parquet" in s["access"][1]


def test_scenario_without_sensors_is_not_an_incomplete_folder(base_run, tmp_path):
    import yaml

    folder = _copy(base_run, tmp_path, drop=("tracks.zarr", "detections.parquet"))
    sc = yaml.safe_load((folder / "scenario.resolved.yaml").read_text())
    sc["sensors"] = []
    (folder / "scenario.resolved.yaml").write_text(yaml.safe_dump(sc))
    doc = json.loads((folder / "summary.json").read_text())
    for a in doc["assessment"]["per_threat"].values():
        a.update(first_detection_t_s=None, first_firm_track_t_s=None, detection="never detected")
    doc["assessment"]["timelines"] = {}
    (folder / "summary.json").write_text(json.dumps(doc))
    html = write_report(folder).read_text()
    assert "Incomplete run folder" not in html
    assert "No detections.parquet: the scenario has no sensors." in html
    assert html.count("never detected") == 2
    s = _sections(html)
    assert s["map"][0] and s["profiles"][0]
    assert s["track_error"][1] == "Not drawn: the scenario has no sensors."


def test_folder_with_nothing_but_a_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"hyperdef_version": "0.1.0",
                                                        "seed": 1}))
    html = write_report(tmp_path).read_text()
    for name in ("truth.zarr", "summary.json", "scenario.resolved.yaml", "metrics.parquet"):
        assert f"<b>{name}</b> is missing" in html
    assert "No threats in this run." in html
    assert all(not img for img, _ in _sections(html).values())


def test_damaged_file_is_reported_as_unreadable(base_run, tmp_path):
    folder = _copy(base_run, tmp_path)
    (folder / "summary.json").write_text("{not json")
    html = write_report(folder).read_text()
    assert "<b>summary.json</b> could not be read" in html
    s = _sections(html)
    assert s["map"][0] and s["profiles"][0]  # from truth.zarr alone


def test_not_a_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        write_report(tmp_path / "nope")


def test_times_show_utc_beside_seconds_since_epoch(full_run):
    """Epoch 2030-01-01T00:00:00Z (report_run's scenario): t seconds read as that UTC time."""
    folder, html = full_run
    summary = json.loads((folder / "summary.json").read_text())
    t = next(s["first_detection_t_s"] for s in summary["sensors"]
             if s.get("first_detection_t_s") is not None)
    hh, rest = divmod(int(round(t)), 3600)
    utc = f"2030-01-01 {hh:02d}:{rest // 60:02d}:{rest % 60:02d} UTC"
    assert f'{t:.0f} <span class="utc">({utc})</span>' in html
