"""Gradient-based design: L-BFGS-B on the smooth figure, an outer loop over satellite counts.

For each satellite count (an integer, so never relaxed) the free variables are optimised in box-
normalised coordinates by scipy's L-BFGS-B (Byrd, Lu, Nocedal & Zhu, SIAM J. Sci. Comput. 16,
1995), from the base design and a few scrambled-Sobol starts (seeded, so reruns repeat), with
value and gradient of the smooth figure from one JAX reverse pass. Each start's end point is
re-evaluated exactly (hyperdef.design.problem.exact_figure) and the best exact one is kept.

Checks that turn silent failures into errors naming the variable (DesignError):
- a non-finite gradient component anywhere;
- an objective the free variables cannot move: every gradient component is below 1e-12 of the
  objective's scale at every start (e.g. the corridor is never seen anywhere in the box).
A variable whose gradient is zero at every start while others are not is reported in `warnings`.

The gradient is verified at each count's base design (moved inside the box by 2h where it lies on
a bound; at an optimum the gradient is ~0 and a relative error means nothing) against central
finite differences with one Richardson step, D = (4·D(h/2) − D(h))/3, truncation O(h⁴), h = 1e-4
in normalised units; the error is |g − D|/max(|g|, |D|, 1e-9·max(1, |f|)) per variable (the
floor is a thousand times the differences' round-off).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from scipy.optimize import minimize
from scipy.stats import qmc

from hyperdef.campaign.pareto import dominated
from hyperdef.design.layer import LayerShape
from hyperdef.design.problem import exact_figure, figure
from hyperdef.design.study import DesignError, Study

ZERO_GRADIENT_REL = 1e-12
FD_STEP_U = 1e-4
FD_FLOOR = 1e-9


@dataclasses.dataclass
class CountResult:
    """The optimum for one satellite count (objective values in the figure's own unit)."""

    count: int
    values: dict  # every variable, file units
    objective_surrogate: float
    objective_exact: float
    cost: float
    evaluations: int  # smooth value+gradient evaluations
    exact_evaluations: int
    history: list  # best smooth objective after each L-BFGS-B iteration (all starts in turn)
    gradient: dict  # d(objective)/d(variable) [objective unit per file unit] at the optimum
    gradient_check: dict  # relative error of the gradient against finite differences, per
    # variable, at the base design (where gradients are not ~0 as at an optimum)
    gradient_check_max_rel_err: float
    pareto: bool = False


@dataclasses.dataclass
class DesignResult:
    counts: list[CountResult]
    best: CountResult
    warnings: list[str]

    @property
    def evaluations(self) -> int:
        return sum(c.evaluations + c.exact_evaluations for c in self.counts)

    @property
    def gradient_check_max_rel_err(self) -> float:
        return max(c.gradient_check_max_rel_err for c in self.counts)


def _sign(study: Study) -> float:
    return -1.0 if study.sense == "max" else 1.0


def smooth_functions(study: Study, count: int):
    """(value_and_grad(u) → (objective, ∂objective/∂u), value(u)) for one satellite count,
    jitted; u (n_free,) normalised coordinates; the objective is in its own unit and sense."""
    problem = study.problem.with_shape(LayerShape(count, study.planes,
                                                  study.problem.shape.raan0_rad))
    f = lambda u: figure(study.objective, study.design(u), problem, study.widths)
    return jax.jit(jax.value_and_grad(f)), jax.jit(f)


def exact_function(study: Study, count: int) -> Callable[[np.ndarray], float]:
    problem = study.problem.with_shape(LayerShape(count, study.planes,
                                                  study.problem.shape.raan0_rad))
    return lambda u: exact_figure(study.objective, study.design(jnp.asarray(u)), problem)


def _check_finite(study: Study, u, value, grad):
    bad = [v.name for v, g in zip(study.free, grad, strict=True) if not np.isfinite(g)]
    if bad or not np.isfinite(value):
        where = ", ".join(f"{k}={x:.6g}" for k, x in study.values(u).items())
        names = ", ".join(bad) or "(the objective value)"
        raise DesignError(
            f"variables.{bad[0] if bad else study.objective}: the gradient of {study.objective} "
            f"is not finite with respect to {names} at {where}; narrow that variable's bounds "
            "away from degenerate values (e.g. a half-angle of 90°, a zero NEI)")


def _dx_du(study: Study, u) -> np.ndarray:
    """(n_free,) derivative of each file-unit variable with respect to its normalised one."""
    out = []
    for v, ui in zip(study.free, u, strict=True):
        out.append(v.to_x(float(ui)) * np.log(v.hi / v.lo) if v.log else v.hi - v.lo)
    return np.asarray(out)


def _starts(study: Study) -> np.ndarray:
    n = len(study.free)
    u0 = study.u_of(study.base)[None]
    if study.starts <= 1:
        return u0
    sobol = qmc.Sobol(n, scramble=True, seed=study.seed).random(study.starts - 1)
    return np.concatenate([u0, sobol])


def gradient_check(vg, value, u: np.ndarray):
    """(point checked, gradient, finite-difference gradient, relative error), each (n_free,), in
    normalised units: Richardson-extrapolated central differences at u moved inside the box."""
    c = np.clip(u, 2 * FD_STEP_U, 1 - 2 * FD_STEP_U)
    grad_u = np.asarray(vg(jnp.asarray(c))[1], np.float64)
    fd = np.zeros_like(c)
    for i in range(c.size):
        def central(h, i=i):
            e = np.zeros_like(c)
            e[i] = h
            return (float(value(c + e)) - float(value(c - e))) / (2 * h)
        fd[i] = (4 * central(FD_STEP_U / 2) - central(FD_STEP_U)) / 3
    # Below FD_FLOOR·max(1, |f|) per unit of u both derivatives are round-off (the differences
    # resolve ~1e-16·|f|/h = 1e-12·|f|), so errors are measured against at least that floor.
    floor = FD_FLOOR * max(1.0, abs(float(value(c))))
    scale = np.maximum(np.maximum(np.abs(grad_u), np.abs(fd)), floor)
    return c, grad_u, fd, np.abs(grad_u - fd) / scale


def _optimize_count(study: Study, count: int, progress, warnings: list[str],
                    check_zero: bool) -> CountResult:
    vg, value = smooth_functions(study, count)
    exact = exact_function(study, count)
    sign = _sign(study)
    n_eval = 0
    history: list[float] = []
    start_grads = []

    def fun(u):
        nonlocal n_eval
        n_eval += 1
        f, g = vg(jnp.asarray(u))
        f, g = float(f), np.asarray(g, np.float64)
        _check_finite(study, u, f, g)
        return sign * f, sign * g

    ends = []
    for k, u0 in enumerate(_starts(study)):
        f0, g0 = fun(u0)
        start_grads.append((abs(f0), g0))
        res = minimize(fun, u0, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * u0.size,
                       callback=_recorder(f0, sign, history),
                       options={"maxiter": study.max_iterations})
        ends.append(np.clip(res.x, 0.0, 1.0))
        if progress:
            progress(f"N={count} start {k + 1}: {study.objective} = {sign * res.fun:.6g} "
                     f"(smooth) after {res.nit} iterations")
    if check_zero:
        _check_zero_gradient(study, start_grads, warnings)
    exacts = [exact(u) for u in ends]
    i_best = int(np.argmax([sign * -e for e in exacts]))
    u_best = ends[i_best]
    f_best, g_best = vg(jnp.asarray(u_best))
    _, _, fd, rel = gradient_check(vg, value, _starts(study)[0])
    dxdu = _dx_du(study, u_best)
    values = study.values(u_best)
    per_var = lambda g, d: {v.name: float(gi) / di for v, gi, di in zip(study.free, g, d,
                                                                         strict=True)}
    return CountResult(
        count=count, values=values, objective_surrogate=float(f_best),
        objective_exact=float(exacts[i_best]), cost=study.cost.of(count, values["nei_w_m2"]),
        evaluations=n_eval, exact_evaluations=len(exacts), history=history,
        gradient=per_var(np.asarray(g_best), dxdu),
        gradient_check={v.name: float(r) for v, r in zip(study.free, rel, strict=True)},
        gradient_check_max_rel_err=float(np.max(rel)) if rel.size else 0.0)


def _recorder(f0: float, sign: float, history: list):
    """An L-BFGS-B callback appending the best objective so far (in its own sense)."""
    best = [f0]

    def record(intermediate_result):
        best[0] = min(best[0], float(intermediate_result.fun))
        history.append(sign * best[0])

    return record


def _check_zero_gradient(study: Study, start_grads, warnings: list[str]):
    flat = np.array([[abs(gi) <= ZERO_GRADIENT_REL * max(1.0, f) for gi in g]
                     for f, g in start_grads])
    names = [v.name for v in study.free]
    if flat.all():
        raise DesignError(
            f"objective.figure: {study.objective} does not change with any free variable "
            f"({', '.join(names)}): its gradient is zero at all {len(start_grads)} starting "
            "designs, so no optimum can be found. The sensors probably never see the targets "
            "anywhere in the bounds: check the corridor/threats against the layer (intensity, "
            "NEI, field of regard) or widen variables.*")
    # numpy's stubs type all(axis=0) as bool-or-array; of this 2-D array it is an array.
    for name, zero in zip(names, flat.all(axis=0), strict=True):  # type: ignore[arg-type]
        if zero:
            warnings.append(f"variables.{name}: {study.objective} does not change with it at "
                            "any starting design; it stays where it starts")


def optimize(study: Study, progress: Callable[[str], None] | None = None) -> DesignResult:
    """Optimise every satellite count of the study; the best is the one with the best exact
    objective. Pareto flags mark counts that no other count beats in both cost and objective."""
    warnings: list[str] = []
    results = [_optimize_count(study, n, progress, warnings, check_zero=(i == 0))
               for i, n in enumerate(study.counts)]
    sign = _sign(study)
    scores = np.array([[-r.cost, -sign * r.objective_exact] for r in results])
    for r, dom in zip(results, dominated(scores), strict=True):
        r.pareto = not bool(dom)
    best = min(results, key=lambda r: sign * r.objective_exact)
    return DesignResult(results, best, warnings)
