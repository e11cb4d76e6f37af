"""The repository stands alone: it cites only pages a user of it has.

Code, tests and the README cite formulas and conventions as `docs/<page>.md`, optionally with a
section anchor (`docs/references.md#limb`). Every such page must be tracked in the repository and
every cited anchor must be one of its headings, with the anchor GitHub gives a heading (lower
case, punctuation other than `-` and `_` dropped, spaces to hyphens; a repeated heading gets
`-1`, `-2`, ...) or an explicit `{#id}`. Notes kept outside the repository (a shared notes folder,
REFERENCES or DESIGN notes) must not be cited at all: a reader cannot follow such a citation.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Spelled in pieces so that this file does not cite them itself.
FORBIDDEN = ("shared" + "/", "REFERENCES" + ".md", "DESIGN" + ".md")
CHECKED_FILES = ("README.md", "Makefile", "pyproject.toml")
CHECKED_FOLDERS = ("src/", "tests/", "benchmarks/", "viewer/")
GENERATED = ("package-lock.json",)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".json", ".js", ".mjs", ".css", ".html",
                 ".txt", ".cfg", ".ini", ".tle", ""}

DOC_LINK = re.compile(r"docs/([A-Za-z0-9_.-]+?\.md)(?:#([A-Za-z0-9_-]+))?")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9_-]+)\}\s*$")


def _tracked() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("needs git to list the project's tracked files; git is not installed")
    proc = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    files = [f for f in proc.stdout.decode("utf-8", "replace").split("\0") if f]
    if proc.returncode != 0 or not files:
        pytest.skip("not a git checkout (e.g. an unpacked sdist): there are no tracked files "
                    "to check; run it in a clone")
    return files


def _in_scope(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name in GENERATED or Path(path).suffix not in TEXT_SUFFIXES:
        return False
    return path in CHECKED_FILES or path.startswith(CHECKED_FOLDERS)


def _read(path: str) -> str | None:
    try:
        return (ROOT / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # deleted in the work tree, or not text


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading's text."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every anchor a page's headings define (fenced code blocks skipped)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m is None:
            continue
        text = m.group(1)
        explicit = EXPLICIT_ID.search(text)
        if explicit:  # Pandoc / MkDocs attribute: the id replaces the generated anchor
            found.add(explicit.group(1))
            continue
        base = slug(text)
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def forbidden_citations(files: dict[str, str]) -> list[str]:
    """`path:line: text` of every line citing a note that is not in the repository."""
    out = []
    for path, text in files.items():
        for i, line in enumerate(text.splitlines(), 1):
            if any(f in line for f in FORBIDDEN):
                out.append(f"{path}:{i}: {line.strip()}")
    return out


def broken_doc_links(files: dict[str, str], pages: dict[str, str]) -> list[str]:
    """`path:line: docs/<page>.md#<anchor> (why)` of every citation of a missing page or heading."""
    page_anchors = {name: anchors(text) for name, text in pages.items()}
    out = []
    for path, text in files.items():
        for i, line in enumerate(text.splitlines(), 1):
            for m in DOC_LINK.finditer(line):
                page, anchor = m.group(1), m.group(2)
                if page not in page_anchors:
                    out.append(f"{path}:{i}: {m.group(0)} (no such page in docs/)")
                elif anchor and anchor not in page_anchors[page]:
                    out.append(f"{path}:{i}: {m.group(0)} (no heading with that anchor)")
    return out


def _scope():
    tracked = _tracked()
    files = {p: t for p in tracked if _in_scope(p) and (t := _read(p)) is not None}
    pages = {p.removeprefix("docs/"): t for p in tracked
             if p.startswith("docs/") and p.endswith(".md") and (t := _read(p)) is not None}
    return files, pages


def test_no_citation_of_notes_outside_the_repository():
    files, _ = _scope()
    assert any(p.startswith("src/") for p in files), "the scan found no source files"
    bad = forbidden_citations(files)
    assert not bad, ("cite docs/references.md, docs/conventions.md or the published source "
                     "instead:\n" + "\n".join(bad))


def test_every_cited_docs_page_and_anchor_exists():
    files, pages = _scope()
    assert {"references.md", "conventions.md"} <= set(pages)
    docs = {f"docs/{name}": text for name, text in pages.items()}
    bad = broken_doc_links({**files, **docs}, pages)
    assert not bad, "citations of missing docs pages or headings:\n" + "\n".join(bad)


def test_slug_follows_github_anchors():
    # GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    assert slug("Sensors and geometry") == "sensors-and-geometry"
    assert slug("CAV-H aerodynamic fit") == "cav-h-aerodynamic-fit"
    assert slug("`truth.zarr`") == "truthzarr"
    assert slug("metrics.parquet, set_metrics.parquet") == "metricsparquet-set_metricsparquet"
    page = "# T\n## Limb\n```\n## not a heading\n```\n## Limb\n## Run folder {#run}\n"
    assert anchors(page) == {"t", "limb", "limb-1", "run"}


def test_the_checks_catch_what_they_are_for():
    d = "docs" + "/"  # in pieces, so that this file's own scan does not see these citations
    files = {"src/a.py": "x = 1  # see " + FORBIDDEN[1] + ", 'Limb'\n",
             "tests/b.py": f"# {d}references.md#no-such-heading and {d}missing.md\n"}
    pages = {"references.md": "## Limb\n"}
    assert forbidden_citations(files) == [f"src/a.py:1: x = 1  # see {FORBIDDEN[1]}, 'Limb'"]
    assert broken_doc_links(files, pages) == [
        f"tests/b.py:1: {d}references.md#no-such-heading (no heading with that anchor)",
        f"tests/b.py:1: {d}missing.md (no such page in docs/)",
    ]
    assert broken_doc_links({"c.py": f"{d}references.md#limb"}, pages) == []
