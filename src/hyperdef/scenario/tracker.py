"""The scenario's `tracker:` section (every key optional; the section itself may be omitted).

    tracker:
      filter: imm                 # ekf | ukf | imm
      motion: [cv, singer]        # cv | ca | singer | ballistic | glide, or a list for imm
      motion_params: {cv: {q_m2ps3: 100.0}}   # per model, see hyperdef.tracking.motion
      association: gnn            # gnn | jpda
      gate_probability: 0.999
      confirm_m: 3                # M-of-N confirmation
      confirm_n: 5
      delete_after_misses: 5
      delete_after_s: 30
      fusion: centralised         # centralised | covariance_intersection
      min_parallax_deg: 3         # degrees and km here; SI inside (TrackerParams)

Field meanings and defaults are those of `hyperdef.tracking.config.TrackerParams`, except that a
section naming neither `filter` nor `motion` (or no section) gets the threat-fitted IMM of
`hyperdef.tracking.config.THREAT_DEFAULTS`, tuned for consistency against gliders and ballistic
missiles; angles are given in degrees and ranges/altitudes in km, as everywhere in scenario files.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from hyperdef.scenario.base import Model
from hyperdef.scenario.bounds import Bounds
from hyperdef.tracking.config import THREAT_DEFAULTS, Motion, TrackerParams

Prob = Annotated[float, Field(gt=0.0, lt=1.0)]
_D = TrackerParams()
# The default motion as the file spells it: one name, or a list for an IMM.
_D_MOTION: Motion | list[Motion] = _D.motion if isinstance(_D.motion, str) else list(_D.motion)
# SI names inside TrackerParams → the key a scenario file spells (for its error messages).
_FILE_NAMES = {"target_alt_band_m": "target_alt_band_km", "min_parallax_rad": "min_parallax_deg",
               "single_sensor_ranges_m": "single_sensor_ranges_km"}


Seconds = Annotated[float, Bounds(0.0, 3600.0, "s")]
RangeKm = Annotated[float, Bounds(0.0, 200_000.0, "km", low_open=True)]
AltKm = Annotated[float, Bounds(0.0, 5_000.0, "km", why="far above any missile apogee")]


class TrackerSpec(Model):
    """Tracker settings of a scenario; `.to_params()` gives the TrackerParams the tracker reads.

    Defaults are those of hyperdef.tracking.config.TrackerParams (which documents their sources);
    consistency tests (NEES/NIS, Bar-Shalom, Li & Kirubarajan 2001) are how they are judged.
    """

    filter: Literal["ekf", "ukf", "imm"] = Field(_D.filter, description=(
        "Filter: extended Kalman, square-root unscented Kalman, or an interacting multiple "
        "model (IMM) of several motion models. With neither filter nor motion given, the "
        "threat-fitted IMM of hyperdef.tracking.config.THREAT_DEFAULTS; with motion alone, "
        "ekf."))
    motion: Motion | Annotated[list[Motion], Field(max_length=5)] = Field(
        _D_MOTION, description=("Motion model (one name), or a list of them for filter imm: "
                                "cv, ca, singer, ballistic, glide. With filter alone, cv."))
    motion_params: dict[Motion, dict[Annotated[str, Field(max_length=100)],
                                     Annotated[float, Bounds(0.0, 1e12)]]] = Field({}, description=(
        "Per motion model, its parameters by name, e.g. {cv: {q_m2ps3: 100}, singer: {tau_s: "
        "20, sigma_m_mps2: 30}}; names and units are those of hyperdef.tracking.motion. With "
        "the threat-fitted default filter, given parameters override its tuned ones."))
    imm_transition: Annotated[list[Annotated[list[Annotated[float, Field(ge=0.0, le=1.0)]],
                                             Field(max_length=5)]],
                              Field(max_length=5)] | None = Field(None, description=(
        "IMM model-transition matrix, one row per motion model, rows summing to 1 [-]: "
        "probabilities over 1 s of elapsed time, whatever the scan rate (not per scan); "
        "omitted: the tracker's default."))
    imm_member: Literal["ekf", "ukf"] = Field(_D.imm_member, description=(
        "Filter used by each IMM member."))
    gate_probability: Prob = Field(_D.gate_probability, description=(
        "Probability that a true detection falls inside the validation gate [-]."))
    association: Literal["gnn", "jpda"] = Field(_D.association, description=(
        "Data association: global nearest neighbour or joint probabilistic (JPDA)."))
    p_detection: Prob = Field(_D.p_detection, description=(
        "Detection probability the association assumes [-]."))
    clutter_density: Annotated[float, Field(gt=0.0, le=1e12)] | None = Field(
        _D.clutter_density, description=(
            "False-alarm density per unit measurement volume for JPDA (rad⁻² for lines of "
            "sight); omitted: estimated."))
    confirm_m: Annotated[int, Field(ge=1, le=100)] = Field(_D.confirm_m, description=(
        "M of M-of-N confirmation: hits needed within the last confirm_n scans."))
    confirm_n: Annotated[int, Field(ge=1, le=100)] = Field(_D.confirm_n, description=(
        "N of M-of-N confirmation."))
    delete_after_misses: Annotated[int, Field(ge=1, le=10_000)] = Field(
        _D.delete_after_misses, description="Delete a track after this many missed scans.")
    delete_after_s: Annotated[float, Bounds(0.0, 86_400.0, "s", low_open=True)] | None = Field(
        _D.delete_after_s, description="Delete a track not updated for this long [s].")
    fusion: Literal["centralised", "covariance_intersection"] = Field(_D.fusion, description=(
        "Multi-sensor fusion: centralised measurement fusion or covariance intersection."))
    scan_tolerance_s: Seconds = Field(_D.scan_tolerance_s, description=(
        "Detections within this time are one scan [s]."))
    triangulation_tolerance_s: Seconds = Field(_D.triangulation_tolerance_s, description=(
        "Lines of sight within this time may be triangulated together [s]."))
    min_parallax_deg: Annotated[float, Bounds(0.0, 180.0, "deg", high_open=True)] = Field(
        math.degrees(_D.min_parallax_rad), description=(
            "Smallest angle between two lines of sight to triangulate a new track [deg]."))
    init_speed_sigma_mps: Annotated[float, Bounds(0.0, 20_000.0, "m/s", low_open=True)] = Field(
        _D.init_speed_sigma_mps, description="1σ speed prior of a new track [m/s].")
    single_sensor_init: bool = Field(_D.single_sensor_init, description=(
        "Start tracks from one sensor's lines of sight with a ladder of range hypotheses "
        "(off with the threat-fitted default filter: such starts were over-confident; set it "
        "true where a single angle-only platform must start tracks)."))
    single_sensor_ranges_km: Annotated[list[RangeKm], Field(max_length=64)] = Field(
        [], description=("Explicit range hypotheses [km] (two or more); omitted: derived from "
                         "target_alt_band_km."))
    single_sensor_hypotheses: Annotated[int, Field(ge=2, le=64)] = Field(
        _D.single_sensor_hypotheses, description="Range hypotheses per single-sensor start.")
    target_alt_band_km: tuple[AltKm, AltKm] = Field(
        (_D.target_alt_band_m[0] / 1e3, _D.target_alt_band_m[1] / 1e3), description=(
            "[low, high] altitudes where single-sensor starts seek targets [km]."))
    hypothesis_prune: Prob = Field(_D.hypothesis_prune, description=(
        "Drop a range hypothesis below this probability [-]."))
    duplicate_probability: Prob = Field(_D.duplicate_probability, description=(
        "Merge two tracks when they are this likely to be one target [-]."))
    keep_unconfirmed: bool = Field(_D.keep_unconfirmed, description=(
        "Keep tentative tracks in the outputs."))
    max_tracks: Annotated[int, Field(ge=1, le=1_000_000)] = Field(_D.max_tracks, description=(
        "Most live tracks one sample may hold at once; a sample that needs more stops being "
        "tracked there, with status 'capacity' naming the number it wanted."))

    @model_validator(mode="before")
    @classmethod
    def _threat_default(cls, data):
        """Neither filter nor motion given: the threat-fitted IMM of THREAT_DEFAULTS, its
        motion parameters under any the file gives, and its single_sensor_init unless the file
        sets it."""
        if not isinstance(data, dict) or "filter" in data or "motion" in data:
            return data
        given = data.get("motion_params") or {}
        if not isinstance(given, dict) or not all(isinstance(v, dict) for v in given.values()):
            params = given  # malformed: left for field validation to name
        else:
            params = {name: {**THREAT_DEFAULTS["motion_params"].get(name, {}), **given.get(
                name, {})} for name in {*THREAT_DEFAULTS["motion_params"], *given}}
        return {"single_sensor_init": THREAT_DEFAULTS["single_sensor_init"], **data,
                "filter": THREAT_DEFAULTS["filter"], "motion": list(THREAT_DEFAULTS["motion"]),
                "motion_params": params}

    @model_validator(mode="after")
    def _consistent(self):
        lo, hi = self.target_alt_band_km
        if not hi > lo:
            raise ValueError(f"target_alt_band_km: need low < high, got [{lo:g}, {hi:g}]")
        if len(self.single_sensor_ranges_km) == 1:
            raise ValueError("single_sensor_ranges_km: give at least 2 ranges, or none")
        self._motion_params()
        # TrackerParams checks the other cross-field rules (M ≤ N, one motion unless imm, IMM
        # matrix shape and rows summing to 1); its messages name the field, in SI: say it as
        # the file does.
        try:
            self.to_params()
        except ValueError as exc:
            msg = str(exc)
            for si, file_name in _FILE_NAMES.items():
                msg = msg.replace(si, file_name)
            raise ValueError(msg) from None
        return self

    def _motion_params(self) -> None:
        from hyperdef.tracking.motion import motion_model

        for name, params in self.motion_params.items():
            try:
                motion_model(name, **params)
            except TypeError:
                import dataclasses

                cls = type(motion_model(name))
                allowed: list[str] = [f.name for f in dataclasses.fields(cls)] if \
                    dataclasses.is_dataclass(cls) else []
                bad = sorted(set(params) - set(allowed))
                raise ValueError(f"motion_params.{name}: unknown parameter(s) {bad}; allowed: "
                                 f"{', '.join(allowed)}") from None

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
            max_tracks=self.max_tracks,
        )
