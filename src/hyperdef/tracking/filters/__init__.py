"""Single-track filters as pure functions: EKF, square-root UKF and IMM (`make_filter`).

    ops = make_filter("ekf", motion_model("cv", q_m2ps3=100.0))
    state = ops.init_from(x6, P6)
    state = ops.predict(state, dt_s)
    state, nis, status = ops.update(state, row)        # row: hyperdef.measurement.batch.row(...)

Every function in `FilterOps` works on one track and is jit-able; batch with `jax.vmap`.
"""

from __future__ import annotations

from typing import Any

from hyperdef.tracking.filters.ekf import EKFState, ekf_ops, ekf_predict, ekf_update
from hyperdef.tracking.filters.imm import IMMState, imm_ops
from hyperdef.tracking.filters.ops import FilterOps, UpdateResult
from hyperdef.tracking.filters.ukf import (
    UKFState,
    sigma_weights,
    ukf_ops,
    ukf_predict,
    ukf_update,
)
from hyperdef.tracking.motion import MotionModel

__all__ = [
    "EKFState", "FilterOps", "IMMState", "UKFState", "UpdateResult", "ekf_predict",
    "ekf_update", "make_filter", "sigma_weights", "ukf_predict", "ukf_update",
]

_UKF_OPTS = ("alpha", "beta", "kappa")


def _member(kind: str, motion: MotionModel, opts: dict[str, Any]) -> FilterOps:
    rows = opts.get("rows", "mixed")
    if kind == "ekf":
        return ekf_ops(motion, rows=rows)
    if kind == "ukf":
        return ukf_ops(motion, rows=rows, **{k: v for k, v in opts.items() if k in _UKF_OPTS})
    raise ValueError(f"filter: unknown kind {kind!r}; choose 'ekf', 'ukf' or 'imm'")


def make_filter(kind: str, motions: MotionModel | list[MotionModel] | tuple[MotionModel, ...],
                **opts: Any) -> FilterOps:
    """Filter functions for one motion model ("ekf", "ukf") or several ("imm").

    kind: "ekf" | "ukf" | "imm"
    motions: a MotionModel, or for "imm" a list of them
    opts (all): rows = "mixed" (default: LOS and radar rows, padded) | "los" (angle-only rows
      only, faster; other rows get status INVALID_INPUT) — see `filters.rows`
    opts (ukf, and imm members): alpha=1.0, beta=0.0, kappa=0.0 (cubature rule; see ukf.py)
    opts (imm): transition (M, M) Markov matrix over transition_dt_s [s] (default 1.0; None for
      per call); member = "ekf" | "ukf" or a list of those per model (default "ekf");
      mu0 (M,) initial model probabilities (default uniform)
    Raises ValueError naming the option to fix.
    """
    unknown = set(opts) - {*_UKF_OPTS, "transition", "transition_dt_s", "member", "mu0", "rows"}
    if unknown:
        raise ValueError(f"filter: unknown options {sorted(unknown)}")
    if kind in ("ekf", "ukf"):
        if isinstance(motions, list | tuple):
            raise ValueError(f"filter: {kind!r} takes one motion model, got {len(motions)}; "
                             "use kind='imm' for several")
        return _member(kind, motions, opts)
    if kind != "imm":
        raise ValueError(f"filter: unknown kind {kind!r}; choose 'ekf', 'ukf' or 'imm'")
    motions = list(motions) if isinstance(motions, list | tuple) else [motions]
    if "transition" not in opts:
        raise ValueError("filter: 'imm' needs opts['transition'], an MxM Markov matrix")
    member = opts.get("member", "ekf")
    kinds = [member] * len(motions) if isinstance(member, str) else list(member)
    if len(kinds) != len(motions):
        raise ValueError(f"filter: 'member' lists {len(kinds)} kinds for {len(motions)} models")
    members = [_member(k, mo, opts) for k, mo in zip(kinds, motions, strict=True)]
    return imm_ops(members, motions, opts["transition"],
                   transition_dt_s=opts.get("transition_dt_s", 1.0), mu0=opts.get("mu0"))
