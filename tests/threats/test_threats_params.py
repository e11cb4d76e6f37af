"""Resolution: a threat spec becomes frozen SI records with one drawn value per sample."""

import dataclasses
import zlib

import jax
import numpy as np
import pytest

from hyperdef.random import draw
from hyperdef.scenario import base
from hyperdef.scenario.resolve_threats import resolve_threat
from hyperdef.scenario.threats import threat_spec
from hyperdef.threats import params
from hyperdef.threats.truth import PER_OBJECT, VARIABLES, Truth

GLIDER = dict(name="glider", kind="glide", mass_kg=1000.0, beta_kgpm2={"low": 4700, "high": 13000},
              lift_to_drag={"mean": 2.6, "sd": 0.1}, nose_radius_m=0.034,
              manoeuvre=dict(kind="weave", amplitude_deg=30.0, period_s=120.0),
              initial=dict(lat_deg=0.0, lon_deg=-170.0, alt_km=50.0, speed_mps=5000.0,
                           heading_deg={"low": 80.0, "high": 100.0}))
STAGE = dict(dry_mass_kg=500.0, propellant_kg=5000.0, isp_s=260.0, burn_time_s=60.0)
IDS = np.array([0, 1, 2, 7])


def _key(seed: int, sample: int, *names: str):
    """The documented key tree, spelt out: key(seed) → fold_in(sample) → fold_in(each name)."""
    k = jax.random.fold_in(jax.random.key(seed), sample)
    for name in names:
        k = jax.random.fold_in(k, zlib.crc32(name.encode()) & 0x7FFFFFFF)
    return k


def test_dispersed_numbers_resolve_to_per_sample_draws_of_their_own_streams():
    p = resolve_threat(threat_spec(GLIDER), seed=11, sample_ids=IDS)
    u = np.array([float(jax.random.uniform(_key(11, int(s), "threat/glider", "beta_kgpm2"), ()))
                  for s in IDS])
    want = np.where(IDS == 0, 0.5 * (4700 + 13000), 4700 + (13000 - 4700) * u)
    assert p.vehicle.beta_kgpm2.shape == (IDS.size,)
    assert np.array_equal(p.vehicle.beta_kgpm2, want)
    z = np.array([float(jax.random.normal(_key(11, int(s), "threat/glider", "lift_to_drag"), ()))
                  for s in IDS])
    assert np.array_equal(p.vehicle.lift_to_drag, np.where(IDS == 0, 2.6, 2.6 + 0.1 * z))
    # Degrees become radians; a plain number is the same for every sample.
    assert p.start.heading_rad[0] == np.deg2rad(90.0)
    assert np.all((p.start.heading_rad > np.deg2rad(80.0)) & (p.start.heading_rad < np.deg2rad(100)))
    assert np.array_equal(p.start.alt_m, np.full(IDS.size, 50e3))
    assert np.all(p.vehicle.bank.omega_radps == 2 * np.pi / 120.0)
    assert base.draw is draw  # the scenario layer re-exports the one draw


def test_records_are_frozen_and_typed_by_start():
    p = resolve_threat(threat_spec(GLIDER), seed=0, sample_ids=IDS)
    assert p.kind is params.ThreatKind.GLIDE and isinstance(p.start, params.ReleaseParams)
    assert p.body is not None and p.body.alpha_rad == np.deg2rad(14.0)  # a glider's default
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.t0_s = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.vehicle.mass_kg = np.zeros(4)
    cruise = resolve_threat(threat_spec(dict(
        name="c", kind="cruise", mass_kg=1500.0, beta_kgpm2=5000.0, lift_to_drag=3.0,
        cruise=dict(range_km=500.0),
        initial=dict(lat_deg=0.0, lon_deg=-170.0, alt_km=30.0, speed_mps=2000.0))),
        seed=0, sample_ids=IDS)
    assert isinstance(cruise.start, params.CruiseParams) and cruise.start.range_m == 500e3
    assert cruise.body is None  # stagnation: not a glider


def test_launch_resolves_stages_aim_and_only_the_release_it_flies_to():
    missile = dict(name="m", kind="ballistic", mass_kg=800.0, beta_kgpm2=10000.0,
                   launch=dict(lat_deg=10.0, lon_deg=20.0, aim=dict(range_km=3000.0,
                                                                  azimuth_deg=45.0),
                               boost=dict(stages=[dict(STAGE, isp_s={"mean": 260, "sd": 5})]),
                               release=dict(speed_mps={"mean": 3000.0, "sd": 1e4})))
    p = resolve_threat(threat_spec(missile), seed=5, sample_ids=IDS)
    la = p.start
    assert isinstance(la, params.LaunchParams) and isinstance(la.aim, params.AimRange)
    assert np.array_equal(la.aim.range_m, np.full(IDS.size, 3000e3))
    assert la.boost.stages[0].isp_s.shape == (IDS.size,) and la.boost.stages[0].thrust_n is None
    # Aimed and boosted, it flies no release: the (wild) release speed is never drawn and so
    # flags no sample.
    assert la.release is None and not p.invalid.any()
    glider = dict(missile, kind="glide", beta_kgpm2=8000.0, lift_to_drag=2.6, name="g")
    g = resolve_threat(threat_spec(glider), seed=5, sample_ids=IDS)
    assert g.start.release is not None
    assert np.array_equal(g.invalid, g.start.release.speed_mps <= 0.0)


def test_the_truth_schema_is_the_truth_record():
    fields = {f.name for f in dataclasses.fields(Truth)}
    assert set(VARIABLES) <= fields and set(PER_OBJECT) <= fields
    assert not set(VARIABLES) & set(PER_OBJECT)
