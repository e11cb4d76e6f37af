"""Unrolled small-matrix kernels against NumPy/SciPy (LAPACK)."""

import numpy as np
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.filters import smallmat as sm


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_products_equal_numpy(p, k, q, seed):
    rng = np.random.default_rng(seed)
    a, b, v = rng.normal(size=(p, k)), rng.normal(size=(k, q)), rng.normal(size=k)
    c = rng.normal(size=(k, p))
    # Same sums in another order: agreement to a few ulps of the largest term.
    # measured worst case: products 1.8e-14 relative, 3.6e-15 absolute (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(sm.mm(a, b), a @ b, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(sm.mm(a, v), a @ v, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(sm.mtm(c, b), c.T @ b, rtol=1e-13, atol=1e-13)
    sq = rng.normal(size=(k, k))
    np.testing.assert_allclose(sm.sandwich(a, sq), a @ sq @ a.T, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_cholesky_and_solves_equal_lapack(m, seed):
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(m, m))
    s = g @ g.T + 0.1 * np.eye(m)
    b = rng.normal(size=(m, 3))
    l_ref = scipy.linalg.cholesky(s, lower=True)
    # measured worst case: Cholesky 1.0e-15, solves 3.9e-14 (hyperdef 0.1.0, float64).
    np.testing.assert_allclose(sm.cholesky(s), l_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sm.cho_solve(sm.cholesky(s), b), np.linalg.solve(s, b),
                               rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sm.solve_lower(l_ref, b[:, 0]),
                               scipy.linalg.solve_triangular(l_ref, b[:, 0], lower=True),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sm.sum_log_diag(l_ref), np.sum(np.log(np.diag(l_ref))), rtol=1e-13)


def test_cholesky_flags_indefinite_and_singular():
    assert not np.all(np.isfinite(np.asarray(sm.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])))))
    assert not np.all(np.isfinite(np.asarray(sm.cholesky(np.zeros((2, 2))))))
