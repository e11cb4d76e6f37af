"""The viewer page in headless Chromium: loads the CZML whole, offline, without console errors.

One browser and one page serve every test in this module (a page load in software WebGL takes
seconds); the console-error check comes last so that it also covers the clicks before it.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from fake_run import SIGMA_M, rotation_z

from hyperdef.viewer.browser import Browser
from hyperdef.viewer.server import serve

pytestmark = pytest.mark.browser
T_SHOWN_S = 300.0


@pytest.fixture(scope="module")
def page(browser_and_viewer, run_dir):
    folder, n = run_dir
    url, server = serve(folder, port=0, open_browser=False)
    try:
        with Browser(width=640, height=360) as browser:
            browser.open(f"{url}?lite=1&t={T_SHOWN_S}")
            browser.wait_for("window.hyperdefReady === true || typeof window.hyperdefError "
                             "=== 'string'", 120)
            assert browser.evaluate("window.hyperdefError") is None
            yield browser, url, n, folder
    finally:
        server.stop()


def at(seconds):
    """JS expression: the JulianDate `seconds` after the scene's epoch."""
    return ("Cesium.JulianDate.addSeconds(Cesium.JulianDate.fromIso8601("
            "'2030-01-01T00:00:00Z'), " + repr(float(seconds)) + ", new Cesium.JulianDate())")


def test_every_czml_entity_is_on_the_page(page):
    browser, _, n, folder = page
    packets = json.loads((folder / "scene.czml").read_text())
    assert browser.evaluate("window.hyperdefEntityCount") == n == len(packets) - 1


def test_nothing_is_fetched_from_outside(page):
    browser, url, _, _ = page
    assert browser.requests, "no requests were recorded"
    outside = [u for u in browser.requests if not u.startswith((url, "data:", "blob:"))]
    assert outside == []


def test_cesium_reads_positions_and_covariances_as_written(page):
    browser, _, _, _ = page
    got = browser.evaluate(f"""(() => {{
        const ds = hyperdefViewer.dataSources.get(0), t = {at(T_SHOWN_S)};
        const threat = ds.entities.getById('threat/HGV-1').position.getValue(t);
        const track = ds.entities.getById('track/7');
        const q = track.orientation.getValue(t), r = track.ellipsoid.radii.getValue(t);
        const m = Cesium.Matrix3.fromQuaternion(q);
        return JSON.stringify({{height: Cesium.Cartographic.fromCartesian(threat).height,
                               m: Cesium.Matrix3.toArray(m), r: [r.x, r.y, r.z]}});
    }})()""")
    got = json.loads(got)
    # Cesium's own WGS84 ECEF→geodetic at a sample time (no interpolation): the fixture's 40 km.
    assert abs(got["height"] - 40e3) < 0.05  # 1 mm rounding in the file, Cesium's iteration
    rot = np.asarray(got["m"]).reshape(3, 3).T  # Cesium's toArray is column-major
    P = rot @ np.diag((np.asarray(got["r"]) / 3) ** 2) @ rot.T
    i = int(T_SHOWN_S / 10)
    expected = rotation_z(0.01 * i) @ np.diag(SIGMA_M**2) @ rotation_z(0.01 * i).T
    assert np.max(np.abs(P - expected)) < 0.5  # m², radii rounded to 1 mm (as test_czml)


def test_clicking_a_threat_shows_its_state(page):
    browser, _, _, folder = page
    t_s = 450.0  # RV-1 alone: no access line or track ends on it then
    browser.evaluate(f"hyperdefViewer.clock.currentTime = {at(t_s)}; 0")
    browser.wait_for("(() => { const f = hyperdefViewer.scene.frameState.frameNumber; "
                     "window.__f0 = window.__f0 || f; return f > window.__f0 + 3; })()", 30)
    xy = browser.evaluate(f"""(() => {{
        const e = hyperdefViewer.dataSources.get(0).entities.getById('threat/RV-1');
        const c = hyperdefViewer.scene.cartesianToCanvasCoordinates(e.position.getValue({at(t_s)}));
        return [c.x, c.y];
    }})()""")
    browser.click(*xy)
    browser.wait_for("hyperdefViewer.selectedEntity !== undefined", 20)
    assert browser.evaluate("hyperdefViewer.selectedEntity.id") == "threat/RV-1"
    html = browser.wait_for("hyperdefViewer.infoBox.viewModel.description", 20)
    assert "IMPACT" in html and "ballistic" in html
    alt_km = float(re.search(r"alt_km</th><td>([\d.]+) km", html).group(1))
    packets = {p["id"]: p for p in json.loads((folder / "scene.czml").read_text())}
    flat = np.asarray(packets["threat/RV-1"]["properties"]["alt_km"]["number"]).reshape(-1, 2)
    expected = flat[flat[:, 0] == t_s, 1][0]
    assert abs(alt_km - expected) < 0.51  # shown to 1 km above 100 km, 0.01 km below


def test_no_console_errors(page):
    browser = page[0]
    browser.evaluate("0")  # drain the events queued since the last call
    assert browser.console_errors == []
