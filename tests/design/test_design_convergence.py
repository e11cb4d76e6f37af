"""Each smooth figure converges to the exact one (the pipeline's hard kernels) as its widths go
to zero, and the Poisson-binomial fold probabilities match scipy's distribution."""

import jax.numpy as jnp
import numpy as np
import pytest
from design_problem import base_design, problem
from scipy.stats import poisson_binom

from hyperdef.design.figures import fold_probabilities
from hyperdef.design.problem import SENSE, exact_figure, figure
from hyperdef.design.smooth import EXACT, Widths

# Tolerances at width scale 1e-6 (20 mm of grazing height, 1e-6 SNR): a sample whose margin lies
# within a few widths of zero is the only way the smooth and hard figures can still differ, and
# none does on these grids; so the agreement is to round-off.
FIGURES = sorted(SENSE)


@pytest.mark.parametrize("name", FIGURES)
def test_smooth_figure_converges_to_the_exact_one(name):
    prob, design = problem(), base_design()
    exact = exact_figure(name, design, prob)
    errors = [abs(float(figure(name, design, prob, Widths().scaled(s))) - exact)
              for s in (1.0, 1e-6)]
    scale = max(1.0, abs(exact))
    # measured worst case: 0 (exact) (hyperdef 0.1.0, float64).
    assert errors[-1] <= 1e-9 * scale, (name, exact, errors)
    assert errors[-1] <= errors[0] or errors[0] < 1e-9 * scale
    # width exactly 0 is the same hard test through the smooth code path
    assert float(figure(name, design, prob, EXACT)) == pytest.approx(exact, abs=1e-12 * scale)


def test_fold_probabilities_match_the_poisson_binomial_distribution():
    # scipy.stats.poisson_binom (SciPy ≥ 1.15) is the oracle for P(≥1) and P(≥2).
    rng = np.random.default_rng(5)
    p = rng.uniform(0.0, 1.0, (9, 4, 3))
    p[2, 0, 0] = 1.0  # a certain look: the leave-one-out products must not divide by zero
    ge1, ge2 = fold_probabilities(jnp.asarray(p))
    for k in range(4):
        for t in range(3):
            dist = poisson_binom(p[:, k, t])
            assert float(ge1[k, t]) == pytest.approx(dist.sf(0), abs=1e-13)
            assert float(ge2[k, t]) == pytest.approx(dist.sf(1), abs=1e-13)


@pytest.mark.parametrize("period_s", [0.5, 2.0, 3.0, 7.5, 10.0, 25.0])
def test_exact_frame_times_are_the_pipelines(period_s):
    from hyperdef.design.problem import frame_times
    from hyperdef.sensors.params import frame_mask

    t = np.arange(0.0, 300.0, 2.0)
    assert np.array_equal(frame_times(t, period_s), frame_mask(t, period_s))
