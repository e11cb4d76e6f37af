"""Engagement windows of notional interceptor sites, from the *track* (never the truth).

An interceptor site is a kinematic envelope only (scenario `interceptors:`): an average fly-out
speed v, a maximum slant range R_max, an intercept altitude band [h_min, h_max] and a reaction
time τ. No guidance law and no real system parameter is modelled: the question is only *could
anything from this site be at the threat's predicted position in time?*

For a launch decision at t_d, a grid time t offers an intercept point when the threat's predicted
position p(t) (the firm track's estimate, or its coasted prediction where custody lapsed — built
by `predicted_positions`) satisfies

    h_min ≤ alt(p(t)) ≤ h_max,   d(t) = |p(t) − s| ≤ R_max,   t − t_d ≥ τ + d(t)/v,

with s the site's ECEF position. The decision cannot precede the first firm track, so the reported
window uses t_d = first firm track time; `window_vs_decision` repeats the count for other decision
times to show how the window grows or shrinks with earlier or later firm tracks (positions are
still only those the track supplies). The window length is the sum of the grid step weights
(`custody.step_weights_s`) of the feasible times: its resolution is the scenario's step_s.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

import numpy as np
from jax.typing import ArrayLike

from hyperdef.assessment.coasting import Coast, Steps, serve
from hyperdef.assessment.custody import intervals, step_weights_s
from hyperdef.assessment.flyout import FlightOptions, VehicleClass
from hyperdef.assessment.warning import NamedPlace
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.earth.model import WGS84, EarthModel


class InterceptorSite(NamedPlace, Protocol):
    """The envelope fields of an interceptor site (the scenario's `interceptors:` entries, or
    any record with the same fields)."""

    @property
    def alt_m(self) -> float: ...
    @property
    def flyout_speed_mps(self) -> float: ...
    @property
    def max_range_km(self) -> float: ...
    @property
    def min_alt_km(self) -> float: ...
    @property
    def max_alt_km(self) -> float: ...
    @property
    def reaction_time_s(self) -> float: ...


@dataclasses.dataclass(frozen=True)
class DecisionCurve:
    """Window length [s] (D,) against launch-decision time [s] (D,) of one site and threat."""

    decision_t_s: np.ndarray
    window_s: np.ndarray


@dataclasses.dataclass(frozen=True)
class EngagementWindow:
    """One site's engagement window against one threat for one launch-decision time.

    window_s: summed step weights of the feasible grid times [s] (0 when none or no decision);
    intervals: [[t0, t1], …] [s]; first_intercept_t_s / last_intercept_t_s: the first and last
    feasible grid times [s] (None: none); vs_decision: the window against other decision times,
    where the track gave positions to repeat the count on (None otherwise).
    """

    window_s: float
    intervals: list[list[float]]
    first_intercept_t_s: float | None
    last_intercept_t_s: float | None
    vs_decision: DecisionCurve | None = None

    # summary.json's object: field values of mixed types (JSON-made at the io edge).
    def to_dict(self) -> dict[str, Any]:
        """The record as summary.json writes it: `vs_decision` only where there is one."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if self.vs_decision is None:
            del out["vs_decision"]
        return out


def site_ecef_m(site: InterceptorSite, earth: EarthModel = WGS84) -> np.ndarray:
    """(3,) ECEF position [m] of an interceptor site (fields lat_deg, lon_deg, alt_m)."""
    return np.asarray(geodetic_to_ecef(np.radians(site.lat_deg), np.radians(site.lon_deg),
                                       float(site.alt_m), earth))


def feasible(t_s: ArrayLike, r_pred_ecef_m: ArrayLike, site: InterceptorSite,
             t_decision_s: ArrayLike, *, earth: EarthModel = WGS84) -> np.ndarray:
    """(..., T) bool: an intercept point inside the envelope exists at each grid time.

    Args:
      t_s: (T,) grid [s].
      r_pred_ecef_m: (T, 3) predicted threat position, ECEF [m]; NaN rows = no prediction.
      site: interceptor envelope (hyperdef.scenario.assessment.Interceptor or same fields).
      t_decision_s: scalar or (D,) launch-decision times [s] (broadcast against the grid).
      earth: Earth model for altitudes and the site position.
    """
    t = np.asarray(t_s, np.float64)
    r = np.asarray(r_pred_ecef_m, np.float64)
    known = np.all(np.isfinite(r), axis=-1)
    r_safe = np.where(known[:, None], r, 0.0)
    _, _, alt = ecef_to_geodetic(np.where(known[:, None], r_safe, [earth.a_m, 0.0, 0.0]), earth)
    alt = np.asarray(alt)
    dist = np.linalg.norm(r_safe - site_ecef_m(site, earth), axis=-1)
    inside = (known & (alt >= site.min_alt_km * 1e3) & (alt <= site.max_alt_km * 1e3)
              & (dist <= site.max_range_km * 1e3))
    t_d = np.asarray(t_decision_s, np.float64)[..., None]
    in_time = (t - t_d) >= site.reaction_time_s + dist / site.flyout_speed_mps
    return inside & in_time


def engagement_window(t_s: ArrayLike, r_pred_ecef_m: ArrayLike | None, site: InterceptorSite,
                      t_decision_s: float | None, *,
                      earth: EarthModel = WGS84) -> EngagementWindow:
    """The engagement window of one site against one threat for a decision at t_decision_s
    (None: no decision, an empty window); `vs_decision` is left to the caller."""
    if t_decision_s is None:
        return EngagementWindow(0.0, [], None, None)
    # A decision time comes with the track's positions (`predicted_positions`).
    assert r_pred_ecef_m is not None
    ok = feasible(t_s, r_pred_ecef_m, site, t_decision_s, earth=earth)
    t = np.asarray(t_s, np.float64)
    return EngagementWindow(window_s=float(np.sum(step_weights_s(t)[ok])),
                            intervals=intervals(t, ok),
                            first_intercept_t_s=float(t[ok][0]) if ok.any() else None,
                            last_intercept_t_s=float(t[ok][-1]) if ok.any() else None)


def window_vs_decision(t_s: ArrayLike, r_pred_ecef_m: ArrayLike, site: InterceptorSite,
                       decision_t_s: ArrayLike, *,
                       earth: EarthModel = WGS84) -> np.ndarray:
    """(D,) engagement window length [s] for each launch-decision time in decision_t_s (D,)."""
    t = np.asarray(t_s, np.float64)
    ok = feasible(t, r_pred_ecef_m, site, np.asarray(decision_t_s, np.float64), earth=earth)
    return ok.astype(np.float64) @ step_weights_s(t)


def predicted_positions(t_s: np.ndarray, x: np.ndarray, holder_cols: np.ndarray,
                        vehicle: VehicleClass, atmosphere: str, earth: EarthModel,
                        flight: FlightOptions) -> np.ndarray:
    """(T,3) threat position the defence believes: the holding firm track's estimate, and where
    custody lapsed after the first firm track, the last estimate coasted forward (zero bank)."""
    return serve(predicting_positions(t_s, x, holder_cols, vehicle, atmosphere, earth, flight))


def predicting_positions(t_s: np.ndarray, x: np.ndarray, holder_cols: np.ndarray,
                         vehicle: VehicleClass, atmosphere: str, earth: EarthModel,
                         flight: FlightOptions) -> Steps[np.ndarray]:
    """`predicted_positions` as steps: yields the one `Coast` it needs (if any), is sent its
    positions (`assessment.coasting`)."""
    n_t = len(t_s)
    p = np.full((n_t, 3), np.nan)
    held = holder_cols >= 0
    for j in np.flatnonzero(held):
        p[j] = x[holder_cols[j], j, :3]
    if not held.any():
        return p
    starts = [i for i in range(1, n_t) if held[i - 1] and not held[i]]
    if not starts:
        return p
    y0 = np.stack([x[holder_cols[i - 1], i - 1] for i in starts])
    ok = np.all(np.isfinite(y0), axis=1)
    if not ok.any():
        return p
    y0 = y0[ok]
    t0 = np.asarray([t_s[i - 1] for i, g in zip(starts, ok, strict=True) if g])
    ys = yield Coast(y0, t0, vehicle, np.asarray(t_s, np.float64), atmosphere, earth, flight)
    for g, i in enumerate([i for i, good in zip(starts, ok, strict=True) if good]):
        nxt = np.flatnonzero(held[i:])
        end = i + int(nxt[0]) if nxt.size else n_t
        p[i:end] = ys[g, i:end]
    return p
