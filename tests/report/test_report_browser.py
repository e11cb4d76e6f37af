"""The report in a real browser: headless Chromium (Debian package) over the DevTools protocol,
using the viewer's browser driver. Every figure must decode and the console must stay clean."""

import pytest
from report_run import write_run

from hyperdef.report.html import write_report

pytestmark = pytest.mark.browser


def test_report_opens_with_every_figure_and_no_console_error(chromium, tmp_path):
    from hyperdef.viewer.browser import Browser

    write_run(tmp_path)
    report = write_report(tmp_path)
    with Browser(width=1280, height=2400, executable=chromium) as browser:
        browser.open(report.resolve().as_uri())
        total = int(browser.wait_for(
            "document.body && document.body.getAttribute('data-images-total')", 60))
        widths = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        broken = browser.evaluate("document.body.getAttribute('data-images-broken')")
        png = browser.screenshot_png()
        errors, requests = list(browser.console_errors), list(browser.requests)
    assert total == 11 and broken == "0"
    assert len(widths) == 11 and min(widths) > 0  # every embedded PNG decoded
    assert errors == []
    # Offline by construction: the page asked for itself and its data: URIs, nothing else.
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    shot = tmp_path / "report.png"
    shot.write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
