"""Physical bounds on scenario numbers, and a hint when a value looks like a unit slip.

Every physical number of a scenario or campaign file carries a `Bounds` in its annotation:

    alt_km: Annotated[float, Bounds(100, 50_000, "km", why="above geostationary")]

The bound is checked after pydantic's own parsing (which already refuses NaN and ±inf, see
`hyperdef.scenario.base.Model`), on a plain number or on every defining number of a dispersion
(the mean of a normal, both ends of a uniform). A value out of bounds that would be in bounds in
a neighbouring unit (metres given for km, km/s for m/s, …) gets that suggestion in its error, so
`alt_km: 1000000` reads "was it given in m? 1e+06 m = 1000 km". The bounds also go into the JSON
Schema (`minimum`, `maximum`, …) so editors flag the value before a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic_core import core_schema

# Neighbouring units a value in the key's unit is often given in by mistake, with the factor that
# converts a number in the neighbour to the key's unit.
_SLIPS: dict[str, tuple[tuple[str, float], ...]] = {
    "km": (("m", 1e-3),),
    "m": (("km", 1e3), ("mm", 1e-3)),
    "m/s": (("km/s", 1e3),),
    "s": (("ms", 1e-3), ("min", 60.0)),
    "deg": (("rad", 180.0 / math.pi),),
    "µm": (("m", 1e6), ("nm", 1e-3)),
    "kg": (("t", 1e3), ("g", 1e-3)),
    "µrad": (("mrad", 1e3), ("rad", 1e6)),
    "mrad": (("µrad", 1e-3), ("rad", 1e3)),
}


@dataclass(frozen=True)
class Bounds:
    """Inclusive (or, with `*_open`, exclusive) limits in `unit`; `why` says where they come from.

    Usable as `Annotated` metadata on a float, an int or a dispersed number
    (`hyperdef.scenario.base.Dispersed`).
    """

    low: float | None = None
    high: float | None = None
    unit: str = ""
    low_open: bool = False
    high_open: bool = False
    why: str = ""

    def ok(self, x: float) -> bool:
        if not math.isfinite(x):
            return False
        if self.low is not None and (x <= self.low if self.low_open else x < self.low):
            return False
        return not (self.high is not None and (x >= self.high if self.high_open else
                                               x > self.high))

    def text(self) -> str:
        """'> 0 and <= 50000 km' — the allowed range, as an error or a description says it."""
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'<' if self.high_open else '<='} {self.high:g}")
        unit = f" {self.unit}" if self.unit and parts else ""
        return " and ".join(parts) + unit

    def hint(self, x: float) -> str:
        """'; was it given in m? 1e+06 m = 1000 km' when a neighbouring unit fits, else ''."""
        for other, factor in _SLIPS.get(self.unit, ()):
            if self.ok(x * factor):
                return (f"; was it given in {other}? {x:g} {other} = {x * factor:g} "
                        f"{self.unit}")
        return ""

    def check(self, value):
        """Raise ValueError naming the range (and a unit slip) when `value` is out of bounds."""
        points = _defining_numbers(value)
        for what, x in points:
            if not self.ok(float(x)):
                why = f" ({self.why})" if self.why else ""
                head = "must be" if what == "value" else f"{what} must be"
                raise ValueError(f"{head} {self.text()}{why}{self.hint(float(x))}")
        return value

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        js = handler(schema)
        # At the top level these apply to numbers only, so they also hold for a dispersed
        # number's anyOf (a normal's or uniform's object form is not a number).
        if self.low is not None:
            js["exclusiveMinimum" if self.low_open else "minimum"] = self.low
        if self.high is not None:
            js["exclusiveMaximum" if self.high_open else "maximum"] = self.high
        if self.unit:
            js["x-unit"] = self.unit
        return js


def _defining_numbers(value) -> list[tuple[str, float]]:
    """The numbers a bound applies to: the value, a normal's mean, a uniform's low and high."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [("value", value)]
    if hasattr(value, "low") and hasattr(value, "high"):
        return [("low", value.low), ("high", value.high)]
    if hasattr(value, "mean"):
        return [("mean", value.mean)]
    return []
