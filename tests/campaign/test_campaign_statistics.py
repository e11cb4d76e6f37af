"""A campaign over a known distribution recovers it.

Cruise targets at altitude h ~ U(15, 35) km and speed v ~ N(2000, 100) m/s fly at a radar on a
20 m or 200 m mast. Oracles: the two-altitude horizon angle of Wertz & Larson 1999, §5.2,
λ_max = acos(kR/(kR+h)) + acos(kR/(kR+h_r)), k = 4/3, gives each sample's warning time
kR·λ_max / v; the drawn altitudes and speeds follow the declared laws (Kolmogorov–Smirnov).
"""

from __future__ import annotations

import campaign_standin
import numpy as np
import pytest
from campaign_helpers import write_campaign
from scipy import stats

from hyperdef.campaign.query import results
from hyperdef.campaign.run import run_campaign
from hyperdef.constants import R_EARTH_MEAN_M

STEP_S = 2.0


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    base = tmp_path_factory.mktemp("stats")
    path = write_campaign(base / "c.yaml", samples=400, batch_size=50, chunk_size=200)
    run_campaign(path, base / "store", workers=0, evaluate=campaign_standin.evaluate)
    return results(base / "store")


def test_every_sample_has_the_horizon_warning_time(big):
    kr = 4.0 / 3.0 * R_EARTH_MEAN_M
    mast = big["mast_m"].to_numpy(float)
    h = big["alt_km"].to_numpy() * 1e3
    lam = np.arccos(kr / (kr + h)) + np.arccos(kr / (kr + mast))
    oracle_s = kr * lam / big["speed_mps"].to_numpy()
    lag_s = oracle_s - big["warning_time_s"].to_numpy()
    # The kernel detects at the first grid time the target is above the horizon, up to one
    # step after the exact crossing: lag in [0, step). 1 µs absorbs float rounding of t = k·step.
    assert big["detected"].all()
    # measured worst case: lag 0.0021 to 1.9996 s (hyperdef 0.1.0, float64).
    assert lag_s.min() > -1e-6 and lag_s.max() < STEP_S + 1e-6, (lag_s.min(), lag_s.max())


def test_draws_follow_the_declared_laws(big):
    one = big[big["point"] == 0].set_index("sample")
    # Sample 0 is the nominal case: mid-range altitude, mean speed (scenario.base.draw).
    assert one.loc[0, "alt_km"] == 25.0 and one.loc[0, "speed_mps"] == 2000.0
    alt = one.loc[1:, "alt_km"].to_numpy()
    speed = one.loc[1:, "speed_mps"].to_numpy()
    # 399 draws; a correct sampler fails p > 1e-3 one time in a thousand seeds (this seed is fixed).
    # measured worst case: seeded: p = 0.36 (altitude), 0.23 (speed) (hyperdef 0.1.0, float64).
    assert stats.kstest(alt, stats.uniform(15.0, 20.0).cdf).pvalue > 1e-3
    assert stats.kstest(speed, stats.norm(2000.0, 100.0).cdf).pvalue > 1e-3
    assert 15.0 <= alt.min() and alt.max() <= 35.0


def test_common_random_numbers_across_architectures(big):
    """Both masts meet the same threats: a sample's draws do not depend on the point."""
    a = big[big["point"] == 0].set_index("sample")[["alt_km", "speed_mps"]]
    b = big[big["point"] == 1].set_index("sample")[["alt_km", "speed_mps"]]
    assert a.equals(b)
    # A taller mast sees further: every sample gains warning (closed form: the acos term grows).
    gain = (big[big["point"] == 1].set_index("sample")["warning_time_s"]
            - big[big["point"] == 0].set_index("sample")["warning_time_s"])
    assert (gain > 0).all()
