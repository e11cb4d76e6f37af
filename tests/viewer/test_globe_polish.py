"""The globe as an analyst sees it, in headless Chromium: every object in frame (GEO included),
labels that do not collide, satellite names on hover, IR fields of regard, a legend of the kinds
present only, and no online-service logo."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from fake_run import AREAS, EPOCH, FOOTPRINTS, INTERCEPTORS, observation, trackset, truth
from PIL import Image

import hyperdef
from hyperdef.io.czml import footprint_radius_m, write_czml
from hyperdef.viewer.browser import Browser
from hyperdef.viewer.server import serve

pytestmark = pytest.mark.browser
T_SHOWN_S = 300.0
FOR_RGB = (255, 170, 60)


def _geo(n_t):
    lon = np.radians(160.0)
    r = 42166.3e3 * np.array([np.cos(lon), np.sin(lon), 0.0])
    return np.repeat(r[None, None], n_t, axis=1)


def _cone(deg):
    return SimpleNamespace(kind="cone", half_angle_deg=deg, pointing="nadir")


@pytest.fixture(scope="module")
def scene_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("globe")
    tr = truth()
    obs = observation(tr)
    obs.platforms["geo-ew"] = _geo(len(tr.t_s))
    obs.detected["geo-ew"] = np.zeros_like(obs.detected["radar-1"])
    # A second site beside the radar: their labels would overlap at this zoom.
    areas = AREAS + ({"name": "notional-site", "lat_deg": 35.1, "lon_deg": 139.1,
                      "radius_km": 50.0},)
    sensors = (SimpleNamespace(name="tracking-layer", kind="space_ir", field_of_regard=_cone(65)),
               SimpleNamespace(name="geo-ew", kind="space_ir", field_of_regard=_cone(9)),
               SimpleNamespace(name="radar-1", kind="radar", max_range_km=2000.0))
    write_czml(folder / "scene.czml", epoch=EPOCH, truth=tr, observation=obs,
               trackset=trackset(tr), sensors=sensors, defended_areas=areas,
               footprints=FOOTPRINTS, interceptors=INTERCEPTORS,
               hyperdef_version=hyperdef.__version__)
    return folder


def test_footprint_radius_matches_a_ray_traced_cone_edge():
    """Oracle: intersect the cone's edge ray with the sphere numerically (bisection on the ray
    parameter), independent of the closed form. Agreement to 1 m."""
    R = 6371008.8  # noqa: N806
    for alt, eta in ((1000e3, 20.0), (1000e3, 45.0), (35786e3, 5.0)):
        eta = np.radians(eta)
        sat = np.array([0.0, R + alt])
        d = np.array([np.sin(eta), -np.cos(eta)])
        # march along the ray in steps short against the chord (so the first crossing is not
        # stepped over), then bisect it
        lo, hi = 0.0, alt / 100.0
        while np.linalg.norm(sat + hi * d) > R:
            lo, hi = hi, hi + alt / 100.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.linalg.norm(sat + mid * d) > R else (lo, mid)
        p = sat + lo * d
        arc = R * np.arctan2(p[0], p[1])
        assert abs(footprint_radius_m(alt, eta) - arc) < 1.0
    # Wider than the Earth's disc: the horizon, λ = acos(R/(R+h)).
    assert abs(footprint_radius_m(1000e3, np.radians(65)) - R * np.arccos(R / (R + 1000e3))) < 1


@pytest.fixture(scope="module")
def page(browser_and_viewer, scene_dir):
    url, server = serve(scene_dir, port=0, open_browser=False)
    try:
        with Browser(width=960, height=540) as browser:
            browser.open(f"{url}?lite=1&t={T_SHOWN_S}")
            browser.wait_for("window.hyperdefReady === true || typeof window.hyperdefError "
                             "=== 'string'", 120)
            assert browser.evaluate("window.hyperdefError") is None
            browser.wait_for("window.hyperdefLabelBoxes !== undefined", 30)
            yield browser
    finally:
        server.stop()


def test_legend_lists_only_the_kinds_present(page, scene_dir):
    rows = page.evaluate("Array.from(document.querySelectorAll('#legend div'))"
                         ".map(d => d.textContent)")
    assert "threat: cruise" not in rows  # the scene has a glider and a ballistic threat only
    assert {"threat: glide", "threat: ballistic", "satellite", "radar", "IR field of regard",
            "track", "area", "interceptor"} <= set(rows)


def test_no_online_service_logo(page):
    assert page.evaluate("document.querySelectorAll('.cesium-credit-logoContainer').length") == 0
    assert page.evaluate("document.querySelectorAll('img[src*=\"ion\"]').length") == 0


def test_initial_camera_frames_every_object_geo_included(page):
    outside = page.evaluate("""(() => {
        const v = hyperdefViewer, t = v.clock.currentTime, out = [];
        for (const e of v.dataSources.get(0).entities.values) {
          const p = e.position && e.position.getValue(t);
          if (!p) continue;
          const w = Cesium.SceneTransforms.worldToWindowCoordinates(v.scene, p);
          if (!w || w.x < 0 || w.y < 0 || w.x > v.canvas.clientWidth
              || w.y > v.canvas.clientHeight) out.push(e.id);
        }
        return out; })()""")
    assert outside == []


def test_labels_do_not_overlap_and_threats_keep_theirs(page):
    boxes = np.array(page.evaluate("window.hyperdefLabelBoxes"))
    assert len(boxes) >= 2
    for i in range(len(boxes)):
        for j in range(i):
            a, b = boxes[i], boxes[j]
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    shown = page.evaluate("hyperdefViewer.dataSources.get(0).entities.values"
                          ".filter(e => e.id.startsWith('threat/') && e.label)"
                          ".map(e => e.label.show.getValue())")
    assert shown and all(shown)


def test_satellite_label_appears_on_hover_only(page):
    sid = "sat/tracking-layer/0"
    xy = page.evaluate(f"""(() => {{
        const v = hyperdefViewer, e = v.dataSources.get(0).entities.getById('{sid}');
        const w = Cesium.SceneTransforms.worldToWindowCoordinates(v.scene,
            e.position.getValue(v.clock.currentTime));
        return [w.x, w.y, e.label.show.getValue()]; }})()""")
    assert xy[2] is False
    page._send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": xy[0], "y": xy[1]})
    shown = page.wait_for(f"hyperdefViewer.dataSources.get(0).entities.getById('{sid}')"
                          ".label.show.getValue() === true", 10)
    assert shown


def test_screenshot_shows_the_fields_of_regard(page, scene_dir, tmp_path):
    ids = [p["id"] for p in json.loads((scene_dir / "scene.czml").read_text())]
    assert {"for/geo-ew/0", "for/tracking-layer/0"} <= set(ids)
    png = tmp_path / "globe.png"
    png.write_bytes(page.screenshot_png())
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=np.int32)
    amber = np.all(np.abs(rgb - np.array(FOR_RGB)) < 60, axis=-1)
    assert amber.sum() > 400  # beyond the legend swatch (144 px): the footprints are drawn
