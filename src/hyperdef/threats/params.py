"""The resolved parameters of one threat, the only input the threat kernels take.

The scenario layer (hyperdef.scenario.resolve_threats) turns a scenario's `threats:` entry into a
`ThreatParams`: SI units, and every dispersed number already drawn, one value per Monte Carlo
sample (arrays (S,)). A plain number the schema does not let vary stays a float. Which kind of
start a threat flies is the type of its `start` record (`ReleaseParams`, `CruiseParams` or
`LaunchParams`), and an optional part (a target, a boost, a body model) is a record or None.

Each record with draws also holds `invalid` (S,): the samples whose draw there falls outside its
physical range (a normal tail below zero). They fly no further than the record's use and end
INVALID_INPUT (hyperdef.status), never as NaNs without a status.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from hyperdef.threats.manoeuvres import BankProgramme

# The records hold NumPy arrays, so each is declared eq=False: identity, not an elementwise ==.


class ThreatKind(enum.Enum):
    """Vehicle type; its value is the name written in outputs."""

    GLIDE = "glide"
    BALLISTIC = "ballistic"
    CRUISE = "cruise"


@dataclasses.dataclass(frozen=True, eq=False)
class TargetParams:
    """A glide or cruise target: lateral steering towards it, then a terminal dive."""

    lat_rad: np.ndarray  # (S,) geodetic
    lon_rad: np.ndarray  # (S,)
    dive_range_m: float  # ground range to the target where the dive starts
    max_bank_rad: float  # largest commanded bank


@dataclasses.dataclass(frozen=True, eq=False)
class VehicleParams:
    """The vehicle after boost (glider, RV or cruise missile): mass, aerodynamics, heating."""

    mass_kg: np.ndarray  # (S,)
    nose_radius_m: np.ndarray  # (S,)
    emissivity: np.ndarray  # (S,)
    emitting_area_m2: np.ndarray  # (S,)
    beta_kgpm2: np.ndarray  # (S,) NaN where an aero table gives the drag
    lift_to_drag: np.ndarray  # (S,) 0 for a ballistic vehicle, NaN where a table gives it
    aero_table: str | None  # a built-in table (hyperdef.threats.aero) instead of β and L/D
    reference_area_m2: float | None  # of the table; None: the table's, scaled with mass
    alpha_rad: float  # angle of attack with a table; NaN: the best lift-to-drag
    bank: BankProgramme  # per-sample bank programme (wings level when no manoeuvre)
    target: TargetParams | None
    invalid: np.ndarray  # (S,) bool


@dataclasses.dataclass(frozen=True, eq=False)
class ReleaseParams:
    """Unpowered flight from a release state."""

    lat_rad: np.ndarray  # (S,)
    lon_rad: np.ndarray  # (S,)
    alt_m: np.ndarray | None  # (S,) above the ellipsoid; None: the equilibrium-glide altitude
    speed_mps: np.ndarray  # (S,) relative to the rotating Earth
    flight_path_rad: np.ndarray  # (S,)
    heading_rad: np.ndarray  # (S,) clockwise from north
    invalid: np.ndarray  # (S,) bool


@dataclasses.dataclass(frozen=True, eq=False)
class CruiseParams:
    """Kinematic cruise at the start altitude and speed, then an unpowered descent."""

    lat_rad: np.ndarray  # (S,)
    lon_rad: np.ndarray  # (S,)
    alt_m: np.ndarray  # (S,)
    speed_mps: np.ndarray  # (S,)
    heading_rad: np.ndarray  # (S,) (steered towards the target when one is given)
    range_m: float | None  # cruise range to the dive (or the end) when no target is given
    invalid: np.ndarray  # (S,) bool


@dataclasses.dataclass(frozen=True, eq=False)
class StageParams:
    """One rocket stage; exactly one of burn_time_s and thrust_n is given."""

    dry_mass_kg: np.ndarray  # (S,)
    propellant_kg: np.ndarray  # (S,)
    isp_s: np.ndarray  # (S,) vacuum specific impulse
    burn_time_s: np.ndarray | None  # (S,)
    thrust_n: np.ndarray | None  # (S,)
    drag_area_m2: np.ndarray  # (S,) C_D·A of the stack while this stage burns
    plume_w_sr: np.ndarray  # (S,) in-band plume intensity while burning


@dataclasses.dataclass(frozen=True, eq=False)
class BoostPlan:
    """A multi-stage boost: vertical rise, pitch-over then gravity turn, or a pitch programme."""

    stages: tuple[StageParams, ...]  # first to last
    vertical_s: float
    kick_rad: np.ndarray | None  # (S,) pitch-over from vertical; None: solved
    kick_s: float
    pitch_programme: np.ndarray | None  # (K, 2) rows [t_s since launch, pitch_rad]
    invalid: np.ndarray  # (S,) bool


@dataclasses.dataclass(frozen=True, eq=False)
class ReleaseTargets:
    """Boost-glide release: burnout flight-path angle and thrust cut-off speed."""

    flight_path_rad: np.ndarray | None  # (S,); None: 0 (level)
    speed_mps: np.ndarray | None  # (S,); None: the full burn
    invalid: np.ndarray  # (S,) bool


@dataclasses.dataclass(frozen=True, eq=False)
class AimPoint:
    """An aim point on the ground."""

    lat_rad: np.ndarray  # (S,)
    lon_rad: np.ndarray  # (S,)


@dataclasses.dataclass(frozen=True, eq=False)
class AimRange:
    """An aim as a ground range and azimuth from the launch site."""

    range_m: np.ndarray  # (S,)
    azimuth_rad: np.ndarray  # (S,)


@dataclasses.dataclass(frozen=True, eq=False)
class LaunchParams:
    """Launch site, boost (None: an impulsive ballistic launch) and aim or azimuth."""

    lat_rad: np.ndarray  # (S,)
    lon_rad: np.ndarray  # (S,)
    alt_m: float
    aim: AimPoint | AimRange | None
    azimuth_rad: np.ndarray | None  # (S,) when no aim is given
    trajectory: str  # minimum_energy, lofted or depressed (hyperdef.threats.ballistic)
    loft_rad: float
    boost: BoostPlan | None
    release: ReleaseTargets | None  # drawn only where the launch flies to a release
    invalid: np.ndarray  # (S,) bool (site, aim and azimuth draws)


def flies_to_release(kind: ThreatKind, has_aim: bool, has_boost: bool) -> bool:
    """True where a launch boosts to a release state: a glider, or a ballistic missile flown to
    burnout on an azimuth (no aim: its kick or pitch programme is given)."""
    return kind is ThreatKind.GLIDE or (not has_aim and has_boost)


@dataclasses.dataclass(frozen=True, eq=False)
class StopParams:
    """When a flight ends besides impact."""

    time_s: float | None  # after launch or release
    alt_m: float | None  # falling through this altitude


@dataclasses.dataclass(frozen=True, eq=False)
class BodyParams:
    """The panelled body of the `body` infrared model (hyperdef.threats.body_ir); a None
    dimension takes the shipped geometry's value."""

    geometry: str
    nose_radius_m: float | None  # None: the vehicle's drawn nose radius
    leading_edge_radius_m: float | None
    leading_edge_sweep_rad: float | None
    leading_edge_length_m: float | None
    length_m: float | None
    windward_area_m2: float | None
    leeward_area_m2: float | None
    windward_incidence_rad: float | None
    leeward_incidence_rad: float | None
    alpha_rad: float
    material_limit_k: float
    transition_reynolds: float


@dataclasses.dataclass(frozen=True, eq=False)
class ThreatParams:
    """One threat for S samples, resolved: what hyperdef.threats.simulate flies."""

    name: str
    kind: ThreatKind
    sample_ids: np.ndarray  # (S,) int64, 0 = nominal
    vehicle: VehicleParams
    start: ReleaseParams | CruiseParams | LaunchParams
    t0_s: float  # launch or release, after the epoch
    stop: StopParams
    step_s: float  # RK4 step
    band_m: tuple[float, float]  # infrared band of the signature
    heating_k: float  # Sutton–Graves constant [SI]
    body: BodyParams | None  # None: the stagnation infrared model

    @property
    def invalid(self) -> np.ndarray:
        """(S,) bool: samples with any draw outside its physical range."""
        bad = self.vehicle.invalid | self.start.invalid
        if isinstance(self.start, LaunchParams):
            for part in (self.start.boost, self.start.release):
                if part is not None:
                    bad = bad | part.invalid
        return bad
