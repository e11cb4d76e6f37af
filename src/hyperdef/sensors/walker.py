"""Walker constellations: delta (i:T/P/F) and star patterns of circular orbits.

Walker's notation (J. G. Walker, "Satellite constellations", J. British Interplanetary Society 37,
559–572, 1984): T satellites in P equally inclined circular planes, S = T/P per plane, and a
phasing integer F in [0, P). Plane j ∈ [0, P) has node Ω_j = Ω0 + j·ΔΩ and satellite k ∈ [0, S)
of it has argument of latitude u_jk = k·360°/S + j·F·360°/T.

- delta: the nodes span the whole equator, ΔΩ = 360°/P (Walker 1984).
- star: the nodes span half of it, ΔΩ = 180°/P, so that near-polar planes are evenly spaced
  around the pole and the first and last planes are counter-rotating neighbours (Walker 1970,
  RAE TR 70211, the "star" patterns; the seam geometry of Adams & Rider, J. Astronaut. Sci. 35,
  1987).
"""

from __future__ import annotations

import numpy as np

from hyperdef.earth.model import WGS84, EarthModel
from hyperdef.sensors.orbits import Elements, elements

MIN_ALT_M = 100e3  # below ~100 km an orbit decays within hours (the Kármán line)


def walker(
    total: int,
    planes: int,
    phasing: int,
    alt_m: float,
    inc_rad: float,
    *,
    raan0_rad: float = 0.0,
    pattern: str = "delta",
    earth: EarthModel = WGS84,
) -> Elements:
    """Mean elements (T,) of a Walker delta or star pattern of circular orbits at epoch.

    total, planes, phasing: Walker's T, P, F (P divides T, 0 ≤ F < P).
    alt_m: altitude above the equatorial radius [m] (a = R_eq + alt_m); inc_rad: inclination [rad].
    raan0_rad: node of plane 0 in ECI at epoch [rad]; pattern: 'delta' or 'star'.
    Satellites are ordered plane by plane (satellite index = j·S + k).
    Raises ValueError naming the field when the pattern is not well formed.
    """
    if total < 1 or planes < 1:
        raise ValueError(f"walker.total and walker.planes must be >= 1, got {total}, {planes}")
    if total % planes:
        divisors = [d for d in range(1, total + 1) if total % d == 0]
        raise ValueError(
            f"walker.planes ({planes}) must divide walker.total ({total}); "
            f"choose planes from {divisors}"
        )
    if not 0 <= phasing < planes:
        raise ValueError(f"walker.phasing must be in [0, planes-1] = [0, {planes - 1}], "
                         f"got {phasing}")
    if alt_m < MIN_ALT_M:
        raise ValueError(f"walker.alt_km must be >= {MIN_ALT_M / 1e3:.0f} km, "
                         f"got {alt_m / 1e3:g} km")
    if pattern not in ("delta", "star"):
        raise ValueError(f"walker.pattern must be 'delta' or 'star', got {pattern!r}")
    per_plane = total // planes
    spread = 2.0 * np.pi if pattern == "delta" else np.pi
    j, k = np.divmod(np.arange(total), per_plane)
    raan = raan0_rad + j * spread / planes
    arg_lat = 2.0 * np.pi * k / per_plane + j * phasing * 2.0 * np.pi / total
    # Circular orbits: ω = 0 and the mean anomaly is the argument of latitude.
    return elements(earth.a_m + alt_m, 0.0, inc_rad, np.mod(raan, 2 * np.pi), 0.0,
                    np.mod(arg_lat, 2 * np.pi))
