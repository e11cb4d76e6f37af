"""Tracker parameters: which filter, gates, association and fusion the tracker uses.

`TrackerParams` is what `hyperdef.tracking.tracker.run_tracker` reads; the scenario section
`tracker:` (`hyperdef.scenario.tracker.TrackerSpec`) converts to it. Every field has a default
that works for space-based angle-only sensing of hypersonic threats plus ground radars.

Units are SI with the unit in the name. Defaults and their reasons:

* `gate_probability` 0.999: the χ² gate keeps 99.9 % of true measurements (Bar-Shalom, Li &
  Kirubarajan 2001, §2.4 — a gate of probability P_G on an n-dof innovation is
  chi2.ppf(P_G, n)).
* `confirm_m`/`confirm_n` 3 of 5 and `delete_after_misses` 5: the classic M-of-N logic
  (Blackman & Popoli 1999, §6.2) tuned for detection probabilities ≈ 0.8–0.95.
* `init_speed_sigma_mps` 3 000: the velocity prior of a track started from a position fix is zero
  mean with this 1σ per axis; hypersonic threats fly at 2–7 km/s, so the prior covers them at
  ≈ 2σ while the first few updates shrink it.
* `min_parallax_rad` 3°: below that two lines of sight triangulate to a long thin
  ellipsoid (1σ along the baseline ρσ/(√2·sin(γ/2)), docs/references.md#triangulation) and are
  better left to the next scan.

Threat-fitted default (`THREAT_DEFAULTS`, what a scenario's `tracker: {}` gets). `TrackerParams`
itself keeps a plain CV EKF, the neutral engine default that synthetic tests build on; a scenario
naming neither filter nor motion gets instead an IMM of

* CV, white acceleration q = 100 m²/s³ (≈ 7 m/s² rms over a 2 s step): the quiet mode for
  midcourse coast and equilibrium glide, whose ECEF accelerations are a few m/s²;
* Singer, τ = 20 s, σ_m = 25 m/s² (Singer 1970): the manoeuvre mode for boost (up to ≈ 40 m/s²
  near burnout), pull-up, bank reversals, re-entry deceleration and the terminal dive;
* mode transitions 0.95 on the diagonal over 1 s (a mean sojourn of 20 s whatever the scan rate;
  see `imm_transition`);
* no single-sensor (range-parameterised) starts: they confirmed tracks whose moment-matched
  covariance was far smaller than their error (one demo glider sample: 1.7 km off with a 175 m
  1σ, NEES 4 182 at confirmation, lifting that sample's mean NEES from 4.6 to 27.6); tracks start
  from triangulated or radar fixes instead. Scenarios whose only angle-only sensor is one
  platform set `single_sensor_init: true`.

How it was chosen: Monte Carlo consistency (NEES of the ECEF position-velocity 6-vector over the
held steps of each sample, averaged over samples — the ANEES — against the two-sided 95 % χ²
band for N runs, Bar-Shalom, Li & Kirubarajan 2001, §5.4.2) on the demo's boost-glide vehicle
and its MRBM, each alone against every demo sensor, all samples in one batched tracker call;
`tests/tracking/test_default_consistency.py` keeps the evidence. Runs (seed 2030, N = 12 unless
given; band [4.20, 8.11]):

===========================================  ======================  =====================
tracker                                      glider ANEES (custody)  MRBM ANEES (custody)
===========================================  ======================  =====================
IMM cv 100 + singer 20 s / 30 m/s², 1-sensor  7.86 (0.77); median 4.7  6.12 (0.97)
  starts on (the demo's former block)         two samples at 19 and 28
IMM cv 300 + singer 20 s / 20 m/s²            8.44 (0.77)              7.70 (0.97), terminal 51
IMM cv 100 + singer 10 s / 50 m/s²            —                        5.20 (0.97), terminal 11
N = 24 from here, band [4.69, 7.46]; single-sensor starts off:
IMM cv 100 + singer 20 s / 30 m/s²            123 (0.77): 23 samples   6.02 (0.97)
                                              4.68, sample 6 2 851
IMM cv 100 + singer 20 s / 25 m/s²            164 (0.77): 23 samples   6.70 (0.97)
  (THREAT_DEFAULTS)                           4.77, sample 6 3 823
===========================================  ======================  =====================

σ_m = 25 m/s² is the value that puts both threats' regular samples inside the band: the glider
is slightly under-confident at 30 m/s² (4.68) and the MRBM's re-entry over-confident below 25
(7.70 at 20 m/s²). The default is consistent for the MRBM (ANEES 6.70 for N = 24; re-entry alone
is over-confident, phase ANEES 36). For the glider it is not yet: one sample of 24 holds, for
30 s, a track born mid-flight 480 km and 12.5 km/s off with a 3 km 1σ — a births defect that no
filter tuning removes (its mean NEES is 2 851 or 3 823 whatever σ_m).

Raising the CV noise made the glider's outliers worse (28 → 41), so they were not the quiet
mode's fault; a smaller Singer σ_m made the MRBM's re-entry over-confident. A plain CV EKF on
the demo glider held it for only 0.62 of its flight with 10 track breaks and NEES 51, which is
why CV alone is not the scenario default.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Filter = Literal["ekf", "ukf", "imm"]
Motion = Literal["cv", "ca", "singer", "ballistic", "glide"]
MemberFilter = Literal["ekf", "ukf"]
Association = Literal["gnn", "jpda"]
Fusion = Literal["centralised", "covariance_intersection"]
FILTERS = ("ekf", "ukf", "imm")
# The tracker a scenario gets when its `tracker:` section names neither filter nor motion (see
# the module docstring, "Threat-fitted default", for the Monte Carlo evidence behind each number).
THREAT_DEFAULTS = {
    "filter": "imm",
    "motion": ("cv", "singer"),
    "motion_params": {"cv": {"q_m2ps3": 100.0}, "singer": {"tau_s": 20.0, "sigma_m_mps2": 25.0}},
    "single_sensor_init": False,
}
MOTIONS = ("cv", "ca", "singer", "ballistic", "glide")
# A sample's live-track capacity. The demo and each point of the example campaign hold at most 11
# live tracks at once (100 samples each, clutter's tentative tracks included); 500 leaves room for
# raids of tens of threats with their clutter while still stopping a runaway sample.
MAX_TRACKS = 500
ASSOCIATIONS = ("gnn", "jpda")
FUSIONS = ("centralised", "covariance_intersection")


def threat_params(**overrides: Any) -> TrackerParams:
    """TrackerParams with the threat-fitted filter (`THREAT_DEFAULTS`), other fields as given."""
    return TrackerParams(**{**THREAT_DEFAULTS, **overrides})


@dataclasses.dataclass(frozen=True)
class TrackerParams:
    """Everything the tracker needs besides the detections.

    filter: "ekf" | "ukf" | "imm".
    motion: a motion-model name ("cv", "ca", "singer", "ballistic", "glide"), or a tuple of names
        for "imm" (one member per name).
    motion_params: {model name: {keyword: value}} passed to
        `hyperdef.tracking.motion.motion_model(name, **kwargs)` (process-noise intensities,
        Singer time constant, …; see that module for names and units).
    imm_transition: (M, M) Markov matrix rows for "imm" (None: 0.95 on the diagonal, the rest
        shared evenly); imm_member: the member filter type ("ekf" | "ukf"). Time base: the
        matrix is the mode transition over 1 s of elapsed time, not per scan; a step of T s
        uses Π(T) = expm(T·logm(Π)) (`hyperdef.tracking.filters.imm`), so the default 0.95
        means a mean sojourn of 1/(1 − 0.95) ≈ 20 s in a mode whatever the sensors' rates.
    gate_probability: probability mass inside the χ² gate.
    association: "gnn" (global nearest neighbour, one measurement per track per platform) or
        "jpda" (joint probabilistic data association, for closely spaced targets).
    p_detection: P_D used by JPDA's event probabilities.
    clutter_density: false-alarm density per unit measurement volume for JPDA (rad⁻² for lines of
        sight); None estimates it per cluster as (measurements in cluster)/(gate volume), the
        non-parametric JPDA (Bar-Shalom, Daum & Huang 2009, IEEE CSM 29(6), Eq. 38).
    confirm_m, confirm_n: a tentative track becomes firm after confirm_m hits within its last
        confirm_n scans; it is deleted when that can no longer happen.
    delete_after_misses: a firm track is deleted after this many consecutive missed scans.
        A scan counts for a track only if it comes from a sensor that has updated the track before
        (a sensor that never saw it says nothing about it).
    delete_after_s: a track with no update for this long is deleted (None: never by time).
    fusion: "centralised" (every detection updates one track set) or "covariance_intersection"
        (one local tracker per sensor, local tracks fused by CI into system tracks).
    scan_tolerance_s: detections within this time of a scan's first detection form one scan.
    triangulation_tolerance_s: lines of sight triangulated together must lie within this time.
    min_parallax_rad: least angle between two lines of sight used for triangulation.
    init_speed_sigma_mps: 1σ per-axis velocity prior for tracks started from a position fix.
    single_sensor_init: start range-parameterised tracks from lines of sight that no other
        platform could triangulate with.
    single_sensor_ranges_m: explicit range hypotheses (empty: derived per line of sight from
        target_alt_band_m — the ranges at which the ray crosses that altitude band).
    single_sensor_hypotheses: number of geometrically spaced range hypotheses when derived.
    target_alt_band_m: (low, high) altitudes where targets are sought by single-sensor init.
    hypothesis_prune: a range hypothesis is dropped when its weight falls below this.
    duplicate_probability: two tracks (≥ 3 updates each) whose position difference lies inside
        the χ²(3) quantile of this probability under P_a + P_b are one object tracked twice;
        the tentative or younger one is deleted (0.5: the median; tracks fed by the same data
        have correlated errors and sit well inside).
    keep_unconfirmed: keep tracks that never became firm in the TrackSet (they cost memory:
        every track takes T grid slots).
    max_tracks: most live tracks (tentative and firm) one sample may hold at once. A sample that
        needs more (a clutter storm) stops being tracked at that scan with status "capacity" and
        the number it wanted (`tracking.faults`), so it cannot take a batch's memory and time;
        the rest of the batch is unaffected.
    """

    filter: Filter = "ekf"
    motion: Motion | tuple[Motion, ...] = "cv"
    motion_params: Mapping[str, Mapping[str, float]] = dataclasses.field(default_factory=dict)
    imm_transition: tuple[tuple[float, ...], ...] | None = None
    imm_member: MemberFilter = "ekf"
    gate_probability: float = 0.999
    association: Association = "gnn"
    p_detection: float = 0.9
    clutter_density: float | None = None
    confirm_m: int = 3
    confirm_n: int = 5
    delete_after_misses: int = 5
    delete_after_s: float | None = 30.0
    fusion: Fusion = "centralised"
    scan_tolerance_s: float = 1e-3
    triangulation_tolerance_s: float = 1e-3
    min_parallax_rad: float = math.radians(3.0)
    init_speed_sigma_mps: float = 3000.0
    single_sensor_init: bool = True
    single_sensor_ranges_m: tuple[float, ...] = ()
    single_sensor_hypotheses: int = 5
    target_alt_band_m: tuple[float, float] = (0.0, 150e3)
    hypothesis_prune: float = 1e-3
    duplicate_probability: float = 0.5
    keep_unconfirmed: bool = False
    max_tracks: int = MAX_TRACKS

    def __post_init__(self) -> None:
        _one_of("filter", self.filter, FILTERS)
        _one_of("imm_member", self.imm_member, ("ekf", "ukf"))
        _one_of("association", self.association, ASSOCIATIONS)
        _one_of("fusion", self.fusion, FUSIONS)
        for m in self.motions:
            _one_of("motion", m, MOTIONS)
        if self.filter != "imm" and len(self.motions) != 1:
            raise ValueError(f"motion: filter {self.filter!r} takes one motion model, "
                             f"got {list(self.motions)}; use filter 'imm' for several")
        if self.filter == "imm" and len(self.motions) < 2:
            raise ValueError("motion: filter 'imm' needs a list of at least two motion models")
        for name, lo, hi in (("gate_probability", 0.0, 1.0), ("p_detection", 0.0, 1.0),
                             ("duplicate_probability", 0.0, 1.0), ("hypothesis_prune", 0.0, 1.0)):
            v = getattr(self, name)
            if not lo < v < hi:
                raise ValueError(f"{name}: must lie strictly between {lo} and {hi}, got {v}")
        if not 1 <= self.confirm_m <= self.confirm_n:
            raise ValueError(f"confirm_m/confirm_n: need 1 <= m <= n, got {self.confirm_m}/"
                             f"{self.confirm_n}")
        if self.max_tracks < 1:
            raise ValueError(f"max_tracks: must be >= 1, got {self.max_tracks}")
        if self.delete_after_misses < 1:
            raise ValueError(f"delete_after_misses: must be >= 1, got {self.delete_after_misses}")
        for name in ("delete_after_s", "clutter_density"):
            v = getattr(self, name)
            if v is not None and not v > 0:
                raise ValueError(f"{name}: must be > 0 or None, got {v}")
        for name in ("scan_tolerance_s", "triangulation_tolerance_s", "min_parallax_rad"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name}: must be >= 0, got {getattr(self, name)}")
        if not self.init_speed_sigma_mps > 0:
            raise ValueError(f"init_speed_sigma_mps: must be > 0, got {self.init_speed_sigma_mps}")
        if self.single_sensor_hypotheses < 2:
            raise ValueError("single_sensor_hypotheses: must be >= 2 (a ladder of ranges)")
        if len(self.single_sensor_ranges_m) == 1:
            raise ValueError("single_sensor_ranges_m: give at least 2 ranges, or none")
        if any(not r > 0 for r in self.single_sensor_ranges_m):
            raise ValueError(f"single_sensor_ranges_m: ranges must be > 0, got "
                             f"{self.single_sensor_ranges_m}")
        lo, hi = self.target_alt_band_m
        if not hi > lo:
            raise ValueError(f"target_alt_band_m: need low < high, got {self.target_alt_band_m}")
        if self.imm_transition is not None:
            _check_transition(self.imm_transition, len(self.motions))

    @property
    def motions(self) -> tuple[str, ...]:
        """The motion-model names as a tuple (one element unless filter is 'imm')."""
        return (self.motion,) if isinstance(self.motion, str) else tuple(self.motion)


def _one_of(field: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{field}: unknown value {value!r}; choose one of {', '.join(choices)}")


def _check_transition(rows: Sequence[Sequence[float]], m: int) -> None:
    if len(rows) != m or any(len(r) != m for r in rows):
        raise ValueError(f"imm_transition: must be {m}x{m} (one row per motion model)")
    for i, r in enumerate(rows):
        if any(p < 0 for p in r) or abs(sum(r) - 1.0) > 1e-9:
            raise ValueError(f"imm_transition: row {i} must be non-negative and sum to 1, got {r}")
