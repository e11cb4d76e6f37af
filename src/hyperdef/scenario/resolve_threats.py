"""Threat specs resolved into the records the threat kernels fly (hyperdef.threats.params).

Every dispersed number is drawn here, once per Monte Carlo sample, from the stream
`threat/<name>` of the sample with one sub-stream per field (`launch/lat_deg`,
`boost/0/isp_s`, …), so adding a threat or a field never changes another's draws and a sample's
values do not depend on which samples are resolved with it. Units become SI. A draw outside its
physical range (a normal tail below zero) is not an error: it marks the sample in the record's
`invalid`, and the sample ends INVALID_INPUT.

A number is drawn only where its threat uses it (a boost-glide release only where the launch
flies to one), so a draw that no flight reads never flags a sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from hyperdef.random import component_keys, draw, sub_keys
from hyperdef.scenario.flight import BodyIR, Initial
from hyperdef.scenario.launch import AimRange, Boost, Launch
from hyperdef.scenario.threats import BallisticSpec, CruiseSpec, ThreatSpec
from hyperdef.threats import manoeuvres, params


class Draws:
    """Per-sample draws of one threat's dispersed fields; records which fall out of range."""

    def __init__(self, name: str, seed: int, sample_ids):
        self.ids = np.asarray(sample_ids, np.int64).reshape(-1)
        self.base = component_keys(seed, self.ids, f"threat/{name}")
        self.invalid = np.zeros(self.ids.shape, bool)

    def keys(self, field: str):
        """(S,) keys of `field`: component_key(threat key, field) for every sample."""
        return sub_keys(self.base, field)

    def __call__(self, field: str, value, low=None, high=None, strict=True) -> np.ndarray:
        """(S,) draws of `value`; draws outside (low, high) mark the sample invalid."""
        x = draw(value, self.keys(field), self.ids)
        if low is not None:
            self.invalid |= (x <= low) if strict else (x < low)
        if high is not None:
            self.invalid |= x > high
        return x

    def rad(self, field: str, value, *bounds, **kw) -> np.ndarray:
        """(S,) draws of an angle given in degrees, in radians (bounds in degrees)."""
        return np.deg2rad(self(field, value, *bounds, **kw))

    def take_invalid(self) -> np.ndarray:
        """The samples marked since the last call (one record's draws), and a fresh mask."""
        out, self.invalid = self.invalid, np.zeros(self.ids.shape, bool)
        return out


def _bank(spec, d: Draws) -> manoeuvres.BankProgramme:
    n = d.ids.size
    if spec is None:
        return manoeuvres.no_manoeuvre(n)
    if spec.kind == "constant_bank":
        return manoeuvres.constant_bank(d.rad("bank_deg", spec.bank_deg), spec.start_s)
    if spec.kind == "weave":
        prog = manoeuvres.weave(d.rad("amplitude_deg", spec.amplitude_deg),
                                d("period_s", spec.period_s), d.rad("phase_deg", spec.phase_deg),
                                spec.start_s)
        d.invalid |= ~(np.asarray(prog.omega_radps) > 0.0)
        return prog
    rows = np.asarray(spec.schedule, np.float64)
    rows[:, 1] = np.deg2rad(rows[:, 1])
    return manoeuvres.bank_schedule(rows, spec.start_s, n)


def _vehicle(spec, d: Draws) -> params.VehicleParams:
    n = d.ids.size
    lifting = not isinstance(spec, BallisticSpec)
    mass = d("mass_kg", spec.mass_kg, 0.0)
    nose = d("nose_radius_m", spec.nose_radius_m, 0.0)
    emissivity = d("emissivity", spec.emissivity, 0.0, 1.0)
    area = d("emitting_area_m2", spec.emitting_area_m2, 0.0)
    beta = (d("beta_kgpm2", spec.beta_kgpm2, 0.0) if spec.beta_kgpm2 is not None
            else np.full(n, np.nan))
    ld = (np.zeros(n) if not lifting else
          d("lift_to_drag", spec.lift_to_drag, 0.0) if spec.lift_to_drag is not None
          else np.full(n, np.nan))
    alpha = getattr(spec, "alpha_deg", "max_ld")
    target = getattr(spec, "target", None)
    if target is not None:
        target = params.TargetParams(
            d.rad("target/lat_deg", target.lat_deg), d.rad("target/lon_deg", target.lon_deg),
            1e3 * target.dive_range_km, np.deg2rad(target.max_bank_deg))
    bank = _bank(getattr(spec, "manoeuvre", None), d)
    return params.VehicleParams(
        mass, nose, emissivity, area, beta, ld, getattr(spec, "aero", None),
        getattr(spec, "reference_area_m2", None),
        np.nan if alpha == "max_ld" else np.deg2rad(float(alpha)), bank, target,
        d.take_invalid())


def _release(ini: Initial, d: Draws) -> params.ReleaseParams:
    return params.ReleaseParams(
        d.rad("initial/lat_deg", ini.lat_deg, -90.0, 90.0, strict=False),
        d.rad("initial/lon_deg", ini.lon_deg),
        None if ini.alt_km == "equilibrium" else 1e3 * d("initial/alt_km", ini.alt_km),
        d("initial/speed_mps", ini.speed_mps, 0.0),
        d.rad("initial/flight_path_deg", ini.flight_path_deg, -90.0, 90.0, False),
        d.rad("initial/heading_deg", ini.heading_deg), d.take_invalid())


def _cruise(spec: CruiseSpec, d: Draws) -> params.CruiseParams:
    ini = spec.initial
    rng = spec.cruise.range_km if spec.cruise is not None else None
    return params.CruiseParams(
        d.rad("initial/lat_deg", ini.lat_deg, -90.0, 90.0, strict=False),
        d.rad("initial/lon_deg", ini.lon_deg),
        1e3 * d("initial/alt_km", ini.alt_km, 0.0, strict=False),
        d("initial/speed_mps", ini.speed_mps, 0.0), d.rad("initial/heading_deg", ini.heading_deg),
        None if rng is None else 1e3 * rng, d.take_invalid())


def _boost(b: Boost, d: Draws) -> params.BoostPlan:
    stages = []
    for k, st in enumerate(b.stages):
        # Drag area and plume may be zero; every other stage number must be positive.
        one = lambda field, v, k=k: d(f"boost/{k}/{field}", v, 0.0,
                                      strict=field not in ("drag_area_m2", "plume_w_sr"))
        stages.append(params.StageParams(
            one("dry_mass_kg", st.dry_mass_kg), one("propellant_kg", st.propellant_kg),
            one("isp_s", st.isp_s),
            None if st.burn_time_s is None else one("burn_time_s", st.burn_time_s),
            None if st.thrust_n is None else one("thrust_n", st.thrust_n),
            one("drag_area_m2", st.drag_area_m2), one("plume_w_sr", st.plume_w_sr)))
    prog = None
    if b.pitch_programme:
        prog = np.asarray(b.pitch_programme, np.float64)
        prog[:, 1] = np.deg2rad(prog[:, 1])
    kick = None if b.kick_deg is None else d.rad("boost/kick_deg", b.kick_deg)
    return params.BoostPlan(tuple(stages), b.vertical_s, kick, b.kick_s, prog, d.take_invalid())


def _launch(spec, la: Launch, d: Draws) -> params.LaunchParams:
    lat = d.rad("launch/lat_deg", la.lat_deg, -90.0, 90.0, strict=False)
    lon = d.rad("launch/lon_deg", la.lon_deg)
    aim: params.AimPoint | params.AimRange | None = None
    if isinstance(la.aim, AimRange):
        aim = params.AimRange(1e3 * d("aim/range_km", la.aim.range_km, 0.0),
                              d.rad("aim/azimuth_deg", la.aim.azimuth_deg))
    elif la.aim is not None:
        aim = params.AimPoint(d.rad("aim/lat_deg", la.aim.lat_deg),
                              d.rad("aim/lon_deg", la.aim.lon_deg))
    az = None if la.azimuth_deg is None else d.rad("launch/azimuth_deg", la.azimuth_deg)
    invalid = d.take_invalid()
    release = None
    kind = params.ThreatKind(spec.kind)
    if la.release is not None and params.flies_to_release(kind, aim is not None,
                                                          la.boost is not None):
        rel = la.release
        release = params.ReleaseTargets(
            None if rel.flight_path_deg is None else d.rad("release/flight_path_deg",
                                                           rel.flight_path_deg),
            None if rel.speed_mps is None else d("release/speed_mps", rel.speed_mps, 0.0),
            d.take_invalid())
    boost = None if la.boost is None else _boost(la.boost, d)
    return params.LaunchParams(lat, lon, la.alt_m, aim, az, la.trajectory,
                               np.deg2rad(la.loft_deg), boost, release, invalid)


def body_params(b: BodyIR) -> params.BodyParams:
    """The panelled body of a `body:` section in SI (its geometry's values where None)."""
    rad = lambda x: None if x is None else np.deg2rad(x)
    return params.BodyParams(
        b.geometry, b.nose_radius_m, b.leading_edge_radius_m, rad(b.leading_edge_sweep_deg),
        b.leading_edge_length_m, b.length_m, b.windward_area_m2, b.leeward_area_m2,
        rad(b.windward_incidence_deg), rad(b.leeward_incidence_deg), np.deg2rad(b.alpha_deg),
        b.material_limit_k, b.transition_reynolds)


def resolve_threat(spec: ThreatSpec, *, seed: int, sample_ids) -> params.ThreatParams:
    """One threat for the samples sample_ids (S,) of the scenario seed `seed`."""
    d = Draws(spec.name, seed, sample_ids)
    vehicle = _vehicle(spec, d)
    start: params.ReleaseParams | params.CruiseParams | params.LaunchParams
    if isinstance(spec, CruiseSpec):
        start = _cruise(spec, d)
    elif spec.initial is not None:
        start = _release(spec.initial, d)
    else:
        # The spec's validator has checked that a threat without `initial` has a `launch`.
        start = _launch(spec, cast(Launch, spec.launch), d)
    s = spec.stop
    return params.ThreatParams(
        name=spec.name, kind=params.ThreatKind(spec.kind), sample_ids=d.ids, vehicle=vehicle,
        start=start, t0_s=spec.t0_s,
        stop=params.StopParams(s.time_s, None if s.alt_km is None else 1e3 * s.alt_km),
        step_s=spec.step_s, band_m=(spec.ir_band_um[0] * 1e-6, spec.ir_band_um[1] * 1e-6),
        heating_k=spec.heating_k, body=body_params(spec.body) if spec.ir_model == "body" else None)


def resolve_threats(specs: Sequence[ThreatSpec], *, seed: int,
                    sample_ids) -> tuple[params.ThreatParams, ...]:
    """Every threat of a scenario for the samples sample_ids (S,) of the seed `seed`."""
    return tuple(resolve_threat(s, seed=seed, sample_ids=sample_ids) for s in specs)
