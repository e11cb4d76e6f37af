"""Track-derived products are withheld from estimates that have not converged."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.assessment.quality import QualityGate, withheld_reason


def test_gate_on_position_and_velocity_sigma():
    gate = QualityGate(max_pos_sigma_m=15e3, max_vel_sigma_mps=25.0)
    ok = np.diag([1e3**2, 2e3**2, 5e2**2, 10.0**2, 10.0**2, 10.0**2])
    assert withheld_reason(ok, gate) is None
    # an initialising track: 3 km/s velocity prior, 200 km along the line of sight
    init = np.diag([200e3**2, 1e3**2, 1e3**2, 3e3**2, 3e3**2, 3e3**2])
    assert withheld_reason(init, gate) == "track not converged: position 1σ 200.0 km > 15.0 km"
    # the largest axis counts, whatever the frame: rotate a 20 km × 1 km ellipse by 45°
    c = np.sqrt(0.5)
    R = np.array([[c, -c, 0.0], [c, c, 0.0], [0.0, 0.0, 1.0]])
    tilted = np.zeros((6, 6))
    tilted[:3, :3] = R @ np.diag([20e3**2, 1e3**2, 1e3**2]) @ R.T
    tilted[3:, 3:] = np.eye(3)
    assert "position 1σ 20.0 km" in withheld_reason(tilted, gate)
    slow = ok.copy()
    slow[4, 4] = 40.0**2
    assert withheld_reason(slow, gate) == "track not converged: velocity 1σ 40 m/s > 25 m/s"
    assert withheld_reason(np.full((6, 6), np.nan), gate) == "track covariance not finite"


def test_innovation_gate_sums_the_latest_nis_against_chi2():
    # χ²(20) 0.999 quantile = 45.315 (Abramowitz & Stegun 1964, Table 26.8); ten lines of sight
    # (2 dof each) whose NIS sum to 50 are inconsistent, to 20 (the expected 20) are not.
    from hyperdef.assessment.quality import innovation_reason

    gate = QualityGate(nis_window=10, nis_probability=0.999)
    dof = np.full(10, 2)
    assert innovation_reason(np.full(10, 2.0), dof, gate) is None
    why = innovation_reason(np.full(10, 5.0), dof, gate)
    assert why == ("innovations inconsistent: NIS 50.0 over the last 10 updates > 45.3 "
                   "(χ²(20) 99.9% quantile)")
    # only the latest window counts: a bad start that the track has recovered from passes
    assert innovation_reason(np.r_[np.full(5, 100.0), np.full(10, 2.0)], np.full(15, 2),
                             gate) is None
    assert innovation_reason([], [], gate) is None
    assert innovation_reason([np.nan], [2], gate) == "innovations not finite"


def test_products_and_engagement_use_only_estimates_that_pass_both_gates():
    # A held track: small covariance throughout, but its innovations go inconsistent from t = 6 s
    # (a confident, wrong estimate); at t = 2 s the covariance is too large. Each held time gets
    # the reason of the gate it fails, the covariance gate first.
    import pandas as pd

    from hyperdef.assessment.quality import gate_reasons

    t = np.arange(0.0, 12.0, 2.0)
    x = np.zeros((1, t.size, 6))
    P = np.broadcast_to(np.diag([1e6] * 3 + [1.0] * 3), (1, t.size, 6, 6)).copy()
    P[0, 1, 0, 0] = 100e3**2
    cols = np.array([-1, 0, 0, 0, 0, 0])
    nis = pd.DataFrame({"t_s": t[1:], "track": 7, "dof": 2,
                        "nis": [1.0, 2.0, 3.0, 60.0, 2.0]})
    reasons = gate_reasons(t, x, P, cols, np.array([7]), nis, QualityGate(nis_window=3))
    assert reasons[0] is None and reasons[2] is None
    assert reasons[1] == "track not converged: position 1σ 100.0 km > 15.0 km"
    assert reasons[4].startswith("innovations inconsistent: NIS 65.0 over the last 3 updates")
    assert reasons[5].startswith("innovations inconsistent: NIS 65.0")


def _one_step_at_a_time(t, x, P, cols, track_ids, nis, gate):
    """The gate as its definition reads, one grid time at a time: covariance first, then the
    holder's NIS window up to that time (the batched `gate_reasons` must say the same)."""
    from hyperdef.assessment.quality import innovation_reason

    out = []
    for i, k in enumerate(cols):
        if k < 0:
            out.append(None)
            continue
        if not np.isfinite(x[k, i]).all():
            out.append("track estimate not finite")
            continue
        why = withheld_reason(P[k, i], gate)
        rows = nis[(nis["track"] == track_ids[k]) & (nis["t_s"] <= t[i] + 1e-9)]
        if why is None and len(rows):
            why = innovation_reason(rows["nis"].to_numpy(), rows["dof"].to_numpy(), gate)
        out.append(why)
    return out


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_batched_gate_says_what_each_step_says(seed):
    import pandas as pd

    from hyperdef.assessment.quality import gate_reasons

    rng = np.random.default_rng(seed)
    T, K = 30, 3
    t = np.arange(T) * 2.0
    x = rng.normal(size=(K, T, 6))
    x[rng.random((K, T)) < 0.05] = np.nan
    sig = np.exp(rng.uniform(np.log(1e2), np.log(1e5), (K, T, 6)))
    sig[..., 3:] /= 500.0
    P = np.zeros((K, T, 6, 6))
    P[..., range(6), range(6)] = sig**2
    P[rng.random((K, T)) < 0.05] = np.nan
    cols = rng.integers(-1, K, T)
    track_ids = np.array([4, 9, 11])
    n = 60
    nis = pd.DataFrame({"t_s": rng.choice(t, n) + rng.choice([0.0, 0.5], n),
                        "track": rng.choice([4, 9, 11, 20], n), "dof": rng.choice([2, 3], n),
                        "nis": rng.chisquare(2.5, n) * rng.choice([1.0, 8.0], n)})
    nis.loc[rng.random(n) < 0.03, "nis"] = np.nan
    gate = QualityGate(nis_window=int(rng.integers(1, 12)))
    assert gate_reasons(t, x, P, cols, track_ids, nis, gate) == \
        _one_step_at_a_time(t, x, P, cols, track_ids, nis.sort_values("t_s", kind="stable"),
                            gate)
