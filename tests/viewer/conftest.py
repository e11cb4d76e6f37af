"""Run folders for the viewer tests, written by write_czml from the fake run in tests/io_czml."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The fake run lives beside the CZML tests; one copy serves both folders.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io_czml"))

from fake_run import write_scene  # noqa: E402

import hyperdef  # noqa: E402


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory):
    """A run folder with scene.czml; returns (folder, entity count)."""
    folder = tmp_path_factory.mktemp("run")
    n, _, _ = write_scene(folder / "scene.czml", hyperdef.__version__)
    return folder, n


@pytest.fixture
def fake_dist(tmp_path, monkeypatch):
    """A stand-in built viewer (one page), so the server tests need no Node.js build."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>viewer</title>")
    monkeypatch.setenv("HYPERDEF_VIEWER_DIST", str(dist))
    return dist


@pytest.fixture(scope="session")
def browser_and_viewer():
    """Skip, saying why, where Chromium or the built viewer is truly absent."""
    from hyperdef.viewer.browser import BrowserNotFoundError, find_chromium
    from hyperdef.viewer.server import ViewerNotBuiltError, viewer_dist

    try:
        find_chromium()
        viewer_dist()
    except (BrowserNotFoundError, ViewerNotBuiltError) as error:
        pytest.skip(f"browser test needs Chromium and the built viewer: {error}")
