"""JPDA marginal probabilities against a hand enumeration (2 targets, 3 measurements)."""

import numpy as np

from hyperdef.tracking.association.jpda import jpda_betas


def test_two_targets_three_measurements_by_hand():
    # Gates: track 1 sees z1, z2; track 2 sees z2, z3 (the textbook picture, Bar-Shalom, Daum &
    # Huang 2009 Fig. 6). Likelihoods f_tj, P_D, λ chosen freely.
    f = np.array([[0.8, 0.3, 0.0], [0.0, 0.5, 0.2]])
    gated = f > 0
    pd, pg, lam = 0.9, 0.99, 0.1
    a = pd / lam  # factor per assigned pair: P_D f / λ
    m = 1 - pd * pg  # factor per undetected track
    # The feasible events, written out by hand: (track-1 measurement, track-2 measurement),
    # 0 = undetected.
    events = {
        (0, 0): m * m,
        (1, 0): a * f[0, 0] * m,
        (2, 0): a * f[0, 1] * m,
        (0, 2): m * a * f[1, 1],
        (0, 3): m * a * f[1, 2],
        (1, 2): a * f[0, 0] * a * f[1, 1],
        (1, 3): a * f[0, 0] * a * f[1, 2],
        (2, 3): a * f[0, 1] * a * f[1, 2],
        # (2, 2) is infeasible: one measurement cannot come from two targets
    }
    c = sum(events.values())
    expect = np.zeros((2, 4))
    for (j1, j2), w in events.items():
        expect[0, j1] += w / c
        expect[1, j2] += w / c
    with np.errstate(divide="ignore"):
        beta = jpda_betas(np.log(f), gated, p_detection=pd, p_gate=pg, clutter_density=lam)
    # measured worst case: 7.8e-16 relative (hyperdef 0.1.0, float64).
    assert np.allclose(beta, expect, rtol=1e-12, atol=1e-15)  # same arithmetic, round-off only
    assert np.allclose(beta.sum(axis=1), 1.0)


def test_nonparametric_and_separate_clusters():
    # Non-parametric JPDA (λ unknown): event weight φ!/V^φ Π P_D f Π (1 − P_D P_G), φ the number
    # of clutter measurements (Bar-Shalom, Daum & Huang 2009, Eq. 47). One track, two measurements.
    f = np.array([[0.4, 0.1]])
    pd, pg, V = 0.8, 1.0, 5.0
    w_none = 2 / V**2 * (1 - pd * pg)  # φ = 2
    w1 = 1 / V * pd * f[0, 0]  # φ = 1
    w2 = 1 / V * pd * f[0, 1]
    c = w_none + w1 + w2
    beta = jpda_betas(np.log(f), f > 0, p_detection=pd, p_gate=pg, gate_volume=[V])
    assert np.allclose(beta, [[w_none / c, w1 / c, w2 / c]], rtol=1e-12)
    # A track with nothing in its gate keeps β0 = 1; clusters do not interact.
    f2 = np.array([[0.4, 0.0], [0.0, 0.0]])
    with np.errstate(divide="ignore"):
        beta = jpda_betas(np.log(f2), f2 > 0, p_detection=pd, clutter_density=1.0)
    assert beta[1].tolist() == [1.0, 0.0, 0.0]
    assert np.isclose(beta[0, 1], pd * 0.4 / (pd * 0.4 + (1 - pd)))
