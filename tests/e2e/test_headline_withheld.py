"""The CLI headline says why a threat has no footprint when the quality gate withheld them."""

from hyperdef.cli.main import _print_headline

WHY = "innovations inconsistent: NIS 65.0 over the last 3 updates > 22.5 (χ²(6) 99.9% quantile)"


def test_headline_names_the_withheld_footprints_and_why(capsys, tmp_path):
    doc = {"wall_time_s": 1.0, "out": str(tmp_path), "threats": [], "assessment": {
        "per_threat": {"glider": {
            "warning_time_s": 300.0, "headline_footprint": "reachable",
            "footprint_area_km2_at": {}, "predicted_impact": None,
            "footprints_withheld": [{"t_s": 4.0, "reason": "track not converged"},
                                    {"t_s": 64.0, "reason": WHY}]}}}}
    _print_headline(doc)
    err = " ".join(capsys.readouterr().err.split())
    assert f"footprints withheld at 2 time(s): {WHY}" in err
