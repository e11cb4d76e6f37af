"""Monte Carlo consistency of the scenario-default tracker against a glider and a ballistic missile.

Each threat of the demo (its boost-glide vehicle, its MRBM) flies alone against every demo sensor
for N Monte Carlo samples, tracked by the tracker a scenario gets with `tracker: {}`, all samples
in one batched call. For each sample the NEES of the ECEF position-velocity 6-vector is averaged
over the grid times a firm track holds the threat (`score_tracks`' nees_mean, 6 dof whatever the
filter's state size); the ANEES is the mean of those over the N samples. A consistent filter has
N·ANEES ~ χ²(6N), so its ANEES lies in [χ²₀.₀₂₅(6N), χ²₀.₉₇₅(6N)]/N with probability 0.95
(Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001,
§5.4.2; the band from scipy.stats.chi2 for this N). Time-averaging within a sample only narrows
the spread of each term, so the band is, if anything, generous on the spread and exact on the
mean, which is what under- or over-confidence moves.

The long test runs each whole flight alone with N = 24; the shorter one both threats together for
the first 300 s (boost and the start of glide or midcourse) with N = 4 and its own, wider, band.
Both are marked slow: compiling the threat, sensor and tracker stages alone takes over a minute,
more than the fast suite allows; the band itself is checked in the fast suite.
"""

import numpy as np
import pytest

from hyperdef.api import load_scenario
from hyperdef.assessment.accuracy import chi2_bounds
from hyperdef.assessment.track_scoring import NEES_DOF, score_tracks
from hyperdef.pipeline import simulate
from hyperdef.scenario.tracker import TrackerSpec


def band(n_runs: int) -> tuple[float, float]:
    """Two-sided 95 % acceptance interval of the ANEES over n_runs consistent runs."""
    return tuple(float(b) for b in chi2_bounds(NEES_DOF, n_runs, 0.95))


def anees(threats: list[str], n: int, duration_s: float | None = None) -> dict:
    """{threat: (ANEES, per-sample score records)} of one demo run with only these threats."""
    scenario, base = load_scenario("demo")
    update = {"threats": [t for t in scenario.threats if t.name in threats],
              "tracker": TrackerSpec()}  # what `tracker: {}` gives
    if duration_s is not None:
        update["duration_s"] = duration_s
    scenario = scenario.model_copy(update=update)
    res = simulate(scenario, base, sample_ids=np.arange(n), summarise=False)
    out = {}
    for o, name in enumerate(res.truth.names):
        recs = [score_tracks(res.trackset, res.truth, res.observation.detections,
                             sample_index=s)[o] for s in range(n)]
        per_sample = [r.nees_mean for r in recs]
        assert all(v is not None for v in per_sample), f"{name}: a sample was never held"
        out[name] = (float(np.mean(per_sample)), recs)
    return out


def test_band_matches_an_independent_approximation():
    # N = 100 runs of 6 dof: χ²(600) quantiles by Wilson & Hilferty (PNAS 17, 1931),
    # k(1 − 2/(9k) ± 1.96·√(2/(9k)))³ = 534.0 and 669.8, accurate to < 0.1 at k = 600.
    k, z = 600, 1.959964
    wh = [k * (1 - 2 / (9 * k) + s * z * np.sqrt(2 / (9 * k))) ** 3 / 100 for s in (-1, 1)]
    lo, hi = band(100)
    assert lo == pytest.approx(wh[0], abs=1e-3) and hi == pytest.approx(wh[1], abs=1e-3)
    assert (round(lo, 2), round(hi, 2)) == (5.34, 6.70)


@pytest.mark.slow  # ≈ 100 s of CPU, nearly all first-call compilation of the three stages
def test_default_tracker_is_consistent_early_flight():
    # both threats in one run (one compilation): the glider's boost and first ≈ 110 s of glide,
    # the MRBM's boost and first 130 s of midcourse
    n = 4
    lo, hi = band(n)
    for threat, (value, recs) in anees(["glider", "mrbm"], n, duration_s=300.0).items():
        assert lo <= value <= hi, f"{threat}: ANEES {value:.2f} outside [{lo:.2f}, {hi:.2f}]"
        assert min(r.custody_fraction for r in recs) > 0.5, threat


# Measured (seeded, N = 24, band [4.69, 7.46]): glider 4.84 with mean custody 0.75, every
# sample's NEES mean between 4.28 and 5.49; MRBM 6.70. An earlier version failed the glider: in
# one sample a triangulated mid-flight birth confirmed 480 km off it (that sample's mean 3 823);
# with the current threat, signature and gating models no sample shows it, and this test would
# catch its return.
@pytest.mark.slow
@pytest.mark.parametrize("threat", ["glider", "mrbm"])
def test_default_tracker_is_consistent_whole_flight(threat):
    n = 24
    value, recs = anees([threat], n)[threat]
    lo, hi = band(n)
    assert lo <= value <= hi, f"{threat}: ANEES {value:.2f} outside [{lo:.2f}, {hi:.2f}]"
    assert np.mean([r.custody_fraction for r in recs]) > 0.7
