"""Warning time: from first detection and from first firm track to the event that matters.

The event is the threat's *arrival at a defended area* when it reaches one (the earliest over the
scenario's `defended_areas`), otherwise its *impact*. A threat that neither reaches an area nor
impacts inside the simulated time has no warning time (None, with `warning_to` = "none").

Arrival at a defended area (name, centre, ground radius R): the first time the point below the
threat (its geodetic latitude/longitude) is within R of the centre *while the threat is below
`ceiling_m`* (default 100 km, the conventional edge of space). The ceiling keeps a ballistic
missile passing high overhead in mid-course from counting as an arrival; it arrives when it comes
back down over the area. Distances are geodesics on the scenario's Earth model
(`hyperdef.earth.distance.geodesic_m`, Vincenty), so circles across the antimeridian or near a pole
need no special case. The crossing is placed between grid times by linear interpolation of the
distance margin d − R, or at the impact time when only the impact point lies inside.

A negative warning time is reported as it is: the firm track came after the event.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Protocol

import numpy as np
from jax.typing import ArrayLike

from hyperdef.earth.distance import geodesic_m
from hyperdef.earth.model import WGS84, EarthModel

ARRIVAL_CEILING_M = 100e3  # the Kármán line (FAI): above it the threat is not "over" the area


class NamedPlace(Protocol):
    """A named place on the ground (defended areas, interceptor sites): read-only fields, so
    frozen records and the scenario's entries match alike."""

    @property
    def name(self) -> str: ...
    @property
    def lat_deg(self) -> float: ...
    @property
    def lon_deg(self) -> float: ...


class DefendedAreaSpec(NamedPlace, Protocol):
    """A defended area's fields (the scenario's `defended_areas:` entries)."""

    @property
    def radius_km(self) -> float: ...


def arrival_time_s(t_s: ArrayLike, lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike,
                   in_flight: ArrayLike, *, area_lat_rad: float, area_lon_rad: float,
                   radius_m: float, impact: tuple[float, float, float] | None = None,
                   ceiling_m: float = ARRIVAL_CEILING_M,
                   earth: EarthModel = WGS84) -> float | None:
    """First time [s] the threat is over a defended area below the ceiling, or None.

    Args:
      t_s: (T,) grid [s]; lat_rad, lon_rad: (T,) geodetic sub-threat point [rad]; alt_m: (T,)
        height [m]; in_flight: (T,) bool. NaN entries are ignored.
      area_lat_rad, area_lon_rad: area centre [rad]; radius_m: its ground radius [m].
      impact: optional (t_impact_s, lat_rad, lon_rad) appended after the last in-flight time.
      ceiling_m: arrivals count only below this height [m].
      earth: Earth model for the geodesic distances.
    Returns:
      float arrival time [s] or None.
    """
    # The impact slot is always appended (NaN when there is none) and distances are taken on the
    # whole grid before masking, so every call has the same array shape: one compilation per run.
    imp = impact if impact is not None else (np.nan, np.nan, np.nan)
    t = np.append(np.asarray(t_s, np.float64), imp[0])
    lat = np.append(np.asarray(lat_rad, np.float64), imp[1])
    lon = np.append(np.asarray(lon_rad, np.float64), imp[2])
    alt = np.append(np.asarray(alt_m, np.float64), 0.0)
    fly = np.append(np.asarray(in_flight, bool), True)
    ok = fly & np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt)
    d = np.asarray(geodesic_m(np.where(ok, lat, 0.0), np.where(ok, lon, 0.0), area_lat_rad,
                              area_lon_rad, earth=earth))
    t, alt, margin = t[ok], alt[ok], d[ok] - radius_m
    if t.size == 0:
        return None
    inside = (margin <= 0.0) & (alt <= ceiling_m)
    if not inside.any():
        return None
    j = int(np.argmax(inside))
    # Interpolate only when the step before was a plain distance crossing (below the ceiling).
    if j > 0 and margin[j - 1] > 0.0 and alt[j - 1] <= ceiling_m:
        frac = margin[j - 1] / (margin[j - 1] - margin[j])
        return float(t[j - 1] + frac * (t[j] - t[j - 1]))
    return float(t[j])


@dataclasses.dataclass(frozen=True)
class WarningTimes:
    """Warning of one threat: lead times to its event and what the event is.

    warning_time_s: event minus first firm track [s]; warning_from_detection_s: event minus first
    detection [s] (each None when either time is missing); warning_to: "defended_area:<name>",
    "impact" or "none"; event_t_s: the event's time [s] or None; warning_missing: None when
    warning_time_s is a number, else why it is missing (`missing_reason`).
    """

    warning_time_s: float | None
    warning_from_detection_s: float | None
    warning_to: str
    event_t_s: float | None
    warning_missing: str | None


def warning_times(first_detection_t_s: float | None, first_firm_track_t_s: float | None,
                  arrivals: Mapping[str, float | None],
                  impact_t_s: float | None) -> WarningTimes:
    """Warning times to the earliest defended-area arrival, else to impact.

    Args:
      first_detection_t_s, first_firm_track_t_s: float [s] or None (never).
      arrivals: {area name: arrival time [s] or None}.
      impact_t_s: impact time [s] or None (no impact in the simulated time).
    Returns:
      `WarningTimes`.
    """
    reached = {k: v for k, v in arrivals.items() if v is not None and math.isfinite(v)}
    if reached:
        name = min(reached, key=reached.__getitem__)
        event, to = reached[name], f"defended_area:{name}"
    elif impact_t_s is not None and math.isfinite(impact_t_s):
        event, to = float(impact_t_s), "impact"
    else:
        event, to = None, "none"

    def lead(t0: float | None) -> float | None:
        return None if (event is None or t0 is None) else float(event - t0)

    return WarningTimes(warning_time_s=lead(first_firm_track_t_s),
                        warning_from_detection_s=lead(first_detection_t_s),
                        warning_to=to, event_t_s=event,
                        warning_missing=missing_reason(first_detection_t_s,
                                                       first_firm_track_t_s, event))


def missing_reason(first_detection_t_s: float | None, first_firm_track_t_s: float | None,
                   event_t_s: float | None) -> str | None:
    """Why a threat has no warning time, in words an analyst can quote; None when it has one.

    The three causes are distinct findings: the sensors never saw it; they saw it but the
    tracker never held a firm track (a tracking, not a sensing, gap); or it was tracked but
    neither reached a defended area nor impacted inside the simulated time (extend duration_s).
    """
    if first_detection_t_s is None:
        return "never detected"
    if first_firm_track_t_s is None:
        return (f"detected from {first_detection_t_s:.0f} s but never firmly tracked")
    if event_t_s is None:
        return (f"firmly tracked from {first_firm_track_t_s:.0f} s; no defended-area arrival "
                "or impact within the simulated time")
    return None
