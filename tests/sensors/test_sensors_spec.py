"""The `sensors:` scenario section: built-in sets validate, bad input gives field-named errors."""

import pytest
from pydantic import ValidationError

from hyperdef.scenario.base import Model
from hyperdef.scenario.errors import problems_of
from hyperdef.scenario.sensors import SENSOR_SETS, SensorSpec, sensor_set


class _Doc(Model):
    sensors: list[SensorSpec]


def _problems(sensor: dict) -> str:
    with pytest.raises(ValidationError) as exc:
        _Doc.model_validate({"sensors": [sensor]})
    text = "\n".join(problems_of(exc.value, _Doc))
    # The discriminator tag pydantic puts in the path (sensors[0].space_ir.…) is not part of
    # what these tests check; scenario.errors may or may not drop it.
    return text.replace(".space_ir", "").replace(".radar", "")


IR = {"name": "ir", "kind": "space_ir", "nei_w_m2": 1e-12,
      "walker": {"total": 28, "planes": 4, "phasing": 1, "alt_km": 1000, "inc_deg": 85}}
RADAR = {"name": "r", "kind": "radar", "site": {"lat_deg": 10, "lon_deg": 20},
         "max_range_km": 2000, "ref_range_km": 1000,
         "noise": {"range_m": 10, "az_mrad": 1, "el_mrad": 1, "range_rate_mps": 5}}


def test_builtin_sets_validate():
    docs = {name: _Doc.model_validate({"sensors": sensors})
            for name, sensors in SENSOR_SETS.items()}
    t1 = docs["tranche1"].sensors[0]
    # Public SDA figures (docs/references.md): Tranche 1 tracking layer 28 satellites,
    # 4 planes × 7, 1 000 km, near-polar.
    assert (t1.walker.total, t1.walker.planes, t1.walker.alt_km) == (28, 4, 1000.0)
    assert t1.walker.inc_deg > 80
    # Tranche 0: 8 satellites at 1 000 km, 80° inclination.
    t0 = docs["tranche0"].sensors[0].walker
    assert (t0.total, t0.alt_km, t0.inc_deg) == (8, 1000.0, 80.0)
    assert [s.kind for s in docs["radars"].sensors] == ["radar", "radar"]
    assert docs["geo-ew"].sensors[0].geo is not None
    with pytest.raises(ValueError, match="tranche1"):
        sensor_set("tranche9")


def test_planes_must_divide_total():
    bad = {**IR, "walker": {**IR["walker"], "planes": 5}}
    assert "sensors[0].walker: planes (5) must divide total (28)" in _problems(bad)


def test_altitude_below_100_km():
    bad = {**IR, "walker": {**IR["walker"], "alt_km": 80}}
    assert "sensors[0].walker.alt_km: alt_km must be >= 100 km" in _problems(bad)
    sat = {**IR, "walker": None, "satellites": [{"alt_km": 90, "inc_deg": 50}]}
    assert "sensors[0].satellites[0]: perigee altitude is 90.0 km" in _problems(sat)


@pytest.mark.parametrize("value", [0.0, -3.0])
def test_zero_or_negative_noise(value):
    assert "sensors[0].los_noise_urad: los_noise_urad must be > 0" in _problems(
        {**IR, "los_noise_urad": value})
    noise = {**RADAR["noise"], "range_m": value}
    assert "sensors[0].noise.range_m: must be > 0" in _problems({**RADAR, "noise": noise})


def test_unknown_kind_lists_choices():
    text = _problems({**IR, "kind": "lidar"})
    assert "sensors[0]" in text and "'space_ir'" in text and "'radar'" in text


def test_exactly_one_constellation_and_position():
    text = _problems({**IR, "geo": {"lons_deg": [0.0]}})
    assert "exactly one of walker, tle_file, satellites, geo" in text
    text = _problems({**RADAR, "ship": {"lat_deg": 0, "lon_deg": 0}})
    assert "exactly one of site, ship" in text
    text = _problems({**IR, "nei_w_m2": None})
    assert "nei_w_m2, threshold_w_sr" in text


def test_typo_suggests_the_key():
    assert "did you mean 'nei_w_m2'" in _problems({**IR, "nei_w_m3": 1.0})
