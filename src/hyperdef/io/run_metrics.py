"""Set and consistency metrics of a run, for every Monte Carlo sample: OSPA and GOSPA over time,
and the NIS of every associated detection with its χ² acceptance bounds.

Set metrics compare the firm tracks' positions with the in-flight threats' true positions at each
grid time (hyperdef.assessment.accuracy: OSPA, Schuhmacher, Vo & Vo, IEEE Trans. SP 56(8),
2008; GOSPA with α = 2, Rahmathullah, García-Fernández & Svensson, FUSION 2017), with cut-off
c = SET_CUTOFF_M and order p = SET_ORDER.

NIS is a per-update check the run folder alone cannot make (tracks.zarr holds posteriors only),
so it is computed here, where the track-to-detection assignments are at hand. Each associated
detection is compared with a one-step constant-velocity prediction of its track's estimate at the
previous grid time: x⁻ = F x, P⁻ = F P Fᵀ + Q(q, Δt) (Bar-Shalom, Li & Kirubarajan 2001, §6.2.2,
with the scenario's CV q), S = H P⁻ Hᵀ + R, NIS = νᵀ S⁻¹ ν. For a consistent filter this is
χ²(m), m the measurement's dof (2 for a line of sight, 3 or 4 for a radar); the two-sided 95 %
bounds for one value and for the run mean are those of Bar-Shalom et al. 2001, §5.4.2. Updates
of a track born on that scan (no earlier estimate) are skipped. When the tracker's own model is
not CV the prediction differs from the filter's, and the NIS is that of the CV reference.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from hyperdef.assessment.accuracy import chi2_bounds, gospa, ospa
from hyperdef.assessment.sample_rows import rows_by_sample
from hyperdef.measurement import batch as mb
from hyperdef.tracking.motion.kinematic import cv_process_noise

SET_CUTOFF_M = 10e3  # a track 10 km or more off a threat counts as missed plus false
SET_ORDER = 2.0
FIRM = 2
SET_COLUMNS = ["sample", "t_s", "ospa_m", "gospa_m", "gospa_missed", "gospa_false",
               "n_tracks", "n_threats"]
_MIN_ROWS = 256  # the smallest padded NIS batch
NIS_COLUMNS = ["sample", "t_s", "track", "sensor", "kind", "dof", "nis", "nis_lo95",
               "nis_hi95"]


def set_metrics(trackset, truth) -> pd.DataFrame:
    """OSPA and GOSPA [m] of the firm tracks against truth at every grid time of every sample.

    trackset: TrackSet (x (S, K, T, ≥6), state (S, K, T), ECEF [m]); truth: Truth (r_ecef_m
    (S, O, T, 3), NaN out of flight). Returns SET_COLUMNS rows (S·T of them, sample-major);
    gospa_missed / gospa_false count the missed threats and false tracks of GOSPA's assignment.

    Where one of the two sets has at most one point (one threat in flight, or at most one firm
    track: nearly every grid time) the optimal assignment is the cheapest pair, so those times
    are computed for all samples at once; the others go through `ospa` and `gospa`.
    """
    t = np.asarray(truth.t_s, np.float64)
    r_true = np.moveaxis(np.asarray(truth.r_ecef_m, np.float64), 1, 2)  # (S, T, O, 3)
    est = np.moveaxis(np.asarray(trackset.x, np.float64)[..., :3], 1, 2)  # (S, T, K, 3)
    firm = np.moveaxis(np.asarray(trackset.state), 1, 2) == FIRM
    has_est = np.logical_and(firm, np.all(np.isfinite(est), axis=-1))  # (S, T, K)
    has_tru = np.all(np.isfinite(r_true), axis=-1)  # (S, T, O)
    m, n = has_est.sum(-1), has_tru.sum(-1)  # (S, T) set sizes
    c, p = SET_CUTOFF_M, SET_ORDER
    with np.errstate(invalid="ignore"):
        d = np.linalg.norm(est[:, :, :, None, :] - r_true[:, :, None, :, :], axis=-1)
    cost = np.where(has_est[..., None] & has_tru[..., None, :], np.minimum(d, c) ** p, np.inf)
    pairs = cost.reshape(*cost.shape[:2], -1)
    pair = pairs.min(-1) if pairs.shape[-1] else np.full(m.shape, np.inf)
    paired = (m > 0) & (n > 0)
    pair_cost = np.where(paired, pair, 0.0)
    big = np.maximum(m, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        o = np.where(big > 0, ((c**p * np.abs(n - m) + pair_cost) / big) ** (1.0 / p), 0.0)
    g = (pair_cost + c**p / 2.0 * np.abs(m - n)) ** (1.0 / p)
    n_pairs = (paired & (pair_cost < c**p)).astype(np.int64)
    missed, false = n - n_pairs, m - n_pairs
    for s, k in zip(*np.nonzero(np.minimum(m, n) > 1), strict=True):  # the general case
        x_, y_ = est[s, k][has_est[s, k]], r_true[s, k][has_tru[s, k]]
        gs = gospa(x_, y_, c=c, p=p, alpha=2.0)
        o[s, k] = ospa(x_, y_, c=c, p=p)
        g[s, k], missed[s, k], false[s, k] = gs.distance, gs.n_missed, gs.n_false
    S, T = m.shape
    return pd.DataFrame({
        "sample": np.repeat(np.asarray(truth.sample_ids, np.int64), T), "t_s": np.tile(t, S),
        "ospa_m": o.ravel(), "gospa_m": g.ravel(), "gospa_missed": missed.ravel(),
        "gospa_false": false.ravel(), "n_tracks": m.ravel(), "n_threats": n.ravel()})


@jax.jit
def _nis_rows(meas: mb.MeasBatch, x_prev, P_prev, dt_s, q_m2ps3):  # noqa: N803
    """NIS of N detections against their CV one-step predictions (see the module docstring)."""

    def one(row, x, P, dt):  # noqa: N803
        F = jnp.eye(6).at[:3, 3:].set(dt * jnp.eye(3))  # noqa: N806
        xp = F @ x
        Pp = F @ P @ F.T + cv_process_noise(q_m2ps3, dt)  # noqa: N806
        nu = mb.innovation(row, xp[:3], xp[3:])
        H = jax.jacfwd(lambda s: -mb.innovation(row, s[:3], s[3:]))(xp)  # noqa: N806
        S = H @ Pp @ H.T + mb.noise_cov(row)  # noqa: N806
        return nu @ jnp.linalg.solve(S, nu)

    return jax.vmap(one)(meas, x_prev, P_prev, dt_s)


def nis_q_m2ps3(tracker) -> float:
    """The CV reference's acceleration PSD [m²/s³] for a scenario's `tracker:` section (or None):
    its cv motion_params, else the CV model's default."""
    from hyperdef.tracking.motion.kinematic import ConstantVelocity

    params = getattr(tracker, "motion_params", None) or {}
    return float(params.get("cv", {}).get("q_m2ps3", ConstantVelocity().q_m2ps3))


def nis_table(trackset, detections: pd.DataFrame, *, q_m2ps3: float = 100.0,
              sample_id: int | None = None) -> pd.DataFrame:
    """NIS of every associated detection of every sample (NIS_COLUMNS rows).

    trackset: TrackSet (track_ids (K,), t_s (T,), sample_ids (S,), x (S, K, T, ≥6), P, state,
    assignments (sample, detection, track_id) with `detection` the row of `detections`);
    detections: the detections table; q_m2ps3: the CV acceleration PSD [m²/s³];
    sample_id: only that sample's rows (None: every sample).
    """
    a = getattr(trackset, "assignments", None)
    if a is not None and sample_id is not None:
        a = a[a["sample"] == sample_id]
    if a is None or not len(a) or not len(detections):
        return pd.DataFrame(columns=NIS_COLUMNS)
    t = np.asarray(trackset.t_s, np.float64)
    det = detections.iloc[a["detection"].to_numpy()]
    s = _positions(trackset.sample_ids, a["sample"].to_numpy())
    if (s < 0).any():
        raise KeyError(f"assignments: sample ids {sorted(set(a['sample'][s < 0]))} are not "
                       "the TrackSet's")
    c = _positions(trackset.track_ids, a["track_id"].to_numpy())
    k = np.searchsorted(t, det["t_s"].to_numpy() - 1e-9)  # the grid time at or after the row
    prev = np.clip(k - 1, 0, None)
    x = np.asarray(trackset.x, np.float64)[s, c, prev, :6]
    P = np.asarray(trackset.P, np.float64)[s, c, prev, :6, :6]  # noqa: N806
    ok = ((c >= 0) & (k >= 1) & np.isin(np.asarray(trackset.state)[s, c, prev], (1, FIRM))
          & np.isfinite(x).all(-1) & np.isfinite(P).all((-1, -2)))
    if not ok.any():
        return pd.DataFrame(columns=NIS_COLUMNS)
    det, x, P, prev = det[ok], x[ok], P[ok], prev[ok]  # noqa: N806
    dt = det["t_s"].to_numpy() - t[prev]
    # Rows padded (with copies of the first) to a power of two: a campaign asks for every
    # sample's table, and one compile per distinct row count cost ≈ 1.7 s a sample.
    n = len(det)
    pad = np.arange(max(_MIN_ROWS, 1 << (n - 1).bit_length())) % n
    pad[n:] = 0
    meas = mb.from_detections(det.iloc[pad])
    nis = np.asarray(_nis_rows(meas, jnp.asarray(x[pad]), jnp.asarray(P[pad]),
                               jnp.asarray(dt[pad]), float(q_m2ps3)))[:n]
    dof = np.asarray(mb.dof(np.asarray(meas.kind)[:n]), np.int64)  # (n,): an array, not an int
    dofs, which = np.unique(dof, return_inverse=True)
    lo95, hi95 = np.asarray([chi2_bounds(int(m), 1) for m in dofs]).reshape(-1, 2).T
    return pd.DataFrame({
        "sample": a["sample"].to_numpy()[ok].astype(np.int64), "t_s": det["t_s"].to_numpy(),
        "track": a["track_id"].to_numpy()[ok].astype(np.int64),
        "sensor": det["sensor"].to_numpy(), "kind": det["kind"].to_numpy(),
        "dof": dof.astype(np.int64), "nis": nis,
        "nis_lo95": lo95[which], "nis_hi95": hi95[which]})


def _positions(keys: ArrayLike, values: np.ndarray) -> np.ndarray:
    """Index in keys (K,) of each of values (n,), −1 where absent (keys are unique)."""
    keys = np.asarray(keys, np.int64)
    if not len(keys):
        return np.full(len(values), -1)
    order = np.argsort(keys)
    at = np.minimum(np.searchsorted(keys[order], values), len(keys) - 1)
    return np.where(keys[order][at] == values, order[at], -1)


def nis_summary(nis: pd.DataFrame) -> dict:
    """Per-run consistency: count, mean NIS, mean dof, the share inside the single-value 95 %
    bounds, and the 95 % interval of the mean (Σ NIS ~ χ²(Σ dof) for a consistent filter)."""
    return _nis_doc(*_nis_columns(nis))


def _nis_columns(nis: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values = nis["nis"].to_numpy(np.float64)
    inside = (values >= nis["nis_lo95"].to_numpy()) & (values <= nis["nis_hi95"].to_numpy())
    return values, nis["dof"].to_numpy(np.int64), inside


def _nis_doc(values: np.ndarray, dof: np.ndarray, inside: np.ndarray) -> dict:
    if not len(values):
        return {"nis_count": 0}
    n, total_dof = len(values), int(dof.sum())
    lo, hi = chi2_bounds(total_dof, 1)
    return {"nis_count": n, "nis_mean": float(np.mean(values)),
            "nis_dof_mean": total_dof / n, "nis_inside95_fraction": float(np.mean(inside)),
            "nis_mean_lo95": lo / n, "nis_mean_hi95": hi / n}


def sample_scalars(sets: pd.DataFrame, nis: pd.DataFrame, sample_ids) -> dict[int, dict]:
    """Each sample's mean OSPA and GOSPA over its grid times [m] and its `nis_summary`, by
    sample id; sets and nis are `set_metrics` and `nis_table` of the same run."""
    set_rows = rows_by_sample(sets["sample"].to_numpy(np.int64))
    nis_rows = rows_by_sample(nis["sample"].to_numpy(np.int64))
    ospa, gospa = sets["ospa_m"].to_numpy(np.float64), sets["gospa_m"].to_numpy(np.float64)
    columns = _nis_columns(nis)
    none = np.zeros(0, np.int64)
    out = {}
    for sid in np.asarray(sample_ids).tolist():
        rows, mine = set_rows[sid], nis_rows.get(sid, none)
        out[int(sid)] = {"ospa_mean_m": float(np.mean(ospa[rows])),
                         "gospa_mean_m": float(np.mean(gospa[rows])),
                         **_nis_doc(*(c[mine] for c in columns))}
    return out
