"""Angle-only LOS: tangent basis, noise model and innovation, against closed forms."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.measurement.los import los_innovation, los_unit, perturb_los, tangent_basis
from hyperdef.random import stream

# Directions that break angle-based bases: the poles, the ±π meridian, the z = 0 seam.
SPECIAL_U = np.array([
    [0.0, 0.0, 1.0], [0.0, 0.0, -1.0], [1e-12, 0.0, 1.0], [0.0, -1e-12, -1.0],
    [-1.0, 0.0, 0.0], [-1.0, 1e-15, 0.0], [-1.0, -1e-15, 0.0], [1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0], [0.6, 0.8, 0.0], [0.6, 0.8, -0.0], [0.6, 0.8, 1e-300],
])

unit_vectors = st.tuples(*[st.floats(-1.0, 1.0)] * 3).filter(
    lambda v: 1e-3 < np.linalg.norm(v)).map(lambda v: np.array(v) / np.linalg.norm(v))


def _check_frame(u):
    u = u / np.linalg.norm(u, axis=-1, keepdims=True)
    e = np.asarray(tangent_basis(u))
    gram = np.einsum("...ij,...kj->...ik", e, e)
    # Orthonormality to 1e-14: float64 rounding, i.e. well conditioned everywhere.
    # measured worst case: 3.3e-16 (hyperdef 0.1.0, float64).
    assert np.max(np.abs(gram - np.eye(2))) < 1e-14
    assert np.max(np.abs(np.einsum("...ij,...j->...i", e, u))) < 1e-14
    # Right-handed: e1 × e2 = u (the sign convention the sensors' noise also uses).
    assert np.max(np.abs(np.cross(e[..., 0, :], e[..., 1, :]) - u)) < 1e-14


def test_tangent_basis_special_directions():
    _check_frame(SPECIAL_U)
    assert np.all(np.isfinite(np.asarray(tangent_basis(SPECIAL_U))))


@settings(max_examples=200, deadline=None)
@given(unit_vectors)
def test_tangent_basis_everywhere(u):
    _check_frame(u[None])


def test_tangent_basis_continuous_across_poles_and_antimeridian():
    # Walk a great circle through both poles and the ±π meridian (x < 0, y = 0): away from the
    # documented z = 0 seam the frame changes by no more than the direction does (Lipschitz ≤ 3).
    t = np.linspace(-np.pi, np.pi, 20001)
    u = np.stack([np.cos(t), 1e-3 * np.sin(3.0 * t), np.sin(t)], -1)
    u /= np.linalg.norm(u, axis=-1, keepdims=True)
    e = np.asarray(tangent_basis(u))
    du = np.linalg.norm(np.diff(u, axis=0), axis=-1)
    de = np.linalg.norm(np.diff(e, axis=0), axis=(-2, -1))
    same_side = (u[:-1, 2] >= 0) == (u[1:, 2] >= 0)
    assert np.max(de[same_side] / du[same_side]) < 3.0


def test_innovation_norm_is_sine_of_angle():
    # |ν| = |E(u_m) u_p| is the length of u_p's projection on the tangent plane = sin(angle)
    # between u_m and u_p (closed form), at the poles and the antimeridian as anywhere.
    rng = np.random.default_rng(1)
    r_obs = rng.normal(size=(len(SPECIAL_U), 3)) * 7e6
    rho = 2.0e6
    for ang in (1e-6, 1e-3, 0.3):
        axis = np.cross(SPECIAL_U, rng.normal(size=SPECIAL_U.shape))
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
        u_p = np.cos(ang) * SPECIAL_U + np.sin(ang) * axis
        nu = np.asarray(los_innovation(SPECIAL_U, r_obs, r_obs + rho * u_p))
        # measured worst case: 8.9e-10 relative (hyperdef 0.1.0, float64).
        np.testing.assert_allclose(np.linalg.norm(nu, axis=-1), np.sin(ang), rtol=1e-9)


def test_innovation_jacobian_closed_form_at_poles():
    # ∂ν/∂r_tgt = −E (I − u uᵀ)/ρ (derivative of a normalised vector; Bar-Shalom et al. 2001).
    r_obs = np.array([1.0e6, -2.0e5, 3.0e6])
    for u_dir in SPECIAL_U[[0, 1, 4, 9]]:
        u = u_dir / np.linalg.norm(u_dir)
        r_tgt = r_obs + 1.5e6 * u
        j = np.asarray(jax.jacfwd(lambda r, u=u: los_innovation(u, r_obs, r))(r_tgt))
        e = np.asarray(tangent_basis(u))
        expected = -e @ (np.eye(3) - np.outer(u, u)) / 1.5e6
        assert np.all(np.isfinite(j))
        np.testing.assert_allclose(j, expected, atol=1e-15)


def test_perturb_los_matches_noise_model():
    # ν of the perturbed direction against the truth must be N(0, σ² I₂) (detections contract);
    # also the angle from the truth is Rayleigh(σ) for small σ: mean σ√(π/2).
    n, sigma = 20000, 2e-5
    rng = np.random.default_rng(2)
    u = rng.normal(size=(n, 3))
    u[:100] = [0.0, 0.0, 1.0]
    u[100:200] = [-1.0, 0.0, 0.0]
    u /= np.linalg.norm(u, axis=-1, keepdims=True)
    um = np.asarray(perturb_los(u, sigma, key=stream(0, 0, "test/los")))
    np.testing.assert_allclose(np.linalg.norm(um, axis=-1), 1.0, atol=1e-15)
    nu = np.asarray(los_innovation(um, np.zeros(3), u * 1e6)) / sigma
    cov = nu.T @ nu / n
    # Sample covariance of n standard normals: entries within 5/√n (≈ 0.035) of I at 5σ.
    assert np.max(np.abs(cov - np.eye(2))) < 5.0 / np.sqrt(n)
    ang = np.arccos(np.clip(np.sum(um * u, -1), -1, 1))
    assert abs(ang.mean() / (sigma * np.sqrt(np.pi / 2)) - 1.0) < 0.03  # 5σ of a Rayleigh mean


def test_perturb_los_is_keyed():
    u = np.tile([0.0, 0.6, 0.8], (4, 1))
    a = perturb_los(u, 1e-3, key=stream(1, 0, "x"))
    b = perturb_los(u, 1e-3, key=stream(1, 0, "x"))
    c = perturb_los(u, 1e-3, key=stream(1, 1, "x"))
    assert jnp.array_equal(a, b) and not jnp.array_equal(a, c)


def test_los_unit_direction():
    r_obs = np.array([7.0e6, 0.0, 0.0])
    np.testing.assert_allclose(los_unit(r_obs, [7.0e6, 0.0, -3.0]), [0.0, 0.0, -1.0])
