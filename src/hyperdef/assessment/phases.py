"""Flight phases of a truth trajectory, for accuracy figures that a few seconds cannot dominate.

One RMSE over a whole flight is ruled by its worst seconds (in the demo, 96 % of the glider's
mean-square error came from its last 15 s, held by one satellite's line of sight), so accuracy is
reported per phase, with the median and 90th percentile of the position error, which a handful
of samples cannot move.

Phases (from truth only, on the grid; each in-flight step in exactly one):
- boost: launch to the first peak of the speed — thrust ends where the speed stops growing
  (gravity and drag decelerate a coasting body in its ascent; a glider is released at burnout);
- terminal: the last `TERMINAL_S` seconds of a flight that ended by impact (the dive, where
  sensor geometry changes fastest and radar often takes over);
- midcourse: the rest.
"""

from __future__ import annotations

import numpy as np
from jax.typing import ArrayLike

PHASES = ("boost", "midcourse", "terminal")
TERMINAL_S = 60.0  # the last minute before impact


def phase_masks(t_s: ArrayLike, speed_mps: ArrayLike, in_flight: ArrayLike, *, impacted: bool,
                t_end_s: float, terminal_s: float = TERMINAL_S) -> dict[str, np.ndarray]:
    """{phase: (T,) bool} over the grid; the three masks partition the in-flight steps.

    t_s: (T,) grid [s]; speed_mps: (T,) truth speed [m/s] (NaN out of flight); in_flight: (T,)
    bool; impacted: the flight ended by impact at t_end_s [s].
    """
    t = np.asarray(t_s, float)
    fly = np.asarray(in_flight, bool)
    v = np.asarray(speed_mps, float)
    idx = np.flatnonzero(fly)
    boost = np.zeros_like(fly)
    if idx.size:
        dv = np.diff(v[idx])
        falling = np.flatnonzero(~(dv > 0.0))  # first step where the speed stops growing
        end = idx[falling[0]] if falling.size else idx[-1]
        boost[idx[0]:end + 1] = True
        boost &= fly
    terminal = fly & ~boost & (t > t_end_s - terminal_s) if impacted else np.zeros_like(fly)
    return {"boost": boost, "midcourse": fly & ~boost & ~terminal, "terminal": terminal}
