"""`hyperdef` command line (typer + rich). JSON goes to stdout, progress and logs to stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyperdef.cli.access import access_cmd
from hyperdef.cli.campaign import campaign_app
from hyperdef.cli.compare import compare_cmd
from hyperdef.cli.console import emit, err, fail
from hyperdef.cli.design import design_cmd
from hyperdef.cli.export import export_cmd
from hyperdef.cli.scenario import scenario_app

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="hyperdef — sensing, tracking and warning against hypersonic threats.")
DEMO_SCENARIO = "demo"

app.add_typer(campaign_app, name="campaign")
app.command("design")(design_cmd)
app.add_typer(scenario_app, name="scenario")
app.command("access")(access_cmd)
app.command("export")(export_cmd)
app.command("compare")(compare_cmd)


def _version(value: bool):
    if value:
        from hyperdef import __version__

        print(f"hyperdef {__version__}")
        raise typer.Exit()


@app.callback()
def _setup(_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                           help="print the version and exit")] = False):
    """Persist JAX compilations between runs (hyperdef.jaxcache; HYPERDEF_JAX_CACHE=0: off)."""
    from hyperdef.jaxcache import enable_compilation_cache

    enable_compilation_cache()


@app.command()
def info(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False):
    """Version, JAX backend and devices, float64 status, frame and time conventions."""
    from hyperdef.api import environment_info

    doc = environment_info()
    if as_json:
        emit(doc)
        return
    for key, value in doc.items():
        err.print(f"[bold]{key}[/]: {value}", highlight=False, soft_wrap=True)


def _run(source: str, out: Path, seed: int | None, samples: int | None, as_json: bool,
         command: str, sensitivities: bool = False) -> dict:
    from hyperdef.io.rundir import OutputFolderError
    from hyperdef.pipeline import run
    from hyperdef.report.html import write_run_report
    from hyperdef.scenario.errors import ScenarioError
    from hyperdef.scenario.load import load_scenario

    try:
        scenario, base = load_scenario(source, seed=seed, samples=samples)
    except ScenarioError as exc:
        raise fail(str(exc)) from None
    try:
        with err.status(f"running scenario [bold]{scenario.name}[/] …", spinner="dots"):
            doc = run(scenario, base, out, command=command, sensitivities=sensitivities,
                      report=write_run_report)
    except OutputFolderError as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit(doc)
    else:
        _print_headline(doc)
    return doc


def _print_headline(doc: dict) -> None:
    from hyperdef.status import describe

    err.print(f"[bold green]done[/] in {doc['wall_time_s']:.1f} s → {doc['out']}")
    for t in doc["threats"]:
        err.print(f"  threat [bold]{t['name']}[/]: {describe(t['status'])}, "
                  f"flight {t['flight_time_s']:.0f} s, track {t['ground_track_km']:.0f} km",
                  highlight=False)
    for name, a in doc.get("assessment", {}).get("per_threat", {}).items():
        w = a.get("warning_time_s")
        why = a.get("warning_missing") or "not available"
        err.print(f"  {name}: warning {why if w is None else f'{w:.0f} s'}", highlight=False)
        imp, areas = a.get("predicted_impact"), a.get("footprint_area_km2_at") or {}
        if a.get("headline_footprint") == "reachable" and areas:
            t_last, area = list(areas.items())[-1]
            err.print(f"    reachable footprint at {t_last} s: {area:.3g} km² (it can still "
                      "turn; no single impact point is quoted)", highlight=False)
        elif imp:
            err.print(f"    impact if no further manoeuvre (extrapolation): {imp['lat_deg']:.2f}°,"
                      f" {imp['lon_deg']:.2f}° ± {imp['sigma_km']:.0f} km", highlight=False)
        if (held_back := a.get("footprints_withheld")) and not areas:
            err.print(f"    footprints withheld at {len(held_back)} time(s): "
                      f"{held_back[-1]['reason']}", highlight=False)
    report = Path(doc["out"]) / "report.html"
    if report.exists():
        err.print(f"  report: {report}")


@app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="scenario YAML file, or a built-in name")],
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("runs/latest"),
    seed: Annotated[int | None, typer.Option("--seed", help="override the scenario seed")] = None,
    samples: Annotated[int | None, typer.Option("--samples", help="override samples")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    sensitivities: Annotated[bool, typer.Option(
        "--sensitivities", help="add d(warning), d(first detection) per sensor parameter")] = False,
):
    """Run a scenario and write its run folder (nothing is written unless it succeeds)."""
    _run(scenario, out, seed, samples, as_json, command=f"run {scenario}",
         sensitivities=sensitivities)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("runs/demo"),
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
):
    """Run the built-in demo scenario and write its report."""
    _run(DEMO_SCENARIO, out, None, None, as_json, command="demo")


@app.command()
def coverage(
    scenario: Annotated[str, typer.Argument(help="scenario YAML file, or a built-in name")],
    alt_km: Annotated[float, typer.Option("--alt-km", help="target altitude [km]")] = 40.0,
    grid_deg: Annotated[float, typer.Option("--grid-deg", help="grid spacing [deg]")] = 5.0,
    figure: Annotated[Path | None, typer.Option("--figure", help="write a map PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
):
    """N-fold coverage of the scenario's space sensors at one target altitude."""
    from hyperdef.api import scenario_coverage
    from hyperdef.cli.arguments import GRID, TARGET_ALT, option_problem
    from hyperdef.scenario.errors import ScenarioError

    problem = (option_problem("--alt-km", alt_km, TARGET_ALT)
               or option_problem("--grid-deg", grid_deg, GRID))
    if problem:
        raise fail(problem)
    try:
        doc = scenario_coverage(scenario, alt_km=alt_km, grid_deg=grid_deg, figure=figure)
    except (ScenarioError, ValueError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        emit(doc)
        return
    err.print(f"≥1: {doc['fraction_ge1']:.1%}  ≥2: {doc['fraction_ge2']:.1%}  "
              f"≥3: {doc['fraction_ge3']:.1%}  max gap {doc['max_gap_s']:.0f} s")


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(help="a run folder")]):
    """Rebuild report.html from a run folder's files (says what is missing)."""
    from hyperdef.report.html import write_report

    if not run_dir.is_dir():
        raise fail(f"RUN_DIR {run_dir}: no such folder")
    path = write_report(run_dir)
    err.print(f"report: {path}")


@app.command()
def view(
    run_dir: Annotated[Path, typer.Argument(help="a run folder with scene.czml")],
    port: Annotated[int | None, typer.Option(
        "--port", help="port on 127.0.0.1 (default 8642 or a free one; 0: any free)")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="do not open a browser")] = False,
    screenshot: Annotated[
        Path | None, typer.Option("--screenshot", help="write a PNG and exit")] = None,
    time_s: Annotated[float | None, typer.Option("--time", help="scene time [s] to show")] = None,
):
    """Show the run's 3-D scene on an offline Cesium globe (served on 127.0.0.1 only)."""
    import warnings

    from hyperdef.cli.arguments import scene_time_problem
    from hyperdef.viewer import server as viewer_server
    from hyperdef.viewer.screenshot import screenshot as take_screenshot

    if not run_dir.is_dir():
        raise fail(f"RUN_DIR {run_dir}: no such folder")
    if problem := scene_time_problem(run_dir, time_s):
        raise fail(problem)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if screenshot is not None:
                take_screenshot(run_dir, screenshot, time_s=time_s)
                err.print(f"screenshot: {screenshot}")
                return
            url, srv = viewer_server.serve(run_dir, port=port, open_browser=not no_browser)
        except (OSError, ValueError, RuntimeError) as exc:
            # Every viewer error names the file or port and the fix (report, make viewer, --port).
            raise fail(str(exc)) from None
    for w in caught:
        err.print(f"[yellow]warning:[/] {w.message}", highlight=False)
    print(url, flush=True)
    err.print(f"viewer: {url}  (Ctrl-C to stop)")
    try:
        srv.thread.join()
    except KeyboardInterrupt:
        srv.stop()


def main():  # pragma: no cover - console-script entry point
    app()
