"""Quantities shared by the threat models: limits, bounded numbers, schedules, escape speed.

Units in the file are degrees, km and seconds; a number annotated `Dispersed` may be dispersed
for Monte Carlo (hyperdef.scenario.base), a `float` one is a plain number. Each carries its
`Bounds` (hyperdef.scenario.bounds) in its annotation.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from hyperdef.constants import GM_M3PS2, R_EARTH_MEAN_M
from hyperdef.scenario.base import Dispersed
from hyperdef.scenario.bounds import Bounds

# Limits shared by several keys. A threat flies below ~5 000 km (an ICBM's apogee is ~1 200 km),
# within a day of the epoch, and at most half a great circle (20 037 km) from where it starts.
ALT_MAX_KM = 5_000.0
TIME_MAX_S = 86_400.0
HALF_GREAT_CIRCLE_KM = 20_037.5
ALT_WHY = "far above any missile apogee"
TIME_WHY = "a threat's flight ends within a day"


Lat = Annotated[Dispersed, Bounds(-90.0, 90.0, "deg")]
Lon = Annotated[Dispersed, Bounds(-180.0, 360.0, "deg")]
Angle = Annotated[Dispersed, Bounds(-360.0, 360.0, "deg")]
FlightPath = Annotated[Dispersed, Bounds(-90.0, 90.0, "deg")]
Fraction = Annotated[Dispersed, Bounds(0.0, 1.0, low_open=True)]
Mass = Annotated[Dispersed, Bounds(0.1, 1e6, "kg", why="a vehicle or stage of 100 g to 1 000 t")]
Time = Annotated[float, Bounds(0.0, TIME_MAX_S, "s", why=TIME_WHY)]
Schedule = Annotated[list[tuple[Time, Annotated[float, Bounds(-90.0, 90.0, "deg")]]],
                     Field(min_length=1, max_length=1_000)]


def escape_speed_mps(alt_m: float) -> float:
    """√(2μ/r) at altitude alt_m [m] above the mean sphere (the load-time escape check)."""
    return math.sqrt(2.0 * GM_M3PS2 / (R_EARTH_MEAN_M + alt_m))


def ordered_schedule(rows: Schedule | None, what: str) -> None:
    """Raise ValueError naming `what` unless the rows' times (first column) increase strictly."""
    if rows is not None:
        if not rows:
            raise ValueError(f"{what}: give at least one [t, value] row")
        ts = [r[0] for r in rows]
        if any(b <= a for a, b in zip(ts, ts[1:], strict=False)):
            raise ValueError(f"{what}: the first column must increase strictly, got {ts}")
