"""Design variables of a space IR layer and its satellites' positions as smooth functions of them.

A Walker pattern (J. G. Walker, J. British Interplanetary Society 37, 559–572, 1984) with T
satellites in P planes, S = T/P per plane, puts plane j ∈ [0, P) at node Ω_j = Ω0 + j·ΔΩ and
satellite k ∈ [0, S) of it at argument of latitude u_jk = k·360°/S + j·F·360°/T. The integer
phasing F and the node span P·ΔΩ (360° delta, 180° star) are relaxed here to real numbers, so
altitude, inclination, node spread and phasing are all continuous: with F an integer and a
spread of 360° or 180° the elements equal `hyperdef.sensors.walker.walker`'s exactly. T and P stay
integers (an outer loop over counts). The sensor's cone half-angle, NEI and frame period are the
remaining continuous variables.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from hyperdef.earth.model import EarthModel
from hyperdef.sensors.orbits import Elements, propagate_ecef
from hyperdef.time import Epoch

DEG = np.pi / 180.0


class LayerDesign(NamedTuple):
    """Continuous design variables (SI scalars; a JAX pytree, so it can be differentiated)."""

    alt_m: jnp.ndarray  # circular-orbit altitude above the equatorial radius
    inc_rad: jnp.ndarray
    raan_spread_rad: jnp.ndarray  # P·ΔΩ: 2π delta, π star
    phasing: jnp.ndarray  # Walker F, relaxed to a real number
    half_angle_rad: jnp.ndarray  # nadir cone field of regard
    nei_w_m2: jnp.ndarray  # noise-equivalent irradiance
    frame_period_s: jnp.ndarray


# Name in design files (file units) → (field of LayerDesign, factor from file units to SI).
VARIABLES: dict[str, tuple[str, float]] = {
    "alt_km": ("alt_m", 1e3),
    "inc_deg": ("inc_rad", DEG),
    "raan_spread_deg": ("raan_spread_rad", DEG),
    "phasing": ("phasing", 1.0),
    "half_angle_deg": ("half_angle_rad", DEG),
    "nei_w_m2": ("nei_w_m2", 1.0),
    "frame_period_s": ("frame_period_s", 1.0),
}


@dataclasses.dataclass(frozen=True)
class LayerShape:
    """The integer and fixed part of a layer (hashable: a static argument)."""

    total: int
    planes: int
    raan0_rad: float = 0.0


@dataclasses.dataclass(frozen=True)
class SensorFixed:
    """Sensor parameters that are not design variables (SI; see hyperdef.sensors.space_ir)."""

    snr_threshold: float
    clutter: tuple[float, float, float]  # NEI multipliers against space, limb, Earth
    grazing_alt_m: float = 0.0
    limb_top_m: float = 100e3
    transmission: float = 1.0
    max_range_m: float = float("inf")


def design_from_file_units(values: dict[str, float]) -> LayerDesign:
    """A `LayerDesign` from a mapping of every VARIABLES name to its value in file units."""
    return LayerDesign(**{field: jnp.asarray(values[name] * k, jnp.float64)
                          for name, (field, k) in VARIABLES.items()})


def to_file_units(design: LayerDesign) -> dict[str, float]:
    """The inverse of `design_from_file_units` (plain floats)."""
    return {name: float(getattr(design, field)) / k for name, (field, k) in VARIABLES.items()}


def walker_elements(design: LayerDesign, shape: LayerShape, earth: EarthModel) -> Elements:
    """Mean elements (T,) of the relaxed Walker pattern (satellite index = j·S + k)."""
    per_plane = shape.total // shape.planes
    j, k = np.divmod(np.arange(shape.total), per_plane)
    raan = shape.raan0_rad + j * design.raan_spread_rad / shape.planes
    arg_lat = 2.0 * np.pi * k / per_plane + j * design.phasing * 2.0 * np.pi / shape.total
    n = shape.total
    full = lambda x: jnp.broadcast_to(jnp.asarray(x, jnp.float64), (n,))
    return Elements(full(earth.a_m + design.alt_m), full(0.0), full(design.inc_rad),
                    full(jnp.mod(raan, 2 * np.pi)), full(0.0), full(jnp.mod(arg_lat, 2 * np.pi)))


def layer_positions(design: LayerDesign, shape: LayerShape, t_s, *, epoch: Epoch,
                    earth: EarthModel):
    """(T_sat, n_t, 3) ECEF positions [m] of the layer's satellites at t_s (n_t,) [s since epoch]
    (Kepler + J2 secular drift, hyperdef.sensors.orbits)."""
    r, _ = propagate_ecef(walker_elements(design, shape, earth), t_s, epoch=epoch, earth=earth)
    return r
