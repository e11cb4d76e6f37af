"""The records `hyperdef.assessment.summary.assess` returns: one run's assessment, typed.

Each is a frozen dataclass with unit-suffixed fields; the stage records they hold come from
`custody` (`Custody`, `CustodyTimeline`), `warning` (`WarningTimes`), `footprint`
(`ImpactPrediction`) and `engagement` (`EngagementWindow`). Nothing here is JSON: summary.json,
metrics.parquet and the campaign rows turn the records into plain values at their edge
(`hyperdef.io.jsonable.json_safe`), where a record whose JSON shape differs from its fields
(keys formatted, a nested record flattened) says so in its `to_dict`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hyperdef.assessment.custody import CustodyTimeline
from hyperdef.assessment.engagement import EngagementWindow
from hyperdef.assessment.footprint import ImpactPrediction

# Every predicted impact is the track's estimate flown without manoeuvre: reported beside it.
EXTRAPOLATION = "no-manoeuvre extrapolation (unpowered coast at zero bank)"


@dataclasses.dataclass(frozen=True)
class ImpactPoint:
    """The headline of an `ImpactPrediction`: where [deg] and how uncertain (1σ semi-major) [km]."""

    lat_deg: float
    lon_deg: float
    sigma_km: float


@dataclasses.dataclass(frozen=True)
class Footprint:
    """One footprint of one threat at one firm-track time.

    kind: "reachable" (a glider's reachable set) or "impact_ellipse_95" (the 95 % ellipse of the
    predicted impact); polygon: [[lat_deg, lon_deg], …] [deg]; area_km2 [km²]; predicted_impact:
    the estimate's no-manoeuvre impact (None: it does not reach the ground).
    """

    threat: str
    t_s: float
    kind: str
    polygon: list[list[float]]
    area_km2: float
    predicted_impact: ImpactPrediction | None
    predicted_impact_basis: str = EXTRAPOLATION


@dataclasses.dataclass(frozen=True)
class WithheldFootprint:
    """A footprint time whose estimate failed `quality.QualityGate`, and why."""

    t_s: float
    reason: str


@dataclasses.dataclass(frozen=True)
class WithheldEstimates:
    """Held grid times whose estimate failed the gate (steps) out of the held ones (held_steps);
    reason: the first failure's words (None: none failed)."""

    steps: int = 0
    held_steps: int = 0
    reason: str | None = None


@dataclasses.dataclass(frozen=True)
class ThreatAssessment:
    """The analyst's figures for one threat (definitions in `custody`, `warning`, `footprint`,
    `engagement`; times [s] since the epoch, None where there is none).

    detection: "detected" | "never detected"; footprint_area_km2_at: {t_s: area [km²]} of the
    footprints; predicted_impact: the latest footprint's impact point (None: none);
    headline_footprint: "reachable" for a glider (it can turn), else "impact_ellipse_95";
    engagement_window_s: {site: window [s]}; defended_area_arrival_t_s: {area: t [s] or None}.
    """

    warning_time_s: float | None
    warning_from_detection_s: float | None
    warning_to: str
    warning_missing: str | None
    custody_fraction: float | None
    longest_gap_s: float | None
    track_breaks: int
    first_detection_t_s: float | None
    first_firm_track_t_s: float | None
    detection: str
    footprint_area_km2_at: dict[float, float]
    predicted_impact: ImpactPoint | None
    predicted_impact_basis: str
    headline_footprint: str
    footprints_withheld: list[WithheldFootprint]
    estimates_withheld: WithheldEstimates
    engagement_window_s: dict[str, float]
    defended_area_arrival_t_s: dict[str, float | None]

    # summary.json's object: field values of mixed types (JSON-made at the io edge).
    def to_dict(self) -> dict[str, Any]:
        """The record as summary.json writes it: footprint times as keys in `%g` form."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["footprint_area_km2_at"] = {f"{t:g}": a for t, a in self.footprint_area_km2_at.items()}
        return out


@dataclasses.dataclass(frozen=True)
class ThreatTimeline:
    """A threat's custody intervals with the event its warning counts to (t [s], what)."""

    custody: CustodyTimeline
    event_t_s: float | None
    warning_to: str

    def to_dict(self) -> dict[str, Any]:
        """The record as summary.json writes it: the custody intervals at the top level."""
        return {**{f.name: getattr(self.custody, f.name)
                   for f in dataclasses.fields(self.custody)},
                "event_t_s": self.event_t_s, "warning_to": self.warning_to}


@dataclasses.dataclass(frozen=True)
class Assessment:
    """One sample's assessment: figures, footprints, timelines and engagement windows per threat.

    per_threat: {threat: ThreatAssessment}; footprints: every threat's, in threat then time
    order; timelines: {threat: ThreatTimeline}; engagement: {threat: {site: EngagementWindow}}.
    """

    per_threat: dict[str, ThreatAssessment] = dataclasses.field(default_factory=dict)
    footprints: list[Footprint] = dataclasses.field(default_factory=list)
    timelines: dict[str, ThreatTimeline] = dataclasses.field(default_factory=dict)
    engagement: dict[str, dict[str, EngagementWindow]] = dataclasses.field(default_factory=dict)
