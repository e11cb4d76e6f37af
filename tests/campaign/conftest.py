"""Campaign test fixtures: the stand-in campaign and its uninterrupted, in-process reference run."""

from __future__ import annotations

import campaign_standin
import pytest
from campaign_helpers import write_campaign

from hyperdef.campaign.query import results
from hyperdef.campaign.run import run_campaign


@pytest.fixture
def campaign_file(tmp_path):
    return write_campaign(tmp_path / "standin.yaml")


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """(campaign file, store folder, canonical results) of one uninterrupted in-process run."""
    base = tmp_path_factory.mktemp("reference")
    path = write_campaign(base / "standin.yaml")
    out = base / "store"
    run_campaign(path, out, workers=0, evaluate=campaign_standin.evaluate)
    return path, out, results(out)
