"""hyperdef.viewer.screenshot: a still that is not blank and shows the globe; page errors raise."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hyperdef.viewer.screenshot import ViewerPageError, render, screenshot
from hyperdef.viewer.server import SceneVersionWarning

pytestmark = pytest.mark.browser


def test_screenshot_shows_the_globe(browser_and_viewer, run_dir, tmp_path):
    out = screenshot(run_dir[0], tmp_path / "still" / "scene.png", time_s=120.0, width=480,
                     height=270)
    rgb = np.asarray(Image.open(out).convert("RGB"), dtype=np.float64)
    assert rgb.shape == (270, 480, 3)
    assert not list(out.parent.glob(".*partial"))
    # Not blank: a one-colour frame has zero spread; the globe, legend and timeline give tens.
    assert rgb.mean(axis=2).std() > 20.0
    # The camera looks straight down on the threats, so the centre is Earth: Natural Earth II
    # ocean is blue and its lowlands green (b or g above r), against black space or a white page.
    centre = rgb[70:200, 120:360]
    lit = centre.max(axis=2) > 40
    earthy = lit & ((centre[..., 2] > centre[..., 0]) | (centre[..., 1] > centre[..., 0]))
    assert earthy.mean() > 0.6


def test_a_scene_cesium_refuses_raises_with_the_page_message(browser_and_viewer, tmp_path):
    # Valid JSON, but CZML 2.0: Cesium's CzmlDataSource accepts only version 1.x.
    (tmp_path / "scene.czml").write_text('[{"id": "document", "name": "x", "version": "2.0"}]')
    with pytest.warns(SceneVersionWarning), pytest.raises(ViewerPageError, match="CZML version"):
        render(tmp_path, time_s=0.0, width=320, height=180, timeout_s=60)
