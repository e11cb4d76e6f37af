"""Simulate every threat of a scenario for a set of Monte Carlo samples: the `Truth`.

Each threat is flown for all samples at once, in phases: boost (a launch with a booster) or
cruise, then unpowered flight (glide, or ballistic re-entry). The threats come resolved
(hyperdef.threats.params, from hyperdef.scenario.resolve_threats): their per-sample numbers are
already drawn. A sample that cannot fly (a draw out of its physical range, no equilibrium glide,
an aim beyond reach) gets a status and NaNs, never an exception.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.atmosphere.model import atmosphere as atmosphere_model
from hyperdef.dynamics.eom import altitude_and_up
from hyperdef.dynamics.propagate import TOP_OF_ATMOSPHERE_M
from hyperdef.earth.distance import geodesic_m
from hyperdef.earth.geodetic import ecef_to_geodetic
from hyperdef.earth.model import EarthModel
from hyperdef.status import Status
from hyperdef.threats import body_ir, body_view, heating
from hyperdef.threats.flights import fly_cruise, fly_initial
from hyperdef.threats.launch import fly_launch
from hyperdef.threats.params import CruiseParams, ReleaseParams, ThreatParams
from hyperdef.threats.truth import DTYPES, PER_OBJECT, VARIABLES, Truth, trailing_shape
from hyperdef.time import Epoch

# A guided vehicle that lands farther than this from its target could not reach it (the dive
# guidance otherwise hits to well under a metre).
MISS_TOLERANCE_M = 1_000.0


@functools.partial(jax.jit, static_argnames=("atmosphere", "band_m", "k"))
def _signature(y: jax.Array, alt_m: jax.Array, atmosphere: str, nose_m: jax.Array,
               emissivity: jax.Array, area_m2: jax.Array, band_m: tuple[float, float],
               k: float) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array, jax.Array]:
    """Heat flux, temperature, intensity and Mach on the grid (S, T) for one threat."""
    model = atmosphere_model(atmosphere)
    air = model(jnp.minimum(alt_m, TOP_OF_ATMOSPHERE_M))
    rho = jnp.where(alt_m < TOP_OF_ATMOSPHERE_M, air.density_kgpm3, 0.0)
    speed = jnp.linalg.norm(y[..., 3:6], axis=-1)
    q, temp, ir = heating.signature(rho, speed, nose_m[:, None], emissivity[:, None],
                                    area_m2[:, None], band_m, k)
    return speed, speed / air.sound_speed_mps, q, temp, ir


@functools.partial(jax.jit, static_argnames=("earth", "atmosphere", "band_m"))
def _body_signature(y: jax.Array, alt_m: jax.Array, earth: EarthModel, atmosphere: str,
                    body: body_ir.Body, emissivity: jax.Array, alpha_rad: jax.Array,
                    limit_k: jax.Array, re_tr: jax.Array, k: jax.Array,
                    band_m: tuple[float, float]) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Nose temperature and intensity from straight above, (S, T), and face-on panel
    intensities (S, T, 4) of `ir_model: body`."""
    model = atmosphere_model(atmosphere)
    air = model(jnp.minimum(alt_m, TOP_OF_ATMOSPHERE_M))
    rho = jnp.where(alt_m < TOP_OF_ATMOSPHERE_M, air.density_kgpm3, 0.0)
    up = altitude_and_up(y[..., :3], earth)[1]
    return body_view.signature_from_above(rho, air.temp_k, y[..., 3:6], up, body, emissivity,
                                          alpha_rad, limit_k, re_tr, k, band_m)


def _ground_range_m(first_r: jax.Array, last_r: jax.Array, earth: EarthModel) -> np.ndarray:
    """(S,) geodesic distance [m] between the ground points under two ECEF positions (S, 3)."""
    lat1, lon1, _ = ecef_to_geodetic(first_r, earth)
    lat2, lon2, _ = ecef_to_geodetic(last_r, earth)
    return np.asarray(geodesic_m(lat1, lon1, lat2, lon2, earth))


def _ground_track_m(start_r: np.ndarray, r_grid: np.ndarray, end_r: np.ndarray,
                    earth: EarthModel) -> np.ndarray:
    """(S,) distance flown along the ground track [m]: the geodesic legs between the ground
    points under start → every in-flight grid point → end, summed (a weave counts its
    lateral travel; a path past half the globe is not folded back as a start-to-end geodesic
    would be). start_r, end_r (S, 3); r_grid (S, T, 3), NaN off flight."""
    pts = np.concatenate([start_r[:, None], r_grid, end_r[:, None]], axis=1)
    ok = np.all(np.isfinite(pts), -1)
    # Finite points first, in time order (the in-flight points are contiguous in time), then one
    # batched geodesic over every consecutive pair; pairs past a sample's last point count 0.
    order = np.argsort(~ok, axis=1, kind="stable")
    p = np.take_along_axis(pts, order[..., None], axis=1)
    n = ok.sum(axis=1)
    leg = np.arange(p.shape[1] - 1)[None, :] < (n[:, None] - 1)
    a = np.where(leg[..., None], p[:, :-1], p[:, :1])  # unused pairs: a point to itself
    b = np.where(leg[..., None], p[:, 1:], p[:, :1])
    a = np.where(np.isfinite(a), a, earth.a_m * np.array([1.0, 0.0, 0.0]))
    b = np.where(np.isfinite(b), b, earth.a_m * np.array([1.0, 0.0, 0.0]))
    d = _ground_range_m(jnp.asarray(a.reshape(-1, 3)), jnp.asarray(b.reshape(-1, 3)), earth)
    return np.where(leg, d.reshape(leg.shape), 0.0).sum(axis=1)


# One threat's truth fields by name (arrays), plus its band and body aspect: mixed value types,
# stacked into `Truth` by name.
def _threat(p: ThreatParams, earth: EarthModel, atmosphere: str,
            grid: np.ndarray) -> dict[str, Any]:
    fly = (fly_cruise if isinstance(p.start, CruiseParams) else
           fly_initial if isinstance(p.start, ReleaseParams) else fly_launch)
    phase = fly(p, grid, earth, atmosphere)
    bad = p.invalid | phase.invalid
    status = np.where(bad, Status.INVALID_INPUT, phase.status).astype(np.int32)
    y = np.where(bad[:, None, None], np.nan, phase.y_grid)
    in_flight = np.all(np.isfinite(y), axis=-1)
    r = y[..., :3]
    alt = np.asarray(altitude_and_up(jnp.asarray(r), earth)[0])
    band = p.band_m
    speed, mach, q, temp, ir = (np.asarray(a) for a in _signature(
        jnp.asarray(y), jnp.asarray(alt), atmosphere, phase.nose_radius_m, phase.emissivity,
        phase.emitting_area_m2, band, p.heating_k))
    aspect = None
    if p.body is not None:
        b = p.body
        body = body_ir.body_from_params(b, phase.nose_radius_m)
        temp, ir, panels = (np.asarray(a) for a in _body_signature(
            jnp.asarray(y), jnp.asarray(alt), earth, atmosphere, body,
            phase.emissivity[:, None], b.alpha_rad, b.material_limit_k,
            b.transition_reynolds, p.heating_k, band))
        aspect = body_view.Aspect(
            np.where(in_flight[..., None], panels, 0.0),
            np.full(p.sample_ids.size, b.alpha_rad), np.asarray(body.leading_edge_sweep_rad)[:, 0],
            np.asarray(body.windward_incidence_rad)[:, 0],
            np.asarray(body.leeward_incidence_rad)[:, 0])
    ir = ir + np.where(in_flight, phase.plume_w_sr, 0.0)
    def nan(a: np.ndarray) -> np.ndarray:
        return np.where(in_flight, a, np.nan)

    end = np.where(bad[:, None], np.nan, phase.y_end)
    if phase.target_r is not None:  # a guided vehicle that lands off its target fell short
        miss = np.linalg.norm(end[:, :3] - phase.target_r, axis=-1)
        status = np.where((status == Status.IMPACT) & ~(miss <= MISS_TOLERANCE_M),
                          Status.OUT_OF_REACH, status).astype(np.int32)
    landed = (status == Status.IMPACT) | (status == Status.OUT_OF_REACH)
    lat, lon, end_alt = (np.asarray(a) for a in ecef_to_geodetic(jnp.asarray(end[:, :3]),
                                                                  earth))
    # OUT_OF_REACH also ends flights still aloft at the grid's end: an impact needs the ground.
    impact = landed & np.all(np.isfinite(end[:, :3]), -1) & (end_alt < 1.0)
    rng = _ground_range_m(jnp.asarray(np.where(bad[:, None], 0.0, phase.start_r)),
                          jnp.asarray(np.nan_to_num(end[:, :3])), earth)
    ok_rng = ~bad & np.all(np.isfinite(end[:, :3]), -1)
    track = _ground_track_m(np.where(bad[:, None], np.nan, phase.start_r), r,
                            np.where(ok_rng[:, None], end[:, :3], np.nan), earth)
    return {
        "r_ecef_m": r, "v_ecef_mps": y[..., 3:6], "alt_m": nan(alt), "speed_mps": nan(speed),
        "mach": nan(mach), "temp_k": nan(temp), "ir_w_sr": nan(ir), "heat_flux_w_m2": nan(q),
        "in_flight": in_flight, "status": status,
        "t_start_s": np.where(bad, np.nan, phase.t_start_s),
        "t_end_s": np.where(bad, np.nan, phase.t_end_s),
        "impact_lat_rad": np.where(impact, lat, np.nan),
        "impact_lon_rad": np.where(impact, lon, np.nan),
        "emissivity": phase.emissivity, "emitting_area_m2": phase.emitting_area_m2,
        "nose_radius_m": phase.nose_radius_m, "mass_kg": phase.mass_kg,
        "beta_kgpm2": phase.beta_kgpm2, "lift_to_drag": phase.lift_to_drag,
        "start_to_end_m": np.where(ok_rng, rng, np.nan),
        "ground_track_m": np.where(ok_rng, track, np.nan), "band": band, "aspect": aspect,
    }


def simulate(threats: Sequence[ThreatParams], *, earth: EarthModel, atmosphere: str,
             t_grid_s: ArrayLike, sample_ids: ArrayLike | None = None,
             epoch: Epoch | None = None) -> Truth:
    """Fly every threat for every sample on the scenario grid.

    Args:
      threats: resolved threats (hyperdef.scenario.resolve_threats), names unique, all for the
        same samples.
      earth: Earth model; atmosphere: 'us76' or 'exponential'.
      t_grid_s: (T,) scenario time grid [s since epoch].
      sample_ids: (S,) sample ids (0 = nominal), needed only when there are no threats; else
        the threats' own, which it must equal when given.
      epoch: the scenario epoch (dynamics run in ECEF and need no absolute time; kept for
        the interface).
    Returns:
      `Truth` with dims (S, O, T).
    """
    grid = np.asarray(t_grid_s, np.float64)
    names = [p.name for p in threats]
    if len(set(names)) != len(names):
        raise ValueError(f"threats: names must be unique, got {names}")
    if sample_ids is None and not threats:
        raise ValueError("simulate: give sample_ids when there are no threats")
    ids = np.asarray(threats[0].sample_ids if sample_ids is None else sample_ids,
                     np.int64).reshape(-1)
    for p in threats:
        if not np.array_equal(p.sample_ids, ids):
            raise ValueError(f"threats: {p.name} was resolved for other samples than {ids}")
    parts = [_threat(p, earth, atmosphere, grid) for p in threats]
    s_ = ids.size
    fields = {}
    for k in (*VARIABLES, *PER_OBJECT):
        shape = trailing_shape(k, grid.size)
        a = np.stack([q[k] for q in parts], axis=1) if parts else np.zeros((s_, 0) + shape)
        fields[k] = a.astype(DTYPES[k]) if k in DTYPES else a
    bands = tuple(q["band"] for q in parts)
    return Truth(names=tuple(names), kinds=tuple(p.kind.value for p in threats), sample_ids=ids,
                 ir_models=tuple("stagnation" if p.body is None else "body" for p in threats),
                 t_s=grid, ir_band_m=bands[0] if bands else (2.69e-6, 2.95e-6),
                 ir_bands_m=bands, ir_aspects=tuple(q["aspect"] for q in parts), **fields)
