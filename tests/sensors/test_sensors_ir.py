"""Space IR signal model and pointing: SNR against the point-source formula, threshold mode,
in-band re-integration, boxes and staring sensors; built-in scenarios load as scenarios."""

import jax.numpy as jnp
import numpy as np
import pytest
from pydantic import TypeAdapter
from scipy import integrate

from hyperdef.constants import BOLTZMANN_J_PER_K, C_MPS, PLANCK_J_S
from hyperdef.earth.model import WGS84
from hyperdef.scenario.resolve_sensors import ir_params, resolve_sensor
from hyperdef.scenario.sensors import SENSOR_SET_NAMES, SensorSpec
from hyperdef.sensors.geometry import Background, in_box, nadir_frame
from hyperdef.sensors.observe import target_intensity_w_sr
from hyperdef.sensors.space_ir import pointing, snr_ir


def _spec(**kw):
    base = {"name": "ir", "kind": "space_ir", "geo": {"lons_deg": [0.0]}}
    return TypeAdapter(SensorSpec).validate_python({**base, **kw})


def test_snr_is_irradiance_over_nei_times_clutter():
    p = ir_params(_spec(nei_w_m2=2e-13, transmission=0.8,
                        clutter={"space": 1.0, "limb": 4.0, "earth": 2.5}), WGS84)
    # E = τ I / R² (point source) and SNR = E / (NEI · c_bg) (Holst 2008, ch. 18).
    got = np.asarray(snr_ir(5e3, 4e7, np.array([0, 1, 2]), p))
    expect = 0.8 * 5e3 / 4e7**2 / (2e-13 * np.array([1.0, 4.0, 2.5]))
    assert np.allclose(got, expect, rtol=1e-14)


def test_threshold_mode_detects_at_the_literature_intensity():
    # SBIRS-class 6 kW/sr (docs/references.md#heating-and-infrared). In threshold mode
    # SNR = SNR_t exactly at I = I_t, at any range when no reference range is set, and at the
    # reference range when one is.
    p = ir_params(_spec(threshold_w_sr=6e3, snr_threshold=5.0), WGS84)
    assert np.allclose(np.asarray(snr_ir(6e3, np.array([1e6, 4e7]), 0, p)), 5.0)
    q = ir_params(_spec(threshold_w_sr=6e3, threshold_ref_range_km=36_000.0), WGS84)
    # measured worst case: 0 (exact) (hyperdef 0.1.0, float64).
    assert abs(float(snr_ir(6e3, 36_000e3, 0, q)) - 5.0) < 1e-12
    assert abs(float(snr_ir(6e3, 72_000e3, 0, q)) - 1.25) < 1e-12  # inverse square


def test_band_intensity_matches_planck_quadrature():
    truth = type("T", (), {})()
    truth.temp_k = np.full((1, 1, 2), 2200.0)
    truth.emissivity = np.full((1, 1), 0.85)
    truth.emitting_area_m2 = np.full((1, 1), 0.5)
    sensor = resolve_sensor(_spec(nei_w_m2=1e-12, band_um=[3.0, 5.0]), earth=WGS84, step_s=1.0)
    got = target_intensity_w_sr(sensor, truth)[0, 0, 0]

    def planck(lam):  # spectral exitance [W/m²/m] (Planck), integrated by scipy
        return 2 * np.pi * PLANCK_J_S * C_MPS**2 / lam**5 / np.expm1(
            PLANCK_J_S * C_MPS / (lam * BOLTZMANN_J_PER_K * 2200.0))

    band, _ = integrate.quad(planck, 3e-6, 5e-6)
    # docs/references.md (computed): 19.8 W/cm² in 3–5 µm at 2 200 K; Lambertian intensity ε·A·M/π.
    assert abs(band / 19.8e4 - 1) < 0.01
    assert abs(got / (0.85 * 0.5 * band / np.pi) - 1) < 1e-8


def test_nadir_box_and_staring_pointing():
    r = jnp.array([[[7.0e6, 0.0, 0.0]]])
    v = jnp.array([[[0.0, 7.5e3, 0.0]]])
    frame = np.asarray(nadir_frame(r, v))[0, 0]
    assert np.allclose(frame @ frame.T, np.eye(3), atol=1e-15)
    assert np.allclose(frame[0], [0, 1, 0]) and np.allclose(frame[2], [-1, 0, 0])
    # Along-track ±10°, cross-track ±30°: a ground point 20° ahead (off-nadir) is outside,
    # one 20° across is inside.
    ahead = np.array([7e6 - 1e6, np.tan(np.radians(20)) * 1e6, 0.0])
    across = np.array([7e6 - 1e6, 0.0, np.tan(np.radians(20)) * 1e6])
    tx, ty = np.tan(np.radians(10)), np.tan(np.radians(30))
    assert not bool(in_box(r[0, 0], ahead, frame, tx, ty))
    assert bool(in_box(r[0, 0], across, frame, tx, ty))
    # A GEO sensor staring at (0°, 0°) points from its position to that ground point.
    spec = _spec(nei_w_m2=1e-12, field_of_regard={"kind": "cone", "half_angle_deg": 3.0,
                                                   "pointing": {"lat_deg": 0, "lon_deg": 0}})
    p = ir_params(spec, WGS84)
    sat = jnp.array([[[42_166e3 * np.cos(0.3), 42_166e3 * np.sin(0.3), 0.0]]])
    b = np.asarray(pointing(sat, jnp.zeros_like(sat), p))[0, 0]
    aim = np.array([WGS84.a_m, 0.0, 0.0])
    assert np.allclose(b, (aim - sat[0, 0]) / np.linalg.norm(aim - sat[0, 0]), atol=1e-15)
    assert Background.EARTH == 2


@pytest.mark.parametrize("name", SENSOR_SET_NAMES)
def test_builtin_sensor_scenarios_load(name):
    from hyperdef.scenario.load import load_scenario

    scenario, base = load_scenario(name)
    assert base is None and scenario.sensors and scenario.name == name
