"""Earth models selected by the scenario's `earth:` key.

- `wgs84` (default): WGS84 ellipsoid, rotating, point-mass + J2 gravity.
- `spherical`: a rotating sphere of the mean radius, point-mass gravity (literature comparison).
- `spherical-nonrotating`: the same sphere at rest (ECI ≡ ECEF), as in Tracy & Wright (2020).
"""

from __future__ import annotations

import dataclasses

from hyperdef.constants import (
    GM_M3PS2,
    J2,
    OMEGA_EARTH_RADPS,
    R_EARTH_MEAN_M,
    WGS84_A_M,
    WGS84_F,
)


@dataclasses.dataclass(frozen=True)
class EarthModel:
    """Shape, gravity and rotation of the Earth; a static (hashable) argument for jit."""

    name: str
    a_m: float
    f: float
    gm_m3ps2: float
    j2: float
    omega_radps: float

    @property
    def b_m(self) -> float:
        return self.a_m * (1.0 - self.f)

    @property
    def e2(self) -> float:
        return self.f * (2.0 - self.f)

    @property
    def rotating(self) -> bool:
        return self.omega_radps != 0.0


WGS84 = EarthModel("wgs84", WGS84_A_M, WGS84_F, GM_M3PS2, J2, OMEGA_EARTH_RADPS)
SPHERICAL = EarthModel("spherical", R_EARTH_MEAN_M, 0.0, GM_M3PS2, 0.0, OMEGA_EARTH_RADPS)
SPHERICAL_NONROTATING = EarthModel("spherical-nonrotating", R_EARTH_MEAN_M, 0.0, GM_M3PS2, 0.0, 0.0)

EARTH_MODELS = {m.name: m for m in (WGS84, SPHERICAL, SPHERICAL_NONROTATING)}


def earth_model(name: str) -> EarthModel:
    """The model for a scenario `earth:` name; raises ValueError naming the choices."""
    try:
        return EARTH_MODELS[name]
    except KeyError:
        raise ValueError(
            f"earth: unknown model {name!r}; choose one of {', '.join(EARTH_MODELS)}"
        ) from None
