"""Shared test set-up: hyperdef enables float64 on import; tests rely on it everywhere.

Property tests draw their examples from a fixed seed (derandomize): the suite gives the same
verdict on every run and machine, and a failure found once is found again. HYPOTHESIS_PROFILE=
explore turns the random search back on for a deliberate hunt.
"""

import os

import pytest
from hypothesis import settings

import hyperdef  # noqa: F401

settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def chromium():
    """Path of headless Chromium for the browser checks (reports, globe); skips, saying how to
    get it, where it is not installed (`.ci/run` installs Debian's chromium when it can)."""
    from hyperdef.viewer.browser import BrowserNotFoundError, find_chromium

    try:
        return find_chromium()
    except BrowserNotFoundError as exc:
        pytest.skip(f"browser check skipped: headless Chromium not found ({exc}); install it "
                    "(e.g. `apt-get install chromium`) to run it")
