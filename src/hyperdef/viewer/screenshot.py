"""A still of a run's 3-D scene, rendered in headless Chromium (software WebGL) to a PNG.

The page is the same viewer `hyperdef view` serves, on a private loopback server that lives only
for the render. The page signals `window.hyperdefReady` once the CZML is loaded and every globe
tile and entity geometry is drawn; the PNG is taken after that.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

from hyperdef.viewer.browser import Browser, BrowserTimeoutError
from hyperdef.viewer.server import SCENE, serve

READY = "window.hyperdefReady === true || typeof window.hyperdefError === 'string'"


class ViewerPageError(RuntimeError):
    """The viewer page could not load the scene."""


class Render(NamedTuple):
    png: bytes                  # the screenshot, PNG
    entity_count: int           # entities the page loaded from the CZML
    console_errors: list[str]   # console errors, exceptions and failed loads seen by the page
    url: str                    # the page that was rendered


def _middle_s(run_dir: Path) -> float:
    """Seconds after epoch halfway through the scene's clock (threats in flight, tracks firm)."""
    packets = json.loads((run_dir / SCENE).read_text(encoding="utf-8"))
    meta = next(p for p in packets if p.get("id") == "hyperdef")
    start, stop = packets[0]["clock"]["interval"].split("/")

    def s_of(iso):
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

    epoch = s_of(meta["properties"]["epoch_utc"])
    return 0.5 * (s_of(start) + s_of(stop)) - epoch


def render(run_dir, *, time_s=None, width=1280, height=720, timeout_s=90.0) -> Render:
    """Load run_dir's scene in headless Chromium and take a screenshot.

    time_s: seconds after the scenario epoch to show (the clock is paused there); None = halfway
    through the scene. Raises BrowserNotFoundError, BrowserTimeoutError, ViewerPageError and
    the errors of `serve` (SceneNotFoundError, ViewerNotBuiltError).
    """
    run_dir = Path(run_dir)
    url, server = serve(run_dir, port=0, open_browser=False)
    try:
        t_s = _middle_s(run_dir) if time_s is None else float(time_s)
        page = f"{url}?{urlencode({'t': f'{t_s:.3f}', 'lite': '1'})}"
        with Browser(width=width, height=height) as browser:
            browser.open(page)
            try:
                browser.wait_for(READY, timeout_s)
            except BrowserTimeoutError as error:
                seen = "; ".join(browser.console_errors) or "no console errors"
                raise BrowserTimeoutError(f"{error}; the page reported: {seen}") from None
            page_error = browser.evaluate("window.hyperdefError")
            if page_error:
                raise ViewerPageError(
                    f"the viewer could not load {run_dir / SCENE}: {page_error}")
            count = int(browser.evaluate("window.hyperdefEntityCount"))
            return Render(browser.screenshot_png(), count, list(browser.console_errors), page)
    finally:
        server.stop()


def screenshot(run_dir, out_png, *, time_s=None, width=1280, height=720, timeout_s=90.0) -> Path:
    """Render run_dir's 3-D scene at time_s [s after epoch] and write it to out_png.

    The PNG appears whole or not at all (written beside, then renamed). Returns out_png.
    """
    shot = render(run_dir, time_s=time_s, width=width, height=height, timeout_s=timeout_s)
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_bytes(shot.png)
    os.replace(tmp, out)
    return out
