"""`hyperdef campaign run|report|query`: Monte Carlo and architecture sweeps on Dask.

Mounted by the main app with `app.add_typer(campaign_app, name="campaign")`. Thin: it parses,
calls hyperdef.campaign, prints (JSON to stdout, progress and messages to stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hyperdef.cli.console import emit, err, fail

campaign_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="Monte Carlo campaigns and architecture trade studies.")


def _plan(source: str, samples: int | None, chunk_size: int | None, yes: bool):
    from hyperdef.campaign.plan import PlanTooLarge, make_plan
    from hyperdef.campaign.schema import CampaignError

    try:
        return make_plan(source, samples=samples, chunk_size=chunk_size, yes=yes)
    except PlanTooLarge as exc:
        if sys.stdin.isatty() and typer.confirm(f"{exc.problems[0]}\nRun it anyway?"):
            return make_plan(source, samples=samples, chunk_size=chunk_size, yes=True)
        raise fail(str(exc)) from None
    except CampaignError as exc:
        raise fail(str(exc)) from None


@campaign_app.command("run")
def run_cmd(
    campaign: Annotated[str, typer.Argument(help="campaign YAML file, or a built-in name")],
    out: Annotated[Path, typer.Option("--out", help="store folder")] = Path("runs/campaign"),
    samples: Annotated[int | None, typer.Option("--samples", help="samples per point")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="local worker processes (0: in this process, no Dask) [default: 2]")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="existing Dask scheduler, tcp://HOST:PORT")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue a store")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="run a sweep beyond max_runs")] = False,
    chunk_size: Annotated[int | None, typer.Option("--chunk-size", help="samples per part")
                          ] = None,
    connect_timeout: Annotated[float, typer.Option(
        "--connect-timeout", help="seconds to reach --scheduler")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
):
    """Run (or --resume) a campaign into a store of Parquet parts."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from hyperdef.campaign.run import ChunkFailed, SchedulerUnreachable, run_campaign
    from hyperdef.campaign.store import StoreError

    if workers is not None and scheduler is not None:
        raise fail("give either --workers or --scheduler, not both")
    if workers is not None and workers < 0:
        raise fail(f"--workers: must be >= 0, got {workers}")
    plan = _plan(campaign, samples, chunk_size, yes)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("samples · {task.fields[rate]} /s"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(plan.spec.name, total=plan.runs, rate="—")
        start: dict[str, int] = {}

        def on_progress(p):
            first = start.setdefault("done", p.samples_done - p.chunk.samples)
            rate = (p.samples_done - first) / p.elapsed_s if p.elapsed_s > 0 else 0.0
            bar.update(task, completed=p.samples_done, rate=f"{rate:.1f}")

        try:
            doc = run_campaign(campaign, out, plan=plan, workers=2 if workers is None else
                               workers, scheduler=scheduler, resume=resume,
                               connect_timeout_s=connect_timeout, on_progress=on_progress)
        except (StoreError, SchedulerUnreachable, ChunkFailed) as exc:
            raise fail(str(exc)) from None
        bar.update(task, completed=plan.runs)
    if as_json:
        emit(doc)
    else:
        err.print(f"[bold green]done[/]: {doc['chunks_run']} chunk(s) run, "
                  f"{doc['chunks_skipped']} already stored, {doc['wall_time_s']:.1f} s "
                  f"→ {out}  (report: hyperdef campaign report {out})", highlight=False)


@campaign_app.command("report")
def report_cmd(
    store: Annotated[Path, typer.Argument(help="a campaign store folder")],
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
):
    """Write DIR/report.html: distributions, per-architecture summary, Pareto front."""
    from hyperdef.campaign.query import architecture_summary
    from hyperdef.campaign.report import with_pareto, write_campaign_report
    from hyperdef.campaign.store import StoreError

    try:
        path = write_campaign_report(store)
        summary = with_pareto(architecture_summary(store))
    except (StoreError, FileNotFoundError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit({"report": str(path), "architectures": json.loads(
            summary.to_json(orient="records"))})
    else:
        err.print(f"report: {path}")


@campaign_app.command("query")
def query_cmd(
    store: Annotated[Path, typer.Argument(help="a campaign store folder")],
    sql: Annotated[str, typer.Argument(
        help="SQL over the views `results`, `points` and `summary`")],
    as_json: Annotated[bool, typer.Option("--json", help="print records as JSON")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
):
    """Answer SQL over a store with DuckDB (views: results, points, summary)."""
    from hyperdef.campaign.query import query
    from hyperdef.campaign.store import StoreError

    try:
        df = query(store, sql)
    except (StoreError, ValueError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit(json.loads(df.to_json(orient="records")))
    elif csv:
        sys.stdout.write(df.to_csv(index=False))
    else:
        from rich.table import Table

        table = Table(*map(str, df.columns))
        for row in df.itertuples(index=False):
            table.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
        Console().print(table)


@campaign_app.command("summary")
def summary_cmd(
    store: Annotated[Path, typer.Argument(help="a campaign store folder")],
    as_json: Annotated[bool, typer.Option("--json", help="print one object per point")] = False,
):
    """Per-point statistics; warning quantiles count samples without warning as 0 s."""
    from hyperdef.campaign.query import WARNING_STATS, architecture_summary
    from hyperdef.campaign.store import StoreError

    try:
        df = architecture_summary(store)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit(json.loads(df.to_json(orient="records")))
        return
    from rich.table import Table

    table = Table(*map(str, df.columns))
    for row in df.itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    Console().print(table)
    for name, meaning in WARNING_STATS.items():
        if name in df.columns:
            err.print(f"  {name}: {meaning}", highlight=False)
