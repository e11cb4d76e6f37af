"""The compilation-cache variable is documented where a user looks, with the code's own values.

`HYPERDEF_JAX_CACHE` changes where every process keeps its compiled kernels; a reader finds it
in the README and on the site's getting-started page, and both state the default folder and the
value that turns the cache off as hyperdef.jaxcache has them, so a changed default shows here.
The README's quick start stays two commands.
"""

from __future__ import annotations

import re
from pathlib import Path

from hyperdef import jaxcache

ROOT = Path(__file__).resolve().parents[2]
OFF = "0"  # hyperdef.jaxcache.cache_dir: "0" (or empty) turns the cache off


def _default_as_written(monkeypatch) -> str:
    """The default folder of hyperdef.jaxcache, written from the home folder (`~/...`)."""
    monkeypatch.delenv(jaxcache.ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", "/home/reader")
    folder = jaxcache.cache_dir()
    assert folder is not None
    return "~/" + folder.relative_to(Path.home()).as_posix()


def test_the_docs_state_the_codes_default_and_off_value(monkeypatch):
    default = _default_as_written(monkeypatch)
    monkeypatch.setenv(jaxcache.ENV_VAR, OFF)
    assert jaxcache.cache_dir() is None
    for page in (ROOT / "README.md", ROOT / "docs" / "index.md"):
        text = page.read_text(encoding="utf-8")
        assert jaxcache.ENV_VAR in text, page.name
        assert f"`{default}`" in text, (page.name, default)
        assert f"`{OFF}`" in text, page.name


def test_the_quick_start_is_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, re.S)
    assert block is not None
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
