"""Score a TrackSet against truth: which firm tracks follow which threat, custody, accuracy.

Which tracks are *on* a threat (documented rule, reported as `track_ids`):
1. With the detections table: a track that was ever firm is on threat o when the majority of the
   detections it used (TrackSet.assignments) carry truth_id o. A track whose majority is false
   alarms (truth_id −1) is on no threat. A track is on one threat for its whole life.
2. Without detections (or for a firm track that used none): by nearest position — the threat
   with the smallest median Mahalanobis distance d² = (r̂ − r)ᵀ P_rr⁻¹ (r̂ − r) over the times both
   exist, if that median is below chi2.ppf(1 − 1e-6, 3) ≈ 30.7 (a gate that a consistent track
   passes except with probability 1e-6 and that a track on another object ≫ 1 σ away fails).

Custody at a grid time: the threat is in flight and a firm track on it exists. When several are
firm, the one already holding keeps it (`hyperdef.assessment.custody.holder_timeline`); errors are
those of that holder. custody_fraction = held grid steps / in-flight grid steps, the same count
as the custody module. RMSE and NEES (ECEF position/velocity from `mean6`, so 6 degrees of
freedom whatever the filter's full state size) are over the held steps; a consistent filter has
nees_mean ≈ nees_dof = 6 (Bar-Shalom, Li & Kirubarajan 2001, §5.4.2).

By flight phase (`hyperdef.assessment.phases`: boost, midcourse, terminal) each record also has
a `PhaseAccuracy` (held steps, median and 90th percentile of the position error, mean NEES; None
where the phase has no held step), so a figure for one phase is not dominated by another; in
summary.json its fields are held_steps_<phase>, pos_err_median_m_<phase>, pos_err_p90_m_<phase>
and nees_mean_<phase>.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import chi2

from hyperdef.assessment.accuracy import nees
from hyperdef.assessment.custody import holder_timeline
from hyperdef.assessment.phases import PHASES, phase_masks
from hyperdef.status import Status

if TYPE_CHECKING:
    from hyperdef.assessment.sample_rows import SampleRows
    from hyperdef.threats.truth import Truth
    from hyperdef.tracking.trackset import TrackSet

FIRM = 2
NEES_DOF = 6  # position and velocity: the states every motion model shares
NEAREST_GATE = chi2.ppf(1.0 - 1e-6, 3)
_IMPACT = int(Status.IMPACT)


@dataclasses.dataclass(frozen=True)
class PhaseAccuracy:
    """Accuracy of the held steps of one flight phase (None: the phase has no held step).

    held_steps: grid steps held in the phase; pos_err_median_m, pos_err_p90_m: median and 90th
    percentile of the position error [m]; nees_mean: mean 6-dof NEES [-].
    """

    held_steps: int = 0
    pos_err_median_m: float | None = None
    pos_err_p90_m: float | None = None
    nees_mean: float | None = None


@dataclasses.dataclass(frozen=True)
class TrackScore:
    """Tracking scores of one threat in one sample (rules in the module docstring).

    first_firm_track_t_s [s] (None: never held); custody_fraction: held / in-flight steps [-]
    (None: never in flight); rmse_pos_m [m], rmse_vel_mps [m/s], nees_mean [-] over the held
    steps (None: never held); nees_dof: 6; state_dim: the filter's state size; track_ids: the
    tracks on this threat; phases: {phase: PhaseAccuracy} for each of `phases.PHASES`.
    """

    threat: str
    first_firm_track_t_s: float | None
    custody_fraction: float | None
    rmse_pos_m: float | None
    rmse_vel_mps: float | None
    nees_mean: float | None
    nees_dof: int
    state_dim: int
    track_ids: list[int]
    phases: dict[str, PhaseAccuracy]

    # summary.json's object: field values of mixed types (JSON-made at the io edge).
    def to_dict(self) -> dict[str, Any]:
        """The record as summary.json writes it: phase figures as `<field>_<phase>` keys."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del out["phases"]
        for ph, acc in self.phases.items():
            out.update({f"{f.name}_{ph}": getattr(acc, f.name) for f in dataclasses.fields(acc)})
        return out


def _json(v: float | np.floating[Any] | None) -> float | None:
    """float or None (NaN/inf → None): a figure of nothing is None, never NaN."""
    if v is None:
        return None
    f = float(v)
    return f if np.isfinite(f) else None


def track_threats(trackset: TrackSet, truth: Truth, detections: pd.DataFrame | None, *,
                  sample_index: int = 0, rows: SampleRows | None = None) -> dict[int, int]:
    """{track id: threat index} of the ever-firm tracks of one sample (rule in module doc);
    rows: the batch's tables indexed by sample, where the caller has them."""
    s = sample_index
    sid = int(np.asarray(trackset.sample_ids)[s])
    ever_firm = (np.asarray(trackset.state[s]) == FIRM).any(axis=1)
    out: dict[int, int] = {}
    majority = _majorities(trackset.assignments, detections, sid,
                           None if rows is None else rows.assignments_of(sid))
    r_true = np.asarray(truth.r_ecef_m)[s]  # (O, T, 3)
    fly = np.asarray(truth.in_flight)[s]
    for k in np.flatnonzero(ever_firm):
        tid = int(trackset.track_ids[k])
        if tid in majority:
            if majority[tid] >= 0:
                out[tid] = majority[tid]
            continue
        o = _nearest(trackset.x[s, k, :, :3], trackset.P[s, k, :, :3, :3], r_true, fly)
        if o is not None:
            out[tid] = o
    return out


def _majorities(a: pd.DataFrame | None, detections: pd.DataFrame | None,
                sid: int, rows: NDArray[np.int64] | None = None) -> dict[int, int]:
    """{track id: the truth_id most of its detections carry} of sample sid's tracks that used
    any (ties: the smaller id; −1: false alarms). rows: sample sid's rows of `a` where the
    caller has indexed the batch (`SampleRows`), else found here by a scan of the table."""
    if detections is None or a is None or not len(a) or "truth_id" not in detections:
        return {}
    mine = np.flatnonzero(a["sample"].to_numpy() == sid) if rows is None else rows
    tid = a["track_id"].to_numpy()[mine].astype(np.int64)
    src = detections["truth_id"].to_numpy()[a["detection"].to_numpy()[mine]].astype(np.int64)
    pairs, n = np.unique(np.stack([tid, src], axis=1), axis=0, return_counts=True)
    # Rows sorted by (track, truth id): a stable sort by count, largest first, puts each
    # track's majority (the smaller id on a tie) first among its rows.
    order = np.lexsort((-n, pairs[:, 0]))
    first = np.unique(pairs[order, 0], return_index=True)[1]
    best = pairs[order[first]]
    return dict(zip(best[:, 0].tolist(), best[:, 1].tolist(), strict=True))


def _nearest(x: np.ndarray, P: np.ndarray, r_true: np.ndarray,  # noqa: N803
             fly: np.ndarray) -> int | None:
    have = np.isfinite(x).all(-1)
    best, best_d2 = None, NEAREST_GATE
    for o in range(r_true.shape[0]):
        both = have & fly[o] & np.isfinite(r_true[o]).all(-1)
        if not both.any():
            continue
        d2 = np.nanmedian(nees(x[both] - r_true[o, both], P[both]))
        if d2 < best_d2:
            best, best_d2 = o, d2
    return best


def score_tracks(trackset: TrackSet, truth: Truth, detections: pd.DataFrame | None, *,
                 sample_index: int = 0, rows: SampleRows | None = None) -> list[TrackScore]:
    """Per-threat tracking scores of one sample.

    trackset: hyperdef.tracking.trackset.TrackSet on the truth's grid; truth:
    hyperdef.threats.truth.Truth (names, t_s, r_ecef_m (S,O,T,3), v_ecef_mps, in_flight (S,O,T));
    detections: the detections table (truth_id read for scoring) or None;
    sample_index: index into the sample axis; rows: the batch's tables indexed by sample
    (`SampleRows`), where a caller scoring many samples of one batch has them.
    returns: one `TrackScore` per threat, in the truth's threat order.
    """
    s = sample_index
    t = np.asarray(truth.t_s, float)
    if len(trackset.t_s) != len(t) or not np.allclose(trackset.t_s, t):
        raise ValueError("score_tracks: the TrackSet and the truth must share the time grid")
    on = track_threats(trackset, truth, detections, sample_index=s, rows=rows)
    col = {int(tid): k for k, tid in enumerate(np.asarray(trackset.track_ids))}
    out = []
    for o, name in enumerate(truth.names):
        fly = np.asarray(truth.in_flight)[s, o].astype(bool)
        ids = sorted(tid for tid, oo in on.items() if oo == o)
        holder = holder_timeline(trackset.state[s], trackset.track_ids, ids)
        held = fly & (holder >= 0)
        custody_fraction = _json(held.sum() / fly.sum()) if fly.any() else None
        if not held.any():
            out.append(TrackScore(name, None, custody_fraction, None, None, None, NEES_DOF,
                                  int(trackset.state_dim), [int(i) for i in ids],
                                  {ph: PhaseAccuracy() for ph in PHASES}))
            continue
        ti = np.flatnonzero(held)
        ks = np.asarray([col[int(h)] for h in holder[ti]])
        x = trackset.x[s, ks, ti]
        P = trackset.P[s, ks, ti]
        r = np.asarray(truth.r_ecef_m)[s, o, ti]
        v = np.asarray(truth.v_ecef_mps)[s, o, ti]
        err = x - np.concatenate([r, v], axis=-1)
        d2 = np.asarray(nees(err, P))
        pos_err = np.linalg.norm(err[:, :3], axis=-1)
        masks = phase_masks(t, np.linalg.norm(np.asarray(truth.v_ecef_mps)[s, o], axis=-1),
                            fly, **_impact(truth, s, o))
        phases = {}
        for ph, m in masks.items():
            sel = m[ti] & np.isfinite(pos_err)
            phases[ph] = (PhaseAccuracy(int(sel.sum()), _json(np.median(pos_err[sel])),
                                        _json(np.percentile(pos_err[sel], 90.0)),
                                        _json(np.nanmean(d2[sel])))
                          if sel.any() else PhaseAccuracy())
        out.append(TrackScore(
            threat=name, first_firm_track_t_s=float(t[ti[0]]), custody_fraction=custody_fraction,
            rmse_pos_m=_json(np.sqrt(np.nanmean(np.sum(err[:, :3] ** 2, -1)))),
            rmse_vel_mps=_json(np.sqrt(np.nanmean(np.sum(err[:, 3:] ** 2, -1)))),
            nees_mean=_json(np.nanmean(d2)), nees_dof=NEES_DOF,
            state_dim=int(trackset.state_dim), track_ids=[int(i) for i in ids], phases=phases))
    return out


# Keyword arguments of `phase_masks`: a bool and a float.
def _impact(truth: Truth, s: int, o: int) -> dict[str, Any]:
    """impacted/t_end_s of threat o for `phase_masks`; a Truth-like without `status` (the small
    synthetic scenes of the tracker tests) has no impact, hence no terminal phase."""
    status = getattr(truth, "status", None)
    if status is None:
        return {"impacted": False, "t_end_s": np.inf}
    return {"impacted": int(np.asarray(status)[s, o]) == _IMPACT,
            "t_end_s": float(np.asarray(truth.t_end_s)[s, o])}
