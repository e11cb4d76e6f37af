"""`write_report(run_dir)`: one self-contained report.html from a run folder's files.

Figures are embedded as base64 PNG, styles are inline, nothing is fetched: the file opens offline
and can be mailed on its own. The report reads only the folder's files (`rundata.load_run`), says
which are missing, and draws what it can from the rest.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from pathlib import Path

from hyperdef.report import (
    access_figures,
    assessment_figures,
    consistency_figures,
    figures,
    samples_figures,
    snr_figures,
    tracking_figures,
)
from hyperdef.report.rundata import FILES, RunData, load_run
from hyperdef.status import describe

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1180px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.86em;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}.utc{color:#666;font-size:85%;white-space:nowrap}
.note{background:#fff6d5;border:1px solid #e6c84d;padding:.5em .8em;margin:.6em 0}
.missing{background:#fde8e8;border:1px solid #d77;padding:.5em .8em}
figure{margin:1em 0}figcaption{font-size:.86em;color:#444;max-width:980px}
img{max-width:100%;height:auto}pre{background:#f7f7f7;padding:.6em;overflow:auto;font-size:.8em}
.small{font-size:.85em;color:#555}.wide{overflow-x:auto}
th{font-weight:600;vertical-align:bottom}
"""

# Marks any figure that failed to decode, visibly, so a broken report never looks complete.
CHECK_IMAGES_JS = """
window.addEventListener('load', function () {
  var bad = 0;
  document.querySelectorAll('img').forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) {
      bad += 1;
      var p = document.createElement('p');
      p.className = 'missing';
      p.textContent = 'This figure failed to load.';
      img.replaceWith(p);
    }
  });
  document.body.setAttribute('data-images-broken', String(bad));
  document.body.setAttribute('data-images-total', String(document.images.length + bad));
});
"""


def _e(x) -> str:
    return html.escape(str(x))


def _num(v, fmt="{:.1f}", none="—") -> str:
    if v is None:
        return none
    if isinstance(v, bool) or not isinstance(v, int | float):
        return _e(v)
    return fmt.format(v)


def _epoch(run: RunData) -> dt.datetime | None:
    """The scenario epoch (UTC) from the resolved scenario, or None when it cannot be read."""
    epoch = (run.scenario or {}).get("epoch")
    if not isinstance(epoch, dt.datetime):
        try:
            epoch = dt.datetime.fromisoformat(str(epoch).replace("Z", "+00:00"))
        except ValueError:
            return None
    return epoch if epoch.tzinfo else epoch.replace(tzinfo=dt.UTC)


def _when(run: RunData, t_s, none="—") -> str:
    """Seconds since the epoch, with the UTC time beside them when the epoch is known."""
    text = _num(t_s, "{:.0f}", none=none)
    epoch = _epoch(run)
    if epoch is None or not isinstance(t_s, int | float) or isinstance(t_s, bool) \
            or not math.isfinite(t_s):
        return text
    utc = (epoch + dt.timedelta(seconds=float(t_s))).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f'{text} <span class="utc">({utc})</span>'


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    th = "".join(f'<th class="{"l" if i < left else ""}">{_e(h)}</th>'
                 for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td class="{"l" if i < left else ""}">{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<div class="wide"><table><tr>{th}</tr>{body}</table></div>'


def _missing_section(run: RunData) -> str:
    by_design = "".join(f'<p class="note">No {_e(n)}: {_e(why)}.</p>'
                        for n, why in run.not_produced.items())
    if not run.missing and not run.unreadable:
        return by_design
    items = [f"<li><b>{_e(n)}</b> is missing: no {_e(FILES[n])}.</li>" for n in run.missing]
    items += [f"<li><b>{_e(n)}</b> could not be read ({_e(why)}): no {_e(FILES[n])}.</li>"
              for n, why in run.unreadable.items()]
    return ('<div class="missing"><b>Incomplete run folder.</b> The report draws what the '
            f"remaining files allow.<ul>{''.join(items)}</ul></div>{by_design}")


def _summary_table(run: RunData) -> str:
    per = run.assessment.get("per_threat", {})
    rows_by_name = {r.get("name"): r for r in (run.summary or {}).get("threats", [])}
    names = list(dict.fromkeys(list(rows_by_name) + list(per)))
    if not names:
        if run.metrics is not None and len(run.metrics):
            # pandas takes a %-format string here (DataFrame.to_html -> _validate_float_format);
            # its stubs accept only a callable, which pandas formats differently.
            return run.metrics.to_html(  # type: ignore[call-overload]
                index=False, na_rep="—", float_format="%.3g")
        return '<p class="note">No threats in this run.</p>'
    cells = []
    for n in names:
        t, a = rows_by_name.get(n, {}), per.get(n, {})
        areas = a.get("footprint_area_km2_at") or {}
        windows = a.get("engagement_window_s") or {}
        imp = a.get("predicted_impact")
        cells.append([
            _e(t.get("kind", "")), _e(describe(t["status"]) if t.get("status") else ""),
            _num(t.get("flight_time_s"), "{:.0f}"), _num(t.get("ground_track_km"), "{:.0f}"),
            _when(run, a.get("first_detection_t_s"), none="never detected" if a else "—"),
            _when(run, a.get("first_firm_track_t_s"), none="never"),
            _num(a.get("warning_from_detection_s"), "{:.0f}"),
            _num(a.get("warning_time_s"), "{:.0f}", none=_e(a.get("warning_missing") or "—")),
            _e(a.get("warning_to", "—")),
            _num(a.get("custody_fraction"), "{:.2f}"), _num(a.get("longest_gap_s"), "{:.0f}"),
            _num(a.get("track_breaks"), "{:d}"), _num(t.get("rmse_pos_m"), "{:.0f}"),
            _num(t.get("nees_mean"), "{:.2f}") + (" (6 dof)" if t.get("nees_mean") else ""),
            "<br>".join(f"{_e(k)} s: {v:.3g}" for k, v in areas.items()) or "—",
            (f"{imp['lat_deg']:.2f}°, {imp['lon_deg']:.2f}° ± {imp['sigma_km']:.0f} km"
             if imp else "—"),
            "<br>".join(f"{_e(k)}: {v:.0f}" for k, v in windows.items()) or "—",
            _e(t.get("ir_model", "—")),
        ])
    labels = ["kind", "status", "flight time [s]", "ground track flown [km]", "first detection [s]",
              "first firm track [s]", "warning from first detection [s]",
              "warning from first firm track [s]", "warning measured to", "custody fraction",
              "longest custody gap [s]", "track breaks", "track RMSE, position [m]",
              "NEES mean (of 6 dof)", "footprint area at t [km²] (gliders: reachable)",
              "impact if no further manoeuvre (extrapolation, 1σ)",
              "engagement window [s]", "infrared model (ir_w_sr)"]
    rows = [[_e(lab)] + [c[i] for c in cells] for i, lab in enumerate(labels)]
    return _table(["threat"] + names, rows, left=1)


def _sensor_table(run: RunData) -> str:
    rows = [[_e(s.get("name")), _e(s.get("threat")),
             _when(run, s.get("first_detection_t_s"), none="never"),
             _when(run, s.get("last_detection_t_s")), _num(s.get("detections"), "{:d}"),
             _num(s.get("detected_fraction"), "{:.2f}")]
            for s in (run.summary or {}).get("sensors", [])]
    if not rows:
        return ""
    return "<h3>Sensors</h3>" + _table(
        ["sensor", "threat", "first detection [s]", "last detection [s]", "detections",
         "detected fraction"], rows, left=2)


def _samples_table(run: RunData) -> str:
    """Quantiles over the samples of a Monte Carlo run (nothing for a single sample)."""
    m = run.metrics
    if m is None or "sample" not in m.columns or m["sample"].nunique() < 2:
        return ""
    q = lambda v: "—" if v != v else f"{v:.4g}"  # noqa: E731  (NaN: nobody had a value)
    rows = [[_e(r.threat), _e(r.figure), str(r.samples), str(r.with_value), q(r.p10),
             q(r.median), q(r.p90)] for r in samples_figures.sample_statistics(m).itertuples()]
    return ("<h3>Over all samples</h3>" + _table(
        ["threat", "figure", "samples", "with a value", "10 %", "median", "90 %"], rows,
        left=2))


def _figure_html(f: figures.Figure) -> str:
    body = (f'<img alt="{_e(f.title)}" src="data:image/png;base64,{f.png_b64}">'
            if f.png_b64 else "")
    note = f'<p class="note">{_e(f.note)}</p>' if f.note else ""
    return (f'<section id="{_e(f.key)}"><h2>{_e(f.title)}</h2><figure>{body}'
            f"<figcaption>{_e(f.caption)}</figcaption></figure>{note}</section>")


def _manifest_section(run: RunData) -> str:
    m = run.manifest
    if m is None:
        return '<h2>Manifest</h2><p class="note">manifest.json missing: versions unknown.</p>'
    keys = ["hyperdef_version", "created_utc", "command", "seed", "samples", "wall_time_s",
            "python", "platform", "jax_backend", "jax_x64"]
    rows = [[_e(k), _e(m.get(k))] for k in keys if k in m]
    libs = [[_e(k), _e(v if v is not None else "not installed")]
            for k, v in (m.get("libraries") or {}).items()]
    extra = {k: v for k, v in m.items() if k not in keys + ["libraries", "outputs"]}
    out = "<h2>Manifest</h2>" + _table(["field", "value"], rows, left=2)
    if libs:
        out += "<h3>Libraries</h3>" + _table(["library", "version"], libs, left=2)
    if m.get("outputs"):
        out += f"<p class=small>Outputs: {_e(', '.join(m['outputs']))}</p>"
    if extra:
        out += f"<details><summary>More</summary><pre>{_e(json.dumps(extra, indent=2))}</pre>"
        out += "</details>"
    return out


def _scenario_section(run: RunData) -> str:
    path = run.folder / "scenario.resolved.yaml"
    if run.scenario is None or not path.exists():
        return ""
    return ("<details><summary>Resolved scenario (scenario.resolved.yaml)</summary>"
            f"<pre>{_e(path.read_text())}</pre></details>")


def render(run: RunData) -> str:
    """The report page as a string (every figure drawn from `run`)."""
    sc = run.scenario or {}
    title = sc.get("name") or (run.summary or {}).get("scenario") or run.folder.name
    figs = [samples_figures.over_samples(run), figures.ground_tracks(run),
            figures.flight_profiles(run), figures.access_timeline(run),
            access_figures.access_gantt(run), snr_figures.snr_vs_time(run),
            tracking_figures.track_error(run),
            tracking_figures.nees(run), consistency_figures.set_metrics(run),
            consistency_figures.nis(run), assessment_figures.footprints(run),
            assessment_figures.engagement(run)]
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    epoch = sc.get("epoch", "")
    head = (f"<h1>hyperdef report — {_e(title)}</h1>"
            f'<p class="small">{_e(sc.get("description", ""))}</p>'
            f'<p class="small">Epoch {_e(epoch)} · seed {_e(sc.get("seed", "—"))} · '
            f"samples {_e(sc.get('samples', '—'))} · report written {made} · all "
            "threats, sensors and interceptor envelopes are notional.</p>")
    toc = " · ".join(f'<a href="#{_e(f.key)}">{_e(f.title)}</a>' for f in figs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>hyperdef report — {_e(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style><script>{CHECK_IMAGES_JS}</script></head><body>"
        f"{head}{_missing_section(run)}<p class=small>{toc}</p>"
        f"<h2>Summary</h2>{_summary_table(run)}{_sensor_table(run)}{_samples_table(run)}"
        f"{''.join(_figure_html(f) for f in figs)}"
        f"{_manifest_section(run)}{_scenario_section(run)}</body></html>\n")


def write_report(run_dir) -> Path:
    """Write `report.html` into the run folder and return its path.

    Reads only the folder's files (truth.zarr, detections.parquet, tracks.zarr, metrics.parquet,
    summary.json, manifest.json, scenario.resolved.yaml); any of them may be missing. Raises
    FileNotFoundError only when run_dir is not a folder.
    """
    run = load_run(run_dir)
    out = Path(run_dir) / "report.html"
    out.write_text(render(run), encoding="utf-8")
    return out


def write_run_report(run_dir, sensitivities: dict | None = None) -> Path:
    """`write_report`, then the run's sensitivities section when it computed them.

    The `hyperdef.pipeline.ReportWriter` the command line and hyperdef.api hand the pipeline,
    so the report is written inside the staged run folder with the rest.
    """
    out = write_report(run_dir)
    if sensitivities is not None:
        from hyperdef.design.run_edge import sensitivities_html

        text = out.read_text(encoding="utf-8")
        out.write_text(text.replace("</body>", sensitivities_html(sensitivities) + "\n</body>"),
                       encoding="utf-8")
    return out
