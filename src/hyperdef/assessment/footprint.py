"""Where could it be going? Predicted impact with covariance, and a glider's reachable footprint.

Both start from a track estimate (x̂ (6,) ECEF position/velocity, P (6,6)) and fly it through the
threats' own dynamics with `hyperdef.assessment.flyout` (unpowered, the scenario's atmosphere).

Predicted impact (`predict_impact`). The estimate's uncertainty is propagated by the cubature rule
(the unscented transform with κ = 0: 2n points x̂ ± √n·columns of √P, equal weights 1/2n;
Arasaratnam & Haykin, IEEE TAC 54(6), 2009; Julier & Uhlmann, Proc. IEEE 92(3), 2004). Each point is
flown unpowered at zero bank to the ground; the impact points are mapped to a local azimuthal
equidistant plane (east, north) about the central point's impact, where their weighted mean and
covariance give the prediction. A ballistic body's β is not in the track, so the vehicle class's β
enters as a seventh, log-normal dimension (ln β, sd `beta_log_sd`). A glider's prediction flies the
class L/D at zero bank: its impact if it does not manoeuvre.

Reachable footprint (`reachable_footprint`). The set of ground points a glider can still reach from
its estimated state given its manoeuvre limits (class L/D and β, |bank| ≤ max_bank): every cubature
point (and x̂) is flown under a sweep of bank schedules — bank σ held until a switch time, then
wings level — all batched in one integration. Around the ground point below x̂ the impact points
are binned by azimuth; each bin keeps its farthest point, lifted to the farthest of its two
neighbours (a ±1-bin max filter: the sampled schedules leave the envelope jagged between
samples). The footprint is the star-shaped polygon through those points, closed through the origin
when they leave it outside their fan (straight dives reach the ground anywhere short of the
farthest point, so the hull is filled inwards; the sliver just ahead of the vehicle that no dive
reaches is included). Taking the union over the cubature points widens it by the track's own
uncertainty, so the true impact falls inside for a manoeuvring vehicle whose estimate is
consistent (tests: 60 of 60 dispersed gliders with random bank schedules). The area shrinks as the
glide energy bleeds off.

Ground geometry (local plane, hulls, areas) is `hyperdef.assessment.ground`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from jax.typing import ArrayLike

from hyperdef.assessment.flyout import FlightOptions, VehicleClass, fly_to_ground
from hyperdef.assessment.ground import (
    continuous_ring,
    from_local_km,
    polygon_area_km2,
    star_polygon,
    to_local_km,
)
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import WGS84, EarthModel

CHI2_2DOF_95 = 5.991464547107979  # 95 % quantile of χ²(2) (= −2 ln 0.05)


@dataclasses.dataclass(frozen=True)
class FootprintOptions:
    """Numerics of the footprints (defaults sized for a 2-core laptop: < 1 s per footprint)."""

    flight: FlightOptions = FlightOptions()
    # 4 bank magnitudes per side × 9 switch times + wings level = 73 schedules; with the 13
    # cubature states that is 949 trajectories, inside one 1024 batch. Of the layouts of that
    # size tried, this one (denser in time than in bank) contained the most dispersed impacts.
    bank_levels: int = 4  # bank magnitudes per side, evenly up to max_bank_deg
    switch_s: tuple[float, ...] = (30.0, 75.0, 130.0, 200.0, 290.0, 400.0, 540.0, 720.0, 1.0e9)
    azimuth_bins: int = 90


@dataclasses.dataclass(frozen=True)
class ImpactPrediction:
    """Predicted impact of a track estimate flown unpowered at zero bank.

    lat_deg, lon_deg: the predicted point [deg]; sigma_km: 1σ semi-major axis [km];
    cov_en_km2: (2, 2) covariance east/north about the predicted point [km²], as nested lists;
    time_to_impact_s: the estimate's own flight time to the ground [s]; points_lost: cubature
    points that did not reach the ground (> 0 makes the covariance optimistic).
    """

    lat_deg: float
    lon_deg: float
    sigma_km: float
    cov_en_km2: list[list[float]]
    time_to_impact_s: float
    points_lost: int


@dataclasses.dataclass(frozen=True)
class ReachableFootprint:
    """Ground points a glider can still reach from a track estimate.

    polygon: [[lat_deg, lon_deg], …] ring [deg]; area_km2: its area [km²]; origin_deg:
    [lat_deg, lon_deg] of the point below the estimate [deg]; trajectories: schedules × cubature
    points flown; reached: how many of them reached the ground.
    """

    polygon: list[list[float]]
    area_km2: float
    origin_deg: list[float]
    trajectories: int
    reached: int


def cubature_points(mean: ArrayLike, cov: np.ndarray) -> np.ndarray:
    """(2n+1, n) points: mean, then mean ± √n·columns of a square root of cov; weights of the
    2n outer points are 1/2n (the mean's is 0). Negative eigenvalues (round-off) are clipped."""
    mean = np.asarray(mean, np.float64)
    n = mean.size
    w, v = np.linalg.eigh(0.5 * (cov + np.swapaxes(cov, -1, -2)))
    root = v * np.sqrt(np.clip(w, 0.0, None) * n)
    return np.concatenate([mean[None], mean + root.T, mean - root.T])


def _ground_point(r_ecef_m: ArrayLike, earth: EarthModel) -> tuple[float, float]:
    lat, lon, _ = ecef_to_geodetic(np.asarray(r_ecef_m, np.float64), earth)
    return float(lat), float(lon)


def predict_impact(x6: ArrayLike, P6: ArrayLike, vehicle: VehicleClass, *, atmosphere: str,
                   earth: EarthModel = WGS84,
                   options: FootprintOptions = FootprintOptions()) -> ImpactPrediction | None:
    """Predicted impact point and its covariance from a track estimate.

    x6: (6,) ECEF position/velocity estimate [m, m/s]; P6: (6,6) its covariance.
    Returns None when the estimate itself does not reach the ground, else an `ImpactPrediction`.
    """
    ballistic = vehicle.lift_to_drag == 0.0
    mean = np.asarray(x6, np.float64)
    cov = np.asarray(P6, np.float64)
    if ballistic:  # ln β joins the state: the class β is itself uncertain
        mean = np.append(mean, np.log(vehicle.beta_kgpm2))
        cov = np.block([[cov, np.zeros((6, 1))],
                        [np.zeros((1, 6)), np.array([[vehicle.beta_log_sd**2]])]])
    pts = cubature_points(mean, cov)
    beta = np.exp(pts[:, 6]) if ballistic else np.full(len(pts), vehicle.beta_kgpm2)
    params = np.stack([beta, np.full(len(pts), vehicle.lift_to_drag),
                       np.zeros(len(pts)), np.zeros(len(pts))], axis=-1)
    lat, lon, t_end = fly_to_ground(pts[:, :6], params, atmosphere=atmosphere, earth=earth,
                                       options=options.flight)
    if not np.isfinite(lat[0]):
        return None
    en = to_local_km(lat, lon, lat[0], lon[0])
    outer = np.isfinite(en[1:, 0])
    if not outer.any():
        return None
    e = en[1:][outer]
    m = e.mean(axis=0)
    c = (e - m).T @ (e - m) / len(e)
    lat_m, lon_m = from_local_km(m, lat[0], lon[0])
    # Re-centre the covariance on the predicted point: at these distances (≪ R) the azimuthal
    # plane is flat to < 1e-4 relative, so the same matrix serves.
    return ImpactPrediction(lat_deg=float(np.degrees(lat_m)), lon_deg=float(np.degrees(lon_m)),
                            sigma_km=float(np.sqrt(max(np.linalg.eigvalsh(c)[-1], 0.0))),
                            cov_en_km2=c.tolist(), time_to_impact_s=float(t_end[0]),
                            points_lost=int((~outer).sum()))


def impact_nees(prediction: ImpactPrediction, lat_deg: float, lon_deg: float) -> float:
    """Normalised estimation error squared of a true impact point against a prediction (χ²(2))."""
    lat0, lon0 = np.radians(prediction.lat_deg), np.radians(prediction.lon_deg)
    e = to_local_km(np.radians(lat_deg), np.radians(lon_deg), lat0, lon0)
    return float(e @ np.linalg.solve(np.asarray(prediction.cov_en_km2), e))


def ellipse_polygon(prediction: ImpactPrediction, *, chi2: float = CHI2_2DOF_95,
                    n: int = 48) -> tuple[list[list[float]], float]:
    """Confidence ellipse of a predicted impact as ([[lat_deg, lon_deg], …], area_km2)."""
    c = np.asarray(prediction.cov_en_km2)
    w, v = np.linalg.eigh(c)
    ang = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    unit = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    en = (unit * np.sqrt(np.clip(w, 0.0, None) * chi2)) @ v.T
    lat, lon = from_local_km(en, np.radians(prediction.lat_deg),
                             np.radians(prediction.lon_deg))
    area = float(np.pi * chi2 * np.sqrt(max(np.linalg.det(c), 0.0)))
    return continuous_ring(np.degrees(np.stack([lat, lon], axis=-1))), area


def bank_schedules(vehicle: VehicleClass, options: FootprintOptions) -> np.ndarray:
    """(M, 2) [bank rad, switch s]: wings level, then ±k·max/levels held until each switch time."""
    mags = np.radians(vehicle.max_bank_deg) * np.arange(1, options.bank_levels + 1)
    mags = mags / options.bank_levels
    rows = [(0.0, 0.0)]
    for s in options.switch_s:
        rows += [(sgn * m, s) for m in mags for sgn in (1.0, -1.0)]
    return np.asarray(rows, np.float64)


def reachable_footprint(x6: ArrayLike, P6: np.ndarray, vehicle: VehicleClass, *, atmosphere: str,
                        earth: EarthModel = WGS84,
                        options: FootprintOptions = FootprintOptions()
                        ) -> ReachableFootprint | None:
    """Reachable ground footprint of a glider from a track estimate (see the module docstring).

    x6: (6,) ECEF estimate [m, m/s]; P6: (6,6) covariance. Returns None when no trajectory
    reaches the ground, else a `ReachableFootprint`.
    """
    pts = cubature_points(x6, P6)
    sched = bank_schedules(vehicle, options)
    n_p, n_s = len(pts), len(sched)
    y0 = np.repeat(pts, n_s, axis=0)
    params = np.column_stack([np.full(n_p * n_s, vehicle.beta_kgpm2),
                              np.full(n_p * n_s, vehicle.lift_to_drag),
                              np.tile(sched, (n_p, 1))])
    lat, lon, _ = fly_to_ground(y0, params, atmosphere=atmosphere, earth=earth,
                                   options=options.flight)
    ok = np.isfinite(lat)
    if not ok.any():
        return None
    lat0, lon0 = _ground_point(np.asarray(x6)[:3], earth)
    polygon = star_polygon(lat, lon, lat0, lon0, options.azimuth_bins)
    return ReachableFootprint(polygon=polygon, area_km2=polygon_area_km2(polygon),
                              origin_deg=[float(np.degrees(lat0)), float(np.degrees(lon0))],
                              trajectories=int(len(y0)), reached=int(ok.sum()))


