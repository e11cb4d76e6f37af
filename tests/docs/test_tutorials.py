"""The tutorials run as written: every ```python block and every `$ hyperdef …` line of a
```console block, in page order, in a fresh folder per page.

Python blocks of one page share one namespace (a reader's session). Console lines go through the
real command-line app (typer's runner, in this process, so a page's runs share the JIT-compiled
kernels of the pages before it); `> FILE` after a command writes its standard output there, as a
shell would. Lines in a console block without a leading `$ ` are sample output and are not
compared (numbers depend on the machine's BLAS and on the defaults of the day).

A page that takes long marks itself with `<!-- doc-test: slow -->`; it then runs only with
`-m slow`. The fast pages share one compiled scenario shape, so together they stay under the
fast suite's budget.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyperdef.cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIALS = DOCS / "tutorials"
# Nav order: the first page compiles the kernels the later ones reuse.
PAGES = ["first-run.md", "python-api.md", "tracker-consistency.md", "stereo-coverage.md",
         "campaign.md"]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.S | re.M)
SLOW_MARK = "<!-- doc-test: slow -->"


def blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced python or console block, in page order."""
    return [(lang, body) for lang, body in FENCE.findall(text) if lang in ("python", "console")]


def console_commands(body: str) -> list[list[str]]:
    """The argument lists of a console block's `$ hyperdef …` lines (`\\` continues a line)."""
    commands, current = [], None
    for line in body.splitlines():
        if current is not None:
            current += " " + line.strip()
        elif line.startswith("$ "):
            current = line[2:].strip()
        else:
            continue
        if current.endswith("\\"):
            current = current[:-1]
            continue
        argv = shlex.split(current, comments=True)
        assert argv[0] == "hyperdef", f"console lines run hyperdef only, got: {current}"
        commands.append(argv[1:])
        current = None
    return commands


def run_cli(argv: list[str]) -> None:
    """One console command through the app; `> FILE` captures standard output."""
    out_file = None
    if ">" in argv:
        i = argv.index(">")
        argv, out_file = argv[:i], argv[i + 1]
    result = CliRunner().invoke(app, argv)
    output = result.output
    assert result.exit_code == 0, (
        f"$ hyperdef {shlex.join(argv)} exited {result.exit_code}:\n{output}\n"
        f"{result.exception!r}")
    if out_file:
        Path(out_file).write_text(result.stdout, encoding="utf-8")


def _param(name: str):
    text = (TUTORIALS / name).read_text(encoding="utf-8")
    marks = [pytest.mark.slow] if SLOW_MARK in text else []
    return pytest.param(name, marks=marks, id=name.removesuffix(".md"))


def test_every_tutorial_is_listed():
    assert sorted(PAGES) == sorted(p.name for p in TUTORIALS.glob("*.md"))


def test_blocks_are_found():
    """The extractor sees every block (a page whose fences are mistyped would silently pass)."""
    for name in PAGES:
        found = blocks((TUTORIALS / name).read_text(encoding="utf-8"))
        assert any(lang == "python" for lang, _ in found), name
        assert any(lang == "console" and console_commands(body) for lang, body in found), name


@pytest.mark.parametrize("name", [_param(n) for n in PAGES])
def test_tutorial_runs(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    namespace: dict = {"__name__": f"tutorial_{name.removesuffix('.md').replace('-', '_')}"}
    for k, (lang, body) in enumerate(blocks((TUTORIALS / name).read_text(encoding="utf-8"))):
        if lang == "python":
            code = compile(body, f"{name} block {k + 1}", "exec")
            exec(code, namespace)  # noqa: S102 — the page's own code, as a reader runs it
        else:
            for argv in console_commands(body):
                run_cli(argv)
