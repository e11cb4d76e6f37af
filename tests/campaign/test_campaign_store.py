"""The store: atomic parts, manifest identity, refusals with reasons, resume after failure."""

from __future__ import annotations

import json

import campaign_standin
import pyarrow.parquet as pq
import pytest
from campaign_helpers import assert_same_table, write_campaign

from hyperdef.campaign import store as store_mod
from hyperdef.campaign.plan import make_plan
from hyperdef.campaign.query import query, results
from hyperdef.campaign.run import ChunkFailed, run_campaign
from hyperdef.campaign.store import Store, StoreError


def test_resume_after_a_failed_chunk_equals_the_uninterrupted_run(reference, tmp_path,
                                                                  monkeypatch):
    path, ref_out, ref = reference
    out = tmp_path / "store"
    # Sample 13 raises: chunk [8, 16) of the first point fails after chunk [0, 8) of both points.
    monkeypatch.setenv(campaign_standin.FAIL_ENV, "13")
    with pytest.raises(ChunkFailed, match=r"point 0 \(mast_m=20\), samples 8…15.*--resume"):
        run_campaign(path, out, workers=0, evaluate=campaign_standin.evaluate)
    partial = sorted(p.name for p in (out / "parts").iterdir())
    assert partial == ["part-p00000-s00000000-00000008.parquet",
                       "part-p00001-s00000000-00000008.parquet"]
    assert not json.loads((out / "manifest.json").read_text())["complete"]
    monkeypatch.delenv(campaign_standin.FAIL_ENV)
    doc = run_campaign(path, out, workers=0, resume=True, evaluate=campaign_standin.evaluate)
    assert (doc["chunks_run"], doc["chunks_skipped"]) == (4, 2)
    assert_same_table(results(out), ref)
    # Same chunking: every part is byte-for-byte the part of the uninterrupted run.
    for part in (ref_out / "parts").iterdir():
        assert (out / "parts" / part.name).read_bytes() == part.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["sessions"]) == 2


def test_a_failing_write_leaves_neither_part_nor_temporary(tmp_path, monkeypatch):
    plan = make_plan(write_campaign(tmp_path / "c.yaml"))
    store = Store.open(tmp_path / "s", plan, resume=False)

    def broken(table, where, **kw):
        with open(where, "wb") as fh:
            fh.write(b"PAR1 half a file")  # what a crash mid-write leaves behind …
        raise OSError("disk full")  # … and the error that interrupts it

    monkeypatch.setattr(store_mod.pq, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        store.write_part(plan.chunks[0], pq.read_table(tmp_path / "s" / "points.parquet"))
    assert list((tmp_path / "s" / "parts").iterdir()) == []


def test_leftover_temporaries_are_never_read_and_are_removed_on_resume(reference, tmp_path):
    path, _, ref = reference
    out = tmp_path / "store"
    run_campaign(path, out, workers=0, evaluate=campaign_standin.evaluate)
    junk = out / "parts" / ".part-p00000-s00000000-00000008.parquet.999.tmp"
    junk.write_bytes(b"PAR1 truncated by kill -9")
    n = query(out, "SELECT count(*) AS n FROM results")["n"][0]
    assert n == len(ref)  # the query view never matches a temporary
    run_campaign(path, out, workers=0, resume=True, evaluate=campaign_standin.evaluate)
    assert not junk.exists()
    assert_same_table(results(out), ref)


def test_resume_refuses_a_store_of_another_campaign_file(reference, tmp_path):
    path, ref_out, _ = reference
    other = write_campaign(tmp_path / "other.yaml", seed=12)
    with pytest.raises(StoreError, match="different campaign file .*sha256"):
        run_campaign(other, ref_out, workers=0, resume=True, evaluate=campaign_standin.evaluate)
    with pytest.raises(StoreError, match="samples = 24, this run asks for 32"):
        run_campaign(path, ref_out, samples=32, workers=0, resume=True,
                     evaluate=campaign_standin.evaluate)
    with pytest.raises(StoreError, match="evaluator"):
        run_campaign(path, ref_out, workers=0, resume=True,
                     evaluate=lambda scenario, base_dir, ids: [])
    (tmp_path / "notes.txt").write_text("not a store")
    with pytest.raises(StoreError, match="no campaign store"):
        run_campaign(path, tmp_path, workers=0, resume=True, evaluate=campaign_standin.evaluate)


def test_a_new_run_refuses_a_non_empty_folder(reference, tmp_path):
    path, ref_out, _ = reference
    with pytest.raises(StoreError, match="pass --resume"):
        run_campaign(path, ref_out, workers=0, evaluate=campaign_standin.evaluate)
    (tmp_path / "x.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty"):
        run_campaign(path, tmp_path, workers=0, evaluate=campaign_standin.evaluate)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt"]  # nothing was written


def test_a_store_records_its_identity(reference):
    path, out, _ = reference
    manifest = json.loads((out / "manifest.json").read_text())
    plan = make_plan(path)
    assert manifest["campaign_sha256"] == plan.campaign_sha256
    assert manifest["plan_sha256"] == plan.plan_sha256
    assert (manifest["samples"], manifest["points"], manifest["chunks"]) == (24, 2, 6)
    assert (out / "campaign.yaml").read_text() == path.read_text()
