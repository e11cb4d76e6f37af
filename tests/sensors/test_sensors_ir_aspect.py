"""Space-IR detections see an `ir_model: body` threat from their own direction."""

import types

import jax
import jax.numpy as jnp
import numpy as np

from hyperdef.atmosphere.us76 import density_kgpm3, temperature_k
from hyperdef.earth.model import WGS84
from hyperdef.scenario.resolve_threats import body_params
from hyperdef.scenario.threats import threat_spec
from hyperdef.sensors.observe import body_aspects
from hyperdef.sensors.space_ir import IRParams, observe_ir_sample
from hyperdef.sensors.streams import time_keys
from hyperdef.threats import body_ir, body_view

# Level flight east over (0°, 0°) at the Candler & Leyva condition (6 km/s, 49.7 km, α 14°).
GLIDER = dict(name="g", kind="glide", mass_kg=1000.0, beta_kgpm2=4680.0, lift_to_drag=2.6,
              nose_radius_m=0.034, initial=dict(lat_deg=0.0, lon_deg=0.0, alt_km=49.7,
                                                speed_mps=6000.0, heading_deg=90.0))
BAND = (2.69e-6, 2.95e-6)
NEI_W_M2 = 1e-14
P = IRParams(nei_w_m2=NEI_W_M2, threshold_w_sr=None, threshold_ref_range_m=None,
             snr_threshold=5.0, pd_model="gaussian", sigma_rad=1e-5, for_kind=None,
             cos_half=0.0, tan_half_x=0.0, tan_half_y=0.0, grazing_alt_m=0.0,
             limb_top_m=100e3, clutter=(1.0, 1.0, 1.0), max_range_m=1e8, transmission=1.0)


def test_each_platform_sees_the_body_from_its_own_direction():
    spec = threat_spec(GLIDER)
    b = spec.body
    body = body_ir.body_from_params(body_params(b), np.array([0.034]))
    alpha = np.deg2rad(b.alpha_deg)
    temps = body_ir.panel_temperatures_k(density_kgpm3(49.7e3), 6000.0, temperature_k(49.7e3),
                                         alpha, body, 0.85, b.material_limit_k,
                                         b.transition_reynolds, spec.heating_k)
    panels = np.asarray(body_view.panel_intensities_w_sr(temps, body, 0.85, BAND))  # (1, 4)
    # On the x axis (up = x at the equator), flying east (+y): velocity frame x east, z up,
    # y = z × x north (+z).
    up, north = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    r_t = np.array([[[WGS84.a_m + 49.7e3, 0.0, 0.0]]])  # (O=1, T=1, 3)
    v_t = np.array([[[0.0, 6000.0, 0.0]]])
    views = [[0.0, 0.0, 1.0], [0.0, np.cos(np.deg2rad(10.0)), np.sin(np.deg2rad(10.0))],
             [0.0, 0.0, -1.0]]
    want = np.array([float(np.ravel(body_view.intensity_toward_w_sr(
        temps, jnp.asarray(v), alpha, body, 0.85, BAND))[0]) for v in views])
    # The truth as simulate writes it: ir_w_sr from straight above, and the body's Aspect.
    aspect = body_view.Aspect(panels[:, None, :], np.array([alpha]),
                              body.leading_edge_sweep_rad[:, 0],
                              body.windward_incidence_rad[:, 0],
                              body.leeward_incidence_rad[:, 0])
    truth = types.SimpleNamespace(ir_w_sr=np.full((1, 1, 1), want[0]), ir_aspects=(aspect,))
    pan, ang = body_aspects(truth)
    # Platforms: 1 000 km overhead, 2 000 km to the north at 10° elevation (seen nearly
    # edge-on), and a ground site right below (the windward side, as a radar-site IR sensor).
    el = np.deg2rad(10.0)
    dirs = np.array([up, np.cos(el) * north + np.sin(el) * up, -up])
    dist = np.array([1000e3, 2000e3, 49.6e3])
    r_sat = (r_t[0, 0] + dist[:, None] * dirs)[:, None, :]  # (P, T, 3)
    out = observe_ir_sample(
        jnp.asarray(r_sat), jnp.zeros_like(jnp.asarray(r_sat)), jnp.asarray(r_t),
        jnp.asarray(truth.ir_w_sr[0]), jnp.ones((1, 1), bool), jnp.ones(1, bool),
        time_keys(jax.random.key(0), np.arange(1)), p=P, earth=WGS84,
        aspect=(jnp.asarray(v_t), jnp.asarray(pan[0]), jnp.asarray(ang[0])))
    assert np.asarray(out["visible"]).all()
    seen = np.asarray(out["snr"])[0, :, 0] * dist**2 * NEI_W_M2  # I = SNR·R²·NEI (τ = 1)
    # Each platform gets the body model's intensity for its direction (the one overhead the
    # truth's view from above); 1e-9 is round-off of the frame change.
    np.testing.assert_allclose(seen, want, rtol=1e-9)
    # Near edge-on the planform hardly shows; from below the hot windward acreage does.
    assert seen[1] < seen[0] < seen[2] and seen[2] > 1.5 * seen[0]
