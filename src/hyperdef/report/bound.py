"""The posterior Cramér–Rao bound drawn beside the track errors, from the run folder's files.

For one threat: the bound of any estimator of its position/velocity under a constant-velocity
model with white-noise acceleration of PSD q (the tracker's CV `q_m2ps3` from the resolved
scenario when it sets one, else the CV default), given exactly the detections it received
(detections.parquet rows with its truth_id) with their stated noises. The recursion is
`hyperdef.assessment.accuracy.pcrb` (Tichavský, Muravchik & Nehorai, IEEE TSP 46(5), 1998, Eq. 21)
with the information of each detection HᵀR⁻¹H, H the Jacobian of `hyperdef.measurement.batch`'s
innovation at the true state (JAX autodiff), summed over the detections inside each grid step.
A manoeuvring threat violates the CV model, so read it as the error floor of a CV tracker with
this sensor geometry, not as a bound on every tracker.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.report.rundata import RunData, time_axis

PRIOR_POS_SIGMA_M = 1e6  # a diffuse prior: the first detections carry the information
PRIOR_VEL_SIGMA_MPS = 3000.0  # the tracker's default init_speed_sigma_mps


@functools.cache
def _info_fn():
    from hyperdef.measurement.batch import innovation, noise_cov

    def info(row, x6):
        H = jax.jacfwd(lambda x: innovation(row, x[:3], x[3:]))(x6)  # noqa: N806
        return H.T @ jnp.linalg.solve(noise_cov(row), H)

    return jax.jit(jax.vmap(info))


def cv_psd(scenario: dict | None) -> float:
    """The CV process-noise PSD [m²/s³] the run's tracker used (or the model default)."""
    from hyperdef.tracking.motion import ConstantVelocity

    params = ((scenario or {}).get("tracker") or {}).get("motion_params") or {}
    return float((params.get("cv") or {}).get("q_m2ps3", ConstantVelocity().q_m2ps3))


def position_bound(run: RunData, o: int):
    """(t (T,), P_pos (T, 3, 3)) PCRB of threat o's ECEF position on the truth grid [m²], NaN
    before its first detection; None when it has none (or the files lack what is needed)."""
    from hyperdef.assessment.accuracy import pcrb
    from hyperdef.measurement.batch import from_detections
    from hyperdef.tracking.motion import cv_process_noise

    det = run.detections
    if det is None or run.truth is None or not len(det):
        return None
    det = det[(det["sample"] == det["sample"].min()) & (det["truth_id"] == o)]
    t = time_axis(run.truth)
    r = np.asarray(run.truth["r_ecef_m"].isel(sample=0).values)[o]
    v = np.asarray(run.truth["v_ecef_mps"].isel(sample=0).values)[o]
    if not len(det):
        return None
    td = det["t_s"].to_numpy()
    x_true = np.stack([np.interp(td, t, c) for c in np.concatenate([r, v], -1).T], -1)
    ok = np.all(np.isfinite(x_true), axis=1)
    if not ok.any():
        return None
    info = np.asarray(_info_fn()(from_detections(det[ok]), jnp.asarray(x_true[ok])))
    step = np.clip(np.searchsorted(t, td[ok], side="left"), 0, t.size - 1)
    k0 = max(int(step.min()) - 1, 0)
    per_step = np.zeros((t.size, 6, 6))
    np.add.at(per_step, step, info)
    dt = np.diff(t[k0:])
    F = np.tile(np.eye(6), (dt.size, 1, 1))  # noqa: N806
    F[:, :3, 3:] = dt[:, None, None] * np.eye(3)
    q = cv_psd(run.scenario)
    Q = np.stack([np.asarray(cv_process_noise(q, d)) for d in dt])  # noqa: N806
    J0 = np.diag([PRIOR_POS_SIGMA_M**-2] * 3 + [PRIOR_VEL_SIGMA_MPS**-2] * 3)  # noqa: N806
    J0 = J0 + per_step[k0]  # detections in the very first grid step  # noqa: N806
    bounds = pcrb(np.linalg.inv(J0), F, Q, per_step[k0 + 1:])
    out = np.full((t.size, 3, 3), np.nan)
    out[k0:] = bounds[:, :3, :3]
    out[: int(step.min())] = np.nan
    return t, out
