"""`assess`: the analyst's answers for one run — when seen, how long held, how much warning, where
it could be going, when a notional defence could act.

It joins the truth (for scoring only), the sensors' detections, the tracker's TrackSet and the
scenario's defended areas and interceptor envelopes for one sample (sample 0 in a plain run) and
returns a `hyperdef.assessment.records.Assessment`:

- per_threat: {name: ThreatAssessment} — warning times and what they count to, custody figures,
  first detection and firm-track times, footprint areas over time, the latest predicted impact
  (always a no-manoeuvre extrapolation, and labelled so), the headline footprint ("reachable" for
  a glider: it can turn), footprints_withheld (estimates that failed `quality.QualityGate`:
  covariance size or innovation consistency), estimates_withheld (held grid times whose estimate
  failed the gate: the engagement windows coast the last trusted estimate over them, as over a
  custody gap), engagement windows per site and defended-area arrival times;
- footprints: [Footprint] (reachable sets or 95 % impact ellipses);
- timelines: {threat: ThreatTimeline (custody intervals, see `custody.custody`)};
- engagement: {threat: {site: EngagementWindow, with the window vs launch-decision time}}.

summary.json holds the same, made JSON by `hyperdef.io.jsonable.json_safe` (None, never NaN).

Definitions live in custody.py, warning.py, footprint.py (with flyout.py and ground.py) and
engagement.py. Which firm tracks are "on" a threat comes from
`hyperdef.assessment.track_scoring.score_tracks` (its track_ids), so the custody here and the
tracker's custody_fraction count the same tracks.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hyperdef.assessment import custody as cu
from hyperdef.assessment import engagement as en
from hyperdef.assessment import footprint as fp
from hyperdef.assessment.coasting import Steps, serve
from hyperdef.assessment.flyout import VehicleClass
from hyperdef.assessment.quality import QualityGate, gate_reasons, withheld_reason
from hyperdef.assessment.records import (
    EXTRAPOLATION,
    Assessment,
    Footprint,
    ImpactPoint,
    ThreatAssessment,
    ThreatTimeline,
    WithheldEstimates,
    WithheldFootprint,
)
from hyperdef.assessment.warning import DefendedAreaSpec, arrival_time_s, warning_times
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status

if TYPE_CHECKING:
    from hyperdef.assessment.sample_rows import SampleRows
    from hyperdef.assessment.track_scoring import TrackScore
    from hyperdef.sensors.observe import Observation
    from hyperdef.threats.truth import Truth
    from hyperdef.time import Epoch
    from hyperdef.tracking.trackset import TrackSet


class AssessedScenario(Protocol):
    """What `assess` reads of a scenario: the kernels take no scenario (schema) type, so this
    names the fields (a hyperdef.scenario.schema.Scenario has them)."""

    @property
    def defended_areas(self) -> Sequence[DefendedAreaSpec]: ...
    @property
    def interceptors(self) -> Sequence[en.InterceptorSite]: ...
    @property
    def atmosphere(self) -> str: ...


@dataclasses.dataclass(frozen=True)
class AssessOptions:
    """Choices of the assessment that are not physics (all documented in the report)."""

    sample_index: int = 0
    footprint_every_s: float = 60.0  # a footprint per minute of firm track …
    max_footprints: int = 6  # … thinned evenly to at most this many per threat
    decision_points: int = 21  # launch-decision times for the window-vs-decision curve
    max_bank_deg: float = 75.0
    fallback_lift_to_drag: float = 2.6  # when the truth has no single L/D (aero tables)
    fallback_beta_kgpm2: float = 5000.0
    footprint: fp.FootprintOptions = fp.FootprintOptions()
    quality: QualityGate = QualityGate()  # track-derived products need a converged estimate


def _first_detection(detections: pd.DataFrame | None, sample_id: int, o: int,
                     rows: NDArray[np.int64] | None = None) -> float | None:
    """Time [s] of threat o's first detection in sample sample_id (None: never detected);
    rows: the sample's rows of the table where the caller has indexed it (`SampleRows`)."""
    if detections is None or len(detections) == 0:
        return None
    if rows is None:
        rows = np.flatnonzero(detections["sample"].to_numpy() == sample_id)
    mine = rows[detections["truth_id"].to_numpy()[rows] == o]
    return float(detections["t_s"].to_numpy()[mine].min()) if len(mine) else None


def _vehicle(truth: Truth, s: int, o: int, opts: AssessOptions) -> VehicleClass:
    """The defence's assumed vehicle class: the threat's own (sample) β and L/D — the class is
    taken as known from intelligence; only the state comes from the track."""
    beta = float(np.asarray(truth.beta_kgpm2)[s, o])
    beta = beta if math.isfinite(beta) and beta > 0 else opts.fallback_beta_kgpm2
    if truth.kinds[o] == "ballistic":
        return VehicleClass(beta, 0.0, opts.max_bank_deg)
    ld = float(np.asarray(truth.lift_to_drag)[s, o])
    ld = ld if math.isfinite(ld) and ld > 0 else opts.fallback_lift_to_drag
    return VehicleClass(beta, ld, opts.max_bank_deg)


def _footprint_indices(t_s: np.ndarray, holder: np.ndarray, opts: AssessOptions) -> list[int]:
    held = np.flatnonzero(holder >= 0)
    if held.size == 0:
        return []
    t_held = t_s[held]
    marks = np.arange(t_held[0], t_held[-1] + 1e-9, opts.footprint_every_s)
    idx = sorted({int(held[np.argmin(np.abs(t_held - m))]) for m in marks})
    if len(idx) > opts.max_footprints:
        pick = np.round(np.linspace(0, len(idx) - 1, opts.max_footprints)).astype(int)
        idx = [idx[i] for i in pick]
    return idx


def _footprints(name: str, kind: str, t_s: np.ndarray, x: np.ndarray, P: np.ndarray,
                holder_cols: np.ndarray, vehicle: VehicleClass, atmosphere: str,
                earth: EarthModel, opts: AssessOptions,
                withheld: list[WithheldFootprint] | None = None,
                reasons: list[str | None] | None = None) -> list[Footprint]:
    """[Footprint] of one threat at its footprint times; x (K,T,6), P (K,T,6,6) of the sample.
    Times whose estimate fails the quality gate (`reasons`, from `quality.gate_reasons`; None: the
    covariance gate alone) are appended to `withheld` as `WithheldFootprint`."""
    out: list[Footprint] = []
    withheld = [] if withheld is None else withheld
    if kind == "cruise":  # powered flight: an unpowered prediction would mislead
        return out
    for i in _footprint_indices(t_s, holder_cols, opts):
        k = int(holder_cols[i])
        x6, P6 = x[k, i], P[k, i]
        if reasons is not None:
            why = reasons[i]
        else:
            why = ("track estimate not finite" if not np.all(np.isfinite(x6))
                   else withheld_reason(P6, opts.quality))
        if why is not None:
            withheld.append(WithheldFootprint(t_s=float(t_s[i]), reason=why))
            continue
        pred = fp.predict_impact(x6, P6, vehicle, atmosphere=atmosphere, earth=earth,
                                 options=opts.footprint)
        if kind == "glide":
            reach = fp.reachable_footprint(x6, P6, vehicle, atmosphere=atmosphere, earth=earth,
                                           options=opts.footprint)
            if reach is None:
                continue
            poly, area, what = reach.polygon, reach.area_km2, "reachable"
        else:
            if pred is None:
                continue
            (poly, area), what = fp.ellipse_polygon(pred), "impact_ellipse_95"
        out.append(Footprint(threat=name, t_s=float(t_s[i]), kind=what, polygon=poly,
                             area_km2=area, predicted_impact=pred))
    return out


def assess(scenario: AssessedScenario, truth: Truth | None, observation: Observation | None,
           trackset: TrackSet | None, *, epoch: Epoch | None, earth: EarthModel,
           options: AssessOptions = AssessOptions(),
           nis: pd.DataFrame | None = None,
           scores: list[TrackScore] | None = None,
           rows: SampleRows | None = None) -> Assessment:
    """Custody, warning, footprints and engagement windows of one sample (see module docstring).

    scenario: hyperdef.scenario.schema.Scenario (defended_areas, interceptors, atmosphere);
    truth: hyperdef.threats.truth.Truth or None; observation: hyperdef.sensors.observe.Observation
    or None; trackset: hyperdef.tracking.trackset.TrackSet or None; epoch: hyperdef.time.Epoch
    (recorded only); earth: EarthModel. nis: NIS rows (`io.run_metrics.nis_table`) holding the
    sample's, those of the whole run or the sample's alone, where the caller has them, else the
    sample's rows are computed here when the quality gate needs them; scores: the sample's
    `score_tracks`, likewise; rows: the batch's detections and assignments indexed by sample
    (`SampleRows`), where a caller assessing many samples of one batch has them. Never raises for
    missing stages: no threats → empty result; no sensors → every threat "never detected".
    """
    return serve(assessing(scenario, truth, observation, trackset, epoch=epoch, earth=earth,
                           options=options, nis=nis, scores=scores, rows=rows))


def assessing(scenario: AssessedScenario, truth: Truth | None,
              observation: Observation | None, trackset: TrackSet | None, *,
              epoch: Epoch | None, earth: EarthModel, options: AssessOptions = AssessOptions(),
              nis: pd.DataFrame | None = None, scores: list[TrackScore] | None = None,
              rows: SampleRows | None = None) -> Steps[Assessment]:
    """`assess` as steps (`assessment.coasting`): yields the coasts its engagement windows
    need, so that a caller assessing a batch's samples flies them all at once (`serve_all`)."""
    del epoch  # times are seconds since the epoch throughout; nothing here needs the calendar
    if truth is None or len(truth.names) == 0:
        return Assessment()
    s = options.sample_index
    sid = int(np.asarray(truth.sample_ids)[s])
    t_s = np.asarray(truth.t_s, np.float64)
    detections = observation.detections if observation is not None else None
    if trackset is not None and scores is None:
        from hyperdef.assessment.track_scoring import score_tracks
        scores = score_tracks(trackset, truth, detections, sample_index=s, rows=rows)
    areas, sites = list(scenario.defended_areas), list(scenario.interceptors)
    nis_cache: list[pd.DataFrame | None] = []

    def nis_rows() -> pd.DataFrame | None:
        """The sample's NIS rows, computed once and only when some threat is held."""
        if not nis_cache and nis is not None:
            mine = nis["sample"].to_numpy() == sid
            nis_cache.append(nis if mine.all() else nis[mine])
        if not nis_cache:
            from hyperdef.io import run_metrics as rm

            nis_cache.append(None if detections is None else rm.nis_table(
                trackset, detections, q_m2ps3=rm.nis_q_m2ps3(getattr(scenario, "tracker", None)),
                sample_id=sid))
        return nis_cache[0]
    atmosphere = scenario.atmosphere
    per_threat, footprints, timelines, engagement = {}, [], {}, {}

    for o, name in enumerate(truth.names):
        fly = np.asarray(truth.in_flight)[s, o]
        det = ({k: np.asarray(v)[s, o] for k, v in observation.detected.items()}
               if observation is not None else {})
        if trackset is not None and scores is not None:  # scores come with a TrackSet
            holder = cu.holder_timeline(trackset.state[s], trackset.track_ids,
                                        scores[o].track_ids)
        else:
            holder = np.full(len(t_s), -1, np.int64)
        cust = cu.custody(t_s, fly, holder, det)
        first_det = _first_detection(detections, sid, o,
                                     None if rows is None else rows.detections_of(sid))

        r = np.asarray(truth.r_ecef_m)[s, o]
        lat, lon, _ = (np.asarray(a) for a in ecef_to_geodetic(r, earth))
        alt = np.asarray(truth.alt_m)[s, o]
        impacted = int(np.asarray(truth.status)[s, o]) == Status.IMPACT
        t_end = float(np.asarray(truth.t_end_s)[s, o])
        impact = ((t_end, float(np.asarray(truth.impact_lat_rad)[s, o]),
                   float(np.asarray(truth.impact_lon_rad)[s, o])) if impacted else None)
        arrivals = {a.name: arrival_time_s(
            t_s, lat, lon, alt, fly, area_lat_rad=math.radians(a.lat_deg),
            area_lon_rad=math.radians(a.lon_deg), radius_m=a.radius_km * 1e3, impact=impact,
            earth=earth) for a in areas}
        warn = warning_times(first_det, cust.first_firm_track_t_s, arrivals,
                             t_end if impacted else None)
        first_firm = cust.first_firm_track_t_s

        # Track columns of this threat's holder: map ids to columns of the TrackSet arrays.
        cols = np.full(len(t_s), -1, np.int64)
        prints: list[Footprint] = []
        engage: dict[str, en.EngagementWindow] = {}
        withheld: list[WithheldFootprint] = []
        withheld_steps = WithheldEstimates()
        if trackset is not None and (holder >= 0).any():
            col_of = {int(tid): c for c, tid in enumerate(np.asarray(trackset.track_ids))}
            cols = np.asarray([col_of[int(h)] if h >= 0 else -1 for h in holder], np.int64)
            x, P = np.asarray(trackset.x)[s], np.asarray(trackset.P)[s]
            vehicle = _vehicle(truth, s, o, options)
            reasons = gate_reasons(t_s, x, P, cols, np.asarray(trackset.track_ids),
                                    nis_rows(), options.quality)
            gated = np.asarray([r is not None for r in reasons])
            withheld_steps = WithheldEstimates(
                steps=int(gated.sum()), held_steps=int((cols >= 0).sum()),
                reason=next((r for r in reasons if r is not None), None))
            prints = _footprints(name, truth.kinds[o], t_s, x, P, cols, vehicle, atmosphere,
                                 earth, options, withheld, reasons)
            if sites:
                # the defence acts on trusted estimates only: a withheld one is replaced by
                # the last trusted estimate coasted forward, as in a custody gap
                pos = yield from en.predicting_positions(
                    t_s, x, np.where(gated, -1, cols), vehicle, atmosphere, earth,
                    options.footprint.flight)
                t_fly = t_s[fly] if fly.any() else t_s
                decisions = np.linspace(t_fly[0], t_fly[-1], options.decision_points)
                for site in sites:
                    win = en.engagement_window(t_s, pos, site, first_firm, earth=earth)
                    curve = en.DecisionCurve(
                        decision_t_s=decisions,
                        window_s=en.window_vs_decision(t_s, pos, site, decisions, earth=earth))
                    engage[site.name] = dataclasses.replace(win, vs_decision=curve)
        for site in sites:
            engage.setdefault(site.name, en.engagement_window(t_s, None, site, None))

        latest = prints[-1].predicted_impact if prints else None
        per_threat[name] = ThreatAssessment(
            warning_time_s=warn.warning_time_s,
            warning_from_detection_s=warn.warning_from_detection_s,
            warning_to=warn.warning_to,
            warning_missing=warn.warning_missing,
            custody_fraction=cust.custody_fraction,
            longest_gap_s=cust.longest_gap_s,
            track_breaks=cust.track_breaks,
            first_detection_t_s=first_det,
            first_firm_track_t_s=first_firm,
            detection="detected" if first_det is not None else "never detected",
            footprint_area_km2_at={f.t_s: f.area_km2 for f in prints},
            predicted_impact=(ImpactPoint(latest.lat_deg, latest.lon_deg, latest.sigma_km)
                              if latest else None),
            predicted_impact_basis=EXTRAPOLATION,
            # A glider can turn: its reachable footprint is the headline, and the impact point
            # is only where it would land if it stopped manoeuvring.
            headline_footprint=("reachable" if truth.kinds[o] == "glide"
                                else "impact_ellipse_95"),
            footprints_withheld=withheld,
            estimates_withheld=withheld_steps,
            engagement_window_s={k: v.window_s for k, v in engage.items()},
            defended_area_arrival_t_s=arrivals,
        )
        footprints += prints
        timelines[name] = ThreatTimeline(cust.timeline, warn.event_t_s, warn.warning_to)
        engagement[name] = engage
    return Assessment(per_threat, footprints, timelines, engagement)
