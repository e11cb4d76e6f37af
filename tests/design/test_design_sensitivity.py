"""Run sensitivities: reverse-mode derivatives of the first-detection and warning figures with
respect to each sensor parameter agree with central finite differences."""

import dataclasses

import numpy as np
import pytest
from design_problem import EARTH, base_design, problem

from hyperdef.design.layer import layer_positions
from hyperdef.design.sensitivity import SensorLayer, run_sensitivities


def _doc(layer, prob):
    return run_sensitivities([layer], names=["t"], r_tgt_ecef_m=prob.threat_r_ecef_m,
                             ir_w_sr=prob.threat_ir_w_sr, in_flight=prob.threat_in_flight,
                             t_s=prob.threat_t_s, min_parallax_rad=prob.min_parallax_rad,
                             earth=EARTH)["per_threat"][0]


@pytest.mark.slow
def test_sensitivities_match_finite_differences():
    prob = problem()
    r = np.asarray(layer_positions(base_design(), prob.shape, prob.threat_t_s,
                                   epoch=prob.epoch, earth=EARTH))
    layer = SensorLayer("layer", r, prob.fixed, 7.5e-11, 15.0, float(np.radians(60.0)))
    row = _doc(layer, prob)["sensors"][0]["parameters"]
    for key, field, h, to_si in (("nei_w_m2", "nei_w_m2", 1e-15, 1.0),
                                 ("frame_period_s", "frame_period_s", 1e-3, 1.0),
                                 ("half_angle_deg", "half_angle_rad", 1e-4, np.pi / 180)):
        base = getattr(layer, field)
        up = _doc(dataclasses.replace(layer, **{field: base + h * to_si}), prob)
        dn = _doc(dataclasses.replace(layer, **{field: base - h * to_si}), prob)
        fd_first = (up["first_detection_s"] - dn["first_detection_s"]) / (2 * h)
        fd_warn = (up["warning_time_s"] - dn["warning_time_s"]) / (2 * h)
        # central differences: O(h²) truncation, round-off ~1e-13 s / h; 1e-4 relative plus a
        # floor of 1e-6 s per unit
        assert row[key]["d_first_detection_s"] == pytest.approx(fd_first, rel=1e-4, abs=1e-6 / h * 1e-6)
        assert row[key]["d_warning_time_s"] == pytest.approx(fd_warn, rel=1e-4, abs=1e-6 / h * 1e-6)
    assert abs(row["frame_period_s"]["d_first_detection_s"]) > 1e-3  # the test has teeth
