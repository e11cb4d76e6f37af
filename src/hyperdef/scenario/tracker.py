"""The scenario's `tracker:` section (every key optional; the section itself may be omitted).

    tracker:
      filter: ekf                 # ekf | ukf | imm
      motion: cv                  # cv | ca | singer | ballistic | glide, or a list for imm
      motion_params: {cv: {q_m2ps3: 100.0}}   # per model, see hyperdef.tracking.motion
      association: gnn            # gnn | jpda
      gate_probability: 0.999
      confirm_m: 3                # M-of-N confirmation
      confirm_n: 5
      delete_after_misses: 5
      delete_after_s: 30
      fusion: centralised         # centralised | covariance_intersection
      min_parallax_deg: 3         # degrees and km here; SI inside (TrackerParams)

Field meanings and defaults are those of `hyperdef.tracking.config.TrackerParams`; angles are
given in degrees and ranges/altitudes in km, as everywhere in scenario files.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from hyperdef.scenario.base import Model
from hyperdef.tracking.config import TrackerParams

Motion = Literal["cv", "ca", "singer", "ballistic", "glide"]
Prob = Annotated[float, Field(gt=0.0, lt=1.0)]
_D = TrackerParams()


class TrackerSpec(Model):
    """Tracker settings of a scenario; `.to_params()` gives the TrackerParams the tracker reads."""

    filter: Literal["ekf", "ukf", "imm"] = _D.filter
    motion: Motion | list[Motion] = _D.motion
    motion_params: dict[Motion, dict[str, float]] = {}
    imm_transition: list[list[Annotated[float, Field(ge=0.0, le=1.0)]]] | None = None
    imm_member: Literal["ekf", "ukf"] = _D.imm_member
    gate_probability: Prob = _D.gate_probability
    association: Literal["gnn", "jpda"] = _D.association
    p_detection: Prob = _D.p_detection
    clutter_density: Annotated[float, Field(gt=0.0)] | None = _D.clutter_density
    confirm_m: Annotated[int, Field(ge=1)] = _D.confirm_m
    confirm_n: Annotated[int, Field(ge=1)] = _D.confirm_n
    delete_after_misses: Annotated[int, Field(ge=1)] = _D.delete_after_misses
    delete_after_s: Annotated[float, Field(gt=0.0)] | None = _D.delete_after_s
    fusion: Literal["centralised", "covariance_intersection"] = _D.fusion
    scan_tolerance_s: Annotated[float, Field(ge=0.0)] = _D.scan_tolerance_s
    triangulation_tolerance_s: Annotated[float, Field(ge=0.0)] = _D.triangulation_tolerance_s
    min_parallax_deg: Annotated[float, Field(ge=0.0, lt=180.0)] = math.degrees(
        _D.min_parallax_rad)
    init_speed_sigma_mps: Annotated[float, Field(gt=0.0)] = _D.init_speed_sigma_mps
    single_sensor_init: bool = _D.single_sensor_init
    single_sensor_ranges_km: list[Annotated[float, Field(gt=0.0)]] = []
    single_sensor_hypotheses: Annotated[int, Field(ge=2, le=64)] = _D.single_sensor_hypotheses
    target_alt_band_km: tuple[float, float] = (_D.target_alt_band_m[0] / 1e3,
                                               _D.target_alt_band_m[1] / 1e3)
    hypothesis_prune: Prob = _D.hypothesis_prune
    duplicate_probability: Prob = _D.duplicate_probability
    keep_unconfirmed: bool = _D.keep_unconfirmed

    @model_validator(mode="after")
    def _consistent(self):
        # TrackerParams checks the cross-field rules (M ≤ N, one motion unless imm, IMM matrix
        # shape and rows summing to 1); its messages name the field.
        self.to_params()
        return self

    def to_params(self) -> TrackerParams:
        """The SI TrackerParams of this section."""
        motion = self.motion if isinstance(self.motion, str) else tuple(self.motion)
        return TrackerParams(
            filter=self.filter,
            motion=motion,
            motion_params={k: dict(v) for k, v in self.motion_params.items()},
            imm_transition=(None if self.imm_transition is None
                            else tuple(tuple(r) for r in self.imm_transition)),
            imm_member=self.imm_member,
            gate_probability=self.gate_probability,
            association=self.association,
            p_detection=self.p_detection,
            clutter_density=self.clutter_density,
            confirm_m=self.confirm_m,
            confirm_n=self.confirm_n,
            delete_after_misses=self.delete_after_misses,
            delete_after_s=self.delete_after_s,
            fusion=self.fusion,
            scan_tolerance_s=self.scan_tolerance_s,
            triangulation_tolerance_s=self.triangulation_tolerance_s,
            min_parallax_rad=math.radians(self.min_parallax_deg),
            init_speed_sigma_mps=self.init_speed_sigma_mps,
            single_sensor_init=self.single_sensor_init,
            single_sensor_ranges_m=tuple(r * 1e3 for r in self.single_sensor_ranges_km),
            single_sensor_hypotheses=self.single_sensor_hypotheses,
            target_alt_band_m=(self.target_alt_band_km[0] * 1e3,
                               self.target_alt_band_km[1] * 1e3),
            hypothesis_prune=self.hypothesis_prune,
            duplicate_probability=self.duplicate_probability,
            keep_unconfirmed=self.keep_unconfirmed,
        )
