"""Gradients of the smooth figures against central finite differences on every design variable,
and the optimiser's refusals (zero or non-finite gradients) naming the variable."""

import numpy as np
import pytest
from design_problem import BASE, study

from hyperdef.design.optimize import gradient_check, optimize, smooth_functions
from hyperdef.design.study import DesignError, FreeVariable

ALL = (FreeVariable("alt_km", 400.0, 2000.0), FreeVariable("inc_deg", 10.0, 60.0),
       FreeVariable("raan_spread_deg", 90.0, 360.0), FreeVariable("phasing", 0.0, 3.0),
       FreeVariable("half_angle_deg", 30.0, 70.0), FreeVariable("nei_w_m2", 1e-11, 1e-9),
       FreeVariable("frame_period_s", 5.0, 30.0))


@pytest.mark.parametrize("objective", ["stereo_coverage", "first_detection_s"])
def test_gradient_matches_finite_differences_on_every_variable(objective):
    # frame period 15 s against the 10 s grid: look_hazard has a kink at exactly one look per
    # step (documented), which a finite difference across it would straddle
    s = study(objective, free=ALL)
    s = s.__class__(**{**s.__dict__, "base": {**BASE, "frame_period_s": 15.0}})
    vg, value = smooth_functions(s, 8)
    u = s.u_of(s.base)
    _, grad, fd, rel = gradient_check(vg, value, u)
    assert np.all(np.isfinite(grad))
    # the figures this objective depends on move with these variables at the base design
    assert np.count_nonzero(np.abs(grad) > 1e-6) >= 3, grad
    # measured worst case: 2.0e-10 (hyperdef 0.1.0, float64).
    assert np.max(rel) <= 1e-4, dict(zip([v.name for v in ALL], rel, strict=True))


def test_an_objective_the_layer_cannot_see_is_refused():
    # a corridor target too faint for any design in the box: every gradient is zero
    s = study()
    faint = s.problem.__class__(**{**s.problem.__dict__, "corridor_ir_w_sr": 1e-6})
    s = s.__class__(**{**s.__dict__, "problem": faint, "starts": 2})
    with pytest.raises(DesignError, match=r"objective.figure: stereo_coverage does not change "
                                          r"with any free variable \(alt_km, inc_deg\)"):
        optimize(s)


def test_a_non_finite_gradient_names_the_variable():
    # a frame period of 0 s (design files refuse it; records built in code can hold it) means
    # infinitely many looks per step: the gradient with respect to it is not finite
    s = study("first_detection_s", free=(FreeVariable("frame_period_s", 0.0, 30.0),))
    s = s.__class__(**{**s.__dict__, "base": {**BASE, "frame_period_s": 0.0}})
    with pytest.raises(DesignError, match=r"variables.frame_period_s: the gradient of "
                                          r"first_detection_s is not finite with respect to "
                                          r"frame_period_s"):
        optimize(s)


@pytest.mark.slow
def test_optimiser_improves_the_exact_objective_and_repeats():
    s = study(starts=2, max_iterations=8)
    a, b = optimize(s), optimize(s)
    assert a.best.values == b.best.values  # seeded starts: reruns are identical
    from hyperdef.design.optimize import exact_function
    start = exact_function(s, 8)(s.u_of(BASE))
    assert a.best.objective_exact >= start
    assert a.gradient_check_max_rel_err <= 1e-4
