"""A batch's coasted predictions flown together (`coasting.serve_all`) against each sample's
flown alone (`coasting.serve`): the same positions, bit for bit, since a state's flight does not
depend on what is flown beside it, in one flight call per set of shared settings."""

from __future__ import annotations

import numpy as np
import pytest
from assess_fakes import enu_velocity

from hyperdef.assessment import coasting
from hyperdef.assessment import flyout as fp
from hyperdef.assessment.engagement import predicted_positions, predicting_positions
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import WGS84

T = np.arange(0.0, 600.0, 2.0)


def _sample(seed: int):
    """A glider's firm-track estimates along its own coasted flight, with custody lapsing at
    1–4 random times (each lapse is one coasted state), and its dispersed class."""
    rng = np.random.default_rng(seed)
    r0 = np.asarray(geodetic_to_ecef(np.radians(5.0), np.radians(170.0 + seed), 60e3))
    x0 = np.concatenate([r0, enu_velocity(r0, [3000.0 + 50 * seed, 300.0, -50.0])])
    vehicle = fp.VehicleClass(beta_kgpm2=13000.0 * (1 + 0.05 * seed), lift_to_drag=2.6)
    r = fp.coast(x0[None], [0.0], vehicle, T, atmosphere="us76")[0]
    v = np.gradient(r, T, axis=0)
    x = np.concatenate([r, v], -1)[None] + rng.normal(size=(1, T.size, 6)) * 10.0
    held = np.isfinite(x[0]).all(-1)
    for start in rng.choice(np.arange(10, 250), size=rng.integers(1, 5), replace=False):
        held[start:start + rng.integers(3, 30)] = False
    return x, np.where(held, 0, -1), vehicle


@pytest.mark.parametrize("n_samples", [3, 9])  # 9 lapse in more than 16 places: large blocks
def test_a_batch_flown_together_gives_each_samples_own(monkeypatch, n_samples):
    samples = [_sample(seed) for seed in range(n_samples)]
    step = [fp.FlightOptions(step_s=1.0 if i == 1 else 2.0) for i in range(n_samples)]
    args = [(T, x, cols, veh, "us76", WGS84, step[i]) for i, (x, cols, veh) in enumerate(samples)]
    alone = [predicted_positions(*a) for a in args]
    calls = []
    monkeypatch.setattr(coasting, "coast", lambda *a, **k: calls.append(len(a[0])) or
                        fp.coast(*a, **k))
    together = coasting.serve_all([predicting_positions(*a) for a in args])
    assert len(calls) == 2  # sample 1's finer step is flown apart from the others
    assert sum(calls) >= (17 if n_samples > 3 else 3)
    for a, b in zip(alone, together, strict=True):
        assert np.isfinite(a).all(-1).sum() > 100  # held and coasted positions both present
        np.testing.assert_array_equal(a, b)


def test_steps_that_ask_for_nothing_are_served_without_a_flight(monkeypatch):
    x, cols, veh = _sample(0)
    monkeypatch.setattr(coasting, "coast", lambda *a, **k: pytest.fail("flew"))
    never_lapsing = np.zeros_like(cols)
    (p,) = coasting.serve_all([predicting_positions(T, x, never_lapsing, veh, "us76", WGS84,
                                                    fp.FlightOptions())])
    np.testing.assert_array_equal(p, x[0, :, :3])
    assert coasting.serve(predicting_positions(T, x, never_lapsing, veh, "us76", WGS84,
                                               fp.FlightOptions())).shape == (T.size, 3)
