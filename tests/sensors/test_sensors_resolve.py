"""Scenario sensor specs resolve into SI records; the kernels take only those records."""

import dataclasses

import numpy as np
import pytest
from pydantic import TypeAdapter

from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84
from hyperdef.scenario.resolve_sensors import resolve_sensor, resolve_sensors
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.sensors.params import (
    RadarSensor,
    ShipPlatform,
    SpaceIRSensor,
    TlePlatforms,
    WalkerPlatforms,
)
from hyperdef.sensors.radar import snr_constant_power_aperture

NOISE = {"range_m": 10, "az_mrad": 1, "el_mrad": 2, "range_rate_mps": 5}


def _spec(item):
    return TypeAdapter(SensorSpec).validate_python(item)


def test_space_ir_spec_resolves_to_si():
    spec = _spec({"name": "ir", "kind": "space_ir", "nei_w_m2": 1e-13, "band_um": [3.0, 5.0],
                  "walker": {"total": 6, "planes": 2, "phasing": 1, "alt_km": 1200,
                             "inc_deg": 60, "raan0_deg": 10, "pattern": "star"},
                  "field_of_regard": {"kind": "box", "half_x_deg": 10, "half_y_deg": 20,
                                      "pointing": {"lat_deg": 30, "lon_deg": 40}},
                  "frame_period_s": 4.0, "grazing_alt_km": 20, "max_range_km": 9000})
    s = resolve_sensor(spec, earth="wgs84", step_s=1.0)
    assert isinstance(s, SpaceIRSensor) and s.name == "ir" and s.frame_period_s == 4.0
    assert s.platforms == WalkerPlatforms(6, 2, 1, 1.2e6, np.radians(60.0), np.radians(10.0),
                                          "star")
    assert np.allclose(s.band_m, (3e-6, 5e-6), rtol=1e-15)
    assert s.ir.for_kind == "box" and abs(s.ir.tan_half_y - np.tan(np.radians(20))) < 1e-15
    assert s.ir.grazing_alt_m == 20e3 and s.ir.max_range_m == 9e6
    aim = np.asarray(geodetic_to_ecef(np.radians(30), np.radians(40), 0.0, WGS84))
    assert np.allclose(s.ir.aim_ecef_m, aim, rtol=0, atol=1e-6)
    hash(s)  # records are hashable: static arguments of the jitted kernels
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "other"


def test_radar_spec_resolves_with_the_scenario_step():
    pa = {"p_avg_w": 1e4, "aperture_m2": 10.0, "t_sys_k": 500.0, "search_solid_angle_sr": 1.0}
    spec = _spec({"name": "ship", "kind": "radar", "max_range_km": 500, "noise": NOISE,
                  "power_aperture": pa, "false_alarms_per_scan": 0.5,
                  "ship": {"lat_deg": 10, "lon_deg": 20, "heading_deg": 90, "speed_mps": 8}})
    s = resolve_sensors([spec], earth=WGS84, step_s=5.0)[0]
    assert isinstance(s, RadarSensor) and s.frame_period_s is None
    assert s.platform == ShipPlatform(np.radians(10.0), np.radians(20.0), np.radians(90.0),
                                      8.0, 0.0)
    # No frame time and no scan period: one search frame per scenario step.
    c = snr_constant_power_aperture(1e4, 10.0, 5.0, 1.0, 500.0, 0.0)
    assert s.radar.snr_constant_m2 == pytest.approx(float(c), rel=1e-15)
    assert s.radar.sigma == (10.0, 1e-3, 2e-3, 5.0) and s.false_alarms_per_scan == 0.5


def test_tle_files_resolve_against_the_scenario_folder():
    from pathlib import Path

    from hyperdef.sensors.tle import TleError

    spec = _spec({"name": "cat", "kind": "space_ir", "tle_file": "public.tle",
                  "nei_w_m2": 1e-12})
    data = Path(__file__).parent / "data"
    plat = resolve_sensor(spec, earth=WGS84, step_s=1.0, scenario_dir=data).platforms
    assert plat == TlePlatforms(data / "public.tle", "public.tle")
    with pytest.raises(TleError, match="tle_file: 'public.tle'"):
        resolve_sensor(spec, earth=WGS84, step_s=1.0, scenario_dir=data / "nowhere")


def test_kernels_refuse_unresolved_specs():
    from hyperdef.sensors.observe import observe

    spec = _spec({"name": "r", "kind": "radar", "max_range_km": 500, "ref_range_km": 300,
                  "noise": NOISE, "site": {"lat_deg": 0, "lon_deg": 0}})

    class Truth:
        t_s = np.array([0.0, 1.0])

    with pytest.raises(TypeError, match="RadarSpec is not a resolved sensor record; resolve"):
        observe([spec], Truth(), epoch="2030-01-01T00:00:00Z", earth=WGS84, seed=0)
