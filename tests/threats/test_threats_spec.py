"""The `threats:` section: bad input is a field-named error with the fix."""

import pytest

from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.load import validate
from hyperdef.scenario.threats import threat_spec

GLIDER = dict(name="g", kind="glide", mass_kg=1000.0, beta_kgpm2=8000.0, lift_to_drag=2.6,
              initial=dict(lat_deg=0.0, lon_deg=-170.0, alt_km=50.0, speed_mps=5000.0))


def _problems(threat: dict) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        validate({"epoch": "2030-01-01T00:00:00Z", "duration_s": 100.0, "threats": [threat]})
    return err.value.problems


def _with(**changes):
    out = dict(GLIDER)
    out.update(changes)
    return out


@pytest.mark.parametrize(("threat", "path", "words"), [
    (_with(mass_kg=-3.0), "threats[0].mass_kg", "must be >= 0.1"),
    (_with(beta_kgpm2=-1.0), "threats[0].beta_kgpm2", "must be >= 10"),
    (_with(beta_kgpm2={"low": -5.0, "high": 10.0}), "threats[0].beta_kgpm2", "low must be"),
    (_with(lift_to_drag=0.0), "threats[0].lift_to_drag", "must be > 0"),
    (_with(initial=dict(GLIDER["initial"], alt_km=-1.0)), "threats[0].initial.alt_km", ">= 0"),
    (_with(initial=dict(GLIDER["initial"], speed_mps=12000.0)), "threats[0].initial",
     "escape speed"),
    (_with(initial=dict(GLIDER["initial"], alt_km="high")), "threats[0].initial.alt_km",
     "'equilibrium'"),
    (_with(lift_to_drag=None), "threats[0]", "needs lift_to_drag"),
    (_with(beta_kgpm2=None), "threats[0]", "beta_kgpm2 is required"),
    (_with(kind="ballistic"), "threats[0]", "no lift"),
    (_with(launch=dict(lat_deg=0.0, lon_deg=0.0, azimuth_deg=90.0)), "threats[0]",
     "exactly one of initial"),
    (_with(emissivity=1.5), "threats[0].emissivity", "<= 1"),
    (_with(manoeuvre=dict(kind="schedule", schedule=[[0, 10], [0, 20]])),
     "threats[0].manoeuvre", "increase strictly"),
    (_with(ir_band_um=[3.0, 2.7]), "threats[0]", "hi > lo"),
    (_with(bank_deg=10.0), "threats[0].bank_deg", "unknown key"),
    # A key of another kind is refused by name, with the kinds it applies to.
    (_with(cruise=dict(range_km=100.0)), "threats[0].cruise",
     "a glide vehicle has no cruise; it applies to cruise vehicles only"),
    (_with(kind="ballistic", lift_to_drag=None, target=dict(lat_deg=1.0, lon_deg=2.0)),
     "threats[0].target", "applies to glide and cruise vehicles only"),
    (_with(kind="cruise", initial=None, launch=dict(lat_deg=0.0, lon_deg=0.0, azimuth_deg=9.0)),
     "threats[0].launch", "a cruise vehicle starts from initial:"),
    (_with(kind="plane"), "threats[0].kind", "one of 'glide', 'ballistic', 'cruise', got 'plane'"),
    (_with(kind=None), "threats[0].kind", "one of 'glide', 'ballistic', 'cruise'"),
])
def test_bad_threats_name_the_field_and_the_fix(threat, path, words):
    problems = _problems(threat)
    assert any(p.startswith(path) and words in p for p in problems), problems


def test_launch_needs_a_direction_and_stages_need_one_rate():
    stage = dict(dry_mass_kg=100.0, propellant_kg=1000.0, isp_s=250.0)
    launch = dict(lat_deg=0.0, lon_deg=0.0, boost=dict(stages=[stage]))
    problems = _problems(dict(GLIDER, initial=None, launch=launch))
    assert any("burn_time_s and thrust_n" in p for p in problems), problems
    launch["boost"] = dict(stages=[dict(stage, burn_time_s=60.0)])
    problems = _problems(dict(GLIDER, initial=None, launch=launch))
    assert any(p.startswith("threats[0].launch") and "azimuth_deg" in p for p in problems)


def test_good_specs_parse():
    threat_spec(GLIDER)
    threat_spec(_with(initial=dict(GLIDER["initial"], alt_km="equilibrium"),
                                    beta_kgpm2={"mean": 8000.0, "sd": 500.0}))
    threat_spec(dict(name="cav", kind="glide", mass_kg=907.0, aero="cavh",
                                   initial=GLIDER["initial"]))
