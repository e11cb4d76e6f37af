"""The report says when and why track-derived footprints were withheld by the quality gate."""

from hyperdef.report.assessment_figures import footprints
from hyperdef.report.html import _figure_html
from hyperdef.report.rundata import RunData

WHY = "track not converged: position 1σ 200.0 km > 15.0 km"


def _run(tmp_path, prints):
    per = {"glider": {"footprints_withheld": [{"t_s": 4.0, "reason": WHY},
                                              {"t_s": 64.0, "reason": WHY}]},
           "mrbm": {"footprints_withheld": []}}
    return RunData(folder=tmp_path, summary={"assessment": {"per_threat": per,
                                                            "footprints": prints}})


def test_withheld_footprints_are_named_with_their_times_and_reason(tmp_path):
    fig = footprints(_run(tmp_path, []))
    assert fig.png_b64 is None
    assert fig.note.startswith("No footprints: no threat was held by a firm track that passed")
    assert f"glider: footprints withheld at t = 4, 64 s ({WHY})." in fig.note
    assert "mrbm" not in fig.note
    html = _figure_html(fig)
    assert 'class="note"' in html and "footprints withheld at t = 4, 64 s" in html


def test_caption_names_withheld_times_beside_the_footprints_drawn(tmp_path):
    ring = [[20.0, 179.0], [21.0, 179.0], [21.0, -179.0], [20.0, -179.0]]  # across 180°
    prints = [{"threat": "glider", "t_s": 124.0, "kind": "reachable", "polygon": ring,
               "area_km2": 2.3e4, "predicted_impact": None}]
    fig = footprints(_run(tmp_path, prints))
    assert fig.png_b64 and fig.note is None  # drawn: the caption says what was held back
    assert fig.caption.endswith(f"glider: footprints withheld at t = 4, 64 s ({WHY}).")
