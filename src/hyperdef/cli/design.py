"""`hyperdef design FILE|NAME --out DIR [--json]`: gradient-based architecture design."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hyperdef.cli.console import emit, err, fail


def design_cmd(
    source: Annotated[str, typer.Argument(help="design YAML file, or a built-in name (example)")],
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("runs/design"),
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
):
    """Optimise a sensor layer by gradient: best design as a scenario, report and JSON."""
    from hyperdef.design.file import read_design, resolve
    from hyperdef.design.optimize import optimize
    from hyperdef.design.output import best_scenario, document, report_html
    from hyperdef.design.study import DesignError
    from hyperdef.io.rundir import OutputFolderError, staged_folder

    try:
        design, base = read_design(source)
        study, scenario, _ = resolve(design, base)
        result = optimize(study, progress=lambda m: err.print(m, highlight=False))
        try:
            with staged_folder(out) as tmp:
                doc = document(study, result, name=design.name, out=str(out))
                (tmp / "best_scenario.yaml").write_text(
                    best_scenario(study, scenario, design.layer, result.best))
                (tmp / "design.json").write_text(json.dumps(doc, indent=2) + "\n")
                (tmp / "report.html").write_text(report_html(study, result, doc))
        except OutputFolderError as exc:
            raise fail(str(exc)) from None
    except DesignError as exc:
        raise fail(str(exc)) from None
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    if as_json:
        emit(doc)
    else:
        err.print(f"best: N = {result.best.count}, {study.objective} = "
                  f"{result.best.objective_exact:.6g} (exact) → {out}", highlight=False)
