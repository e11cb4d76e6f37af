"""The validation page states a measured worst case for every oracle, and names tests that exist.

docs/validation.md is the analyst's list of what hyperdef is compared against. A row whose
"measured" cell is empty or a dash would be a tolerance asserted without evidence of the margin
it leaves; a row naming a test file that was renamed or removed would point the reader nowhere.
The measured values themselves are kept beside the tolerances in the tests, so a change of a
model that moves a worst case is seen where it is asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "validation.md"
HEADER = ["what", "oracle", "tolerance", "measured", "test"]
# A slow test too long to run when the page is written may say so, and nothing else.
NOT_MEASURED = re.compile(r"^not measured \(slow, \d+ min\)$")


def _rows() -> list[list[str]]:
    rows, in_table = [], False
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells == HEADER:
            in_table = True
        elif in_table and not set("".join(cells)) <= set("-: "):
            assert len(cells) == len(HEADER), line
            rows.append(cells)
    return rows


def test_the_page_has_its_tables():
    assert len(_rows()) >= 60


def test_every_row_states_what_was_measured():
    for what, _oracle, _tol, measured, _test in _rows():
        assert measured and measured not in {"—", "-", "–"}, what
        if measured.startswith("not measured"):
            assert NOT_MEASURED.match(measured), (what, measured)


def test_every_named_test_file_exists():
    for what, *_, tests in _rows():
        names = re.findall(r"`([^`]+\.py)`", tests)
        assert names, what
        for name in names:
            assert (ROOT / "tests" / name).is_file(), (what, name)
