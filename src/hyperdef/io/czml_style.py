"""The building blocks of a CZML scene (hyperdef.io.czml): colours, labels, sampled positions
and numbers, and the clock that turns seconds after the epoch into ISO-8601 instants."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

META_ID = "hyperdef"
THREAT_RGB = {"glide": (255, 90, 40), "ballistic": (255, 215, 0), "cruise": (230, 80, 230)}
RGB = {"threat": (255, 255, 255), "satellite": (120, 200, 255), "radar": (90, 230, 120),
       "access": (0, 255, 255), "track": (255, 255, 255), "footprint": (255, 60, 60),
       "area": (60, 140, 255), "interceptor": (40, 220, 160), "IR field of regard": (255, 170, 60)}
#: Legend row → the entity-id prefix whose presence puts it in the legend.
LEGEND_PREFIX = {"satellite": "sat/", "radar": "radar/", "access": "access/", "track": "track/",
                 "footprint": "footprint/", "area": "area/", "interceptor": "interceptor/",
                 "IR field of regard": "for/"}


def rgba(rgb, alpha=255):
    return {"rgba": [*rgb, alpha]}


def field(item, key):
    """Areas, footprints and sites come as dicts (YAML) or frozen models (scenario specs)."""
    return item[key] if isinstance(item, Mapping) else getattr(item, key)


def label(text, rgb):
    return {"text": text, "font": "13px sans-serif", "fillColor": rgba(rgb),
            "horizontalOrigin": "LEFT", "pixelOffset": {"cartesian2": [9, 0]},
            "showBackground": True, "backgroundColor": rgba((0, 0, 0), 140)}


def sampled(values, t_s, mask, decimals=None):
    """Flat CZML samples [t0, v0..., t1, v1..., ...] of the rows where mask holds.

    values: (T, n) or (T,); t_s: (T,) seconds after epoch; mask: (T,) bool; decimals: rounding
    of the values (3 for metres: a millimetre, far below any sensor's resolution; None keeps all).
    """
    v = np.asarray(values, dtype=np.float64).reshape(len(t_s), -1)
    keep = mask & np.all(np.isfinite(v), axis=1)
    v = v[keep] if decimals is None else np.round(v[keep], decimals)
    return np.concatenate([np.round(t_s[keep], 6)[:, None], v], axis=1).ravel().tolist()


def runs(mask):
    """(start, stop) index pairs, inclusive, of the runs of True in a (T,) bool mask."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[0::2], edges[1::2] - 1, strict=True))


class Clock:
    """Epoch-relative seconds to ISO-8601 instants and intervals."""

    def __init__(self, epoch, t_s):
        self.epoch, self.t_s = epoch, np.asarray(t_s, dtype=np.float64)
        self.iso = epoch.isoformat()

    def at(self, t_s):
        return self.epoch.to_datetime(float(t_s)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def interval(self, t0_s, t1_s):
        return f"{self.at(t0_s)}/{self.at(t1_s)}"

    def availability(self, mask, hold=False):
        """Intervals where mask holds; hold=True keeps each run up to the next grid time."""
        last = len(self.t_s) - 1
        out = [self.interval(self.t_s[i0], self.t_s[min(i1 + 1, last) if hold else i1])
               for i0, i1 in runs(mask)]
        return out[0] if len(out) == 1 else out

    def position(self, r_m, mask, degree=1):
        algorithm = "LINEAR" if degree == 1 else "LAGRANGE"
        return {"epoch": self.iso, "referenceFrame": "FIXED", "interpolationAlgorithm": algorithm,
                "interpolationDegree": degree, "cartesian": sampled(r_m, self.t_s, mask, 3)}

    def number(self, values, mask):
        return {"epoch": self.iso, "number": sampled(values, self.t_s, mask, 6)}


def has(item, key) -> bool:
    return (key in item) if isinstance(item, dict) else hasattr(item, key)
