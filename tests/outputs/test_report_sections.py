"""The report's analyst sections: access Gantt, SNR vs time, set metrics and NIS, drawn from a
complete run folder and saying which file is missing when one is."""

import re
import shutil

import numpy as np
import pytest
from report_run import write_run

from hyperdef.report.html import write_report
from hyperdef.report.snr_figures import threshold_snr_db

SECTIONS = {"access-gantt": "access.parquet", "snr": "detections.parquet",
            "set-metrics": "set_metrics.parquet", "nis-updates": "nis.parquet"}


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    write_run(folder)
    return folder


def _section(html, key):
    m = re.search(rf'<section id="{key}">(.*?)</section>', html, re.S)
    assert m, f"section {key} missing"
    return m.group(1)


def test_every_analyst_section_has_its_figure(base_run):
    html = write_report(base_run).read_text()
    for key in SECTIONS:
        body = _section(html, key)
        assert "data:image/png;base64," in body and 'class="note"' not in body, key


@pytest.mark.parametrize("key", list(SECTIONS))
def test_a_missing_product_is_named_in_its_section(base_run, tmp_path, key):
    folder = tmp_path / "run"
    shutil.copytree(base_run, folder)
    target = folder / SECTIONS[key]
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    body = _section(write_report(folder).read_text(), key)
    assert "data:image/png" not in body and SECTIONS[key] in body


def test_pd_half_thresholds_follow_the_detection_models():
    """Pd = ½ points: Swerling I Pd = Pfa^(1/(1+SNR)) (Richards 2005, ch. 7) at Pfa 1e-6 gives
    SNR = ln(1e-6)/ln(½) − 1 = 18.93 (12.77 dB); Albersheim's equation (Albersheim 1981) for one
    pulse, Pd ½ (B = 0), Pfa 1e-6, evaluated by hand: (6.2 + 4.54/√1.44)·log10(ln(0.62/1e-6))
    = 11.23 dB."""
    assert abs(threshold_snr_db({"kind": "radar", "pd_model": "swerling1", "pfa": 1e-6})
               - 10 * np.log10(np.log(1e-6) / np.log(0.5) - 1)) < 1e-12
    assert abs(threshold_snr_db({"kind": "radar", "pd_model": "swerling1", "pfa": 1e-6})
               - 12.77) < 0.01
    assert abs(threshold_snr_db({"kind": "radar", "pd_model": "albersheim", "pfa": 1e-6})
               - 11.23) < 0.01
    assert threshold_snr_db({"kind": "radar", "pd_model": "step",
                             "snr_threshold_db": 9.0}) == 9.0
    assert abs(threshold_snr_db({"kind": "space_ir", "snr_threshold": 5.0})
               - 10 * np.log10(5.0)) < 1e-12
