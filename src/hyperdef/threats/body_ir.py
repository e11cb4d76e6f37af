"""Infrared body model: the panelled body and its panel temperatures from engineering heating.

`ir_model: stagnation` (hyperdef.threats.heating) puts the whole emitting area at the cold-wall
stagnation temperature, the literature's upper bound. This model instead heats each part of a
panelled body with its own correlation, puts each panel at radiative equilibrium, caps it at a
material limit, and sums grey-body band intensity over the area each panel projects toward the
viewer (Lambertian panels):

- nose cap (sphere, radius R_n): Sutton–Graves stagnation heating (NASA TR R-376, 1971) with the
  hot-wall factor (1 − h_w/h_0) (Tauber, NASA TP-2914, 1989, Eq. 2);
- two swept leading edges (cylinders, radius R_le, sweep Λ): the cylinder stagnation line gets
  1/√2 of the sphere's heating at the same radius and sweep scales it by cos^1.5 Λ
  (Tauber 1989, §2.2; Bertin, *Hypersonic Aerothermodynamics*, AIAA 1994, ch. 5);
- windward and leeward acreage: flat-plate heating along the running length s, laminar or
  turbulent by the local Reynolds number against `transition_reynolds`. Surfaces facing into the
  flow at incidence φ > 0 use Tauber, Menees & Adelman's correlations (J. Aircraft 24(9), 1987:
  laminar q = 2.53e-5 √cos φ sin φ s^-½ ρ^½ V^3.2 (1 − h_w/h_0); turbulent, V > 3 962 m/s,
  q = 2.2e-5 cos^2.08 φ sin^1.6 φ s^-0.2 ρ^0.8 V^3.7 (1 − 1.11 h_w/h_0)); no surface gets less
  than a flat plate at zero incidence in the free stream (Reynolds analogy, St = 0.332
  Pr^-⅔ Re_s^-½ laminar, 0.0296 Pr^-⅔ Re_s^-0.2 turbulent; White, *Viscous Fluid Flow*, 3rd ed.,
  2006, §7-5), which is what a sheltered leeward surface sees (an upper bound: the expansion
  over it lowers the density).

Simplifications, each deliberate: the acreage is a plate of the body's length cut into
`N_STRIPS` equal strips; the attitude is wings level at the commanded angle of attack (bank is
not turned into the view); h_w = c_p·T_w with a constant c_p; no gas radiation, no plume.

What the panels radiate toward a viewer (Planck over the projected areas) is
hyperdef.threats.body_view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from hyperdef.constants import STEFAN_BOLTZMANN_W_PER_M2_K4

if TYPE_CHECKING:
    from hyperdef.threats.params import BodyParams

N_STRIPS = 8
CP_AIR_JPKGK = 1004.5  # c_p of air for wall and recovery enthalpies [J/kg/K]
PRANDTL = 0.71
SUTHERLAND_MU0, SUTHERLAND_T0, SUTHERLAND_S = 1.716e-5, 273.15, 110.4  # White 2006, Table 1-2
TAUBER_V_SPLIT_MPS = 3962.0  # Tauber et al. 1987: the turbulent fit changes at 13 000 ft/s


class Body(NamedTuple):
    """A panelled body (scalars or (...) arrays; lengths [m], areas [m²], angles [rad])."""

    nose_radius_m: ArrayLike
    leading_edge_radius_m: ArrayLike
    leading_edge_sweep_rad: ArrayLike
    leading_edge_length_m: ArrayLike
    length_m: ArrayLike
    windward_area_m2: ArrayLike
    windward_incidence_rad: ArrayLike
    leeward_area_m2: ArrayLike
    leeward_incidence_rad: ArrayLike


# A geometry file is JSON: numbers by field name, as parsed (json.loads is untyped).
def builtin_body(name: str = "reference_glider") -> dict[str, Any]:
    """The shipped geometry `name` as a dict of the JSON fields (threats/data/PROVENANCE.md)."""
    text = resources.files("hyperdef.threats").joinpath("data", f"{name}.json").read_text()
    geo: dict[str, Any] = json.loads(text)
    return geo


def _viscosity(t_k: jax.Array) -> jax.Array:
    return SUTHERLAND_MU0 * (t_k / SUTHERLAND_T0) ** 1.5 * (SUTHERLAND_T0 + SUTHERLAND_S) / (
        t_k + SUTHERLAND_S)


def _equilibrium(q_of_t: Callable[[jax.Array], jax.Array], emissivity: jax.Array, t_hi: jax.Array,
                 bisect: int = 14, newton: int = 3) -> jax.Array:
    """(...) wall temperature [K] with ε σ T⁴ = q(T), q non-increasing in T.

    Bisection brackets the root to t_hi / 2¹⁴ (< 1 K below 16 000 K); Newton steps, kept inside
    the bracket, then converge quadratically (f is smooth and increasing), reaching the 48-step
    bisection's answer to well under 1e-6 K at a third of its cost: this runs per panel for
    every sample and grid time, the threat stage's largest kernel.
    """
    def f(t: jax.Array) -> jax.Array:
        return emissivity * STEFAN_BOLTZMANN_W_PER_M2_K4 * t**4 - q_of_t(t)

    # Loops, not unrolled Python: four panels × 17 steps of q(T) unrolled made the threat
    # stage's largest compilation (≈ 4 s) for the same arithmetic.
    def halve(_: jax.Array, b: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        lo, hi = b
        mid = 0.5 * (lo + hi)
        above = f(mid) > 0.0
        return jnp.where(above, lo, mid), jnp.where(above, mid, hi)

    lo, hi = jax.lax.fori_loop(0, bisect, halve, (jnp.zeros_like(t_hi), t_hi))

    def newton_step(_: jax.Array, t: jax.Array) -> jax.Array:
        value, slope = jax.jvp(f, (t,), (jnp.ones_like(t),))
        step = jnp.where(slope > 0.0, value / jnp.where(slope > 0.0, slope, 1.0), 0.0)
        return jnp.clip(t - step, lo, hi)

    return jax.lax.fori_loop(0, newton, newton_step, 0.5 * (lo + hi))


def panel_temperatures_k(rho_kgpm3: jax.Array, speed_mps: jax.Array, t_inf_k: jax.Array,
                         alpha_rad: jax.Array, body: Body, emissivity: jax.Array,
                         material_limit_k: jax.Array, transition_reynolds: jax.Array,
                         sutton_graves_k: jax.Array,
                         ) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Radiative-equilibrium temperatures [K] of the body's panels, capped at the material limit.

    rho_kgpm3, speed_mps, t_inf_k, alpha_rad: (...) free stream and angle of attack.
    Returns (nose (...), leading edge (...), windward (..., N_STRIPS), leeward (..., N_STRIPS)).
    """
    rho = jnp.maximum(jnp.asarray(rho_kgpm3, jnp.float64), 0.0)
    v = jnp.asarray(speed_mps, jnp.float64)
    t_inf = jnp.maximum(jnp.asarray(t_inf_k, jnp.float64), 1.0)
    h0 = 0.5 * v**2 + CP_AIR_JPKGK * t_inf
    def hot(t: jax.Array, c: float = 1.0) -> jax.Array:
        return jnp.maximum(1.0 - c * CP_AIR_JPKGK * t / h0, 0.0)

    def cap(t: jax.Array) -> jax.Array:
        return jnp.minimum(t, material_limit_k)

    t_top: jax.Array = (sutton_graves_k * jnp.sqrt(rho / body.nose_radius_m) * v**3
             / (emissivity * STEFAN_BOLTZMANN_W_PER_M2_K4)) ** 0.25 + 1.0
    q_nose = sutton_graves_k * jnp.sqrt(rho / body.nose_radius_m) * v**3
    t_nose = _equilibrium(lambda t: q_nose * hot(t), emissivity, t_top)
    q_le = (sutton_graves_k * jnp.sqrt(rho / body.leading_edge_radius_m) * v**3 / jnp.sqrt(2.0)
            * jnp.cos(body.leading_edge_sweep_rad) ** 1.5)
    t_le = _equilibrium(lambda t: q_le * hot(t), emissivity, t_top)

    def ex(a: ArrayLike) -> jax.Array:
        return jnp.asarray(a)[..., None]

    s = ex(body.length_m) * (jnp.arange(N_STRIPS) + 0.5) / N_STRIPS  # running lengths [m]
    rho_, v_, t_inf_, h0_ = ex(rho), ex(v), ex(t_inf), ex(h0)
    re = rho_ * v_ * s / _viscosity(t_inf_)
    turb = re > transition_reynolds
    pr23 = PRANDTL ** (-2.0 / 3.0)

    # phi_rad: incidence of the surface to the flow, > 0 facing into it.
    def acreage(phi_rad: ArrayLike) -> jax.Array:
        phi = ex(phi_rad)
        sphi, cphi = jnp.maximum(jnp.sin(phi), 0.0), jnp.cos(phi)
        lam_t = 2.53e-5 * jnp.sqrt(cphi) * sphi / jnp.sqrt(s) * jnp.sqrt(rho_) * v_**3.2
        tur_hi = 2.2e-5 * cphi**2.08 * sphi**1.6 * s**-0.2 * rho_**0.8 * v_**3.7
        st_lam = 0.332 * pr23 / jnp.sqrt(jnp.maximum(re, 1e-30))
        st_tur = 0.0296 * pr23 * jnp.maximum(re, 1e-30) ** -0.2
        hr_lam = CP_AIR_JPKGK * t_inf_ + jnp.sqrt(PRANDTL) * 0.5 * v_**2
        hr_tur = CP_AIR_JPKGK * t_inf_ + PRANDTL ** (1 / 3) * 0.5 * v_**2

        def q_of(t: jax.Array) -> jax.Array:
            hw = CP_AIR_JPKGK * t
            fl = jnp.maximum(1.0 - hw / h0_, 0.0)
            ft = jnp.maximum(1.0 - 1.11 * hw / h0_, 0.0)
            tur_lo = (3.89e-4 * cphi**1.78 * sphi**1.6 * s**-0.2 * (jnp.maximum(t, 1.0) / 556.0)
                      ** -0.25 * rho_**0.8 * v_**3.37)
            tur_t = jnp.where(v_ > TAUBER_V_SPLIT_MPS, tur_hi, tur_lo) * ft
            q_lam = jnp.maximum(lam_t * fl, st_lam * rho_ * v_ * jnp.maximum(hr_lam - hw, 0.0))
            q_tur = jnp.maximum(tur_t, st_tur * rho_ * v_ * jnp.maximum(hr_tur - hw, 0.0))
            return jnp.where(turb, q_tur, q_lam)

        return cap(_equilibrium(q_of, ex(emissivity), ex(t_top) + 0.0 * s))

    alpha = jnp.asarray(alpha_rad)
    return (cap(t_nose), cap(t_le), acreage(alpha + body.windward_incidence_rad),
            acreage(body.leeward_incidence_rad - alpha))


def body_from_params(params: BodyParams, nose_radius_m: ArrayLike) -> Body:
    """`Body` with (S, 1) fields from resolved body parameters (hyperdef.threats.params
    BodyParams) over its shipped geometry; the nose radius defaults to the drawn one (S,)."""
    geo = builtin_body(params.geometry)
    # Fields are read by name: each overrides the geometry's own value when given.
    def length(k: str) -> float:
        v: float | None = getattr(params, k)
        return float(geo[k]) if v is None else v

    def angle(k: str) -> float:
        v: float | None = getattr(params, k)
        return float(np.deg2rad(geo[k.replace("_rad", "_deg")])) if v is None else v

    n = np.asarray(nose_radius_m, np.float64)
    def col(x: ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, np.float64), n.shape)[:, None]

    nose = n if params.nose_radius_m is None else np.full(n.shape, params.nose_radius_m)
    return Body(col(nose), col(length("leading_edge_radius_m")),
                col(angle("leading_edge_sweep_rad")), col(length("leading_edge_length_m")),
                col(length("length_m")), col(length("windward_area_m2")),
                col(angle("windward_incidence_rad")), col(length("leeward_area_m2")),
                col(angle("leeward_incidence_rad")))
