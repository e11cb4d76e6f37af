"""Field types and checks shared by the sensor specs (hyperdef.scenario.sensors, .radar,
.constellation): bounded reals in file units and the exactly-one-of rule."""

from __future__ import annotations

from typing import Annotated

from hyperdef.scenario.bounds import Bounds


def one_of(model, names: tuple[str, ...], what: str):
    """Raise ValueError unless exactly one of the named keys is given."""
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        shown = ", ".join(given) if given else "none"
        raise ValueError(f"give exactly one of {', '.join(names)} for {what} (got {shown})")


Lat = Annotated[float, Bounds(-90.0, 90.0, "deg")]
Lon = Annotated[float, Bounds(-180.0, 360.0, "deg")]
AngleDeg = Annotated[float, Bounds(-360.0, 360.0, "deg")]
