"""IMM: against FilterPy's IMMEstimator, the single-model limit, and heterogeneous mixing rules."""

import dataclasses
from typing import ClassVar

import filters_scenario as sc
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.linalg
from filterpy.common import Q_continuous_white_noise
from filterpy.kalman import ExtendedKalmanFilter, IMMEstimator

from hyperdef.measurement.los import tangent_basis
from hyperdef.tracking.filters import make_filter
from hyperdef.tracking.motion import Ballistic, ConstantVelocity, Glide, Singer

DT, N = 1.0, 25
F_CV = np.kron(np.array([[1.0, DT], [0.0, 1.0]]), np.eye(3))
PI = np.array([[0.9, 0.1], [0.2, 0.8]])
X0 = sc.X0_TRUE + np.array([200, -150, 100, 20, -30, 10.0])


def _measurements():
    xs = sc.cv_truth(sc.X0_TRUE, N, DT, 4.0, key=sc.keys("imm/truth"))
    u = sc.los_measurements(xs, DT, 0, key=sc.keys("imm/los"))
    return [sc.los_row(0, (k + 1) * DT, u[k + 1]) for k in range(N)], u


class _BoundEKF(ExtendedKalmanFilter):
    """FilterPy EKF whose update(z) uses the h and H set for the current step (IMMEstimator
    calls update(z) alone)."""

    def update(self, z, R=None):  # noqa: N803
        super().update(z, self.jac, self.hx, R=R)


def test_imm_equals_filterpy_immestimator():
    rows, u = _measurements()
    qs = (1.0, 400.0)
    ops = make_filter("imm", [ConstantVelocity(q) for q in qs], transition=PI,
                      transition_dt_s=None, mu0=[0.5, 0.5])
    step = jax.jit(lambda s, row: ops.update(ops.predict(s, DT), row))
    s = ops.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    members = []
    for q in qs:
        f = _BoundEKF(dim_x=6, dim_z=2)
        f.x, f.P, f.F = X0.copy(), sc.P0.copy(), F_CV
        f.Q = Q_continuous_white_noise(2, DT, q, block_size=3, order_by_dim=False)
        f.R = np.eye(2) * sc.SIGMA_LOS_RAD**2
        members.append(f)
    imm = IMMEstimator(members, np.array([0.5, 0.5]), PI)
    for k in range(N):
        r_sat = sc.sat_state(0, (k + 1) * DT)[0]
        e = np.asarray(tangent_basis(u[k + 1]))

        def hx(x, e=e, r_sat=r_sat):
            d = x[:3] - r_sat
            return e @ (d / np.linalg.norm(d))

        def jac(x, e=e, r_sat=r_sat):
            d = x[:3] - r_sat
            rho = np.linalg.norm(d)
            uu = d / rho
            return np.hstack([e @ (np.eye(3) - np.outer(uu, uu)) / rho, np.zeros((2, 3))])

        for f in members:
            f.hx, f.jac = hx, jac
        imm.predict(0)  # FilterPy EKF needs a control input; B = 0
        imm.update(e @ u[k + 1])
        s, _, st = step(s, rows[k])
        assert int(st) == 0
        x6, p6 = ops.mean6(s)
        # Same algorithm, independent code: 1e-9 relative, as for the single filters.
        # measured worst case: state 1.8e-15, P 3.4e-12, mu 3.1e-11 relative (hyperdef 0.1.0,
        # float64).
        assert np.linalg.norm(np.asarray(x6) - imm.x) < 1e-9 * np.linalg.norm(imm.x)
        assert np.linalg.norm(np.asarray(p6) - imm.P) < 1e-9 * np.linalg.norm(imm.P)
        np.testing.assert_allclose(np.asarray(s.mu), imm.mu, rtol=1e-9, atol=1e-12)
    assert abs(imm.mu[0] - 0.5) > 0.05  # the data did discriminate the models


def test_identical_members_reduce_to_the_single_filter():
    rows, _ = _measurements()
    single = make_filter("ekf", ConstantVelocity(4.0))
    imm = make_filter("imm", [ConstantVelocity(4.0)] * 2, transition=PI, mu0=[0.3, 0.7])
    s1 = single.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    s2 = imm.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    step1 = jax.jit(lambda s, row: single.update(single.predict(s, DT), row)[0])
    step2 = jax.jit(lambda s, row: imm.update(imm.predict(s, DT), row)[0])
    for row in rows[:10]:
        s1, s2 = step1(s1, row), step2(s2, row)
    np.testing.assert_allclose(imm.mean6(s2)[0], single.mean6(s1)[0], rtol=1e-12)
    np.testing.assert_allclose(imm.mean6(s2)[1], single.mean6(s1)[1], rtol=1e-9)


@dataclasses.dataclass(frozen=True)
class _Frozen:
    """Test-local model with the component names of a physical one and no motion at all, so the
    mixing rules are tested without compiling the physics."""

    like: type
    name: ClassVar[str] = "frozen"

    @property
    def dim(self):
        return self.like.dim

    @property
    def components(self):
        return self.like.components

    @property
    def extra_mean(self):
        return self.like().extra_mean

    @property
    def extra_var(self):
        return self.like().extra_var

    def f(self, x, dt_s):
        return x

    def Q(self, x, dt_s):  # noqa: N802
        return jnp.zeros((self.dim, self.dim))

    def pos(self, x):
        return x[:3]

    def vel(self, x):
        return x[3:6]


def test_heterogeneous_mixing_fill_in():
    # cv (6) + singer (9) + ballistic (7) + glide (9) components. Mix without motion (per-call
    # Π): components a member lacks come from the receiving member, so each member's private
    # extras keep their mean and variance, while position/velocity are the μ_{i|j} mixture.
    models = [ConstantVelocity(), Singer(), _Frozen(Ballistic), _Frozen(Glide)]
    pi = np.full((4, 4), 0.1) + 0.6 * np.eye(4)
    ops = make_filter("imm", models, transition=pi, transition_dt_s=None,
                      mu0=[0.1, 0.2, 0.3, 0.4])
    s = ops.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    # Make the members differ: shift each member's position and extras.
    members = []
    for i, m in enumerate(s.members):
        x = m.x.at[0].add(100.0 * i)
        if x.shape[0] > 6:
            x = x.at[6:].add(0.5 * i)
        members.append(m._replace(x=x))
    s = s._replace(members=tuple(members))
    mixed = jax.jit(ops.predict)(s, 0.0)
    mu = np.array([0.1, 0.2, 0.3, 0.4])
    cbar = mu @ pi
    np.testing.assert_allclose(mixed.mu, cbar, rtol=1e-12)
    for j in range(4):
        g_before = [np.asarray(a) for a in ops_member_gaussian(ops, s, j)]
        g_after = [np.asarray(a) for a in ops_member_gaussian(ops, mixed, j)]
        w = pi[:, j] * mu / cbar[j]
        assert float(g_after[0][0]) == pytest.approx(X0[0] + 100.0 * (w @ np.arange(4)),
                                                     rel=1e-12)
        if g_before[0].shape[0] > 6:
            # Extras shared with other members mix; private ones are untouched.
            shared = {1: [], 2: [6], 3: [6]}[j]
            own = [c for c in range(6, g_before[0].shape[0]) if c not in shared]
            np.testing.assert_allclose(g_after[0][own], g_before[0][own], rtol=1e-12)
            np.testing.assert_allclose(np.diag(g_after[1])[own], np.diag(g_before[1])[own],
                                       rtol=1e-9)
    # log β is shared by ballistic (2) and glide (3): glide's mixed log β is their weighted mean.
    w3 = pi[:, 3] * mu / cbar[3]
    lb = {2: ops_member_gaussian(ops, s, 2)[0][6], 3: ops_member_gaussian(ops, s, 3)[0][6]}
    expected = (w3[2] * lb[2] + (w3[0] + w3[1] + w3[3]) * lb[3])
    assert float(ops_member_gaussian(ops, mixed, 3)[0][6]) == pytest.approx(float(expected))


def ops_member_gaussian(ops, state, j):
    m = state.members[j]
    if hasattr(m, "P"):
        return m.x, m.P
    return m.x, m.S @ m.S.T


def test_rate_transition_over_time():
    ops = make_filter("imm", [ConstantVelocity(1.0), ConstantVelocity(100.0)], transition=PI,
                      transition_dt_s=2.0, mu0=[0.6, 0.4])
    s = ops.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    np.testing.assert_allclose(ops.predict(s, 0.0).mu, [0.6, 0.4], rtol=1e-12)  # Π(0) = I
    np.testing.assert_allclose(ops.predict(s, 2.0).mu, np.array([0.6, 0.4]) @ PI, rtol=1e-9)
    one = ops.predict(s, 1.0)
    twice = ops.predict(one, 1.0)  # Markov property: two 1 s steps = one 2 s step
    np.testing.assert_allclose(twice.mu, np.array([0.6, 0.4]) @ PI, rtol=1e-9)


@pytest.mark.parametrize("pi", [
    [[0.9, 0.1], [0.3, 0.7]],  # two states: reversible, real spectrum (closed form path)
    [[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]],  # reversible, three states
    # a cycle: logm(Π) has negative rates, so G = Π − I (first order), whose spectrum is complex
    [[0.9, 0.1, 0.0], [0.0, 0.9, 0.1], [0.1, 0.0, 0.9]],
])
@pytest.mark.parametrize("dt", [0.3, 1.0, 7.0])
def test_transition_over_a_step_is_the_matrix_exponential(pi, dt):
    # Π(T) = expm(G·T), G = logm(Π)/T_ref where that is a rate matrix, else (Π − I)/T_ref (the
    # documented rule), against SciPy's expm and logm. 1e-12 relative: Π's entries are
    # O(0.01–1) probabilities, so that is far below any effect on the mixing.
    pi = np.asarray(pi)
    g = np.real(scipy.linalg.logm(pi))
    if np.min(g - np.diag(np.diag(g))) < 0:
        g = pi - np.eye(len(pi))
    m = len(pi)
    ops = make_filter("imm", [ConstantVelocity(10.0**k) for k in range(m)], transition=pi,
                      transition_dt_s=1.0, mu0=np.full(m, 1.0 / m))
    s = ops.init_from(jnp.asarray(X0), jnp.asarray(sc.P0))
    want = np.full(m, 1.0 / m) @ scipy.linalg.expm(g * dt)
    np.testing.assert_allclose(ops.predict(s, dt).mu, want, rtol=1e-12)
