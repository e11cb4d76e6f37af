"""Track accuracy figures: position error vs time with ±σ bands, and NEES with χ² bounds.

The track drawn for a threat at each time is the firm track holding it (assessment timelines,
`holders`); errors are taken against truth.zarr on the same grid and shown in the local east /
north / up frame at the true position, where the σ bands are the matching diagonal of R P Rᵀ.
NEES = eᵀ P⁻¹ e over position and velocity (6 dof) is χ²(6) for a consistent filter; its
two-sided 95 % interval for one run is drawn (Bar-Shalom, Li & Kirubarajan 2001, §5.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
from scipy import stats

from hyperdef.report.figures import COLORS, Figure, encode_png, needs_note, subplots
from hyperdef.report.rundata import RunData, time_axis, truth_geodetic

if TYPE_CHECKING:
    import xarray as xr


def holder_series(run: RunData, name: str):
    """(T,) track-axis column of the firm track holding `name` at each truth grid time, −1 none."""
    t = time_axis(run.truth)
    out = np.full(t.size, -1, np.int64)
    # The tracking figures are drawn only once needs_note() has found tracks.zarr.
    ids = [int(i) for i in cast("xr.Dataset", run.tracks)["track"].values]
    for t0, t1, tid in run.assessment.get("timelines", {}).get(name, {}).get("holders", []):
        if int(tid) in ids:
            out[(t >= t0) & (t < t1)] = ids.index(int(tid))
    return out


def errors(run: RunData, o: int, name: str):
    """Errors of the holding track for threat o: (t (n,), e_enu (n,3), sigma_enu (n,3), nees (n,))
    at the grid times with a holder, or None when there is none."""
    from hyperdef.earth.frames import R_enu_from_ecef

    t = time_axis(run.truth)
    cols = holder_series(run, name)
    idx = np.flatnonzero(cols >= 0)
    if idx.size == 0:
        return None
    # The tracking figures are drawn only once needs_note() has found truth and tracks.
    tracks, truth = cast("xr.Dataset", run.tracks), cast("xr.Dataset", run.truth)
    t_tr = np.asarray(tracks["time"].values, np.float64)
    k_tr = np.searchsorted(t_tr, t[idx])
    k_tr = np.clip(k_tr, 0, t_tr.size - 1)
    x = np.asarray(tracks["x"].isel(sample=0).values)[cols[idx], k_tr]
    P = np.asarray(tracks["P"].isel(sample=0).values)[cols[idx], k_tr]
    r = np.asarray(truth["r_ecef_m"].isel(sample=0).values)[o, idx]
    v = np.asarray(truth["v_ecef_mps"].isel(sample=0).values)[o, idx]
    lat, lon, _ = truth_geodetic(run.truth)
    R = np.asarray(R_enu_from_ecef(np.radians(lat[o, idx]), np.radians(lon[o, idx])))
    e6 = x - np.concatenate([r, v], axis=-1)
    e_enu = np.einsum("nij,nj->ni", R, e6[:, :3])
    p_enu = np.einsum("nij,njk,nlk->nil", R, P[:, :3, :3], R)
    sigma = np.sqrt(np.clip(np.diagonal(p_enu, axis1=1, axis2=2), 0.0, None))
    ok = np.all(np.isfinite(e6), axis=1) & np.all(np.isfinite(P.reshape(len(P), -1)), axis=1)
    nees = np.full(idx.size, np.nan)
    for i in np.flatnonzero(ok):
        try:
            nees[i] = e6[i] @ np.linalg.solve(P[i], e6[i])
        except np.linalg.LinAlgError:
            pass
    return t[idx], e_enu, sigma, nees


def _bound_enu_sigma(run: RunData, o: int, t_sel):
    """(n, 3) √diag of the PCRB position block in local ENU at times t_sel, or None."""
    from hyperdef.earth.frames import R_enu_from_ecef
    from hyperdef.report.bound import position_bound

    try:
        out = position_bound(run, o)
    except (ValueError, KeyError):  # a detections table the measurement model cannot read
        return None
    if out is None:
        return None
    t, P = out
    k = np.searchsorted(t, t_sel)
    lat, lon, _ = truth_geodetic(run.truth)
    R = np.asarray(R_enu_from_ecef(np.radians(lat[o, k]), np.radians(lon[o, k])))  # noqa: N806
    p_enu = np.einsum("nij,njk,nlk->nil", R, P[k], R)
    return np.sqrt(np.clip(np.diagonal(p_enu, axis1=1, axis2=2), 0.0, None))


def track_error(run: RunData) -> Figure:
    from hyperdef.report.bound import cv_psd

    f = Figure("track_error", "Track position error with ±σ bands and the PCRB",
               "Error of the firm track holding each threat (estimate − truth) in local east, "
               "north and up [km], with the filter's ±1σ (shaded) and ±3σ (dotted) bands, and "
               "(dashed) ±√PCRB: the posterior Cramér–Rao bound of a constant-velocity model "
               f"(q = {cv_psd(run.scenario):g} m²/s³) given the same detections (the tracker's "
               "error floor with this geometry; a manoeuvring threat is not CV). Times without "
               "a firm track are blank.")
    if (note := needs_note(run, "truth.zarr", "tracks.zarr", "summary.json")):
        f.note = note
        return f
    names = run.threat_names()
    series = [(o, n, errors(run, o, n)) for o, n in enumerate(names)]
    series = [s for s in series if s[2] is not None]
    if not series:
        f.note = "Not drawn: no threat was held by a firm track."
        return f
    fig, axes = subplots(3, len(series), figsize=(5 * len(series) + 1, 6.5), sharex="col",
                             squeeze=False)
    for c, (o, name, (t, e, s, _)) in enumerate(series):
        bound = _bound_enu_sigma(run, o, t)
        for r, comp in enumerate(("east", "north", "up")):
            ax = axes[r, c]
            if bound is not None:
                ax.plot(t, bound[:, r] / 1e3, "--", color="k", lw=0.9, label="±√PCRB")
                ax.plot(t, -bound[:, r] / 1e3, "--", color="k", lw=0.9)
            ax.fill_between(t, -s[:, r] / 1e3, s[:, r] / 1e3, color=COLORS[o % 10], alpha=0.25,
                            lw=0, label="±1σ")
            ax.plot(t, 3 * s[:, r] / 1e3, ":", color="0.3", lw=0.8, label="±3σ")
            ax.plot(t, -3 * s[:, r] / 1e3, ":", color="0.3", lw=0.8)
            ax.plot(t, e[:, r] / 1e3, ".", ms=2, color=COLORS[o % 10], label="error")
            ax.set_ylabel(f"{comp} [km]")
            ax.grid(True, lw=0.3)
        axes[0, c].set_title(name)
        axes[-1, c].set_xlabel("time since epoch [s]")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    f.png_b64 = encode_png(fig)
    return f


NEES_DOF = 6


def nees(run: RunData) -> Figure:
    lo, hi = np.asarray(stats.chi2.ppf([0.025, 0.975], NEES_DOF))
    f = Figure("nees", "NEES with χ² bounds",
               f"Normalised estimation error squared of the holding firm track (position and "
               f"velocity, {NEES_DOF} dof). A consistent filter keeps 95 % of the points inside "
               f"the χ²({NEES_DOF}) interval [{lo:.2f}, {hi:.2f}] (dashed).")
    if (note := needs_note(run, "truth.zarr", "tracks.zarr", "summary.json")):
        f.note = note
        return f
    fig, ax = subplots(figsize=(10, 3.6))
    drawn = False
    for o, name in enumerate(run.threat_names()):
        out = errors(run, o, name)
        if out is None or not np.isfinite(out[3]).any():
            continue
        t, _, _, q = out
        inside = np.mean((q >= lo) & (q <= hi))
        ax.semilogy(t, q, ".", ms=3, color=COLORS[o % 10],
                    label=f"{name}: mean {np.nanmean(q):.2f}, {100 * inside:.0f} % inside")
        drawn = True
    if not drawn:
        f.note = "Not drawn: no threat was held by a firm track."
        return f
    for b in (lo, hi):
        ax.axhline(b, ls="--", color="k", lw=0.8)
    ax.set_xlabel("time since epoch [s]")
    ax.set_ylabel("NEES")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    f.png_b64 = encode_png(fig)
    return f
