"""Store integrity: recorded checksums and row counts, damage found, named and recomputed.

Damage is real damage to real files (truncation, a flipped byte, deletion); the checksums are
checked against coreutils' `sha256sum`, an implementation of FIPS 180-4 independent of Python's.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import campaign_standin
import pyarrow.parquet as pq
import pytest
from campaign_helpers import assert_same_table
from typer.testing import CliRunner

from hyperdef.campaign.query import query, results
from hyperdef.campaign.report import write_campaign_report
from hyperdef.campaign.run import run_campaign
from hyperdef.campaign.store import StoreError
from hyperdef.cli.campaign import campaign_app
from hyperdef.io.rundir import OutputFolderError, staged_folder

runner = CliRunner()
PART = "part-p00001-s00000008-00000016"


@pytest.fixture
def store(reference, tmp_path):
    """A private copy of the reference store (the reference itself stays pristine)."""
    out = tmp_path / "store"
    shutil.copytree(reference[1], out)
    return out


def _resume(reference, out):
    return run_campaign(reference[0], out, workers=0, resume=True,
                        evaluate=campaign_standin.evaluate)


def _manifest(out):
    return json.loads((out / "manifest.json").read_text())


def test_manifest_records_each_parts_checksum_and_rows(reference):
    _, out, ref = reference
    records = _manifest(out)["parts"]
    files = sorted((out / "parts").glob("part-*.parquet"))
    assert sorted(records) == [p.stem for p in files] and len(files) == 6
    for path in files:
        sha = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True,
                             check=True).stdout.split()[0]
        # measured worst case: 6 of 6 parts match (hyperdef 0.1.0, float64).
        assert records[path.stem] == {"sha256": sha, "bytes": path.stat().st_size,
                                      "rows": pq.read_metadata(path).num_rows}
    assert sum(r["rows"] for r in records.values()) == len(ref)


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01  # one bit inside a data page: the footer still reads
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_truncate, _flip, lambda p: p.unlink()],
                         ids=["truncated", "bit-flip", "deleted"])
def test_query_and_report_name_the_damaged_part_and_the_fix(store, damage):
    damage(store / "parts" / f"{PART}.parquet")
    pattern = rf"{PART}\.parquet: .*--out {store} --resume"
    with pytest.raises(StoreError, match=pattern):
        query(store, "SELECT count(*) FROM results")
    with pytest.raises(StoreError, match=pattern):
        write_campaign_report(store)
    for args in (["query", str(store), "SELECT count(*) FROM results"], ["report", str(store)]):
        res = runner.invoke(campaign_app, args)
        assert res.exit_code != 0 and isinstance(res.exception, SystemExit), res.output
        assert f"{PART}.parquet" in res.output and "--resume" in res.output
        assert "Traceback" not in res.output and "duckdb" not in res.output.lower()


@pytest.mark.parametrize("damage", [_truncate, _flip, lambda p: p.unlink()],
                         ids=["truncated", "bit-flip", "deleted"])
def test_resume_recomputes_a_damaged_part_bit_for_bit(store, reference, damage):
    path = store / "parts" / f"{PART}.parquet"
    original = path.read_bytes()
    damage(path)
    doc = _resume(reference, store)
    assert (doc["chunks_run"], doc["chunks_skipped"]) == (1, 5)
    assert doc["parts_repaired"] and doc["parts_repaired"][0].startswith(PART)
    assert path.read_bytes() == original
    assert_same_table(results(store), reference[2])
    assert _manifest(store)["complete"]


def test_a_part_without_a_record_is_not_done(store, reference):
    """A part whose writer was killed before its record was saved: left out, then recomputed."""
    manifest = _manifest(store)
    del manifest["parts"][PART]
    manifest["complete"] = False
    (store / "manifest.json").write_text(json.dumps(manifest))
    n = query(store, "SELECT count(*) AS n FROM results")["n"][0]
    assert n == len(reference[2]) - 8  # the chunk's 8 rows are not counted
    doc = _resume(reference, store)
    assert (doc["chunks_run"], doc["chunks_skipped"]) == (1, 5)
    assert_same_table(results(store), reference[2])


def test_damaged_points_table_is_named_and_rewritten(store, reference):
    _truncate(store / "points.parquet")
    with pytest.raises(StoreError, match=r"points\.parquet: .*--resume"):
        query(store, "SELECT * FROM points")
    doc = _resume(reference, store)
    assert doc["chunks_run"] == 0 and doc["parts_repaired"][0].startswith("points.parquet")
    assert len(query(store, "SELECT * FROM points")) == 2


def test_an_unreadable_manifest_is_named(store):
    (store / "manifest.json").write_text('{"format": "hyperdef-campaign/1", "par')
    with pytest.raises(StoreError, match=r"manifest\.json: unreadable .*fresh --out"):
        query(store, "SELECT 1")


def test_a_store_from_before_records_is_checked_and_adopted(store, reference):
    manifest = _manifest(store)
    del manifest["parts"], manifest["points_sha256"]
    (store / "manifest.json").write_text(json.dumps(manifest))
    assert len(results(store)) == len(reference[2])  # readable parts are read
    _truncate(store / "parts" / f"{PART}.parquet")
    with pytest.raises(StoreError, match=f"{PART}.parquet: not a readable Parquet file"):
        query(store, "SELECT 1")
    doc = _resume(reference, store)
    assert (doc["chunks_run"], doc["chunks_skipped"]) == (1, 5)
    assert len(_manifest(store)["parts"]) == 6
    assert_same_table(results(store), reference[2])


def test_one_writer_at_a_time(store, reference):
    from hyperdef.campaign.plan import make_plan
    from hyperdef.campaign.run import _name_of
    from hyperdef.campaign.store import Store

    first = Store.open(store, make_plan(reference[0]), resume=True,
                       evaluator=_name_of(campaign_standin.evaluate))
    try:
        with pytest.raises(StoreError, match="another campaign process is writing"):
            _resume(reference, store)
    finally:
        first.close()
    assert _resume(reference, store)["chunks_run"] == 0


def test_run_out_never_replaces_a_campaign_store(store):
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    with pytest.raises(OutputFolderError, match="campaign store"):
        with staged_folder(store):
            pass
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before
