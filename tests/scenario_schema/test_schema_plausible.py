"""Physically implausible numbers are refused with the unit slip they suggest, and a sensor frame
period shorter than the scenario step is refused instead of silently rounded up."""

from __future__ import annotations

import math

import pytest
from schema_docs import builtin_doc, set_at

from hyperdef.constants import GM_M3PS2, R_EARTH_MEAN_M
from hyperdef.scenario.errors import ScenarioError
from hyperdef.scenario.load import validate
from hyperdef.scenario.radar import RANGE_MAX_KM
from hyperdef.scenario.sensors import MAX_ALT_KM

DEMO = builtin_doc("demo")


def _problems(doc) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        validate(doc)
    return info.value.problems


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("sensors", 0, "walker", "alt_km"), 1_000_000,
     "sensors[0].walker.alt_km: must be >= 100 and <= 50000 km (geostationary orbit is "
     "35 786 km up); was it given in m? 1e+06 m = 1000 km"),
    (("sensors", 2, "max_range_km"), 1_500_000,
     "sensors[2].max_range_km: must be > 0 and <= 10000 km"),
    (("threats", 0, "launch", "release", "speed_mps"), 6.2,
     "threats[0].launch.release.speed_mps: must be >= 500 m/s"),
    (("threats", 0, "nose_radius_m"), 34,
     "threats[0].nose_radius_m: must be > 0 and <= 5 m; was it given in mm? 34 mm = 0.034 m"),
])
def test_unit_slips_are_named(path, value, expected):
    problems = _problems(set_at(DEMO, path, value))
    assert any(p.startswith(expected) for p in problems), problems


def test_slip_hints_carry_the_converted_value():
    text = " ".join(_problems(set_at(DEMO, ("sensors", 2, "max_range_km"), 1_500_000)))
    assert "was it given in m? 1.5e+06 m = 1500 km" in text
    text = " ".join(_problems(set_at(DEMO, ("threats", 0, "launch", "release", "speed_mps"),
                                     6.2)))
    assert "was it given in km/s? 6.2 km/s = 6200 m/s" in text


def test_orbit_bound_holds_geostationary_and_nothing_far_beyond():
    # Geostationary radius from Kepler's third law with the sidereal day (IERS: 86 164.0905 s)
    # and GM = 3.986004418e14 m³/s² (WGS 84): a = (GM·T²/4π²)^(1/3) = 42 164 km, 35 786 km above
    # the equatorial radius — inside the bound; ten times further is not.
    a_geo_m = (GM_M3PS2 * 86_164.0905**2 / (4 * math.pi**2)) ** (1 / 3)
    alt_geo_km = a_geo_m / 1e3 - 6378.137
    assert abs(alt_geo_km - 35_786) < 1.0
    assert alt_geo_km < MAX_ALT_KM < 2 * alt_geo_km
    validate(set_at(DEMO, ("sensors", 0, "walker", "alt_km"), alt_geo_km))


def test_radar_bound_holds_the_horizon_to_any_threat():
    # Line-of-sight distance from the ground to a target at h: √((R+h)² − R²) (Skolnik 2001);
    # the threat altitude bound is 5 000 km, so the range bound must exceed it, and not by 10×.
    r_km = R_EARTH_MEAN_M / 1e3
    horizon_km = math.sqrt((r_km + 5000.0) ** 2 - r_km**2)
    assert horizon_km < RANGE_MAX_KM < 2 * horizon_km


def test_in_bounds_values_pass():
    doc = set_at(DEMO, ("sensors", 2, "max_range_km"), 6000.0)
    doc = set_at(doc, ("threats", 0, "launch", "release", "speed_mps"), 6200.0)
    validate(doc)


def test_frame_period_shorter_than_step_is_refused_with_the_fix():
    doc = set_at(DEMO, ("sensors", 0, "frame_period_s"), 1.0)  # demo step_s is 2 s
    problems = _problems(doc)
    assert problems == [
        "sensors[0].frame_period_s: 1 s is shorter than the scenario step_s (2 s), and frames "
        "can only fall on the time grid; set frame_period_s >= 2 (or omit it: one frame per "
        "grid time), or lower step_s to 1"]


def test_radar_scan_period_shorter_than_step_is_refused():
    doc = {**DEMO, "step_s": 8.0}  # the island radar scans every 2 s
    assert any(p.startswith("sensors[2].scan_period_s: 2 s is shorter than the scenario "
                            "step_s (8 s)") for p in _problems(doc))


def test_frame_period_equal_to_or_above_step_is_fine():
    validate(set_at(DEMO, ("sensors", 0, "frame_period_s"), 2.0))
    validate(set_at(DEMO, ("sensors", 0, "frame_period_s"), 3.0))


def test_builtin_campaign_keeps_its_frames_on_its_grid():
    from hyperdef.campaign.plan import make_plan

    make_plan("example", samples=2)  # step_s 4 s: the 2 s radar scan is set to 4 s there


def test_tracker_errors_name_the_file_key():
    problems = _problems(set_at(DEMO, ("tracker", "target_alt_band_km"), [60.0, 20.0]))
    assert problems == ["tracker.target_alt_band_km: need low < high, got [60, 20]"]
    problems = _problems(set_at(DEMO, ("tracker", "single_sensor_ranges_km"), [500.0]))
    assert problems == ["tracker.single_sensor_ranges_km: give at least 2 ranges, or none"]
    assert not any("_m:" in p or "_rad" in p for p in problems)


def test_unknown_motion_parameter_lists_the_allowed_ones():
    doc = set_at(DEMO, ("tracker", "motion_params", "cv"), {"q": 1.0})
    assert _problems(doc) == ["tracker.motion_params.cv: unknown parameter(s) ['q']; "
                              "allowed: q_m2ps3"]


def test_whole_scenario_checks_do_not_dump_the_scenario():
    doc = {**DEMO, "threats": DEMO["threats"] + [DEMO["threats"][0]]}
    problems = _problems(doc)
    assert problems == ["threats: names must be unique, repeated: glider"]
    problems = _problems({**DEMO, "step_s": 5000.0})
    assert all(len(p) < 300 and "radar-island" not in p for p in problems), problems
