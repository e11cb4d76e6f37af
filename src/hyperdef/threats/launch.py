"""Launches: boost (or an impulsive ballistic start) from a site, then unpowered flight.

- boost-glide: the kick of the gravity turn is solved for the release flight-path angle
  (`release.flight_path_deg`, 0° when not given), thrust ends at `release.speed_mps` or at
  burnout, and the glider flies on from the release state;
- ballistic, boosted: the kick is solved for the trajectory type's burnout angle, thrust ends at
  the range cut-off, and the aim is corrected against drag, J2 and rotation
  (hyperdef.threats.ballistic); a booster too weak for the aim flies short as OUT_OF_REACH;
- ballistic, boosted, on `azimuth_deg` without an aim: flown to burnout with the given kick or
  pitch programme, then coasts;
- ballistic, impulsive: the vacuum burnout velocity is placed on the site, its speed scaled
  until the flight through the atmosphere lands on the aim (OUT_OF_REACH where no speed below
  escape does).

A boost-glide release speed the booster cannot reach releases at burnout and ends OUT_OF_REACH;
an aim on the site's antipode (no launch plane) is INVALID_INPUT.
"""

from __future__ import annotations

from typing import cast

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.earth.distance import destination
from hyperdef.earth.frames import R_enu_from_ecef
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status
from hyperdef.threats import ballistic, boost
from hyperdef.threats.flights import Phase, Vehicle, make_phase
from hyperdef.threats.kinematics import central_angle_rad, flight_angles
from hyperdef.threats.params import (
    AimPoint,
    AimRange,
    BoostPlan,
    LaunchParams,
    ThreatParams,
    flies_to_release,
)

COAST_S = 7200.0  # aiming runs fly this long past launch at most (any ballistic arc lands)


def _aim_point(aim: AimPoint | AimRange | None, lat: np.ndarray, lon: np.ndarray,
               earth: EarthModel) -> np.ndarray | None:
    """(S, 3) aim point, ECEF, or None; from an AimPoint or an AimRange from the site."""
    if aim is None:
        return None
    if isinstance(aim, AimRange):
        alat, alon = (np.asarray(a) for a in destination(lat, lon, aim.azimuth_rad, aim.range_m,
                                                         earth.a_m))
    else:
        alat, alon = aim.lat_rad, aim.lon_rad
    return np.asarray(geodetic_to_ecef(alat, alon, 0.0, earth))


def _boost_params(plan: BoostPlan, v: Vehicle, t0: np.ndarray, normal: ArrayLike, *,
                  aim: np.ndarray | None = None, cutoff: np.ndarray | None = None,
                  kick: np.ndarray | None = None) -> boost.BoostParams:
    n = t0.size
    tab = boost.stage_table(plan.stages, v.mass)
    if plan.pitch_programme is not None:
        rows = plan.pitch_programme
        prog_t, prog_p = np.tile(rows[:, 0], (n, 1)), np.tile(rows[:, 1], (n, 1))
        if rows.shape[0] == 1:
            prog_t, prog_p = np.concatenate([prog_t, prog_t + 1.0], 1), np.tile(prog_p, 2)
    else:
        prog_t, prog_p = np.tile([0.0, 1.0], (n, 1)), np.zeros((n, 2))
    return boost.BoostParams(
        t0, tab["t_ignite_s"], tab["burn_s"], tab["mdot_kgps"], tab["thrust_n"], tab["dry_kg"],
        tab["drag_area_m2"], tab["plume_w_sr"], tab["mass0_kg"], np.asarray(normal),
        np.full(n, plan.vertical_s), np.zeros(n) if kick is None else kick,
        np.full(n, plan.kick_s), np.full(n, plan.pitch_programme is not None), prog_t, prog_p,
        np.full(n, np.inf) if cutoff is None else cutoff,
        np.zeros((n, 3)) if aim is None else np.asarray(aim), np.zeros(n))


def _host(x: ArrayLike) -> np.ndarray:
    """A `BoostParams` field on the host: `_boost_params` builds every field as a NumPy array."""
    return cast(np.ndarray, x)


def _run_boost(bp: boost.BoostParams, y0: np.ndarray, grid: np.ndarray, earth: EarthModel,
               atmosphere: str, step_s: float,
               t_stop: np.ndarray | None = None) -> list[np.ndarray]:
    fl = boost.fly_boost(bp, jnp.asarray(y0), grid, earth=earth, atmosphere=atmosphere,
                         step_s=step_s, t_stop_s=t_stop)
    return [np.asarray(a) for a in fl]


def _boost_plume(bp: boost.BoostParams, grid: np.ndarray, y: np.ndarray) -> np.ndarray:
    tau = grid[None, :] - np.asarray(bp.t_launch_s)[:, None]
    on = np.all(np.isfinite(y), -1)
    return np.where(on, boost.plume_w_sr(_host(bp.t_ignite_s), _host(bp.burn_s),
                                                     _host(bp.plume_w_sr), tau), 0.0)


def _coast_grid(t0: np.ndarray) -> np.ndarray:
    return np.array([float(np.min(t0)), float(np.max(t0)) + COAST_S])


def fly_launch(p: ThreatParams, grid: np.ndarray, earth: EarthModel, atmosphere: str) -> Phase:
    """Boost (or an impulsive start) from a launch site (`p.start` a LaunchParams), then
    unpowered flight."""
    v, la = Vehicle(p, earth), p.start
    assert isinstance(la, LaunchParams)  # the caller dispatches on the start's type
    n = p.sample_ids.size
    lat, lon = la.lat_rad, la.lon_rad
    site = np.asarray(geodetic_to_ecef(lat, lon, la.alt_m, earth))
    enu = np.asarray(R_enu_from_ecef(lat, lon))
    up0 = enu[:, 2]
    aim = _aim_point(la.aim, lat, lon, earth)
    t0 = np.full(n, p.t0_s)
    y_pad = np.concatenate([site, np.zeros((n, 3))], -1)
    t_stop = t0 + (p.stop.time_s or np.inf)
    # An aim (or, steering by it, a target) on the site's antipode leaves the launch plane
    # undefined: every azimuth reaches it. Such samples are INVALID_INPUT, never a guess.
    invalid = np.zeros(n, bool)
    if aim is not None:
        invalid |= ballistic.antipodal(site, aim)
    if la.azimuth_rad is not None:
        az = la.azimuth_rad
        toward = np.sin(az)[:, None] * enu[:, 0] + np.cos(az)[:, None] * enu[:, 1]
    else:
        goal = aim if aim is not None else v.target
        invalid |= ballistic.antipodal(site, goal)
        # Samples that cannot fly point north (any plane) so that none makes a NaN.
        unflyable = invalid | p.vehicle.invalid | la.invalid
        toward = np.where(unflyable[:, None], enu[:, 1], goal - site)
    if flies_to_release(p.kind, aim is not None, la.boost is not None):
        phase = _boost_glide(p, v, grid, earth, atmosphere, t0, y_pad, up0, toward, t_stop, site)
    elif la.boost is None:
        phase = _impulsive(p, v, grid, earth, atmosphere, t0, site, aim)
    else:
        phase = _boosted_ballistic(p, v, grid, earth, atmosphere, t0, y_pad, up0, site, aim,
                                   t_stop)
    phase.invalid = phase.invalid | invalid
    return phase


def _chain(v: Vehicle, bp: boost.BoostParams, a: list[np.ndarray], grid: np.ndarray,
           earth: EarthModel, atmosphere: str, t0: np.ndarray, t_stop: np.ndarray,
           site: np.ndarray, go_on: np.ndarray, fail_status: np.ndarray) -> Phase:
    """Unpowered flight from the boost's end (where go_on), merged with the boost part."""
    ya, ta_end, ya_end, sa = a
    y0 = np.where(go_on[:, None], ya_end, np.nan)
    yb, t_end, y_end, sb = v.fly(y0, np.where(go_on, ta_end, grid[-1]), grid, atmosphere)
    status = np.where(go_on, sb, fail_status)
    y = np.where(np.isfinite(ya), ya, yb)
    speed = np.linalg.norm(ya_end[:, 3:6], axis=-1)
    return make_phase(v, y, np.where(go_on[:, None], y_end, ya_end), t0,
                  np.where(go_on, t_end, ta_end), status, site, speed,
                  plume=_boost_plume(bp, grid, ya))


def _boost_glide(p: ThreatParams, v: Vehicle, grid: np.ndarray, earth: EarthModel,
                 atmosphere: str, t0: np.ndarray, y_pad: np.ndarray, up0: np.ndarray,
                 toward: np.ndarray, t_stop: np.ndarray, site: np.ndarray) -> Phase:
    la = p.start
    # fly_launch sends only launches with a booster here.
    assert isinstance(la, LaunchParams) and la.boost is not None
    rel, n = la.release, t0.size
    fpa = rel.flight_path_rad if (rel is not None and rel.flight_path_rad is not None) \
        else np.zeros(n)
    cutoff = rel.speed_mps if rel is not None else None
    normal = boost.launch_plane_normal(up0, toward)
    bp = _boost_params(la.boost, v, t0, normal, cutoff=cutoff)
    step = min(p.step_s, 0.5)
    if la.boost.kick_rad is not None:
        bp = bp._replace(kick_rad=la.boost.kick_rad)
    elif la.boost.pitch_programme is None:
        coast = _coast_grid(t0)

        def too_steep(kick: np.ndarray) -> np.ndarray:
            _, _, y_end, st = _run_boost(bp._replace(kick_rad=kick), y_pad, coast, earth,
                                         atmosphere, step)
            got = np.asarray(flight_angles(y_end[:, :3], y_end[:, 3:6], earth)[1])
            return np.where(st == Status.OK, got - fpa, -np.pi)

        bp = bp._replace(kick_rad=boost.solve_kick(too_steep, n))
    a = _run_boost(bp, y_pad, grid, earth, atmosphere, step, t_stop)
    released = (a[3] == Status.OK) & (a[1] < t_stop)
    fail = np.where(a[3] == Status.OK, Status.OK, a[3])
    phase = _chain(v, bp, a, grid, earth, atmosphere, t0, t_stop, site, released, fail)
    if cutoff is not None:
        # Burnt out before the cut-off speed: the release state is beyond the booster. It is
        # released at burnout and flies on, but however it ends it is flagged (never a plain
        # IMPACT or MAX_TIME).
        burn_end = t0 + boost.burn_end_s(_host(bp.burn_s), _host(bp.t_ignite_s))
        ended = np.isin(phase.status, [Status.IMPACT, Status.MAX_TIME, Status.STOP_ALTITUDE,
                                       Status.OK])
        short = released & (a[1] >= burn_end - 1e-6) & ended
        phase.status = np.where(short, Status.OUT_OF_REACH, phase.status).astype(np.int32)
    return phase


def _impulsive(p: ThreatParams, v: Vehicle, grid: np.ndarray, earth: EarthModel, atmosphere: str,
               t0: np.ndarray, site: np.ndarray, aim: np.ndarray | None) -> Phase:
    """The vacuum burnout velocity on the site, its speed scaled until the drag-flown range is
    the aim's (hyperdef.threats.ballistic); samples still off the aim by more than
    AIM_TOLERANCE_M after IMPULSIVE_ITERATIONS flights (beyond escape speed, or no bound arc)
    are OUT_OF_REACH."""
    la, coast = p.start, _coast_grid(t0)
    # fly_launch sends only aimed launches without a booster here.
    assert isinstance(la, LaunchParams) and aim is not None
    offset = ballistic.loft_offset_rad(la.trajectory, la.loft_rad)
    psi_aim = np.asarray(central_angle_rad(site, aim))
    n = site.shape[0]
    virtual, k = aim.copy(), np.ones(n)
    lo, f_lo, hi, f_hi = np.zeros(n), np.full(n, -np.inf), np.full(n, np.inf), np.full(n, np.inf)

    def launch_state(virtual: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vel, _, ok = (np.asarray(x) for x in ballistic.impulsive_velocity(site, virtual, offset,
                                                                           earth))
        return np.where(ok[:, None], np.concatenate([site, k[:, None] * vel], -1), np.nan), ok

    best_k, best_virtual, best_miss = k.copy(), virtual.copy(), np.full(n, np.inf)
    for _ in range(ballistic.IMPULSIVE_ITERATIONS):
        y0, ok = launch_state(virtual, k)
        _, _, y_end, st = v.fly(y0, t0, coast, atmosphere, stop=False)
        hit = ok & (st == Status.IMPACT)
        miss = np.where(hit, np.linalg.norm(y_end[:, :3] - aim, axis=-1), np.inf)
        better = miss < best_miss
        best_k, best_miss = np.where(better, k, best_k), np.where(better, miss, best_miss)
        best_virtual = np.where(better[:, None], virtual, best_virtual)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(hit, np.log(np.asarray(central_angle_rad(site, y_end[:, :3]))
                                         / psi_aim), np.inf)
        virtual = ballistic.cross_track_shifted_aim(virtual, site, aim, y_end[:, :3], hit)
        k, lo, f_lo, hi, f_hi = ballistic.next_speed_factor(k, ratio, lo, f_lo, hi, f_hi)
    # The launch that landed nearest the aim flies; beyond reach it is the one that fell
    # shortest of it (flies, flagged).
    y0, ok = launch_state(best_virtual, best_k)
    y, t_end, y_end, status = v.fly(y0, t0, grid, atmosphere)
    reached = ok & (best_miss <= ballistic.AIM_TOLERANCE_M)
    status = np.where(reached | (status != Status.IMPACT), status, Status.OUT_OF_REACH)
    status = np.where(ok, status, Status.OUT_OF_REACH)
    return make_phase(v, y, y_end, t0, t_end, status, site, np.linalg.norm(y0[:, 3:], axis=-1))


def _boosted_ballistic(p: ThreatParams, v: Vehicle, grid: np.ndarray, earth: EarthModel,
                       atmosphere: str, t0: np.ndarray, y_pad: np.ndarray, up0: np.ndarray,
                       site: np.ndarray, aim: np.ndarray | None, t_stop: np.ndarray) -> Phase:
    la, coast, n = p.start, _coast_grid(t0), t0.size
    # fly_launch sends only aimed launches with a booster here.
    assert isinstance(la, LaunchParams) and la.boost is not None and aim is not None
    offset = ballistic.loft_offset_rad(la.trajectory, la.loft_rad)
    step = min(p.step_s, 0.5)
    virtual = aim.copy()
    bp = _boost_params(la.boost, v, t0, boost.launch_plane_normal(up0, aim - site), aim=aim)
    burn_end = t0 + boost.burn_end_s(_host(bp.burn_s), _host(bp.t_ignite_s))
    if la.boost.kick_rad is not None:
        bp = bp._replace(kick_rad=la.boost.kick_rad)
    elif la.boost.pitch_programme is None:

        def too_steep(kick: np.ndarray) -> np.ndarray:
            _, _, y_end, st = _run_boost(bp._replace(kick_rad=kick), y_pad, coast, earth,
                                         atmosphere, step)
            err = ballistic.burnout_angle_error(y_end[:, :3], y_end[:, 3:6], aim, offset, earth)
            return np.where(st == Status.OK, np.asarray(err), -np.pi)

        bp = bp._replace(kick_rad=boost.solve_kick(too_steep, n))
    for _ in range(ballistic.AIM_ITERATIONS):
        a = _run_boost(bp, y_pad, coast, earth, atmosphere, step)
        cut = (a[3] == Status.OK) & (a[1] < burn_end - 1e-6)
        y0 = np.where(cut[:, None], a[2], np.nan)
        _, _, y_end, st = v.fly(y0, np.where(cut, a[1], t0), coast, atmosphere, stop=False)
        virtual = ballistic.shifted_aim(virtual, aim, y_end[:, :3], cut & (st == Status.IMPACT))
        bp = bp._replace(aim_ecef_m=virtual,
                         plane_normal=np.asarray(boost.launch_plane_normal(up0, virtual - site)))
    a = _run_boost(bp, y_pad, grid, earth, atmosphere, step, t_stop)
    cut = (a[3] == Status.OK) & (a[1] < burn_end - 1e-6)
    stopped = (a[3] == Status.OK) & (a[1] >= t_stop)
    go_on = (a[3] == Status.OK) & ~stopped
    fail = np.where(stopped, Status.OK, a[3])
    phase = _chain(v, bp, a, grid, earth, atmosphere, t0, t_stop, site, go_on, fail)
    # Burnt out before the range cut-off: the aim is beyond the booster; it still flies (short).
    short = go_on & ~cut & (phase.status == Status.IMPACT)
    phase.status = np.where(short, Status.OUT_OF_REACH, phase.status).astype(np.int32)
    return phase
